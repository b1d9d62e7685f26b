"""Restore the case database, or (with --keystore) the key store, from a backup.

    python manage.py restore /backups/cases/cases-20260301T020000000000Z.sqlite3 --yes
    python manage.py restore /keystore-backups/keystore-....sqlite3 --keystore --yes

Before touching the live database: the manifest, checksum and the file's own
integrity are checked, and every registered replay reads from the live
database what happened after the backup (pps/restore_replays.py). After the
restore: the database's integrity is checked and the replays are applied, so
nothing destroyed since the backup comes back.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pps import crypto
from pps.backups import DESCRIPTIONS, BackupError, restore_backup, verify_backup
from pps.restore_replays import replays_for


class Command(BaseCommand):
    help = "Restore the case database (or the key store, with --keystore) from a backup file."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument("--keystore", action="store_true", help="Restore the key store.")
        parser.add_argument("--yes", action="store_true", help="Replace the live database.")
        parser.add_argument(
            "--live-database-lost",
            action="store_true",
            help="The live database cannot be read: restore without replaying what happened "
            "after the backup (destroyed data may come back; the report says what was skipped).",
        )

    def handle(self, *args, backup: Path, keystore: bool, yes: bool, **options):
        alias = "keystore" if keystore else "default"
        what = DESCRIPTIONS[alias]
        try:
            manifest = verify_backup(backup, alias)
        except BackupError as exc:
            raise CommandError(f"Not restored: {exc}") from exc
        self.stdout.write(f"{backup.name}: checksum and integrity verified ({what}).")
        if not yes:
            raise CommandError(f"Not restored: add --yes to replace the live {what}.")

        collected = []
        for replay in replays_for(alias):
            if options["live_database_lost"] and replay.needs_live_database:
                self.stdout.write(
                    self.style.WARNING(f"Skipped (live database lost): {replay.name}")
                )
                continue
            if not replay.needs_live_database:
                collected.append((replay, None))
                continue
            try:
                collected.append((replay, replay.collect(manifest.created)))
            except BackupError as exc:
                raise CommandError(f"Not restored: {exc}") from exc
            except Exception as exc:  # noqa: BLE001 - any failure must stop the restore
                raise CommandError(
                    f"Not restored: could not read '{replay.name}' from the live {what} "
                    f"({type(exc).__name__}). If it is lost, use --live-database-lost."
                ) from exc

        try:
            restore_backup(backup, alias)
        except BackupError as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        crypto.forget_cached_keys()
        self.stdout.write(f"Restored the {what} as it was at {manifest.created_at}.")
        for replay, state in collected:
            try:
                count = replay.apply(state)
            except BackupError as exc:
                raise CommandError(f"Restored, but not replayed: {replay.name}: {exc}") from exc
            self.stdout.write(f"Replayed after the restore: {replay.name}: {count}")
