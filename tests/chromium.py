"""Debian's headless Chromium, driven by Playwright: one browser per test session.

Shared by the browser tests (tests/e2e) and the production-stack test (tests/deploy),
which run in one pytest session: Playwright's sync API runs an event loop in this
thread, so a second ``sync_playwright()`` in the same session would be refused. Never
a browser downloaded by Playwright. Without Chromium the tests skip loudly, or fail
when REQUIRE_BROWSER=1 (CI).
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", name="browser")
def session_browser():
    reason = None
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed"
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(f"!!! SKIPPING browser tests: {reason}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests and fixtures make around it are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
