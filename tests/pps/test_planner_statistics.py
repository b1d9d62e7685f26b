"""The PostgreSQL planner keeps no sample of ciphertext or blind indexes (RET-6).

The purge's file scan (tests/retention/test_no_trace.py) proves the effect: it
runs ANALYZE before the purge and finds nothing after. These tests pin the
list of columns and the setting itself.
"""

import pytest
from django.db import connection

from pps.planner_statistics import exclude_sensitive_columns, sensitive_columns


def test_ret6_sensitive_columns_cover_encrypted_blind_index_digest_and_history_tables():
    columns = set(sensitive_columns("default"))
    assert {
        ("cases_parent", "family_name"),
        ("cases_parent", "family_name_bidx"),
        ("cases_parent", "phone_bidx"),
        ("cases_child", "date_of_birth_bidx"),
        ("cases_searchterm", "digest"),
        ("cases_historicalparent", "family_name"),
        ("cases_historicalparent", "family_name_bidx"),
    } <= columns
    # GOV-7: staff names and addresses the purge anonymises or deletes.
    assert {
        ("pps_user", "username"),
        ("pps_user", "email"),
        ("pps_historicaluser", "last_name"),
        ("security_securityevent", "ip_address"),
        ("cases_statisticsexport", "operator"),
        ("cases_statisticsexportjob", "content"),
    } <= columns
    # Plain columns are left to the planner.
    assert ("cases_case", "status") not in columns
    assert ("cases_searchterm", "case_id") not in columns
    # The wrapped keys live in the key store, and only there.
    assert ("keystore_datakey", "wrapped") in set(sensitive_columns("keystore"))
    assert not any(table.startswith("keystore_") for table, _ in columns)


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_ret6_every_sensitive_column_has_statistics_target_zero_after_migrate():
    if connection.vendor != "postgresql":
        pytest.skip("The statistics target is PostgreSQL's.")
    with connection.cursor() as cursor:
        for table, column in sensitive_columns("default"):
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attname = %s",
                [table, column],
            )
            assert cursor.fetchone() == (0,), (table, column)
        # A plain column keeps the default (-1), so the planner still has its numbers.
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute"
            " WHERE attrelid = 'cases_case'::regclass AND attname = 'status'"
        )
        assert cursor.fetchone()[0] != 0
        # The check can fail: a column put back to the default is set again, once.
        cursor.execute("ALTER TABLE cases_parent ALTER COLUMN phone_bidx SET STATISTICS -1")
    assert exclude_sensitive_columns(connection) == 1
    assert exclude_sensitive_columns(connection) == 0


@pytest.mark.django_db
def test_ret6_exclusion_is_a_no_op_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite keeps no sample of values.")
    assert exclude_sensitive_columns(connection) == 0
