"""Shared PDF rendering (COM-1) and checked, encrypted uploads."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pypdf import PdfReader

from pps.pdf import MARKING, StaticFilesOnlyFetcher, render_pdf
from pps.uploads import read_upload

TEMPLATES_WITH_TESTS = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [
            Path(__file__).resolve().parents[2] / "templates",
            Path(__file__).resolve().parents[1] / "templates",
        ],
        "APP_DIRS": True,
    }
]


def pdf_pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@override_settings(TEMPLATES=TEMPLATES_WITH_TESTS)
def test_com1_marking_and_reference_on_every_page():
    pdf = render_pdf(
        "pdf_selftest.html",
        {
            "document_title": "Test letter",
            "coded_reference": "PPS-2026-00042",
            "paragraphs": ["Lorem ipsum. " * 40] * 30,
        },
    )
    pages = pdf_pages_text(pdf)
    assert len(pages) > 1
    for text in pages:
        assert MARKING in text and "PPS-2026-00042" in text


@override_settings(TEMPLATES=TEMPLATES_WITH_TESTS)
def test_sec4_markup_in_content_is_text_not_a_fetch(monkeypatch):
    fetched = []
    original = StaticFilesOnlyFetcher.fetch
    monkeypatch.setattr(
        StaticFilesOnlyFetcher,
        "fetch",
        lambda self, url, headers=None: fetched.append(url) or original(self, url, headers),
    )
    note = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    text = "".join(
        pdf_pages_text(
            render_pdf(
                "pdf_selftest.html", {"document_title": "T", "coded_reference": "R", "note": note}
            )
        )
    )
    assert "<img src=" in text  # escaped and printed, not interpreted
    assert all(url.endswith("pdf.css") for url in fetched)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "http://127.0.0.1:9/x", "data:text/plain,hi"]
)
def test_pdf_fetcher_refuses_anything_but_bundled_assets(url):
    with pytest.raises(ValueError):
        StaticFilesOnlyFetcher().fetch(url)


def test_pdf_fetcher_refuses_path_traversal():
    from pps.pdf import PDF_STATIC_DIR

    with pytest.raises(ValueError):
        StaticFilesOnlyFetcher().fetch(PDF_STATIC_DIR.resolve().as_uri() + "/../../pps/settings.py")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\nabc", "image/png"),
        (b"\xff\xd8\xff\xe0abc", "image/jpeg"),
    ],
)
def test_upload_type_is_decided_by_content(content, expected):
    assert read_upload(SimpleUploadedFile("anything.txt", content, "text/plain")) == (
        content,
        expected,
    )


@pytest.mark.parametrize(
    "content", [b"<html><script>alert(1)</script>", b"MZ\x90\x00executable", b""]
)
def test_upload_rejects_other_content_even_if_named_pdf(content):
    with pytest.raises(ValidationError):
        read_upload(SimpleUploadedFile("form.pdf", content, "application/pdf"))


@override_settings(PPS_UPLOAD_MAX_BYTES=1024)
def test_upload_size_is_capped():
    with pytest.raises(ValidationError, match="smaller than"):
        read_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 2000, "application/pdf"))
