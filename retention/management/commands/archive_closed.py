"""Archive cases closed longer than their service's archive period (RET-2).

Idempotent and safe to run daily; ``--dry-run`` only counts.
"""

from django.core.management.base import BaseCommand, CommandError

from pps.models import Service
from retention.services import cases_archive_due, cases_due_for_archive


class Command(BaseCommand):
    help = "Archive closed cases past the archive period (default one year after closure)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")
        parser.add_argument("--service", help="Only this service (its code); default all.")

    def handle(self, *args, dry_run, service, **options):
        services = Service.objects.order_by("pk")
        if service:
            services = services.filter(code=service)
            if not services.exists():
                raise CommandError(f"No service with code {service!r}.")
        total = 0
        for each in services:
            if dry_run:
                count = cases_due_for_archive(each).count()
                self.stdout.write(f"{each.code}: {count} closed cases due for archiving.")
            else:
                count = cases_archive_due(service=each)
                self.stdout.write(f"{each.code}: {count} cases archived.")
            total += count
        verb = "due for archiving" if dry_run else "archived"
        self.stdout.write(f"Total: {total} cases {verb}.")
