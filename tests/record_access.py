"""Checks every permission-checked fetch of a case's record must pass (ACC-2, ACC-5, ACC-6, ACC-7).

A fetch is ``get_<thing>_for_user(user, case_id, <thing>_id, ...)`` in an
area's ``access.py``. It returns the record to a user who may see it and writes
one access-log row; it answers 404 for a missing id, for another service's
record, for a user of the wrong role (a volunteer, assigned or not) and for a
record of another case given under this case's URL, and logs each refusal.
"""

import pytest
from django.http import Http404

from pps.models import AccessLogEntry

MISSING = 2**62


def _new_rows(before: int) -> list[tuple]:
    return list(
        AccessLogEntry.objects.filter(pk__gt=before)
        .order_by("pk")
        .values_list("user_id", "object_type", "object_id", "case_id", "allowed", "owner_service")
    )


def _last_pk() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def assert_found(fetch, user, record, object_type: str):
    before = _last_pk()
    assert fetch(user, record.case_id, record.pk) == record
    assert _new_rows(before) == [(user.pk, object_type, str(record.pk), record.case_id, True, None)]


def assert_not_found(fetch, user, case_id, record_id, object_type: str, *, owner=None):
    before = _last_pk()
    with pytest.raises(Http404):
        fetch(user, case_id, record_id)
    assert _new_rows(before) == [(user.pk, object_type, str(record_id), case_id, False, owner)]


def assert_fetch_rule(
    fetch,
    *,
    object_type: str,
    user,
    record,
    other_case_record,
    other_service_record,
    refused_users,
):
    """``record`` and ``other_case_record`` are on two cases of ``user``'s service;
    ``other_service_record`` is another service's; ``refused_users`` are of the
    service but may not read this kind of record on ``record``'s case."""
    assert other_case_record.case_id != record.case_id
    assert_found(fetch, user, record, object_type)
    # The refusal names the service that owns the record, whenever the record exists.
    ours = record.case.service_id
    # The same record under another case's URL, and another case's record under this one.
    assert_not_found(fetch, user, other_case_record.case_id, record.pk, object_type, owner=ours)
    assert_not_found(fetch, user, record.case_id, other_case_record.pk, object_type, owner=ours)
    assert_not_found(fetch, user, record.case_id, MISSING, object_type)
    assert_not_found(fetch, user, record.case_id, "not-an-id", object_type)
    # Another service's record: refused, and that service sees the attempt.
    owner = other_service_record.case.service_id
    assert_not_found(
        fetch, user, other_service_record.case_id, other_service_record.pk, object_type, owner=owner
    )
    for refused in refused_users:
        assert_not_found(fetch, refused, record.case_id, record.pk, object_type, owner=ours)
