"""Permission-filtered, logged reads of overrides and decisions not to share.

Coordinators see every one in their service (they review them); staff see the
ones on cases they can open. Volunteers and administrators see none. A single
record is loaded with ``get_override_for_user``: 404 for missing and forbidden
alike, logged either way (ACC-6, ACC-7).
"""

from django.db.models import QuerySet

from cases.access import on_visible_cases
from disclosure.safeguarding.models import (
    ChildProtectionOverride,
    NonDisclosureDecision,
    OverrideReview,
)
from pps.access_log import logged_or_404, record_listing
from pps.form_fields import as_id
from pps.models import User
from pps.roles import CASE_WORKER_ROLES, Role

WAITING = "waiting"
REVIEWED = "reviewed"


def _on_visible_cases(user: User, queryset: QuerySet) -> QuerySet:
    if user.role not in CASE_WORKER_ROLES:
        return queryset.none()
    return on_visible_cases(user, queryset)


def visible_overrides(user: User) -> QuerySet[ChildProtectionOverride]:
    return _on_visible_cases(user, ChildProtectionOverride.objects.all())


def override_list(user: User, *, status: str = "") -> QuerySet[ChildProtectionOverride]:
    """The safeguarding list: all of the service's for coordinators, their own for staff."""
    overrides = visible_overrides(user)
    if user.role != Role.COORDINATOR:
        overrides = overrides.filter(recorded_by=user)
    if status == WAITING:
        overrides = overrides.filter(review__isnull=True)
    elif status == REVIEWED:
        overrides = overrides.filter(review__isnull=False)
    return overrides.select_related("case", "recorded_by", "review", "review__reviewed_by")


def non_disclosure_list(user: User) -> QuerySet[NonDisclosureDecision]:
    decisions = _on_visible_cases(user, NonDisclosureDecision.objects.all())
    if user.role != Role.COORDINATOR:
        decisions = decisions.filter(decided_by=user)
    return decisions.select_related("case", "decided_by")


def waiting_for_review_count(user: User) -> int:
    if user.role != Role.COORDINATOR:
        return 0
    return override_list(user, status=WAITING).count()


def log_listing(user: User, records) -> None:
    record_listing(
        user,
        object_type=ChildProtectionOverride._meta.model_name,
        case_ids=sorted({record.case_id for record in records}),
    )


def get_override_for_user(user: User, pk) -> ChildProtectionOverride:
    override_id = as_id(pk)
    override = None
    if override_id is not None:
        override = (
            visible_overrides(user)
            .select_related("case", "child", "recorded_by")
            .filter(pk=override_id)
            .first()
        )
    return logged_or_404(
        user,
        override,
        object_type=ChildProtectionOverride._meta.model_name,
        object_id=pk,
        case_id=override.case_id if override else None,
        message="No such override.",
        owner=ChildProtectionOverride.objects.filter(pk=override_id).values_list(
            "case__service_id", flat=True
        ),
    )


def review_of(override: ChildProtectionOverride) -> OverrideReview | None:
    """The review of an override loaded through ``get_override_for_user``, if there is one."""
    return OverrideReview.objects.filter(override=override).select_related("reviewed_by").first()
