"""After a purge, nothing of the case is left in the database files (RET-3, RET-6),
nor of the records not about families that were due (GOV-7).

Runs ``purge_scenario`` in subprocesses against scratch databases: SQLite files
(so the raw bytes of the files, write-ahead log included, can be scanned) or,
when the suite runs on PostgreSQL, two scratch databases on the same server
(every table scanned). Before the purge, every pattern must be found (so the
scan is known to work); after it, none may be.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

# Each scenario migrates scratch databases and runs the purge in child processes.
pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
SCENARIO = "tests.retention.purge_scenario"


def run_step(step: str, workdir: Path, database_url: str, keystore_url: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.retention.probe_settings",
        "DATABASE_URL": database_url,
        "KEYSTORE_DATABASE_URL": keystore_url,
        "PPS_DATA_DIR": str(workdir),
    }
    result = subprocess.run(
        [sys.executable, "-m", SCENARIO, step, str(workdir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        # Generous: the machines that run the suite are sometimes busy.
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{step} failed:\n{result.stdout}\n{result.stderr}"
    return json.loads((workdir / f"{step}.json").read_text())


def sqlite_files_bytes(path: Path) -> bytes:
    """The database file and any write-ahead log or shared-memory file beside it."""
    return b"".join(
        candidate.read_bytes()
        for candidate in [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]
        if candidate.exists()
    )


def found_in(blob: bytes, needles: dict[str, str]) -> set[str]:
    return {label for label, value in needles.items() if bytes.fromhex(value) in blob}


class SQLiteFiles:
    vendor = "sqlite"

    def __init__(self, workdir: Path):
        self.case_db = workdir / "pps.sqlite3"
        self.keystore_db = workdir / "keystore.sqlite3"
        self.backup_db = workdir / "backup.sqlite3"

    def urls(self, *, backup: bool = False) -> tuple[str, str]:
        case_db = self.backup_db if backup else self.case_db
        return f"sqlite:///{case_db}", f"sqlite:///{self.keystore_db}"

    def take_backup(self) -> None:
        for suffix in ("", "-wal"):
            source = Path(f"{self.case_db}{suffix}")
            if source.exists():
                shutil.copyfile(source, Path(f"{self.backup_db}{suffix}"))

    def cleanup(self) -> None:
        pass


class PostgresScratch:
    """Three scratch databases on the suite's PostgreSQL server, dropped afterwards."""

    vendor = "postgresql"

    def __init__(self, server_url: str):
        import psycopg

        self.psycopg = psycopg
        self.server = urlparse(server_url)
        suffix = uuid.uuid4().hex[:10]
        self.names = {
            "case": f"pps_notrace_{suffix}",
            "keystore": f"pps_notrace_keys_{suffix}",
            "backup": f"pps_notrace_backup_{suffix}",
        }
        for name in ("case", "keystore"):
            self._admin(f'CREATE DATABASE "{self.names[name]}"')

    def _connect(self, name: str | None = None):
        """A connection outside any transaction, to one of the scratch databases
        or (by default) to the cluster's maintenance database."""
        return self.psycopg.connect(
            host=self.server.hostname,
            port=self.server.port,
            user=self.server.username,
            password=self.server.password,
            dbname=self.names[name] if name else "postgres",
            autocommit=True,
        )

    @contextlib.contextmanager
    def snapshot_held_past_the_deletes(self, name: str):
        """Another session of the database in a transaction whose snapshot,
        taken before the purge, can still see the case, ending only five seconds
        after the purge has committed its deletes (as autovacuum's ANALYZE of
        another table, or a slow report, would); and a write in another
        database of the server, open ten seconds longer (as another
        application's could be): its transaction id, older than the deletes, holds back every newer
        snapshot, the rewrite's own included."""
        holder = self._connect(name)
        holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        # A snapshot and no lock on the case's tables (a lock would only make the
        # rewrite wait, as it does for a transaction that read them).
        holder.execute("SELECT 1").fetchone()
        writer_elsewhere = self._connect()
        writer_elsewhere.execute("BEGIN")
        writer_elsewhere.execute("SELECT txid_current()").fetchone()

        def end_after_the_deletes():
            with self._connect(name) as watcher:
                deadline = time.monotonic() + 600
                while (
                    time.monotonic() < deadline
                    and not watcher.execute(
                        "SELECT count(*) FROM retention_destructionlogentry"
                    ).fetchone()[0]
                ):
                    time.sleep(0.1)
            time.sleep(5)
            holder.execute("COMMIT")
            # The write elsewhere outlasts the reader here, so waiting for the
            # reader alone is not enough.
            time.sleep(10)
            writer_elsewhere.execute("COMMIT")

        thread = threading.Thread(target=end_after_the_deletes)
        thread.start()
        try:
            yield
        finally:
            thread.join()
            holder.close()
            writer_elsewhere.close()

    def _admin(self, sql: str) -> None:
        with self._connect() as connection:
            connection.execute(sql)

    def analyze(self, name: str) -> None:
        """Gather the planner's statistics, as autovacuum does on its own schedule:
        they keep sample values of each column in the pg_statistic catalog."""
        with self._connect(name) as connection:
            connection.execute("ANALYZE")

    def _url(self, name: str) -> str:
        auth = self.server.username + (f":{self.server.password}" if self.server.password else "")
        return f"postgres://{auth}@{self.server.hostname}:{self.server.port}/{self.names[name]}"

    def urls(self, *, backup: bool = False) -> tuple[str, str]:
        return self._url("backup" if backup else "case"), self._url("keystore")

    def take_backup(self) -> None:
        self._admin(f'CREATE DATABASE "{self.names["backup"]}" TEMPLATE "{self.names["case"]}"')

    def _query(self, sql: str, *params):
        with self._connect() as connection:
            return connection.execute(sql, params).fetchone()[0]

    def files_bytes(self, name: str) -> bytes:
        """Every file of the database's directory in the cluster (tables, indexes,
        TOAST, free-space and visibility maps), after a CHECKPOINT has written
        every changed page out. Reading them needs the cluster owner's access
        (the suite runs as root)."""
        self._admin("CHECKPOINT")
        data_directory = Path(self._query("SHOW data_directory"))
        oid = self._query("SELECT oid FROM pg_database WHERE datname = %s", self.names[name])
        folder = data_directory / "base" / str(oid)
        return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())

    def planner_statistics_bytes(self, name: str) -> tuple[bytes, bytes]:
        """The database's files split in two: those of the planner's statistics
        catalog (pg_statistic and its TOAST table), and all the others."""
        data_directory = Path(self._query("SHOW data_directory"))
        oid = self._query("SELECT oid FROM pg_database WHERE datname = %s", self.names[name])
        with self._connect(name) as connection:
            filenodes = {
                str(row[0])
                for row in connection.execute(
                    "SELECT pg_relation_filenode(oid) FROM pg_class"
                    " WHERE oid = 'pg_statistic'::regclass"
                    " OR oid = (SELECT reltoastrelid FROM pg_class"
                    " WHERE oid = 'pg_statistic'::regclass)"
                    " OR oid = (SELECT indexrelid FROM pg_index WHERE indrelid ="
                    " (SELECT reltoastrelid FROM pg_class WHERE oid = 'pg_statistic'::regclass))"
                ).fetchall()
            }
        self._admin("CHECKPOINT")
        statistics, others = [], []
        for path in sorted((data_directory / "base" / str(oid)).iterdir()):
            if path.is_file():
                filenode = path.name.split("_")[0].split(".")[0]
                (statistics if filenode in filenodes else others).append(path.read_bytes())
        return b"".join(statistics), b"".join(others)

    def where_found(self, name: str, needles: dict[str, str]) -> dict[str, list[str]]:
        """For a failure's message: which relation's file holds each needle found
        (a file not in pg_class is one a rewrite has left for the next checkpoint)."""
        data_directory = Path(self._query("SHOW data_directory"))
        oid = self._query("SELECT oid FROM pg_database WHERE datname = %s", self.names[name])
        with self._connect(name) as connection:
            relations = dict(
                connection.execute(
                    "SELECT pg_relation_filenode(oid)::text, relname FROM pg_class"
                    " WHERE pg_relation_filenode(oid) IS NOT NULL"
                ).fetchall()
            )
        found: dict[str, list[str]] = {}
        for path in sorted((data_directory / "base" / str(oid)).iterdir()):
            if not path.is_file():
                continue
            content = path.read_bytes()
            filenode = path.name.split("_")[0].split(".")[0]
            for label in found_in(content, needles):
                where = relations.get(filenode, "not in pg_class")
                found.setdefault(label, []).append(f"{path.name} ({where})")
        return found

    def cleanup(self) -> None:
        for name in self.names.values():
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    databases = PostgresScratch(url) if url.startswith("postgres") else SQLiteFiles(tmp_path)
    yield databases
    databases.cleanup()


def test_ret3_ret6_purge_leaves_no_trace_and_shreds_backups(scratch, tmp_path):
    prepared = run_step("prepare", tmp_path, *scratch.urls())
    needles = prepared["needles"]
    scratch.take_backup()

    # Positive controls: the patterns are there before the purge.
    stored_forms = {
        "ciphertext prefix",
        "plain text control",
        "task note ciphertext",
        "child information document ciphertext",
        "paper file location ciphertext",  # GOV-8: the paper file goes with its case
    } | {label for label in needles if label.startswith("blind index")}
    before = set(prepared["found_before"])
    assert stored_forms | {"wrapped data key"} <= before, before
    assert not {label for label in before if label.startswith("plain ")} - {"plain text control"}, (
        "names and notes must be encrypted even before the purge"
    )
    if scratch.vendor == "sqlite":
        raw = sqlite_files_bytes(scratch.case_db)
        assert stored_forms | {"key id (hex text)"} <= found_in(raw, needles)
        assert "wrapped data key" in found_in(sqlite_files_bytes(scratch.keystore_db), needles)

    # GOV-7: the due records not about families are there before, in cells and files.
    gov7_due = set(prepared["gov7_due"])
    in_cells = {label for label in gov7_due if "(inet)" not in label}
    assert in_cells <= before, in_cells - before
    kept_cells = {label for label in prepared["gov7_kept"] if "(inet)" not in label}
    assert kept_cells <= set(prepared["gov7_kept_before"])
    if scratch.vendor == "sqlite":
        in_file = {label for label in in_cells if "wrapped key" not in label}
        assert in_file <= found_in(sqlite_files_bytes(scratch.case_db), needles)

    purged = run_step("purge", tmp_path, *scratch.urls())

    # Every kind destroyed and logged by number; what is not yet due is kept.
    assert {kind for kind, _count in purged["gov7_log"]} == {
        "security_events",
        "departed_accounts",
        "agreement_scans",
        "export_logs",
        "breaches",
    }
    assert kept_cells <= set(purged["gov7_kept_after"]), purged["gov7_kept_after"]
    assert prepared["reference"] in purged["output"]
    assert "Purged 1 cases" in purged["output"]
    assert purged["found_after"] == {}, purged["found_after"]
    assert purged["access_log_rows"] == 0
    assert len(purged["log"]) == 1 and purged["log"][0]["case_reference"] == prepared["reference"]
    assert purged["log"][0]["data_key_id"] is None
    for label, value in needles.items():
        assert bytes.fromhex(value).decode("latin-1") not in purged["log_text"], label
    if scratch.vendor == "sqlite":
        # Every byte of both files, free pages and the write-ahead log included.
        raw = sqlite_files_bytes(scratch.case_db)
        assert found_in(raw, needles) == set()
        assert bytes.fromhex(prepared["survivor_prefix"]) in raw  # the rest is still there
        kept_in_file = {label for label in kept_cells if "wrapped key" not in label}
        assert kept_in_file <= found_in(raw, prepared["gov7_kept"])
        assert found_in(sqlite_files_bytes(scratch.keystore_db), needles) == set()
    else:
        assert "vacuumed" in purged["output"]

    # A copy of the case database from before the purge, read with the key store as
    # it is now: the purged case's ciphertext is there but can never be read again.
    backup = run_step("read", tmp_path, *scratch.urls(backup=True))
    assert backup["purged_rows_in_backup"] == 1
    assert backup["purged_parent"] == {"readable": False, "error": "EncryptionKeyError"}
    assert backup["purged_child"] == {"readable": False, "error": "EncryptionKeyError"}
    assert backup["survivor_parent"] == {"readable": True, "value": "Survivorsonnet"}


@pytest.mark.postgres_only
def test_ret6_postgresql_relation_files_hold_no_trace_after_the_purge(scratch, tmp_path):
    """On PostgreSQL too, the bytes on disk (RET-6): after the purge (with its VACUUM)
    and a CHECKPOINT, no file of the key store's database holds the case's wrapped
    data key, and no file of the case database its ciphertext or blind indexes."""
    if scratch.vendor != "postgresql":
        pytest.skip("Reads PostgreSQL's relation files; SQLite's are read by the test above.")
    prepared = run_step("prepare", tmp_path, *scratch.urls())
    needles = prepared["needles"]
    in_case_db = {"ciphertext prefix"} | {
        label for label in needles if label.startswith("blind index")
    }
    # GOV-7: the due records not about families, as PostgreSQL stores them
    # (an address as inet bytes, the breach's and the scan's ciphertext, names).
    in_case_db |= {
        label
        for label in prepared["gov7_due"]
        if "wrapped key" not in label and not label.endswith("address")
    }
    # Positive controls: the scan reads the files and finds the case in them.
    assert in_case_db <= found_in(scratch.files_bytes("case"), needles), in_case_db - found_in(
        scratch.files_bytes("case"), needles
    )
    assert "wrapped data key" in found_in(scratch.files_bytes("keystore"), needles)
    # Autovacuum may have sampled the case's columns into pg_statistic before the
    # purge; make it certain, so the catalog is always part of what is checked.
    scratch.analyze("case")
    scratch.analyze("keystore")

    # A transaction that began before the purge and could still see the case
    # while the purge runs: the rewrite must not copy the rows it can see.
    with scratch.snapshot_held_past_the_deletes("case"):
        purged = run_step("purge", tmp_path, *scratch.urls())
    assert "Purged 1 cases" in purged["output"]
    assert "still open" not in purged["output"]

    case_files = scratch.files_bytes("case")
    statistics, outside_statistics = scratch.planner_statistics_bytes("case")
    # The purge's own report (what it reclaimed, what it waited for) and where
    # each trace is, if this fails.
    assert found_in(outside_statistics, needles) == set(), (
        purged["output"],
        scratch.where_found("case", needles),
    )
    # The planner's statistics keep samples of the key-id columns (not secret,
    # and never set to zero: the purge finds rows by them): 16-byte ids packed
    # in an array, where the byte before an id is the last of the id before it,
    # and 1 time in 256 equals the format byte of a ciphertext prefix. Whole
    # ciphertexts, blind indexes and names are still looked for there.
    prefixes = {label for label in needles if label.endswith("ciphertext prefix")}
    assert found_in(statistics, needles) - prefixes == set(), (
        purged["output"],
        scratch.where_found("case", needles),
    )
    assert bytes.fromhex(prepared["survivor_prefix"]) in case_files  # the rest is still there
    kept = {label for label in prepared["gov7_kept"] if "wrapped key" not in label}
    kept = {label for label in kept if not label.endswith("address")}
    assert kept <= found_in(case_files, prepared["gov7_kept"])
    assert found_in(scratch.files_bytes("keystore"), needles) == set(), scratch.where_found(
        "keystore", needles
    )
