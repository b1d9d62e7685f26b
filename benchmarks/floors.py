"""The physical floor: the SQL a page cannot do without, through the same connections.

For each list the page of 25 case rows with the columns shown (and the
caseworker's name; read by id, as the app's pager does), the count the pager
needs (for the staff list the count the database keeps, ``CaseCount``, as the
app reads it; for a search or a volunteer's list a ``COUNT``), the page's
parents, and the page's wrapped data keys from the key store. No decryption,
no templates, no permission checks: what is left when everything the app adds
is taken away.

For a quarter's statistics, the same tallies as the report's tables, counted
by hand-written ``GROUP BY``s in one ``UNION ALL`` (``quarter_statistics``).
"""

import datetime
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack

from django.db import connections

from benchmarks.timing import ALIASES
from cases.letters.models import PrivacyStatementSent
from cases.models import (
    AnonymousContact,
    Case,
    CaseClosure,
    CaseCount,
    CaseUserObjectPermission,
    Child,
    ChildInformation,
    Contact,
    Parent,
    SearchTerm,
)
from consent.models import ConsentDecision
from disclosure.models import OPEN_STATES, DisclosureRelease, DisclosureRequest
from disclosure.safeguarding.models import ChildProtectionOverride, OverrideReview
from pps.dates import start_of_day
from pps.keystore.models import DataKey
from pps.models import User
from retention.models import DestructionLogEntry, PurgeRun

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


ANONYMOUS, CLOSURE, REQUEST, RELEASE, REVIEW, DESTROYED, PURGE_RUN = (
    _q(model._meta.db_table)
    for model in (
        AnonymousContact,
        CaseClosure,
        DisclosureRequest,
        DisclosureRelease,
        OverrideReview,
        DestructionLogEntry,
        PurgeRun,
    )
)
# Each part of the statistics' UNION: (part, three values as text, count); a
# value a part does not group by is NULL, and every one is text so the parts
# line up on PostgreSQL too.
_NONE = "CAST(NULL AS TEXT)"
_CASE_EVENTS = ("opened_on", "closed_on", "archived_on")
_REFUSED = ("refused", "closed")
_BY_TOPIC = ("contacts", "anonymous")
_WHETHER = "CASE WHEN r.id IS NULL THEN '0' ELSE '1' END"


def _tally_parts(*, in_service: str) -> list[str]:
    """The report's tallies, in the order ``quarter_statistics`` gives their parameters."""
    moments = "{t}.{column} >= %s AND {t}.{column} < %s"
    parts = [
        # Contacts of the service's cases, and anonymous contacts, by all three
        # columns: every contacts table is a sum over this grid.
        f"SELECT 'contacts', x.channel, CAST(x.topic_id AS TEXT), x.outcome, COUNT(*) "
        f"FROM {CONTACT} x JOIN {CASE} c ON c.id = x.case_id WHERE {in_service} AND "
        + moments.format(t="x", column="occurred_at")
        + " GROUP BY x.channel, x.topic_id, x.outcome",
        f"SELECT 'anonymous', a.channel, CAST(a.topic_id AS TEXT), a.outcome, COUNT(*) "
        f"FROM {ANONYMOUS} a WHERE a.service_id = %s AND "
        + moments.format(t="a", column="occurred_at")
        + " GROUP BY a.channel, a.topic_id, a.outcome",
    ]
    parts += [
        f"SELECT '{column}', {_NONE}, {_NONE}, {_NONE}, COUNT(*) FROM {CASE} c "
        f"WHERE {in_service} AND " + moments.format(t="c", column=column)
        for column in _CASE_EVENTS
    ]

    def on_cases(part: str, table: str, column: str, by: str | None = None) -> str:
        """A table's rows of the service's cases in the period, counted by one column."""
        grouped = f"x.{by}" if by else _NONE
        return (
            f"SELECT '{part}', {grouped}, {_NONE}, {_NONE}, COUNT(*) FROM {table} x "
            f"JOIN {CASE} c ON c.id = x.case_id WHERE {in_service} AND "
            + moments.format(t="x", column=column)
            + (f" GROUP BY x.{by}" if by else "")
        )

    parts += [
        on_cases("reopened_on", CLOSURE, "reopened_on"),
        on_cases("closures", CLOSURE, "closed_on", by="reason"),
        on_cases("consent_decisions", DECISION, "recorded_at", by="kind"),
        # Requests by requester, state and whether released: the report's three
        # outcomes are filters on those two, summed in Python (``_requests``).
        f"SELECT 'disclosure_requests', x.requester_type, x.state, {_WHETHER}, COUNT(*) "
        f"FROM {REQUEST} x "
        f"JOIN {CASE} c ON c.id = x.case_id LEFT JOIN {RELEASE} r ON r.request_id = x.id "
        f"WHERE {in_service} AND "
        + moments.format(t="x", column="received_on")
        + f" GROUP BY x.requester_type, x.state, {_WHETHER}",
        # Overrides by category, recipient and whether reviewed: both override
        # tables from one grid.
        f"SELECT 'overrides', x.category, x.recipient, {_WHETHER}, COUNT(*) FROM {OVERRIDE} x "
        f"JOIN {CASE} c ON c.id = x.case_id LEFT JOIN {REVIEW} r ON r.override_id = x.id "
        f"WHERE {in_service} AND "
        + moments.format(t="x", column="shared_at")
        + f" GROUP BY x.category, x.recipient, {_WHETHER}",
        f"SELECT 'purges', p.method, {_NONE}, {_NONE}, COUNT(*) FROM {DESTROYED} x "
        f"JOIN {PURGE_RUN} p ON p.id = x.run_id WHERE x.service_id = %s AND x.kind = %s AND "
        + moments.format(t="x", column="destroyed_at")
        + " GROUP BY p.method",
    ]
    return parts


def _requests(rows: Counter) -> Counter:
    """(outcome, requester type) as the report's three filters count them."""
    counts = Counter()
    for (requester, state, released), n in rows.items():
        if state in OPEN_STATES:
            counts[("Still open", requester)] += n
        if released == "1":
            counts[("Released", requester)] += n
        elif state in _REFUSED:
            counts[("Refused", requester)] += n
    return counts


def quarter_statistics(*, service_id: int, start: datetime.date, end: datetime.date) -> dict:
    """The tallies of a period's statistics (``end`` the first day after it), unsuppressed.

    Every table the report makes, from one ``UNION ALL`` of ``GROUP BY``s, except
    children by age band: their dates of birth are encrypted, so no SQL can
    band them. For those the floor reads what the app must read, the worked-on
    cases' children with their date-of-birth ciphertext and school phase, and
    their wrapped data keys from the key store (a request unwraps keys afresh,
    OPS-3), and counts them by the plain school phase only: no decryption.

    Returns Counters by part: ``contacts`` and ``anonymous`` by (channel, topic
    id, outcome); ``opened_on``, ``closed_on``, ``archived_on``, ``reopened_on``
    as ``{None: n}``; ``closures``, ``consent_decisions``, ``purges`` and
    ``children`` by their one column; ``disclosure_requests`` by (outcome,
    requester type); ``overrides`` by (category, recipient, reviewed).
    """
    ops = connections["default"].ops
    days = [ops.adapt_datefield_value(day) for day in (start, end)]
    moments = [ops.adapt_datetimefield_value(start_of_day(day)) for day in (start, end)]
    in_service = "c.service_id = %s"
    parameters = [
        *(service_id, *moments),  # contacts
        *(service_id, *moments),  # anonymous contacts
        *(service_id, *days) * len(_CASE_EVENTS),
        *(service_id, *days),  # reopened
        *(service_id, *days),  # closures
        *(service_id, *moments),  # consent decisions
        *(service_id, *days),  # disclosure requests
        *(service_id, *moments),  # overrides
        *(service_id, DestructionLogEntry.Kind.CASE.value, *moments),  # purges
    ]
    counts: dict[str, Counter] = {}
    with connections["default"].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(_tally_parts(in_service=in_service)), parameters)
        for part, first, second, third, n in cursor.fetchall():
            if part in _BY_TOPIC:
                key = (first, int(second), third)
            elif third is not None:
                key = (first, second, third)
            else:
                key = first
            counts.setdefault(part, Counter())[key] += n
        # The children of the cases worked on in the period: opened in it, or
        # with a contact in it (of any service's; the case is the service's).
        cursor.execute(
            f"SELECT ch.data_key_id, ch.date_of_birth, ch.school_phase FROM {CHILD} ch "
            f"WHERE ch.case_id IN (SELECT c.id FROM {CASE} c WHERE {in_service} AND "
            "((c.opened_on >= %s AND c.opened_on < %s) OR c.id IN "
            f"(SELECT x.case_id FROM {CONTACT} x WHERE x.occurred_at >= %s AND x.occurred_at < %s)))",
            [service_id, *days, *moments],
        )
        children = cursor.fetchall()
    counts["children"] = Counter(phase for _, _, phase in children)
    counts["disclosure_requests"] = _requests(counts.get("disclosure_requests", Counter()))
    key_ids = list({key_id for key_id, _, _ in children if key_id is not None})
    if key_ids:
        with connections["keystore"].cursor() as keystore:
            keystore.execute(
                f"SELECT id, master_key_id, wrapped FROM {_q(DataKey._meta.db_table)} "
                f"WHERE id IN ({_placeholders(len(key_ids))})",
                key_ids,
            )
            keystore.fetchall()
    return counts


def replay(statements: list[tuple[str, str, object]]) -> None:
    """Statements the app ran, run again as they are (the home pages' sections):
    the SQL and its parameters straight to the database, every row fetched."""
    for alias, sql, params in statements:
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
