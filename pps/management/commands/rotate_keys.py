"""Re-wrap every case data key under the current master key (SEC-1).

Rotation without downtime:
1. ``manage.py rotate_keys --generate-key k2026b`` prints a new key entry;
2. put it FIRST in PPS_MASTER_KEYS, keeping the old entries after it, and restart;
3. ``manage.py rotate_keys`` re-wraps the data keys (rows are not re-encrypted);
4. once it reports nothing left, remove the old entries and restart again.
"""

from django.core.management.base import BaseCommand, CommandError

from pps import crypto


class Command(BaseCommand):
    help = "Re-wrap case data keys under the current master key."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")
        parser.add_argument(
            "--generate-key",
            metavar="KEY_ID",
            help="Print a new master key entry with this id, and do nothing else.",
        )

    def handle(self, *args, dry_run: bool, generate_key: str | None, **options):
        if generate_key:
            if not generate_key.isalnum():
                raise CommandError("A key id is letters and digits only.")
            self.stdout.write(crypto.generate_master_key_spec(generate_key))
            return
        target = crypto.current_master_key_id()
        try:
            changed, already = crypto.rewrap_all_data_keys(dry_run=dry_run)
        except crypto.EncryptionKeyError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would be re-wrapped" if dry_run else "re-wrapped"
        self.stdout.write(
            f"{changed} data keys {verb} under master key {target!r}; {already} already under it."
        )
