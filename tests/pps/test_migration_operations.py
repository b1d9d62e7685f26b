"""AlterFieldIndex: a change of db_index alone alters the index, never the table.

On SQLite Django applies an AlterField by copying the table into a new one,
minutes for a history table of a few years; this operation drops or creates
the one index instead and keeps the rows where they are.
"""

import pytest
from django.db import connection, models
from django.db.migrations.state import ModelState, ProjectState

from pps.migration_operations import AlterFieldIndex

APP = "pps"
MODEL = "IndexProbe"


def _state(*, code_indexed: bool) -> ProjectState:
    state = ProjectState()
    state.add_model(
        ModelState(
            APP,
            MODEL,
            [
                ("id", models.AutoField(primary_key=True)),
                ("code", models.CharField(max_length=10, db_index=code_indexed)),
            ],
        )
    )
    return state


TABLE = _state(code_indexed=True).apps.get_model(APP, MODEL)._meta.db_table


def _code_indexes() -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, found in constraints.items()
        if found["index"] and found["columns"] == ["code"]
    ]


def _root_page() -> int | None:
    """SQLite's first page of the table: a rebuilt table starts somewhere new."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT rootpage FROM sqlite_master WHERE name = %s", [TABLE])
        return cursor.fetchone()[0]


@pytest.fixture
def probe_table():
    indexed = _state(code_indexed=True)
    with connection.schema_editor() as editor:
        editor.create_model(indexed.apps.get_model(APP, MODEL))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (code) VALUES ('kept')")
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(indexed.apps.get_model(APP, MODEL))


@pytest.mark.django_db(transaction=True)
def test_dropping_and_restoring_an_index_keeps_the_table_and_its_rows(probe_table):
    operation = AlterFieldIndex(MODEL.lower(), "code", models.CharField(max_length=10))
    before, after = _state(code_indexed=True), _state(code_indexed=False)
    assert _code_indexes()
    page = _root_page()

    with connection.schema_editor() as editor:
        operation.database_forwards(APP, editor, before, after)
    assert _code_indexes() == []
    assert _root_page() == page

    with connection.schema_editor() as editor:
        operation.database_backwards(APP, editor, after, before)
    assert _code_indexes()
    assert _root_page() == page
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code FROM {TABLE}")
        assert cursor.fetchall() == [("kept",)]


def test_the_state_change_is_alterfields_own():
    operation = AlterFieldIndex(MODEL.lower(), "code", models.CharField(max_length=10))
    state = _state(code_indexed=True)
    operation.state_forwards(APP, state)
    assert state.models[APP, MODEL.lower()].fields["code"].db_index is False
