"""Uploads and PDFs (ASVS 5.0 V5, 1.3.6, 3.2.1). Type-by-content and the size cap of
``read_upload`` are in tests/pps/test_pdf_and_uploads.py; these cover the rest."""

import http.server
import threading
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from weasyprint import HTML

from pps import crypto
from pps.fields import EncryptedBinaryField
from pps.pdf import PDF_STATIC_DIR, StaticFilesOnlyFetcher
from pps.uploads import document_response, read_upload

PROJECT_APPS = {"pps", "keystore", "security", "cases", "consent", "disclosure", "retention"}


def test_asvs_5_3_1_no_model_keeps_uploads_as_files_under_a_url():
    """Uploads are stored as EncryptedBinaryField in the database, never as files."""
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert file_fields == []
    assert not settings.MEDIA_ROOT
    served = [view for view in _all_views() if view.__module__ == "django.views.static"]
    assert served == []


def _all_views(resolver=None):
    from django.urls import URLResolver, get_resolver

    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _all_views(pattern)
        else:
            yield pattern.callback


def test_asvs_5_3_2_the_uploaded_name_is_never_used(db):
    content, content_type = read_upload(
        SimpleUploadedFile("../../etc/passwd;.pdf", b"%PDF-1.7 signed form", "text/html")
    )
    assert (content, content_type) == (b"%PDF-1.7 signed form", "application/pdf")


def test_asvs_5_2_encrypted_at_rest_under_the_case_key(db):
    field = EncryptedBinaryField()
    field.set_attributes_from_name("signed_form")
    row = SimpleNamespace(signed_form=b"%PDF-1.7 the signed consent form", data_key_id=None)
    row.data_key_id = crypto.create_data_key()
    stored = field.pre_save(row, add=True)
    assert b"signed consent form" not in stored
    assert field.from_db_value(stored, None, None) == row.signed_form
    crypto.destroy_data_key(row.data_key_id)
    with pytest.raises(crypto.EncryptionKeyError):
        field.from_db_value(stored, None, None)


def test_asvs_5_4_1_and_3_2_1_downloads_are_sandboxed_attachments_with_our_name():
    response = document_response(b"%PDF-1.7", "application/pdf", "consent-PPS-2026-00042")
    assert response["Content-Disposition"] == 'attachment; filename="consent-PPS-2026-00042.pdf"'
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; frame-ancestors 'none'"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_sec4_a_huge_request_body_is_refused_cleanly(case, staff, client_for):
    client = client_for(staff)
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {"summary": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "version": case.version},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert not case.summary.startswith("xxxx")


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's API
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_asvs_1_3_6_markup_reaching_the_pdf_renderer_cannot_fetch_anything(tmp_path):
    """Even raw markup (as if a template forgot to escape) fetches no URL and no file."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    markup = f"""
      <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
      <style>@import url("http://127.0.0.1:{port}/import.css");
             body {{ background: url("http://127.0.0.1:{port}/bg.png"); }}</style>
      <img src="http://127.0.0.1:{port}/pixel.png">
      <img src="{secret.as_uri()}">
      <object data="http://127.0.0.1:{port}/object"></object>
      <p>note</p>
    """
    try:
        pdf = HTML(
            string=markup,
            base_url=PDF_STATIC_DIR.resolve().as_uri() + "/",
            url_fetcher=StaticFilesOnlyFetcher(),
        ).write_pdf()
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert _CountingHandler.hits == []
