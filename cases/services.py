"""Writes for cases and the people and contacts they hold.

Keyword-only, typed, atomic; named ``<entity>_<verb>``. Views call these and
never write models directly.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cases.closing.hooks import retention_refresh
from cases.models import (
    AnonymousContact,
    Case,
    CaseClosure,
    Child,
    ClosureReason,
    Contact,
    Outcome,
    Parent,
    ParentalResponsibility,
    Topic,
    VolunteerAssignment,
)
from cases.rules import require_open
from cases.tasks.selectors import open_task_summary, open_tasks
from cases.tasks.services import task_create
from pps.crypto import create_data_key
from pps.history import save_as
from pps.locking import bump_version, lock_for_change
from pps.models import Service, User
from pps.roles import Role
from pps.rules import RuleError
from pps.volunteers import onboarding

CALLBACK_WITHOUT_TASK = (
    "A callback arranged needs a task: enter the date and time the callback is due."
)
NO_PARENTAL_RESPONSIBILITY = (
    "No parent or carer on this case holds parental responsibility, so the service can give "
    "general information only: no casework, volunteer support or disclosure on their behalf."
)


def case_allows_in_depth_support(case: Case) -> bool:
    """Whether casework, a volunteer or a disclosure on a parent's behalf is allowed (REF-5).

    In-depth support is only for parents who hold parental responsibility; until
    someone on the case is recorded as holding it ("not yet established" counts
    as not), the case is limited to general information.
    """
    if "parents" in getattr(case, "_prefetched_objects_cache", {}):
        # The case page prefetched them for its panels: no further query.
        return any(
            parent.parental_responsibility == ParentalResponsibility.YES
            for parent in case.parents.all()
        )
    return case.parents.filter(parental_responsibility=ParentalResponsibility.YES).exists()


def require_in_depth_support(case: Case) -> None:
    """Raise RuleError unless the case allows in-depth support (REF-5)."""
    if not case_allows_in_depth_support(case):
        raise RuleError(NO_PARENTAL_RESPONSIBILITY)


PARENT_WITHOUT_RESPONSIBILITY = (
    "This parent or carer is not recorded as holding parental responsibility, so the service "
    "can give them general information only: no volunteer support or disclosure on their behalf."
)


def parent_supported(case: Case, parent: Parent | None) -> Parent:
    """The parent an in-depth action is for: the one named, or the case's only parent.

    A case with several parents must say which one, since each needs their own
    parental responsibility (REF-5).
    """
    if parent is None:
        parents = list(case.parents.all()[:2])
        if len(parents) != 1:
            raise RuleError("Choose the parent or carer this is for.")
        return parents[0]
    if parent.case_id != case.pk:
        raise RuleError("Choose a parent or carer from this case.")
    return parent


def require_parental_responsibility(parent: Parent) -> None:
    """In-depth support for a parent needs that parent's own parental responsibility
    (REF-5): another parent on the case holding it is not enough."""
    if parent.parental_responsibility != ParentalResponsibility.YES:
        raise RuleError(PARENT_WITHOUT_RESPONSIBILITY)


def require_not_archived(case: Case) -> None:
    """Archived cases are read-only (RET-2). Writes to what the case records call
    the stricter ``require_open`` (a closed case is read-only too, CAS-3); this is
    for what may still happen on a closed case (a request for information, a
    child-protection override)."""
    if case.status == Case.Status.ARCHIVED:
        raise RuleError("This case is archived and read-only; open a new case instead.")


@transaction.atomic
def case_open(
    *,
    service: Service,
    by: User,
    parent: dict,
    summary: str = "",
    opened_on: datetime.date | None = None,
) -> Case:
    """Open a case for one parent's enquiry, with their agreement to storage (REF-3).

    ``parent`` holds the Parent fields; ``storage_agreed_on`` and
    ``storage_agreed_how`` are required: no agreement, no record.
    """
    if not parent.get("storage_agreed_on") or not parent.get("storage_agreed_how"):
        raise RuleError(
            "Record when and how the parent agreed to their details being stored before saving them."
        )
    case = Case(
        service=service,
        opened_on=opened_on or timezone.localdate(),
        summary=summary,
        created_by=by,
        data_key_id=create_data_key(),
    )
    save_as(case, by)
    case.reference = Case.reference_for(case.pk, case.opened_on)
    save_as(case, by, update_fields=["reference"])
    save_as(Parent(case=case, **parent), by)
    return case


@transaction.atomic
def child_add(
    *, case: Case, by: User, given_name: str, family_name: str, date_of_birth=None, school_phase=""
) -> Child:
    require_open(case)
    child = Child(
        case=case,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        school_phase=school_phase,
    )
    return save_as(child, by)


@transaction.atomic
def contact_log(
    *,
    case: Case,
    by: User,
    channel: str,
    topic: Topic,
    outcome: str,
    notes: str = "",
    occurred_at: datetime.datetime | None = None,
    submission_id=None,
    callback: dict | None = None,
) -> Contact:
    """Log a contact on a case. "Callback arranged" needs ``callback`` (``due_at``,
    optionally ``owner`` and ``note``): the callback task is created with the
    contact, in the same transaction, or neither is saved (CAS-5)."""
    if topic.service_id != case.service_id:
        raise RuleError("Choose a topic from your service's list.")
    require_open(case)
    if outcome == Outcome.CASEWORK:
        require_in_depth_support(case)
    if outcome == Outcome.CALLBACK and not callback:
        raise RuleError(CALLBACK_WITHOUT_TASK)
    contact = Contact(
        case=case,
        occurred_at=occurred_at or timezone.now(),
        channel=channel,
        topic=topic,
        outcome=outcome,
        staff=by,
        notes=notes,
        submission_id=submission_id,
    )
    save_as(contact, by)
    if callback:
        task_create(case=case, by=by, contact=contact, **callback)
    return contact


@transaction.atomic
def anonymous_contact_log(
    *,
    service: Service,
    by: User,
    channel: str,
    topic: Topic,
    outcome: str,
    occurred_at: datetime.datetime | None = None,
    submission_id=None,
) -> AnonymousContact:
    if topic.service_id != service.pk:
        raise RuleError("Choose a topic from your service's list.")
    if outcome == Outcome.CASEWORK:
        raise RuleError("Casework needs a case: an anonymous contact cannot record it.")
    if outcome == Outcome.CALLBACK:
        raise RuleError(
            "A callback needs a case: an anonymous contact keeps no number to call back."
        )
    return AnonymousContact.objects.create(
        service=service,
        occurred_at=occurred_at or timezone.now(),
        channel=channel,
        topic=topic,
        outcome=outcome,
        recorded_by=by,
        submission_id=submission_id,
    )


@transaction.atomic
def volunteer_assign(
    *, case: Case, volunteer: User, by: User, parent: Parent | None = None
) -> VolunteerAssignment:
    """Give a volunteer access to one case (object permission granted here).

    ``parent`` is the parent or carer the volunteer supports; it may be left out
    on a case with one parent.
    """
    # (Imported here: consent imports this module.)
    from consent.sharing import (
        VOLUNTEER_ROLE,
        VOLUNTEER_SHARED,
        SharingKind,
        SharingRefused,
        sharing_record,
        volunteer_party,
        volunteer_sharing_check,
    )

    # ACC-4: signed agreement and training recorded, refresher not overdue.
    if refusal := onboarding.assignment_refusal(volunteer):
        raise RuleError(refusal)
    if volunteer.role != Role.VOLUNTEER or volunteer.service_id != case.service_id:
        raise RuleError("Only a volunteer of this service can be assigned.")
    # Serialised with closure and with a second assignment: checked under the lock.
    lock_for_change(case)
    if case.volunteer_assignments.filter(volunteer=volunteer, ended_at__isnull=True).exists():
        raise RuleError("This volunteer is already assigned to this case.")
    if case.status != Case.Status.OPEN:
        raise RuleError("Volunteers can only be assigned to open cases.")
    parent = parent_supported(case, parent)
    require_parental_responsibility(parent)
    # CON-7, CON-8: the parent's consent must cover this volunteer now and under
    # any decision already recorded for a later date (the same rule that ends
    # assignments when consent changes).
    covered = volunteer_sharing_check(case=case, volunteer=volunteer)
    if not covered.allowed:
        raise SharingRefused(covered)
    assignment = save_as(
        VolunteerAssignment(case=case, volunteer=volunteer, parent=parent, assigned_by=by), by
    )
    assign_perm("view_case", volunteer, case)
    # What the volunteer now sees is recorded; sharing_record checks consent
    # again, and refused it raises and the assignment is rolled back.
    sharing_record(
        case=case,
        kind=SharingKind.VOLUNTEER,
        recipient_role=VOLUNTEER_ROLE,
        party=volunteer_party(volunteer),
        what=VOLUNTEER_SHARED,
        by=by,
    )
    return assignment


@transaction.atomic
def volunteer_unassign(*, assignment: VolunteerAssignment, by: User, reason: str = "") -> None:
    """End an assignment; the volunteer loses access on their next request.

    ``reason`` says why when the coordinator did not end it themselves; it is
    shown to coordinators with the assignment.
    """
    assignment.ended_at = timezone.now()
    assignment.end_reason = reason
    save_as(assignment, by, update_fields=["ended_at", "end_reason"])
    remove_perm("view_case", assignment.volunteer, assignment.case)


DEFAULT_TOPICS = [
    "EHC needs assessment",
    "School exclusion",
    "SEN support in school",
    "Tribunal / appeal",
    "Transport",
    "Annual review",
    "Other",
]


@transaction.atomic
def topics_create_defaults(*, service: Service) -> list[Topic]:
    """Give a new service the usual list of enquiry topics (admins can edit it)."""
    return [
        Topic.objects.get_or_create(service=service, name=name, defaults={"position": position})[0]
        for position, name in enumerate(DEFAULT_TOPICS)
    ]


@transaction.atomic
def case_close(
    *,
    case: Case,
    by: User,
    closed_on: datetime.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Close a case (CAS-3): staff or a coordinator, with the closure date and reason.

    Refused while a task on the case is open (each must be done or cancelled
    first). In the same transaction the volunteers' assignments end (they lose
    access at once, ACC-2), the closure is recorded with its reason, and the
    retention schedule gives the case its categories and destruction date
    (RET-1). ``reason`` is one of ``ClosureReason``; the screens always ask for
    it, code that closes cases in bulk (the demo, tests) may leave it out.
    """
    if not (by.is_case_worker and by.service_id == case.service_id):
        raise RuleError("Only staff or a coordinator of this service can close a case.")
    lock_for_change(case, expected_version=expected_version)
    if case.status != Case.Status.OPEN:
        raise RuleError("Only an open case can be closed.")
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise RuleError("The closure date must be today or in the past.")
    if closed_on < case.opened_on:
        raise RuleError(
            f"The closure date cannot be before the case was opened ({case.opened_on:%d/%m/%Y})."
        )
    if reason and reason not in ClosureReason.values:
        raise RuleError("Choose the reason for closing the case from the list.")
    still_open = list(open_tasks(case))
    if still_open:
        raise RuleError(
            f"Mark each open task done or cancel it before closing the case. "
            f"Open tasks: {open_task_summary(still_open)}."
        )
    case.status = Case.Status.CLOSED
    case.closed_on = closed_on
    save_as(case, by, update_fields=["status", "closed_on", *bump_version(case), "updated_at"])
    for assignment in case.volunteer_assignments.filter(ended_at__isnull=True).select_related(
        "volunteer"
    ):
        volunteer_unassign(assignment=assignment, by=by, reason="The case was closed.")
    save_as(CaseClosure(case=case, closed_on=closed_on, reason=reason, closed_by=by), by)
    retention_refresh(case)
    return case


@transaction.atomic
def parent_add(*, case: Case, by: User, **fields) -> Parent:
    """Record a further parent or carer on a case, with their own agreement (REF-3)."""
    require_open(case)
    if not fields.get("storage_agreed_on") or not fields.get("storage_agreed_how"):
        raise RuleError(
            "Record when and how this parent agreed to their details being stored before saving them."
        )
    return save_as(Parent(case=case, **fields), by)


def _check_case_worker(case: Case, staff: User | None) -> None:
    if staff is not None and (not staff.is_case_worker or staff.service_id != case.service_id):
        raise RuleError("Only staff or a coordinator of this service can hold a case.")


@transaction.atomic
def case_assign_staff(
    *, case: Case, staff: User | None, by: User, expected_version: int | None = None
) -> Case:
    _check_case_worker(case, staff)
    lock_for_change(case, expected_version=expected_version)
    require_open(case)
    case.assigned_staff = staff
    return save_as(case, by, update_fields=["assigned_staff", *bump_version(case), "updated_at"])


@transaction.atomic
def case_update(
    *, case: Case, by: User, expected_version: int, summary: str, assigned_staff: User | None
) -> Case:
    """Edit a case's summary and caseworker; a concurrent edit is a conflict (SEC-4).

    ``expected_version`` is the version the user's form was built from.
    """
    _check_case_worker(case, assigned_staff)
    lock_for_change(case, expected_version=expected_version)
    require_open(case)
    case.summary = summary
    case.assigned_staff = assigned_staff
    return save_as(
        case, by, update_fields=["summary", "assigned_staff", *bump_version(case), "updated_at"]
    )


@transaction.atomic
def case_archive(
    *,
    case: Case,
    by: User | None,
    archived_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move a closed case out of everyday lists (RET-2); it stays read-only."""
    lock_for_change(case, expected_version=expected_version)
    if case.status != Case.Status.CLOSED:
        raise RuleError("Only a closed case can be archived.")
    case.status = Case.Status.ARCHIVED
    case.archived_on = archived_on or timezone.localdate()
    return save_as(
        case, by, update_fields=["status", "archived_on", *bump_version(case), "updated_at"]
    )


@transaction.atomic
def volunteer_assignments_end(*, volunteer: User, by: User) -> int:
    """End every open assignment of a volunteer who has left or changed role (ACC-2)."""
    open_assignments = volunteer.volunteer_assignments.filter(ended_at__isnull=True)
    ended = 0
    for assignment in open_assignments.select_related("case", "volunteer"):
        volunteer_unassign(assignment=assignment, by=by)
        ended += 1
    return ended


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str, expected_version: int | None = None) -> Case:
    """A coordinator reopens a closed or archived case, saying why (CAS-3).

    Reopening clears the destruction date: an open case has none (RET-1). The
    closure stays in the case's history, and the schedule counts from the
    latest closure ever recorded, so closing it again never brings the date
    earlier than the first closure gave. Legal holds are untouched: a hold
    is about the purge, and stays until a coordinator lifts it (RET-4).
    """
    if by.role != Role.COORDINATOR or by.service_id != case.service_id:
        raise RuleError("Only a coordinator of this service can reopen a case.")
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("Enter why the case is being reopened.")
    lock_for_change(case, expected_version=expected_version)
    if case.status == Case.Status.OPEN:
        raise RuleError("This case is already open.")
    closure = case.closures.filter(reopened_on__isnull=True).first() or CaseClosure(
        case=case, closed_on=case.closed_on, closed_by=None
    )
    case.status = Case.Status.OPEN
    case.closed_on = None
    case.archived_on = None
    save_as(
        case,
        by,
        update_fields=["status", "closed_on", "archived_on", *bump_version(case), "updated_at"],
    )
    closure.reopened_on = timezone.localdate()
    closure.reopened_by = by
    closure.reopen_reason = reason
    save_as(closure, by)
    retention_refresh(case)
    return case
