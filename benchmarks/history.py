"""Audit rows for a range of cases, written set-based (``INSERT ... SELECT``).

simple-history copies every column of a row into its history table, the
ciphertext included (a value is bound to its column name, which history
shares). Doing the same in SQL for a whole batch costs one statement per
table instead of one Python object per row; the rows are the same.
"""

import datetime

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from cases.models import Case, Child, Contact, Parent
from consent.models import ConsentDecision
from pps.models import AccessLogEntry
from retention.models import CaseCategory, CaseRetention


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _history_insert(
    model: type[Model], where: str, params: list, *, kind: str, age_days: int, user: str | int
) -> int:
    """Copy the matching rows of ``model`` into its history table as one statement.

    ``user`` is the acting user's id, or the name of a column holding it.
    """
    history = model.history.model
    source = {field.column for field in model._meta.concrete_fields}
    moment = timezone.now() - datetime.timedelta(days=age_days)
    specials = {"history_date": moment, "history_type": kind, "history_user_id": user}
    columns, values, select_params = [], [], []
    for field in history._meta.concrete_fields:
        column = field.column
        if column == "history_id":
            continue
        columns.append(_quote(column))
        if column in specials and not (column == "history_user_id" and isinstance(user, str)):
            values.append("%s")
            select_params.append(specials[column])
        elif column == "history_user_id":
            values.append(_quote(user))
        elif column in source:
            values.append(_quote(column))
        else:
            values.append("NULL")
    sql = (
        f"INSERT INTO {_quote(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {_quote(model._meta.db_table)} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, select_params + params)
        return cursor.rowcount


def copy_into_history(first: int, last: int, *, edits: int, users: list[int]) -> int:
    """Creation rows for every case-data row of cases first..last, then case edits."""
    rows = 0
    by_case = f"{_quote('case_id')} BETWEEN %s AND %s"
    creators = {Case: "created_by_id", Contact: "staff_id", ConsentDecision: "recorded_by_id"}
    for model in (Case, Parent, Child, Contact, ConsentDecision, CaseCategory, CaseRetention):
        where = f"{_quote('id')} BETWEEN %s AND %s" if model is Case else by_case
        rows += _history_insert(
            model, where, [first, last], kind="+", age_days=400,
            user=creators.get(model, users[0]),
        )  # fmt: skip
    # Several edits per case (summary, caseworker, status): 2 to 4 "~" rows each.
    for edit in range(edits + 1):
        where = f"{_quote('id')} BETWEEN %s AND %s AND {_quote('id')} %% 3 >= %s"
        rows += _history_insert(
            Case, where, [first, last, max(edit - 1, 0)], kind="~", age_days=300 - 50 * edit,
            user=users[edit % len(users)],
        )  # fmt: skip
    return rows


def write_access_log(world, first: int, last: int, *, per_case: int) -> int:
    """``per_case`` case views by staff (and the volunteer's reads) per case."""
    table = _quote(AccessLogEntry._meta.db_table)
    columns = ["at", "user_id", "service_id", "role", "action", "object_type", "object_id",
               "case_id", "allowed"]  # fmt: skip
    object_id = (
        "CAST(id AS VARCHAR(40))" if connection.vendor == "postgresql" else "CAST(id AS TEXT)"
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(_quote(c) for c in columns)}) "
        f"SELECT %s, %s, %s, %s, 'view', 'case', {object_id}, id, %s "
        f"FROM {_quote(Case._meta.db_table)} WHERE id BETWEEN %s AND %s"
    )
    rows = 0
    with connection.cursor() as cursor:
        for n in range(per_case):
            user = world.staff[n % len(world.staff)]
            at = timezone.now() - datetime.timedelta(days=30 * n + 1)
            cursor.execute(sql, [at, user.pk, world.service.pk, user.role, True, first, last])
            rows += cursor.rowcount
    return rows
