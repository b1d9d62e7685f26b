"""Fresh, empty databases for tests that run the project in another process.

On the PostgreSQL run (DATABASE_URL set by scripts/with-postgres) two scratch
databases are created in the same throwaway cluster; otherwise two SQLite
files in a temporary directory. Either way the child process gets them through
DATABASE_URL / KEYSTORE_DATABASE_URL, exactly as production is configured.
"""

import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]


def clean_environment(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PPS_", "DJANGO_"))
        and k not in {"DATABASE_URL", "KEYSTORE_DATABASE_URL"}
    }
    env.update(extra)
    return env


@contextmanager
def scratch_databases(tmp_path: Path, *, copy_test_databases: bool = False):
    """With ``copy_test_databases`` on PostgreSQL, the scratch databases start as
    copies of this test run's (migrated, empty) test databases instead of empty:
    ``migrate`` then only has to run its post-migrate steps, seconds instead of
    the minutes a full migration takes (or starts empty if the copy is refused:
    the caller always migrates). The test must use ``django_db_setup``."""
    if connection.vendor != "postgresql":
        yield {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cases.sqlite3'}",
            "KEYSTORE_DATABASE_URL": f"sqlite:///{tmp_path / 'keystore.sqlite3'}",
            "PPS_DATA_DIR": str(tmp_path),
        }
        return
    import psycopg

    settings = connection.settings_dict
    server = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings.get("PASSWORD") or None,
    }
    names = [f"scratch_{secrets.token_hex(4)}", f"scratch_keys_{secrets.token_hex(4)}"]
    templates = [None, None]
    if copy_test_databases:
        # A template may have no other connection while it is copied.
        templates = [connections[alias].settings_dict["NAME"] for alias in ("default", "keystore")]
        connections.close_all()
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        for name, template in zip(names, templates, strict=True):
            try:
                admin.execute(
                    f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
                )
            except psycopg.errors.ObjectInUse:
                # Another thread still holds a connection to the template: start empty
                # (the caller's migrate then does the whole migration).
                admin.execute(f'CREATE DATABASE "{name}"')
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    base = f"postgres://{auth}@{server['host']}:{server['port']}"
    try:
        yield {
            "DATABASE_URL": f"{base}/{names[0]}",
            "KEYSTORE_DATABASE_URL": f"{base}/{names[1]}",
            "PPS_DATA_DIR": str(tmp_path),
        }
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result


def production_settings(*names: str) -> dict:
    """Setting values as production computes them (PPS_ENV=production with real keys)."""
    import json

    from tests.pps.test_settings_and_sessions import production_env

    script = (
        "import json; from django.conf import settings as s;"
        f"print('SETTINGS' + json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=clean_environment(**production_env()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("SETTINGS"))
    return json.loads(line[len("SETTINGS") :])
