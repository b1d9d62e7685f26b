"""Uploaded documents (signed consent forms, volunteer agreements, documents on
child information): checked, capped, encrypted.

The type is decided by the file's content, never by its name or the browser's
claim. The bytes are stored with ``EncryptedBinaryField`` in the database under
a data key, so they are never under a public URL and are shredded with the key.
Downloads go through an authorised view that calls ``document_response``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse

# Leading bytes ("magic numbers") of the formats we accept.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def sniff_content_type(head: bytes) -> str | None:
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


def read_upload(uploaded_file) -> tuple[bytes, str]:
    """Return (content, content type) or raise ValidationError with a clear message."""
    limit = settings.PPS_UPLOAD_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(f"The file must be smaller than {limit // (1024 * 1024)} MB.")
    content = uploaded_file.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(f"The file must be smaller than {limit // (1024 * 1024)} MB.")
    if not content:
        raise ValidationError("The selected file is empty.")
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationError("The file must be a PDF, PNG or JPEG.")
    return content, content_type


def document_response(content: bytes, content_type: str, filename_stem: str) -> HttpResponse:
    """Serve a stored document as a download; ``filename_stem`` holds no personal data."""
    response = HttpResponse(content, content_type=content_type)
    extension = EXTENSIONS.get(content_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="{filename_stem}.{extension}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    return response
