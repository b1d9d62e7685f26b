"""Backups of the case database and of the key store, kept apart, and their restore.

- SQLite: the online backup API (a consistent copy while the service runs).
- PostgreSQL: ``pg_dump -Fc``; restored with ``pg_restore`` in one transaction.

Each backup file gets a manifest beside it (``<file>.json``): which database,
when (UTC), its SHA-256, and the migrations it contains. A restore checks the
digest and the file's own integrity before touching the live database, and
the database's integrity afterwards.

The key store is backed up on its own and never into the same directory as
case database backups (ACC-10): a copy of both together could still read a
case that was purged after the copy was made. See pps/restore_replays.py for
how a restore keeps purges that happened after the backup.
"""

import datetime
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
LABELS = {"default": "cases", "keystore": "keystore"}
DESCRIPTIONS = {"default": "case database", "keystore": "key store"}


class BackupError(Exception):
    """A backup or restore that must not go ahead; the message says why."""


@dataclass
class Manifest:
    format: int
    alias: str
    engine: str
    created_at: str
    file: str
    sha256: str
    bytes: int
    migrations: dict

    @property
    def created(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.created_at)


def engine_of(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def applied_migrations(alias: str) -> dict[str, str]:
    """The latest applied migration of each app (what this backup's schema is)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def read_manifest(backup: Path) -> Manifest:
    path = manifest_path(backup)
    if not path.is_file():
        raise BackupError(f"{backup.name} has no manifest ({path.name}); it cannot be checked.")
    try:
        return Manifest(**json.loads(path.read_text()))
    except (ValueError, TypeError) as exc:
        raise BackupError(f"The manifest {path.name} is damaged.") from exc


def _manifests_in(directory: Path) -> list[Manifest]:
    found = []
    for path in glob.glob(str(directory / "*.json")):
        try:
            found.append(Manifest(**json.loads(Path(path).read_text())))
        except (ValueError, TypeError):
            continue
    return found


def check_kept_apart(directory: Path, alias: str) -> None:
    """Refuse to put key-store and case-database backups in the same place."""
    others = {m.alias for m in _manifests_in(directory)} - {alias}
    if others:
        raise BackupError(
            f"{directory} already holds {DESCRIPTIONS[others.pop()]} backups. Keep key-store "
            "backups apart from case-database backups (another volume or server): together "
            "they could still read cases that were purged after the backup."
        )


# --- SQLite -------------------------------------------------------------------


def _sqlite_integrity(conn: sqlite3.Connection) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"Integrity check failed: {result}")
    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise BackupError("Integrity check failed: rows refer to rows that do not exist.")


def _raw_sqlite(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.connection


def _sqlite_backup(alias: str, target: Path) -> None:
    with sqlite3.connect(target) as copy:
        _raw_sqlite(alias).backup(copy)
        _sqlite_integrity(copy)
    copy.close()


def _sqlite_check_file(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            _sqlite_integrity(conn)
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} is not a readable SQLite database.") from exc


def _sqlite_restore(alias: str, source: Path) -> None:
    connections[alias].close()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
        backup.backup(_raw_sqlite(alias))
    backup.close()
    _sqlite_integrity(_raw_sqlite(alias))


# --- PostgreSQL -----------------------------------------------------------------


def pg_tool(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools.")
    return found


def _pg_args_and_env(alias: str) -> tuple[list[str], dict]:
    settings = connections[alias].settings_dict
    args = ["--dbname", settings["NAME"], "--no-password"]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)  # noqa: S603
    if result.returncode != 0:
        # The tools' messages name tables and options, never row contents.
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-500:]}")


def _pg_backup(alias: str, target: Path) -> None:
    args, env = _pg_args_and_env(alias)
    _run([pg_tool("pg_dump"), "--format=custom", "--file", str(target), *args], env)


def _pg_check_file(path: Path) -> None:
    _run([pg_tool("pg_restore"), "--list", str(path)], dict(os.environ))


def _pg_restore(alias: str, source: Path) -> None:
    for connection in connections.all():
        connection.close()
    args, env = _pg_args_and_env(alias)
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
    )


# --- entry points ------------------------------------------------------------------


def make_backup(alias: str, directory: Path, *, now: datetime.datetime | None = None) -> Path:
    engine = engine_of(alias)
    directory.mkdir(parents=True, exist_ok=True)
    check_kept_apart(directory, alias)
    now = now or datetime.datetime.now(datetime.UTC)
    suffix = "sqlite3" if engine == "sqlite" else "pgdump"
    target = directory / f"{LABELS[alias]}-{now:%Y%m%dT%H%M%S%fZ}.{suffix}"
    migrations = applied_migrations(alias)
    # Owner-only from the first byte: a backup is as confidential as the database.
    target.touch(mode=0o600, exist_ok=False)
    try:
        if engine == "sqlite":
            _sqlite_backup(alias, target)
        else:
            _pg_backup(alias, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    manifest = Manifest(
        format=FORMAT,
        alias=alias,
        engine=engine,
        created_at=now.isoformat(),
        file=target.name,
        sha256=sha256_of(target),
        bytes=target.stat().st_size,
        migrations=migrations,
    )
    manifest_path(target).write_text(json.dumps(asdict(manifest), indent=2))
    manifest_path(target).chmod(0o600)
    return target


def verify_backup(backup: Path, alias: str) -> Manifest:
    """Everything that can be checked before the live database is touched."""
    if not backup.is_file():
        raise BackupError(f"{backup} does not exist.")
    manifest = read_manifest(backup)
    if manifest.format != FORMAT or manifest.file != backup.name:
        raise BackupError(f"The manifest does not describe {backup.name}.")
    if manifest.alias != alias:
        raise BackupError(
            f"{backup.name} is a {DESCRIPTIONS.get(manifest.alias, manifest.alias)} backup, "
            f"not a {DESCRIPTIONS[alias]} backup."
        )
    if manifest.engine != engine_of(alias):
        raise BackupError(
            f"{backup.name} was made from {manifest.engine}; this database is {engine_of(alias)}."
        )
    if sha256_of(backup) != manifest.sha256:
        raise BackupError(f"{backup.name} has changed since it was made (checksum mismatch).")
    if manifest.engine == "sqlite":
        _sqlite_check_file(backup)
    else:
        _pg_check_file(backup)
    return manifest


def restore_backup(backup: Path, alias: str) -> None:
    """Replace the live database ``alias`` with the (verified) backup."""
    if engine_of(alias) == "sqlite":
        _sqlite_restore(alias, backup)
    else:
        _pg_restore(alias, backup)
    if not applied_migrations(alias):
        raise BackupError("After the restore the database has no migration history.")
