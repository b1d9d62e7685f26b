"""A migrated SQLite test database, built once and copied into each test process.

Migrating the two test databases from scratch takes over a minute on a small
machine (Django renders the model state of every migration), and every pytest
process (each xdist worker, each run) paid it again. On SQLite the result of
``migrate`` (tables, triggers, post_migrate rows such as permissions and role
groups) is saved to ``var/test-db/`` once and copied page for page into each
worker's in-memory database with SQLite's backup API, the same copy Django's
own parallel test runner uses to clone a test database.

The saved copy is keyed by a hash of every file that shapes the migrated
database (migrations, models, apps, the code migrations and post_migrate
call, settings, the locked package versions), and it is used only if Django
finds no unapplied migration in it, so a stale copy is never used. A
missing or stale copy is rebuilt by a normal migrate. ``make test``
(scripts/run-tests) migrates from scratch as before (PPS_TEST_DB_TEMPLATE=0);
PostgreSQL always does.
"""

import contextlib
import fcntl
import hashlib
import os
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import setup_databases

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "var" / "test-db"

# What the migrated database depends on, besides the migrations themselves:
# models (content types and permissions come from them), the apps' post_migrate
# receivers and what they call (role groups, history triggers), and the field and
# operation classes migrations import. Patterns, so that moving a module into an
# area's sub-package keeps it covered.
_SHAPING_PATTERNS = (
    "*/migrations/*.py",
    "**/models.py",
    "**/models/*.py",
    "**/*_models.py",
    "**/apps.py",
    "**/fields.py",
    "**/history.py",
    "**/roles.py",
    "**/services.py",
    "**/migration_operations.py",
    "pps/settings.py",
    "requirements.lock",
)
_NOT_APP_CODE = {".venv", "tests", "frontend", "benchmarks", "var", "node_modules"}


def enabled() -> bool:
    if os.environ.get("PPS_TEST_DB_TEMPLATE", "1") == "0":
        return False
    return all(
        connections[alias].vendor == "sqlite"
        and connections[alias].creation.is_in_memory_db(
            connections[alias].creation._get_test_db_name()
        )
        for alias in connections
    )


def _key() -> str:
    digest = hashlib.sha256()
    paths = set()
    for pattern in _SHAPING_PATTERNS:
        for path in ROOT.glob(pattern):
            if path.is_file() and not _NOT_APP_CODE & set(path.relative_to(ROOT).parts):
                paths.add(path)
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _template(alias: str, key: str) -> Path:
    return CACHE_DIR / f"{alias}-{key}.sqlite3"


def _up_to_date(connection) -> bool:
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _restore(aliases, key, serialized_aliases):
    """Create each in-memory test database as Django does, filled from the template."""
    old_config = []
    for alias in aliases:
        connection = connections[alias]
        creation = connection.creation
        old_name = connection.settings_dict["NAME"]
        test_name = creation._get_test_db_name()
        creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        connection.close()
        settings.DATABASES[alias]["NAME"] = test_name
        connection.settings_dict["NAME"] = test_name
        connection.ensure_connection()
        source = sqlite3.connect(_template(alias, key))
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        old_config.append((connection, old_name, True))
        if not _up_to_date(connection):
            return old_config, False
    for alias in serialized_aliases:
        connections[alias]._test_serialized_contents = connections[
            alias
        ].creation.serialize_db_to_string()
    return old_config, True


def _save(aliases, key) -> None:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CACHE_DIR.glob("*.sqlite3*"):
        old.unlink(missing_ok=True)
    for alias in aliases:
        partial = _template(alias, key).with_suffix(".partial")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            connections[alias].connection.backup(target)
        finally:
            target.close()
        partial.replace(_template(alias, key))


@contextlib.contextmanager
def _lock():
    # One xdist worker builds the template while the other waits for it.
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def setup(*, aliases, serialized_aliases, verbosity):
    """Set up the test databases; returns what ``teardown_databases`` takes."""
    aliases = sorted(aliases)
    if set(aliases) != set(connections):
        return setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
        )
    key = _key()
    with _lock():
        if all(_template(alias, key).exists() for alias in aliases):
            old_config, fresh = _restore(aliases, key, serialized_aliases)
            if fresh:
                return old_config
            # A migration the key did not see: start again from scratch.
            for connection, old_name, _destroy in old_config:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        old_config = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
        )
        _save(aliases, key)
        return old_config
