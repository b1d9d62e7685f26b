"""Writing the read-access log (ACC-6, ACC-7). Only ids, never content.

Every page that opens or lists a case writes here, so the rows go in as one
plain ``INSERT`` over the model's own columns. A model instance per row and
``bulk_create`` reading every new id back cost more than all the other SQL of
a list page together; nothing reads the ids back, no signal listens to these
rows, and one stamp serves every row of one listing.
"""

from collections.abc import Iterable
from contextlib import nullcontext

from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from pps.models import AccessLogEntry

# Every column but the id, in the order the rows below give them.
COLUMNS = (
    "at",
    "user",
    "service",
    "role",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "allowed",
    "owner_service",
)
# Far below SQLite's 32,766 parameters per statement.
ROWS_PER_STATEMENT = 500
OBJECT_ID_LENGTH = AccessLogEntry._meta.get_field("object_id").max_length


def _insert_statement(connection, rows: int) -> str:
    """``INSERT`` of ``rows`` rows: quoted names from the model, every value a parameter."""
    meta, quote = AccessLogEntry._meta, connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in COLUMNS)
    row = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES " + ", ".join([row] * rows)  # noqa: S608


def _insert(user, rows: list[tuple[str, str, object, int | None, bool, int | None]]) -> None:
    """Write ``(action, object_type, object_id, case_id, allowed, owner_service_id)`` rows."""
    if not rows:
        return
    alias = router.db_for_write(AccessLogEntry)
    connection = connections[alias]
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    values = [
        (at, user.pk, user.service_id, user.role, str(action), object_type, str(object_id)[:OBJECT_ID_LENGTH], case_id, allowed, owner)
        for action, object_type, object_id, case_id, allowed, owner in rows
    ]  # fmt: skip
    chunks = [values[i : i + ROWS_PER_STATEMENT] for i in range(0, len(values), ROWS_PER_STATEMENT)]
    # One statement is atomic by itself; several are made so together.
    several = transaction.atomic(using=alias, savepoint=False) if len(chunks) > 1 else nullcontext()
    with several, connection.cursor() as cursor:
        for chunk in chunks:
            cursor.execute(
                _insert_statement(connection, len(chunk)), [value for row in chunk for value in row]
            )


def record_access(
    user, *, action, object_type, object_id, case_id=None, allowed=True, owner_service_id=None
) -> None:
    _insert(user, [(action, object_type, object_id, case_id, allowed, owner_service_id)])


def logged_or_404(
    user,
    record,
    *,
    object_type: str,
    object_id,
    case_id,
    action: str = AccessLogEntry.Action.VIEW,
    message: str = "Not found.",
    owner: QuerySet | None = None,
):
    """Log an attempt at one confidential record and return it, or answer 404.

    ``record`` is what the user's permission-filtered lookup found (None when it
    is missing or forbidden, which must look the same: ACC-6). Every attempt is
    logged, allowed or not (ACC-7). ``owner`` is the unfiltered lookup of the
    record's service id (a lazy ``values_list``), read only on a refusal: the
    service that owns the record then sees the attempt as well as the user's own.
    """
    owner_service_id = owner.first() if record is None and owner is not None else None
    record_access(
        user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        allowed=record is not None,
        owner_service_id=owner_service_id,
    )
    if record is None:
        raise Http404(message)
    return record


def record_listing(user, *, object_type: str, case_ids: Iterable[int]) -> None:
    """One row per case shown in a list or search result, in a single insert."""
    action = AccessLogEntry.Action.LIST
    _insert(user, [(action, object_type, case_id, case_id, True, None) for case_id in case_ids])
