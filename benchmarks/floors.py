"""The physical floor: the SQL a page cannot do without, through the same connections.

For each list the page of 25 case rows with the columns shown (and the
caseworker's name; read by id, as the app's pager does), the count the pager
needs (for the staff list the count the database keeps, ``CaseCount``, as the
app reads it; for a search or a volunteer's list a ``COUNT``), the page's
parents, and the page's wrapped data keys from the key store. No decryption,
no templates, no permission checks: what is left when everything the app adds
is taken away.
"""

from collections.abc import Callable
from contextlib import ExitStack

from django.db import connections

from benchmarks.timing import ALIASES
from cases.letters.models import PrivacyStatementSent
from cases.models import (
    Case,
    CaseCount,
    CaseUserObjectPermission,
    Child,
    ChildInformation,
    Contact,
    Parent,
    SearchTerm,
)
from consent.models import ConsentDecision
from disclosure.safeguarding.models import ChildProtectionOverride
from pps.keystore.models import DataKey
from pps.models import User

PAGE = 25


def _q(name: str) -> str:
    return connections["default"].ops.quote_name(name)


CASE, CASE_COUNT, PARENT, CHILD, CONTACT, USER, PERMISSION = (
    _q(model._meta.db_table)
    for model in (Case, CaseCount, Parent, Child, Contact, User, CaseUserObjectPermission)
)
COLUMNS = (
    "c.id, c.reference, c.status, c.opened_on, c.closed_on, c.data_key_id, "
    "u.first_name, u.last_name"
)
ORDER = "ORDER BY c.opened_on DESC, c.id DESC"
REVERSED_ORDER = "ORDER BY c.opened_on ASC, c.id ASC"
SEARCH_TERM = _q(SearchTerm._meta.db_table)
CHILD_INFORMATION, STATEMENT, DECISION, OVERRIDE = (
    _q(model._meta.db_table)
    for model in (ChildInformation, PrivacyStatementSent, ConsentDecision, ChildProtectionOverride)
)


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _fetch_people_and_keys(cursor, rows) -> None:
    case_ids = [row[0] for row in rows]
    if not case_ids:
        return
    cursor.execute(
        f"SELECT id, case_id, given_name, family_name FROM {PARENT} "
        f"WHERE case_id IN ({_placeholders(len(case_ids))}) ORDER BY id",
        case_ids,
    )
    cursor.fetchall()
    # Raw rows hold the key ids in the database's own form, ready to send back.
    key_ids = list({row[5] for row in rows})
    with connections["keystore"].cursor() as keystore:
        keystore.execute(
            f"SELECT id, master_key_id, wrapped FROM {_q(DataKey._meta.db_table)} "
            f"WHERE id IN ({_placeholders(len(key_ids))})",
            key_ids,
        )
        keystore.fetchall()


def _list_page(
    where: str, params: list, *, page: int, joins: str = "", count_query: tuple | None = None
) -> None:
    """``count_query``: the SQL and parameters that give the list's length, if not a ``COUNT``."""
    base = f"FROM {CASE} c {joins} WHERE {where}"
    with connections["default"].cursor() as cursor:
        cursor.execute(*(count_query or (f"SELECT COUNT(*) {base}", params)))
        count = cursor.fetchone()[0]
        # As the app's pager (pps.paging): the page's ids from the ordering
        # index alone, counted from the nearer end, then only those rows.
        bottom = (page - 1) * PAGE
        top = min(bottom + PAGE, count)
        order, offset = ORDER, bottom
        if bottom > count // 2:
            order, offset = REVERSED_ORDER, count - top
        cursor.execute(
            f"SELECT {COLUMNS} FROM {CASE} c LEFT JOIN {USER} u ON u.id = c.assigned_staff_id "
            f"WHERE c.id IN (SELECT c.id {base} {order} LIMIT {max(top - bottom, 0)} OFFSET %s) "
            f"{ORDER}",
            [*params, offset],
        )
        rows = cursor.fetchall()
        _fetch_people_and_keys(cursor, rows)


def staff_list(*, service_id: int, page: int) -> None:
    kept_count = (
        f"SELECT COALESCE(SUM(total), 0) FROM {CASE_COUNT} "
        "WHERE service_id = %s AND status <> 'archived'",
        [service_id],
    )
    where = "c.service_id = %s AND c.status <> 'archived'"
    _list_page(where, [service_id], page=page, count_query=kept_count)


def surname_search(*, service_id: int, digest: str, terms: list[str] | None = None) -> None:
    """``terms``: the digests of the surname's beginning and sound (CAS-6), if searched."""
    terms = [term for term in terms or [] if term]
    matching = (
        f"c.id IN (SELECT case_id FROM {PARENT} WHERE family_name_bidx = %s "
        f"UNION SELECT case_id FROM {CHILD} WHERE family_name_bidx = %s"
    )
    if terms:
        matching += f" UNION SELECT case_id FROM {SEARCH_TERM} WHERE digest IN ({_placeholders(len(terms))})"
    where = f"c.service_id = %s AND c.status <> 'archived' AND {matching})"
    _list_page(where, [service_id, digest, digest, *terms], page=1)


def volunteer_list(*, service_id: int, user_id: int, permission_id: int) -> None:
    joins = (
        f"JOIN {PERMISSION} p ON p.content_object_id = c.id "
        "AND p.user_id = %s AND p.permission_id = %s"
    )
    _list_page("c.service_id = %s", [user_id, permission_id, service_id], page=1, joins=joins)


def case_detail(*, case_id: int) -> None:
    """The case summary: the case with its consent status and child-protection count,
    the parents (each with whether the privacy statement went), children and what is
    known about them, and the contacts."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            f"SELECT c.data_key_id, c.*, u.first_name, u.last_name, "
            f"(SELECT d.kind FROM {DECISION} d WHERE d.case_id = c.id "
            "ORDER BY d.recorded_at DESC, d.id DESC LIMIT 1), "
            f"(SELECT COUNT(*) FROM {OVERRIDE} o WHERE o.case_id = c.id) "
            f"FROM {CASE} c LEFT JOIN {USER} u ON u.id = c.assigned_staff_id WHERE c.id = %s",
            [case_id],
        )
        row = cursor.fetchone()
        cursor.execute(
            f"SELECT p.*, EXISTS(SELECT 1 FROM {STATEMENT} s WHERE s.parent_id = p.id) "
            f"FROM {PARENT} p WHERE p.case_id = %s ORDER BY p.id",
            [case_id],
        )
        cursor.fetchall()
        for table in (CHILD, CHILD_INFORMATION):
            cursor.execute(f"SELECT * FROM {table} WHERE case_id = %s ORDER BY id", [case_id])
            cursor.fetchall()
        cursor.execute(
            f"SELECT * FROM {CONTACT} WHERE case_id = %s ORDER BY occurred_at DESC", [case_id]
        )
        cursor.fetchall()
    key_id = row[0] if row else None
    with connections["keystore"].cursor() as keystore:
        keystore.execute(
            f"SELECT id, master_key_id, wrapped FROM {_q(DataKey._meta.db_table)} WHERE id = %s",
            [key_id],
        )
        keystore.fetchone()


def recorded(run: Callable[[], object]) -> list[tuple[str, str, object]]:
    """The statements ``run`` sends to either database, with their parameters, in order."""
    statements = []

    def recorder(alias):
        def record(execute, sql, params, many, context):
            statements.append((alias, sql, params))
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in ALIASES:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        run()
    return statements


def replay(statements: list[tuple[str, str, object]]) -> None:
    """Statements the app ran, run again as they are (the home pages' sections):
    the SQL and its parameters straight to the database, every row fetched."""
    for alias, sql, params in statements:
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
