"""PDF rendering with weasyprint, for letters, forms, packs and certificates.

Everything a PDF may load comes from ``static/pdf/`` (stylesheet, fonts, logo):
the URL fetcher refuses anything else, so markup that reached a note cannot
make the renderer fetch a URL, read a local file or call home.
Templates extend ``pdf/base.html``, which puts "Strictly private and
confidential" and the document's coded reference on every page (COM-1, DIS-5).
"""

import mimetypes
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_STATIC_DIR = Path(settings.BASE_DIR) / "static" / "pdf"
MARKING = "Strictly private and confidential"


class StaticFilesOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        root = PDF_STATIC_DIR.resolve()
        prefix = root.as_uri() + "/"
        if not url.startswith(prefix):
            raise ValueError("PDFs may only load the project's bundled PDF assets.")
        path = (root / url[len(prefix) :].split("?")[0]).resolve()
        if root not in path.parents or not path.is_file():
            raise ValueError("PDFs may only load the project's bundled PDF assets.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@cache
def static_files_only_fetcher() -> StaticFilesOnlyFetcher:
    """One fetcher for every render: building one loads the system's CA
    certificates for an HTTPS handler it never uses (about 70 ms), and ``fetch``
    keeps no state, so renders in several threads can share it."""
    return StaticFilesOnlyFetcher()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template extending ``pdf/base.html`` to PDF bytes.

    ``context`` should give ``coded_reference`` (a case reference or initials
    and date of birth, never a name) and ``document_title``.
    """
    html = render_to_string(template_name, {"marking": MARKING, **context})
    document = HTML(
        string=html,
        base_url=PDF_STATIC_DIR.resolve().as_uri() + "/",
        url_fetcher=static_files_only_fetcher(),
    )
    return document.write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """Serve a PDF as a download; ``filename`` must hold no personal data."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
