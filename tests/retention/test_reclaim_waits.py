"""Before rewriting the purged tables, the purge waits for the transactions that
would make the rewrite copy the purged rows (RET-6, retention.purge).

A transaction that can still see the rows (a snapshot in the same database)
keeps them; so does any transaction holding a transaction id older than the
deletes, in any database of the server, because every newer snapshot (the
rewrite's own included) then counts the deletes as not yet settled. The
no-trace test on PostgreSQL failed in the full suite for that reason: the
other test worker was writing in its own database while the purge ran.
"""

import psycopg
import pytest
from django.db import connection

from retention.purge import older_transaction_pids

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


def _session(dbname: str):
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=dbname,
        autocommit=True,
    )


def _waited_for(began_before) -> list[int]:
    with connection.cursor() as cursor:
        return older_transaction_pids(cursor, began_before)


def test_ret6_the_rewrite_waits_for_an_older_write_anywhere_and_an_older_read_here():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's transaction horizons; SQLite has no transaction horizons.")
    this_database = connection.settings_dict["NAME"]
    with (
        _session("postgres") as writer_elsewhere,
        _session("postgres") as reader_elsewhere,
        _session(this_database) as reader_here,
    ):
        writer_elsewhere.execute("BEGIN")
        writer_elsewhere.execute("SELECT txid_current()")  # holds a transaction id
        for reader in (reader_elsewhere, reader_here):
            reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            reader.execute("SELECT 1")  # holds a snapshot, no transaction id
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            began_before = cursor.fetchone()[0]

        waited = _waited_for(began_before)
        assert writer_elsewhere.info.backend_pid in waited
        assert reader_here.info.backend_pid in waited
        # A snapshot in another database sees none of this database's rows.
        assert reader_elsewhere.info.backend_pid not in waited

        for session in (writer_elsewhere, reader_here):
            session.execute("COMMIT")
        waited = _waited_for(began_before)
        assert writer_elsewhere.info.backend_pid not in waited
        assert reader_here.info.backend_pid not in waited
        reader_elsewhere.execute("COMMIT")
