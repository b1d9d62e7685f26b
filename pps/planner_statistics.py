"""Keep the PostgreSQL planner from sampling encrypted values and blind indexes.

ANALYZE (run by autovacuum on its own schedule) copies sample values of each
column (most common values, histogram bounds) into the pg_statistic catalog.
For a blind index or a ciphertext that sample is a copy of a family's data
that the purge's rewrite of the table never reaches, and that a database
owner cannot delete. A statistics target of 0 makes ANALYZE skip the column,
so nothing is sampled; the planner loses nothing it uses, as these columns are
only ever matched for equality through their indexes.
"""

from django.apps import apps
from django.db import router

from pps.fields import BlindIndexField, _EncryptedField

# Sensitive columns that are neither encrypted nor blind-index fields: the
# wrapped case keys, and the search digests of a surname's beginnings and sound.
OTHER_SENSITIVE_FIELDS = {("keystore", "datakey", "wrapped"), ("cases", "searchterm", "digest")}
# Records not about families that the purge destroys or anonymises when their
# retention runs out (GOV-7): staff names and addresses, a sampled copy of
# which would outlive the anonymised account or the deleted sign-in record.
_PEOPLE = ("username", "first_name", "last_name", "email")
OTHER_SENSITIVE_FIELDS |= {
    ("pps", model, field) for model in ("user", "historicaluser") for field in _PEOPLE
}
OTHER_SENSITIVE_FIELDS |= {
    ("security", "securityevent", "ip_address"),
    ("cases", "statisticsexport", "operator"),
    ("cases", "statisticsexportjob", "content"),
}
OTHER_SENSITIVE_FIELDS |= {
    ("axes", model, field)
    for model in ("accessattempt", "accesslog", "accessfailurelog")
    for field in ("username", "ip_address")
}


def is_sensitive(model, field) -> bool:
    if isinstance(field, (_EncryptedField, BlindIndexField)):
        return True
    return (model._meta.app_label, model._meta.model_name, field.name) in OTHER_SENSITIVE_FIELDS


def sensitive_columns(alias: str) -> list[tuple[str, str]]:
    """(table, column) of every sensitive field migrated to this database,
    history tables included (they copy their model's fields)."""
    return sorted(
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        if router.allow_migrate_model(alias, model) and not model._meta.proxy
        for field in model._meta.local_concrete_fields
        if is_sensitive(model, field)
    )


def exclude_sensitive_columns(connection) -> int:
    """Set statistics target 0 on each sensitive column that lacks it; return how
    many were changed. Idempotent; run after every ``migrate`` (pps.apps)."""
    if connection.vendor != "postgresql":
        return 0
    changed = 0
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table, column in sensitive_columns(connection.alias):
            if table not in existing:
                continue
            cursor.execute(
                "SELECT attstattarget FROM pg_catalog.pg_attribute"
                " WHERE attrelid = %s::regclass AND attname = %s",
                [connection.ops.quote_name(table), column],
            )
            row = cursor.fetchone()
            if row is None or row[0] == 0:
                continue
            quote = connection.ops.quote_name
            cursor.execute(
                f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET STATISTICS 0"
            )
            changed += 1
    return changed
