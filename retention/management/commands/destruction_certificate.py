"""Write the destruction certificate PDF for a service and a date range (RET-3)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pps.models import Service
from retention.certificate import CertificateRangeError, destruction_certificate_pdf


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date like 2026-01-31.") from exc


class Command(BaseCommand):
    help = "Write a certificate of destruction (PDF) for a date range."

    def add_arguments(self, parser):
        parser.add_argument("--service", required=True, help="The service's code.")
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--output", required=True, help="Where to write the PDF.")

    def handle(self, *args, service, start, end, output, **options):
        found = Service.objects.filter(code=service).first()
        if found is None:
            raise CommandError(f"No service with code {service!r}.")
        try:
            pdf = destruction_certificate_pdf(
                service=found, start=_date(start), end=_date(end), produced_by=None
            )
        except CertificateRangeError as exc:
            raise CommandError(str(exc)) from exc
        Path(output).write_bytes(pdf)
        self.stdout.write(f"Certificate written to {output} ({len(pdf)} bytes).")
