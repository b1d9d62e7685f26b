"""Destroy the cases whose retention period has run out (RET-3 to RET-7).

Shows what is due first (references, categories, dates, counts; never a
name). ``--dry-run`` stops there; with ``--as-of DATE`` it shows what would be
due on that later day instead, to plan (nothing is written). Otherwise it asks for confirmation, or takes
``--no-input`` for the daily timer, then purges case by case with a progress
bar, always as of today. Idempotent: a second run finds nothing to do. Exits non-zero if any case
could not be purged; re-running finishes the job.
"""

import argparse
import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pps.models import Service, User
from pps.roles import Role
from pps.security.sessions import sessions_clear_expired
from retention.models import PurgeRun
from retention.progress import ProgressBar
from retention.purge import Preview, PurgeRefused, purge_execute, purge_preview
from retention.tasks import services_purging_now

CONFIRM_WORD = "purge"


class Command(BaseCommand):
    help = "Preview and destroy cases past their retention date (see docs/retention.md)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what is due and stop.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (for the scheduled run).",
        )
        parser.add_argument(
            "--as-of",
            type=_iso_date,
            help="With --dry-run: show what would be due on this later day (YYYY-MM-DD), "
            "to plan. A real purge always works from today.",
        )
        parser.add_argument("--service", help="Only this service (its code); default all.")
        parser.add_argument(
            "--authorised-by",
            help="Username of the administrator authorising this purge; "
            "without it the entry says 'retention schedule'.",
        )

    def handle(self, *args, dry_run, interactive, service, authorised_by, as_of, **options):
        if as_of is not None and not dry_run:
            raise CommandError(
                "--as-of is for planning and needs --dry-run; a purge always works from today."
            )
        by = self._administrator(authorised_by)
        scope = self._service(service, by)
        if as_of is not None:
            try:
                preview = purge_preview(service=scope, as_of=as_of)
            except PurgeRefused as exc:
                raise CommandError(f"{exc} Today is {timezone.localdate():%Y-%m-%d}.") from exc
            self._show(preview)
            self.stdout.write("Dry run: nothing was destroyed and nothing was stored.")
            return
        preview = purge_preview(service=scope)
        self._leave_to_running_purges(preview)
        self._show(preview)
        if dry_run:
            self.stdout.write("Dry run: nothing was destroyed.")
            return
        # The daily run is also when ended sessions go (what a session held must not linger).
        self.stdout.write(f"Expired sessions cleared: {sessions_clear_expired()}")
        if not preview.has_work:
            self.stdout.write("Nothing is due. Nothing was destroyed.")
            return
        if interactive:
            self._confirm(preview)
        bar = ProgressBar(self.stdout, len(preview.due))
        bar.update(0)
        run = purge_execute(
            case_ids=preview.due_ids,
            by=by,
            method=PurgeRun.Method.COMMAND,
            service=scope,
            progress=lambda run: bar.update(run.processed),
        )
        self.stdout.write(
            f"Purged {run.purged} cases, skipped {run.skipped} no longer due, "
            f"{run.failed} failed; {run.keys_destroyed} data keys destroyed; "
            f"{run.anonymous_contacts_deleted} anonymous contacts deleted; "
            f"{run.records_destroyed} other records destroyed (run {run.pk})."
        )
        for note in run.reclaim_notes:
            self.stdout.write(f"Space: {note}")
        if run.failed:
            raise CommandError(
                f"{run.failed} cases could not be purged and are unchanged (a kind of other "
                "record that failed counts as one and is left for the next run); "
                "see the log, then run purge_expired again."
            )

    def _administrator(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, role=Role.ADMIN, is_active=True).first()
        if user is None:
            raise CommandError(f"No active administrator with username {username!r}.")
        return user

    def _service(self, code: str | None, by: User | None) -> Service | None:
        if code:
            service = Service.objects.filter(code=code).first()
            if service is None:
                raise CommandError(f"No service with code {code!r}.")
            if by is not None and by.service_id != service.pk:
                raise CommandError("That administrator belongs to another service.")
            return service
        # An administrator can only authorise their own service's purge.
        return by.service if by is not None else None

    def _leave_to_running_purges(self, preview: Preview) -> None:
        """Drop the due cases of a service whose screen purge is running (OPS-2)."""
        running = services_purging_now()
        left = [item for item in preview.due if item.service_id in running]
        if not left:
            return
        preview.due = [item for item in preview.due if item.service_id not in running]
        runs = ", ".join(str(run) for run in sorted(set(running.values())))
        self.stdout.write(
            f"Left for the next run: {len(left)} due cases of a service whose purge from the "
            f"administration screen is running (run {runs})."
        )

    def _show(self, preview: Preview) -> None:
        write = self.stdout.write
        write(f"Retention purge preview for {preview.today:%d %B %Y}")
        if preview.planned:
            write(
                "Planning preview: dates worked out for that day as things stand now "
                "(legal holds and open requests included); the purge itself uses today."
            )
        write(f"Due for destruction: {len(preview.due)} cases")
        if preview.due:
            write(f"  {'Reference':<16} {'Closed':<12} {'Due':<12} Categories")
            for item in preview.due:
                write(
                    f"  {item.reference:<16} {_day(item.closed_on):<12} "
                    f"{_day(item.destroy_on):<12} {', '.join(item.categories)}"
                )
        write(f"Due but held back: {len(preview.blocked)} cases")
        for item in preview.blocked:
            write(
                f"  {item.reference:<16} due {_day(item.destroy_on)}: {', '.join(item.blocked_by)}"
            )
        write(f"Date cannot be worked out (not purged): {len(preview.needs_review)} cases")
        for item in preview.needs_review:
            write(f"  {item.reference:<16} {item.review_reason}")
        write(f"Anonymous contacts past their retention: {preview.anonymous_contacts_due}")
        write(f"Other records past their retention: {preview.records_due_total}")
        for label, count in preview.records_due_in_words:
            write(f"  {label}: {count}")
        if preview.keys_pending:
            write(f"Data keys left by an interrupted run, to destroy: {preview.keys_pending}")

    def _confirm(self, preview: Preview) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                "Refusing to purge without confirmation: run it from a terminal or pass --no-input."
            )
        answer = input(
            f"Destroy {len(preview.due)} cases and their audit history for good? "
            f"Type '{CONFIRM_WORD}' to confirm: "
        )
        if answer.strip().lower() != CONFIRM_WORD:
            raise CommandError("Not confirmed; nothing was destroyed.")


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-31.") from None


def _day(value) -> str:
    return value.strftime("%d %b %Y") if value else "-"
