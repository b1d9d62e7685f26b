"""A bounded crawler for leak tests: everything a signed-in user can reach.

From the start URLs it follows every same-origin link (``href``), every htmx
``data-hx-get`` (requested as htmx does, with ``HX-Request``), every GET form
(submitted with its defaults and with each search term), and redirects. PDFs
are read as text; other files as bytes. Nothing is ever POSTed.
"""

import io
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from pypdf import PdfReader

SKIP_PREFIXES = ("/static/", "/accounts/logout/", "/admin/logout/")


@dataclass
class Form:
    action: str
    fields: dict = field(default_factory=dict)
    text_inputs: list = field(default_factory=list)


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.fragments: list[str] = []
        self.get_forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        fragment = attrs.get("data-hx-get") or attrs.get("hx-get")
        if fragment:
            self.fragments.append(fragment)
        if tag == "form":
            method = attrs.get("method", "get").lower()
            self._form = Form(action=attrs.get("action", "")) if method == "get" else None
        elif self._form is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            if not name or attrs.get("type") in ("submit", "button", "file"):
                return
            self._form.fields[name] = attrs.get("value", "")
            if attrs.get("type", "text") in ("text", "search"):
                self._form.text_inputs.append(name)

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.get_forms.append(self._form)
            self._form = None


@dataclass
class Crawl:
    pages: dict[str, str]  # url -> text seen by the user
    statuses: dict[str, int]

    def containing(self, needle: str) -> list[str]:
        return [url for url, text in self.pages.items() if needle in text]


def _text(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace") if "text" in content_type else body.decode("latin-1")


def _local(base: str, href: str) -> str | None:
    absolute = urljoin("http://testserver" + base, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = urlunsplit(("", "", parts.path, parts.query, ""))
    return None if path.startswith(SKIP_PREFIXES) else path


def crawl(client, start, *, search_terms=(), limit=400) -> Crawl:
    queue = deque((url, False) for url in start)
    seen = {url for url in start}
    pages, statuses = {}, {}

    def enqueue(base, href, fragment=False):
        url = _local(base, href)
        if url and url not in seen and len(seen) < limit:
            seen.add(url)
            queue.append((url, fragment))

    while queue:
        url, fragment = queue.popleft()
        headers = {"HX-Request": "true"} if fragment else {}
        response = client.get(url, headers=headers)
        statuses[url] = response.status_code
        if response.status_code in (301, 302, 303, 307, 308):
            enqueue(url, response["Location"])
            continue
        text = _text(response)
        pages[url] = text
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser()
        parser.feed(text)
        for href in parser.links:
            enqueue(url, href)
        for href in parser.fragments:
            enqueue(url, href, fragment=True)
        for form in parser.get_forms:
            action = form.action or url.split("?")[0]
            enqueue(url, f"{action}?{urlencode(form.fields)}")
            for term in search_terms:
                for name in form.text_inputs:
                    enqueue(url, f"{action}?{urlencode({**form.fields, name: term})}")
    return Crawl(pages=pages, statuses=statuses)
