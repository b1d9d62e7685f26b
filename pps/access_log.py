"""Writing the read-access log (ACC-6, ACC-7). Only ids, never content."""

from collections.abc import Iterable

from django.http import Http404

from pps.models import AccessLogEntry


def _entry(user, *, action, object_type, object_id, case_id, allowed) -> AccessLogEntry:
    return AccessLogEntry(
        user=user,
        service_id=user.service_id,
        role=user.role,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:40],
        case_id=case_id,
        allowed=allowed,
    )


def record_access(user, *, action, object_type, object_id, case_id=None, allowed=True) -> None:
    _entry(
        user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        allowed=allowed,
    ).save()


def logged_or_404(
    user,
    record,
    *,
    object_type: str,
    object_id,
    case_id,
    action: str = AccessLogEntry.Action.VIEW,
    message: str = "Not found.",
):
    """Log an attempt at one confidential record and return it, or answer 404.

    ``record`` is what the user's permission-filtered lookup found (None when it
    is missing or forbidden, which must look the same: ACC-6). Every attempt is
    logged, allowed or not (ACC-7).
    """
    record_access(
        user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        allowed=record is not None,
    )
    if record is None:
        raise Http404(message)
    return record


def record_listing(user, *, object_type: str, case_ids: Iterable[int]) -> None:
    """One row per case shown in a list or search result, in a single insert."""
    AccessLogEntry.objects.bulk_create(
        [
            _entry(
                user,
                action=AccessLogEntry.Action.LIST,
                object_type=object_type,
                object_id=case_id,
                case_id=case_id,
                allowed=True,
            )
            for case_id in case_ids
        ]
    )
