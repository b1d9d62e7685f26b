"""Back up the case database, or (with --keystore) the key store, to a directory.

    python manage.py backup --to /backups/cases
    python manage.py backup --keystore --to /keystore-backups   # another volume or server

Each file gets a manifest (<file>.json) with its checksum; key-store and
case-database backups are refused in the same directory.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pps.backups import DESCRIPTIONS, BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the case database (or the key store, with --keystore) to --to DIR."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="Directory for the backup.")
        parser.add_argument(
            "--keystore", action="store_true", help="Back up the key store instead."
        )

    def handle(self, *args, to: Path, keystore: bool, **options):
        alias = "keystore" if keystore else "default"
        try:
            path = make_backup(alias, to)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up the {DESCRIPTIONS[alias]} to {path}")
