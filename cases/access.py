"""The only way views load cases: permission-filtered, logged reads.

``get_case_for_user`` answers 404 for a case that does not exist and for one
the user may not see alike (so ids reveal nothing), and writes an access-log
row either way (ACC-6, ACC-7). ``visible_cases`` is the list equivalent, and
``visible_case_count`` the everyday list's length.

A record that belongs to a case (a letter, a request for information, a
consent decision) loads through its area's ``access.py`` with
``get_on_visible_case``: the same rule, one logged read of the record itself.
"""

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.http import Http404

from cases.models import Case, CaseCount, ChildInformation, Parent, VolunteerAssignment
from pps.access_log import logged_or_404, record_access
from pps.form_fields import as_id
from pps.models import AccessLogEntry, User
from pps.roles import CASE_WORKER_ROLES, Role
from pps.volunteers.onboarding import casework_refusal


def sees_archived_cases(user: User) -> bool:
    """Archived files are kept for the retention period, not worked on: only
    coordinators still see them (RET-2)."""
    return user.role == Role.COORDINATOR


def visible_cases(user: User) -> QuerySet[Case]:
    """Cases this user may see (ACC-2): never another service's, whatever the role."""
    if not (user.is_authenticated and user.is_active and user.service_id):
        return Case.objects.none()
    in_service = Case.objects.filter(service_id=user.service_id)
    if user.role in CASE_WORKER_ROLES:
        if not sees_archived_cases(user):
            in_service = in_service.exclude(status=Case.Status.ARCHIVED)
        return in_service
    if user.role == Role.VOLUNTEER:
        # GOV-2: no recorded undertaking about home computers and remote
        # working, no case at all, the ones assigned before included.
        if casework_refusal(user):
            return Case.objects.none()
        # The object permission is granted on assignment and removed on
        # unassignment or closure, so this join is the whole rule.
        return in_service.filter(
            caseuserobjectpermission__user=user,
            caseuserobjectpermission__permission__codename="view_case",
        )
    return Case.objects.none()


def on_visible_cases(user: User, records: QuerySet) -> QuerySet:
    """``records`` (of a model with a ``case``) whose case the user may see.

    A correlated EXISTS on the case's primary key, not ``case IN (visible
    cases)``: for staff the visible cases are the whole service, and SQLite
    then builds that list of ids (100,000 at 100,000 cases) before it looks at
    a single record, even for one record read by its primary key (80 ms
    against 0.005 ms), and drives a list from it instead of the records' own
    index (a caseworker's tasks due: 258 ms against 0.06 ms). PostgreSQL plans
    the two forms alike.
    """
    return records.filter(Exists(visible_cases(user).filter(pk=OuterRef("case_id"))))


def visible_case_count(user: User, *, archived: bool = False) -> int | None:
    """How many cases the everyday list (or, with ``archived``, the archived
    list) of ``visible_cases`` holds, read from the counts the database keeps
    (``CaseCount``) instead of counting every case. ``None`` where the list is
    not a service's cases by status (a volunteer's assigned cases): the pager
    counts those, and they are few."""
    if not (user.is_authenticated and user.is_active and user.service_id):
        return 0
    if user.role == Role.VOLUNTEER:
        return None
    if user.role not in CASE_WORKER_ROLES:
        return 0
    counts = CaseCount.objects.filter(service_id=user.service_id)
    if archived:
        if not sees_archived_cases(user):
            return 0
        counts = counts.filter(status=Case.Status.ARCHIVED)
    else:
        counts = counts.exclude(status=Case.Status.ARCHIVED)
    return counts.aggregate(total=Sum("total", default=0))["total"]


def get_case_for_user(
    user: User,
    pk,
    *,
    action: str = AccessLogEntry.Action.VIEW,
    annotations: Mapping[str, Any] | None = None,
) -> Case:
    """``annotations`` (name -> expression) ride on the one permission-checked read,
    so a page can show counts and statuses without a query each."""
    case_id = as_id(pk)
    case = None
    if case_id is not None:
        cases = visible_cases(user).select_related("assigned_staff", "service")
        if annotations:
            cases = cases.annotate(**annotations)
        case = cases.filter(pk=case_id).first()
    try:
        return logged_or_404(
            user,
            case,
            action=action,
            object_type="case",
            object_id=pk,
            case_id=case_id,
            message="No such case.",
            owner=Case.objects.filter(pk=case_id).values_list("service_id", flat=True)
            if case_id is not None
            else None,
        )
    except Http404:
        # GOV-2: the refusal is logged above like any other; a volunteer
        # refused for want of the undertaking is told so, whatever the case
        # (the answer depends on them alone, so it reveals nothing of the case).
        if refusal := casework_refusal(user):
            raise PermissionDenied(refusal) from None
        raise


def get_on_visible_case(
    user: User,
    records: QuerySet,
    case_id,
    pk,
    *,
    roles: Collection[str] = CASE_WORKER_ROLES,
    action: str = AccessLogEntry.Action.VIEW,
    message: str = "Not found.",
):
    """The record ``pk`` of ``records`` on case ``case_id``, if the user may see that case.

    The record must belong to the case named in the URL, so an id of another
    case's record (even one the user may see) is not found. Only ``roles`` read
    such records at all (staff and coordinators unless the area says otherwise:
    a volunteer sees the case but not its letters or requests, ACC-5), whatever
    the view's own role check. Missing, forbidden and on another case all answer
    404 and are logged alike, with the URL's case (ACC-6, ACC-7), under the
    model's name (what the purge looks for). The record comes with its case,
    service and assigned worker.
    """
    record_id, case_pk = as_id(pk), as_id(case_id)
    record = None
    if record_id is not None and case_pk is not None and getattr(user, "role", None) in roles:
        on_case = records.filter(pk=record_id, case_id=case_pk)
        record = (
            on_visible_cases(user, on_case)
            .select_related("case__service", "case__assigned_staff")
            .first()
        )
    return logged_or_404(
        user,
        record,
        action=action,
        object_type=records.model._meta.model_name,
        object_id=pk,
        case_id=case_pk,
        message=message,
        owner=records.model._base_manager.filter(pk=record_id).values_list(
            "case__service_id", flat=True
        )
        if record_id is not None
        else None,
    )


def get_parent_for_user(user: User, case_id, parent_id, **kwargs) -> Parent:
    return get_on_visible_case(
        user,
        Parent.objects.all(),
        case_id,
        parent_id,
        message="No such parent on this case.",
        **kwargs,
    )


def get_assignment_for_user(user: User, case_id, assignment_id, **kwargs) -> VolunteerAssignment:
    return get_on_visible_case(
        user,
        VolunteerAssignment.objects.select_related("volunteer"),
        case_id,
        assignment_id,
        roles=(Role.COORDINATOR,),
        message="No such assignment on this case.",
        **kwargs,
    )


def visible_child_information(user: User, case: Case) -> QuerySet[ChildInformation]:
    """Volunteers (anyone but staff and coordinators) see only what the parent supplied (ACC-3)."""
    information = case.child_information.all()
    if user.role not in CASE_WORKER_ROLES:
        information = information.filter(source=ChildInformation.Source.PARENT)
    return information


# What a register (legal holds, breaches) reads of a case it names: never the family.
REGISTER_FIELDS = ("id", "reference", "service_id", "status", "opened_on", "closed_on")


def case_named_in_register(user: User, reference: str) -> Case | None:
    """The case of the user's service with this reference, for a coordinator's or
    administrator's register entry (a legal hold, a breach), or None.

    Administrators do not read cases (ACC-1), so they get the register's
    bookkeeping columns of any case of their service; coordinators only a case
    they can see. Logged either way; a reference of another service's case is
    logged for that service too (ACC-7).
    """
    if user.role == Role.ADMIN and user.service_id:
        cases = Case.objects.filter(service_id=user.service_id)
    elif user.role == Role.COORDINATOR:
        cases = visible_cases(user)
    else:
        cases = Case.objects.none()
    case = cases.only(*REGISTER_FIELDS).filter(reference=reference).first()
    record_access(
        user,
        action=AccessLogEntry.Action.VIEW,
        object_type="case",
        object_id=case.pk if case else reference,
        case_id=case.pk if case else None,
        allowed=case is not None,
        owner_service_id=None
        if case
        else Case.objects.filter(reference=reference).values_list("service_id", flat=True).first(),
    )
    return case
