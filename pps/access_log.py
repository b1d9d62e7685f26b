"""Writing the read-access log (ACC-6, ACC-7). Only ids, never content."""

from collections.abc import Iterable

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
