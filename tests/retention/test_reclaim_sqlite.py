"""SQLite gives the purge's freed pages back at a cost that follows what was
purged (RET-6): incremental auto-vacuum, and a file made before that mode
rewritten once to switch it. The no-trace test reads a whole purged database;
these read the mechanism on small files."""

import sqlite3

from retention.purge import SQLITE_INCREMENTAL_VACUUM, reclaim_sqlite

NEEDLE = b"RECLAIM-NEEDLE-" * 40


def _file_with_rows(path, *, incremental: bool) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    if incremental:
        connection.execute("PRAGMA auto_vacuum=INCREMENTAL")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA secure_delete=ON")
    connection.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body BLOB)")
    connection.executemany(
        "INSERT INTO note (body) VALUES (?)",
        [(NEEDLE + bytes([i % 256]) * 3000,) for i in range(400)],
    )
    connection.execute("INSERT INTO note (body) VALUES (?)", (b"KEPT-ROW" * 10,))
    return connection


def _purge_needles(connection) -> None:
    connection.execute("DELETE FROM note WHERE id <= 400")


def test_ret6_incremental_mode_gives_freed_pages_back_and_leaves_no_trace(tmp_path):
    path = tmp_path / "cases.sqlite3"
    connection = _file_with_rows(path, incremental=True)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_before = path.stat().st_size
    _purge_needles(connection)

    done = reclaim_sqlite(connection.cursor())

    assert done.startswith("vacuumed (incremental, "), done
    assert int(done.split(", ")[1].split()[0]) > 300  # the freed pages it gave back
    assert path.stat().st_size < size_before / 10
    assert connection.execute("PRAGMA freelist_count").fetchone() == (0,)
    content = path.read_bytes() + (tmp_path / "cases.sqlite3-wal").read_bytes()
    assert NEEDLE[:15] not in content
    assert b"KEPT-ROW" in content
    connection.close()


def test_ret6_a_file_made_before_the_mode_is_rewritten_once_then_incremental(tmp_path):
    path = tmp_path / "old.sqlite3"
    connection = _file_with_rows(path, incremental=False)
    assert connection.execute("PRAGMA auto_vacuum").fetchone() == (0,)
    _purge_needles(connection)

    first = reclaim_sqlite(connection.cursor())

    assert first == "vacuumed (whole file, now incremental)"
    assert connection.execute("PRAGMA auto_vacuum").fetchone() == (SQLITE_INCREMENTAL_VACUUM,)
    assert NEEDLE[:15] not in path.read_bytes()
    connection.execute("DELETE FROM note")
    assert reclaim_sqlite(connection.cursor()).startswith("vacuumed (incremental, ")
    connection.close()


def test_ret6_the_settings_create_sqlite_files_in_incremental_mode(settings):
    init_command = settings.DATABASES["default"]["OPTIONS"].get("init_command", "")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    # It must come before anything that writes the file's header.
    assert init_command.startswith("PRAGMA auto_vacuum=INCREMENTAL;")
