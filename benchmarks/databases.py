"""Where a benchmark size lives: a pair of SQLite files, or a pair of PostgreSQL databases.

Built databases can be kept (``--reuse``) keyed by size and by a hash of the
schema and the builder, so a second run skips the build; every measurement
runs on a copy because the helpline save and the purge change the data.
"""

import hashlib
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from benchmarks.runner import PLUGINS

FILES = ("pps.sqlite3", "keystore.sqlite3")
BUILD_RECORD = "build.json"


def schema_hash() -> str:
    """Changes when a migration, the builder or the settings change (a cached
    database is then stale)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    builder = base / "benchmarks"
    # The plug-in modules may add build steps: every one of runner.PLUGINS counts.
    plugins = [f"{module.rsplit('.', 1)[-1]}.py" for module in PLUGINS]
    sources = sorted(base.glob("*/migrations/0*.py")) + [
        builder / name for name in ("builder.py", "history.py", "people.py", *plugins)
    ]
    # The settings set a SQLite file's format when it is made (incremental auto-vacuum).
    sources.append(base / "pps" / "settings.py")
    for path in sources:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class SqliteTarget:
    vendor = "sqlite"

    def __init__(self, directory: Path):
        self.directory = directory

    def env(self) -> dict[str, str]:
        return {
            "DATABASE_URL": f"sqlite:///{self.directory / FILES[0]}",
            "KEYSTORE_DATABASE_URL": f"sqlite:///{self.directory / FILES[1]}",
        }

    @property
    def record(self) -> Path:
        return self.directory / BUILD_RECORD

    def exists(self) -> bool:
        return self.record.exists() and all((self.directory / f).exists() for f in FILES)

    def prepare(self) -> None:
        self.remove()
        self.directory.mkdir(parents=True, exist_ok=True)

    def copy_to(self, other: "SqliteTarget") -> None:
        other.prepare()
        for name in (*FILES, BUILD_RECORD):
            shutil.copyfile(self.directory / name, other.directory / name)
        # A live database is not a file written a moment ago. Unsynced, the
        # copy's pages (1.8 GB at 100,000 cases) wait in the page cache for up
        # to 30 s, and SQLite's first checkpoint, which syncs the file, would
        # write them all inside whatever measurement is running.
        os.sync()

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


class PostgresTarget:
    """Two databases (cases, key store) named after the target on one server."""

    vendor = "postgresql"

    def __init__(self, server_url: str, name: str, record_dir: Path):
        self.server_url, self.name = server_url, name
        self.record = record_dir / f"{name}.json"

    def _url(self, database: str) -> str:
        parts = urlsplit(self.server_url)
        return urlunsplit(parts._replace(path=f"/{database}"))

    @property
    def databases(self) -> tuple[str, str]:
        return self.name, f"{self.name}_keystore"

    def env(self) -> dict[str, str]:
        cases, keystore = self.databases
        return {"DATABASE_URL": self._url(cases), "KEYSTORE_DATABASE_URL": self._url(keystore)}

    def _admin(self, *statements: str) -> list:
        """Run statements on the server's maintenance database; the rows of each."""
        import psycopg

        results = []
        with psycopg.connect(self._url("postgres"), autocommit=True) as connection:
            for sql in statements:
                cursor = connection.execute(sql)
                results.append(cursor.fetchall() if cursor.description else None)
        return results

    def exists(self) -> bool:
        found = self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'")[0]
        return bool(found) and self.record.exists()

    def prepare(self) -> None:
        self.remove()
        self.record.parent.mkdir(parents=True, exist_ok=True)
        self._admin(*(f'CREATE DATABASE "{db}"' for db in self.databases))

    def copy_to(self, other: "PostgresTarget") -> None:
        other.remove()
        self._admin(
            *(f'CREATE DATABASE "{new}" TEMPLATE "{old}"'
              for old, new in zip(self.databases, other.databases, strict=True))
        )  # fmt: skip
        other.record.write_text(self.record.read_text())

    def remove(self) -> None:
        self._admin(*(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)' for db in self.databases))
        self.record.unlink(missing_ok=True)
