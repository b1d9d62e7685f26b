"""The destruction certificate: what was destroyed in a date range (RET-3).

Built from the destruction log only, so it can hold nothing personal.
"""

import datetime

from django.utils import timezone

from pps.models import Service, User
from pps.pdf import render_pdf
from retention.models import DestructionLogEntry

MAX_RANGE_DAYS = 3660


class CertificateRangeError(ValueError):
    """The date range is unusable; the message is safe to show."""


def destruction_entries(service: Service, start: datetime.date, end: datetime.date):
    if end < start:
        raise CertificateRangeError("The end date must be the same as or after the start date.")
    if (end - start).days > MAX_RANGE_DAYS:
        raise CertificateRangeError("Choose a range of at most ten years.")
    return (
        DestructionLogEntry.objects.filter(
            service=service, destroyed_at__date__gte=start, destroyed_at__date__lte=end
        )
        .select_related("authorised_by")
        .order_by("destroyed_at", "pk")
    )


def certificate_reference(service: Service, start: datetime.date, end: datetime.date) -> str:
    return f"DC-{service.code.upper()}-{start:%Y%m%d}-{end:%Y%m%d}"


def destruction_certificate_pdf(
    *, service: Service, start: datetime.date, end: datetime.date, produced_by: User | None
) -> bytes:
    logged = list(destruction_entries(service, start, end))
    # The certificate's table and key count are about cases; the records not
    # about families (GOV-7) follow as counts by kind and rule.
    entries = [entry for entry in logged if entry.is_case]
    other_records = [entry for entry in logged if not entry.is_case]
    return render_pdf(
        "retention/certificate_pdf.html",
        {
            "document_title": "Certificate of destruction",
            "coded_reference": certificate_reference(service, start, end),
            "generated_on": timezone.localdate(),
            "service_name": service.name,
            "start": start,
            "end": end,
            "entries": entries,
            "other_records": other_records,
            "keys_destroyed": sum(1 for entry in entries if entry.key_destroyed_at),
            "produced_by": produced_by,
        },
    )
