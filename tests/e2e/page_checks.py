"""Checks the browser tests run on the pages they visit, and keyboard helpers.

- ``assert_accessible``: axe-core (4.14.1, from the npm registry, vendored in
  tests/e2e/vendor) finds no violation. The strict CSP refuses injected <script>
  tags, so its source is evaluated through Playwright instead; the page's own CSP
  still applies to everything else.
- ``HtmlRecorder``: keeps each page's HTML as the server sent it, then runs the W3C
  Nu HTML checker (npm's vnu-jar, installed by ``make test-tools``, run with Java)
  once over all of them: one Java start per test rather than one per page.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
VNU_JAR = (
    Path(__file__).resolve().parents[1]
    / "tools"
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)


def assert_accessible(page) -> None:
    """Zero axe-core violations on the page as it is now (every rule axe runs by default)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""
    )
    assert violations == [], f"{page.url}: {violations}"


def tab_to(page, locator, *, limit: int = 80) -> None:
    """Press Tab until the locator has focus: how a keyboard user gets there."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def html_checker_missing() -> str | None:
    if not VNU_JAR.exists():
        return f"{VNU_JAR} not found (make test-tools)"
    if shutil.which("java") is None:
        return "java not found (apt-get install default-jre-headless)"
    return None


class HtmlRecorder:
    """Records the HTML of the page the browser shows, as sent, for the Nu checker.

    The page's DOM after scripts ran is not what the checker should judge, so the
    body of the last document response is kept (a form page answered with errors
    included); htmx fragments are not documents and are left out.
    """

    def __init__(self, page):
        self.page = page
        self.pages: list[tuple[str, str]] = []
        self._document = None
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        if response.request.resource_type == "document" and not 300 <= response.status < 400:
            self._document = response

    def record(self) -> None:
        """Keep the page now shown; call it before the next navigation."""
        assert self._document is not None, "no page has loaded yet"
        self.pages.append((self.page.url, self._document.text()))

    def errors(self) -> list[str]:
        """The Nu checker's errors on every recorded page, each with its page's address."""
        folder = Path(tempfile.mkdtemp(prefix="pps-html-"))
        try:
            addresses = {}
            for number, (url, html) in enumerate(self.pages):
                path = folder / f"page-{number:03}.html"
                path.write_text(html, encoding="utf-8")
                addresses[path.name] = url
            result = subprocess.run(
                ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)],
                capture_output=True,
                text=True,
                check=False,
            )
            # 0: no error, 1: errors reported; anything else is the checker failing to run.
            assert result.returncode in (0, 1), result.stderr
            report = json.loads(result.stderr or result.stdout)
            errors = []
            for message in report["messages"]:
                if message["type"] not in ("error", "non-document-error"):
                    continue
                page = addresses.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
                errors.append(f"{page} line {message.get('lastLine')}: {message['message']}")
            return errors
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def assert_valid(self) -> None:
        assert self.pages, "no page was recorded"
        errors = self.errors()
        assert errors == [], "\n".join(errors)
