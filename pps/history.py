"""The audit history every case record keeps (SEC-3), indexed for what is asked of it.

simple-history copies each field of the record into its history table and
indexes every foreign key there, whatever the model says, plus the time of
each change. Nothing reads the history by topic, staff member, blind index or
time: it is read by record (``id``: a record's changes, a subject access
request), by case (a case's changes, the purge), by data key (the purge, which
finds every row encrypted under a destroyed key) and by the acting user (an
audit of one person's changes; simple-history's own ``history_user`` index).
Every other index on a history table is a B-tree written on every save and
every purge and never read, so ``AuditHistory`` keeps only those four.
"""

from contextlib import contextmanager

from django.db import connections, transaction
from simple_history.models import HistoricalRecords

# The copied fields a history table stays indexed on; ``history_user`` is
# simple-history's own field, indexed as a foreign key.
INDEXED_COPIED_FIELDS = frozenset({"id", "case", "data_key_id"})


class AuditHistory(HistoricalRecords):
    """``HistoricalRecords`` whose table is indexed only for the questions above."""

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name not in INDEXED_COPIED_FIELDS:
                field.db_index = False
        return fields

    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        extra["history_date"].db_index = False
        return extra


# --- History is append-only (SEC-3) ------------------------------------------
#
# Every history table has triggers that refuse UPDATE and DELETE (and, on
# PostgreSQL, TRUNCATE) unless the transaction holds a row in GUARD_TABLE.
# Only ``history_erasure`` writes that row, and it removes it before its block
# ends, so the permission never outlives the statements that need it: on
# PostgreSQL no other transaction ever sees the uncommitted row, and SQLite has
# one writer at a time. The guard table is not a model, so nothing in the ORM
# (nor ``flush``'s list of tables) reaches it by accident.

GUARD_TABLE = "pps_history_erasure"
REFUSAL = "history rows are never changed or deleted (SEC-3)"
PG_FUNCTION = "pps_history_immutable"

CREATE_GUARD_TABLE = {
    "sqlite": f"CREATE TABLE IF NOT EXISTS {GUARD_TABLE} (purpose varchar(40) NOT NULL)",
    "postgresql": f"CREATE TABLE IF NOT EXISTS {GUARD_TABLE} (purpose varchar(40) NOT NULL)",
}
CREATE_PG_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM {GUARD_TABLE}) THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation';
    END
    $$
"""  # noqa: S608 - constant names, no input


def create_guard(apps, schema_editor) -> None:
    """RunPython forwards for pps's migration: the guard table (and PostgreSQL's function)."""
    connection = schema_editor.connection
    if connection.vendor in CREATE_GUARD_TABLE:
        schema_editor.execute(CREATE_GUARD_TABLE[connection.vendor])
    if connection.vendor == "postgresql":
        schema_editor.execute(CREATE_PG_FUNCTION)


def drop_guard(apps, schema_editor) -> None:
    """RunPython backwards: every trigger is gone with its app's migration by now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}() CASCADE")
    schema_editor.execute(f"DROP TABLE IF EXISTS {GUARD_TABLE}")


def is_history_model(model) -> bool:
    """A simple-history table, in the live registry or in a migration's state."""
    names = {field.name for field in model._meta.fields}
    return {"history_id", "history_date", "history_type"} <= names


def trigger_names(vendor: str, table: str) -> set[str]:
    """The triggers that keep ``table`` append-only (what the tests look for)."""
    if vendor == "postgresql":
        return {f"{table}_immutable", f"{table}_no_truncate"}
    return {f"{table}_no_update", f"{table}_no_delete"}


def _trigger_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f'CREATE OR REPLACE TRIGGER "{table}_immutable" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
            f'CREATE OR REPLACE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()",
        ]
    unless_guarded = f"WHEN NOT EXISTS (SELECT 1 FROM {GUARD_TABLE})"  # noqa: S608
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{event.lower()}" BEFORE {event} ON "{table}" '
        f"{unless_guarded} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        for event in ("UPDATE", "DELETE")
    ]


def protect_history_tables(connection, tables=None) -> int:
    """Install the guard and each history table's triggers; idempotent.

    ``tables`` defaults to every history table of the registry that exists on
    this connection. Run by each app's migration that adds history and after
    every ``migrate`` (pps.apps), because Django rebuilds a SQLite table for
    some schema changes and its triggers go with the old table.
    """
    vendor = connection.vendor
    if vendor not in CREATE_GUARD_TABLE:
        return 0
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        if tables is None:
            from django.apps import apps
            from django.db import router

            tables = {
                model._meta.db_table
                for model in apps.get_models()
                if is_history_model(model) and router.allow_migrate_model(connection.alias, model)
            }
        tables = sorted(set(tables) & existing)
        if not tables:
            return 0
        cursor.execute(CREATE_GUARD_TABLE[vendor])
        if vendor == "postgresql":
            cursor.execute(CREATE_PG_FUNCTION)
        for table in tables:
            for sql in _trigger_sql(vendor, table):
                cursor.execute(sql)
    return len(tables)


def history_tables_of(apps, app_label: str) -> list[str]:
    """The history tables of one app in a migration's state (for its RunPython)."""
    return [
        model._meta.db_table
        for model in apps.get_app_config(app_label).get_models()
        if is_history_model(model)
    ]


def protect_app_history(app_label: str):
    """A RunPython forwards function: protect ``app_label``'s history tables."""

    def run(apps, schema_editor):
        protect_history_tables(schema_editor.connection, history_tables_of(apps, app_label))

    return run


def unprotect_app_history(app_label: str):
    """The matching RunPython backwards function: drop those triggers."""

    def run(apps, schema_editor):
        connection = schema_editor.connection
        for table in history_tables_of(apps, app_label):
            for name in trigger_names(connection.vendor, table):
                on_table = f' ON "{table}"' if connection.vendor == "postgresql" else ""
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"{on_table}')

    return run


@contextmanager
def history_erasure(*, purpose: str, using: str = "default"):
    """Allow deleting history rows inside this block, and only there.

    For the paths that must destroy history: the purge (RET-3, RET-6), the
    removal of crypto-shredded cases after a restore, and ``flush`` (which
    empties the whole database). The block is its own transaction (or
    savepoint): the permission row never commits, and an error rolls it back.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {GUARD_TABLE} (purpose) VALUES (%s)", [purpose[:40]])  # noqa: S608
        yield
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {GUARD_TABLE}")  # noqa: S608


def history_erasure_possible(using: str = "default") -> bool:
    """Whether this database has the guard (it has none before pps's migration)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        return GUARD_TABLE in connection.introspection.table_names(cursor)


def save_as(instance, by, **save_kwargs):
    """Save, recording ``by`` as the acting user in the audit history (SEC-3).

    Inside a request HistoryRequestMiddleware knows the user; commands, seeding
    and tests have no request, so services say who acted explicitly.
    """
    instance._history_user = by
    instance.save(**save_kwargs)
    return instance
