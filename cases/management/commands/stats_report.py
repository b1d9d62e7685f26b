"""Write the anonymised statistics for one service and period to a file (STA-1, STA-2).

    python manage.py stats_report --period 2026-10 --format csv
    python manage.py stats_report --service north --period 2026-Q3 --format pdf --output q3.pdf

Each run that writes a file is logged as an export, with the user given by
--by or, for a scheduled run, the operating-system account that ran it.
"""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.statistics.export import (
    export_filename,
    report_csv,
    report_pdf,
    statistics_export_record,
)
from cases.statistics.models import StatisticsExport, suppression_threshold_for
from cases.statistics.report import Period, PeriodError, build_report
from pps.models import Service, User
from pps.roles import Role


class Command(BaseCommand):
    help = "Export the anonymised statistics for a month (2026-10) or quarter (2026-Q3)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026-10 or 2026-Q3.")
        parser.add_argument("--format", required=True, choices=["csv", "pdf"], dest="fmt")
        parser.add_argument("--service", help="Service code; needed when there are several.")
        parser.add_argument("--output", help="File to write (default: a name from the period).")
        parser.add_argument("--by", help="Username of the coordinator the export is for.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the table sizes; write and log nothing."
        )

    def handle(self, *args, period, fmt, service, output, by, dry_run, **options):
        chosen = self.service(service)
        try:
            parsed = Period.parse(period).check_reportable(timezone.localdate())
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        user = self.coordinator(by, chosen) if by else None
        report = build_report(
            service=chosen, period=parsed, threshold=suppression_threshold_for(chosen)
        )
        hidden = sum(table.cells.suppressed_count for table in report.tables)
        withheld = sum(table.withheld for table in report.tables)
        summary = (
            f"{len(report.tables)} tables for {parsed.label}, {hidden} cells hidden, "
            f"{withheld} tables withheld (threshold {report.threshold})"
        )
        if dry_run:
            self.stdout.write(f"Dry run: {summary}. Nothing written or logged.")
            return
        content = report_csv(report) if fmt == "csv" else report_pdf(report)
        path = Path(output or export_filename(chosen, report, fmt))
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror}.") from exc
        statistics_export_record(
            service=chosen,
            report=report,
            fmt=fmt,
            via=StatisticsExport.Via.COMMAND,
            by=user,
            operator=self.operator(),
        )
        self.stdout.write(f"Wrote {path}: {summary}. Export logged.")

    @staticmethod
    def service(code: str | None) -> Service:
        if code:
            found = Service.objects.filter(code=code).first()
            if not found:
                raise CommandError(f"No service with the code {code!r}.")
            return found
        services = list(Service.objects.all()[:2])
        if len(services) != 1:
            raise CommandError("Say which service with --service CODE.")
        return services[0]

    @staticmethod
    def coordinator(username: str, service: Service) -> User:
        user = User.objects.filter(
            username=username, service=service, role=Role.COORDINATOR, is_active=True
        ).first()
        if not user:
            raise CommandError(f"{username!r} is not an active coordinator of this service.")
        return user

    @staticmethod
    def operator() -> str:
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown account"
