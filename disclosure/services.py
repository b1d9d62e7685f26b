"""Writes for disclosure requests: log, parent told, parent's answer, approve, refuse, release, close.

Every step is a state change allowed by ``TRANSITIONS`` and nothing else, made
under a row lock with the version the user's form was built from
(``pps.locking``): two coordinators approving at once give one approval, the
other gets a conflict. Each step adds a ``DisclosureEvent`` (DIS-8).

Consent: a release to a third party is sharing, so the sharing check runs at
approval and again at release (``sharing_record``), and a withdrawal in between
stops the release. Subject access and the whole record at the parent's request
(DIS-3) give the family its own data: that is not third-party sharing, so no
consent check applies, but they are approved, released and logged the same way.
"""

import datetime
import smtplib

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Child, Parent, ParentalResponsibility
from cases.services import (
    parent_supported,
    require_in_depth_support,
    require_not_archived,
    require_parental_responsibility,
)
from consent.roles import recipient_roles_ensure, role_labels
from consent.sharing import SharingKind, sharing_record, sharing_require
from disclosure.approvers import approvers_for, may_decide, may_manage, why_not
from disclosure.due_dates import due_date
from disclosure.models import (
    SUBJECT_ACCESS,
    ConsentEvidence,
    DisclosureEvent,
    DisclosureRelease,
    DisclosureRequest,
    NotifiedHow,
    ParentAnswer,
    ParentCopy,
    RequesterType,
    Route,
    State,
    WholeRecordTo,
)
from disclosure.release_pack import Pack, chosen_pack, render_pack
from disclosure.subject_access import CAPACITY_AGE, age_on, family_pack
from pps.history import save_as
from pps.locking import bump_version, lock_for_change
from pps.models import User
from pps.notify import NotificationRefused, email_parent
from pps.roles import Role
from pps.rules import RuleError

# (route, from) -> states a request may move to. Nothing else is possible.
_THIRD_PARTY = {
    State.RECEIVED: {State.PARENT_NOTIFIED, State.REFUSED},
    State.PARENT_NOTIFIED: {State.CONSENT_RECORDED, State.REFUSED},
    State.CONSENT_RECORDED: {State.APPROVED, State.REFUSED},
    # Consent withdrawn after approval: the release is stopped and the request refused.
    State.APPROVED: {State.RELEASED, State.REFUSED},
    State.RELEASED: {State.CLOSED},
    State.REFUSED: {State.CLOSED},
}
TRANSITIONS = {
    Route.THIRD_PARTY: _THIRD_PARTY,
    Route.WHOLE_RECORD: _THIRD_PARTY,
    # The requester is the family itself: no one else to tell or ask.
    Route.SUBJECT_ACCESS: {
        State.RECEIVED: {State.APPROVED, State.REFUSED},
        State.APPROVED: {State.RELEASED, State.REFUSED},
        State.RELEASED: {State.CLOSED},
        State.REFUSED: {State.CLOSED},
    },
}
TEXT_MAX = 4000
NAME_MAX = 200


def allowed_next(disclosure: DisclosureRequest) -> set[str]:
    return set(TRANSITIONS[disclosure.route].get(disclosure.state, set()))


def _check_worker(case: Case, by: User) -> None:
    if not by.is_case_worker or by.service_id != case.service_id:
        raise RuleError("Only staff of this service can work on disclosure requests.")


def _check_decider(disclosure: DisclosureRequest, by: User) -> None:
    reason = why_not(by, disclosure)
    if reason:
        raise RuleError(reason)


def _move(disclosure: DisclosureRequest, to: str, *, by: User, summary: str, action: str, at):
    """Change state if the workflow allows it, save, and log the step."""
    if to not in allowed_next(disclosure):
        raise RuleError(
            f"This request is {disclosure.get_state_display().lower()}: it cannot be "
            f"{State(to).label.lower()} now."
        )
    disclosure.state = to
    bump_version(disclosure)
    save_as(disclosure, by)
    _log(disclosure, action, by=by, summary=summary, at=at)
    return disclosure


def _log(request, action, *, by, summary, at) -> DisclosureEvent:
    return save_as(
        DisclosureEvent(
            request=request, case=request.case, action=action, at=at, by=by, summary=summary
        ),
        by,
    )


def _text(value: str, what: str, *, required=False, limit=TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleError(f"Enter {what}.")
    if len(value) > limit:
        raise RuleError(f"Keep {what} under {limit} characters.")
    return value


def _check_subject(case, requester_type, subject_parent, subject_child, child_has_capacity, on):
    """DIS-6: who may make a subject access request about this case."""
    if subject_parent is not None and subject_parent.case_id != case.pk:
        raise RuleError("Choose a parent or carer from this case.")
    if subject_child is not None and subject_child.case_id != case.pk:
        raise RuleError("Choose a child from this case.")
    if requester_type == RequesterType.PARENT_SAR:
        if subject_parent is None:
            raise RuleError("Choose the parent or carer making the request.")
        if subject_parent.parental_responsibility != ParentalResponsibility.YES:
            raise RuleError(
                "Only a parent or carer recorded as holding parental responsibility can make "
                "a subject access request here."
            )
    if requester_type == RequesterType.CHILD_SAR:
        if subject_child is None:
            raise RuleError("Choose the child making the request.")
        age = age_on(subject_child, on)
        if age is None:
            raise RuleError(
                "Record the child's date of birth first: their age decides who may ask."
            )
        if age < CAPACITY_AGE:
            raise RuleError(
                f"A child under {CAPACITY_AGE} cannot make their own request: their parent may ask."
            )
        if child_has_capacity is not True:
            raise RuleError(
                "Record that the child has capacity to make the request; without it their "
                "parent may ask for them."
            )
    over_12 = subject_child is not None and (age_on(subject_child, on) or 0) >= CAPACITY_AGE
    if over_12 and child_has_capacity is None:
        raise RuleError(f"The child is {CAPACITY_AGE} or over: record whether they have capacity.")


@transaction.atomic
def disclosure_request_log(
    *,
    case: Case,
    by: User,
    requester_type: str,
    requester_name: str,
    requester_organisation: str = "",
    what_asked: str,
    received_on: datetime.date,
    recipient_role: str = "",
    subject_parent: Parent | None = None,
    subject_child: Child | None = None,
    child_has_capacity: bool | None = None,
    on_behalf_of: Parent | None = None,
    at: datetime.datetime | None = None,
) -> DisclosureRequest:
    """Register a request for information (DIS-1), with its due date.

    A third-party request is answered on behalf of one parent or carer
    (``on_behalf_of``; left out on a case with one parent), who must hold
    parental responsibility (REF-5).
    """
    at = at or timezone.now()
    _check_worker(case, by)
    require_not_archived(case)
    if requester_type not in RequesterType.values:
        raise RuleError("Choose who is asking.")
    if received_on > timezone.localdate(at):
        raise RuleError("The date received cannot be in the future.")
    requester_type, own_records = _own_records_as_subject_access(
        requester_type, subject_parent, subject_child
    )
    subject_access = requester_type in SUBJECT_ACCESS
    recipient_roles_ensure(service=case.service)
    if subject_access:
        recipient_role = ""
    elif recipient_role not in role_labels(case.service_id):
        raise RuleError("Choose the requester's role from your service's list.")
    _check_subject(
        case, requester_type, subject_parent, subject_child, child_has_capacity, received_on
    )
    if subject_access:
        on_behalf_of = None
    else:
        on_behalf_of = parent_supported(case, on_behalf_of)
        require_parental_responsibility(on_behalf_of)
    request = save_as(
        DisclosureRequest(
            case=case,
            requester_type=requester_type,
            route=Route.SUBJECT_ACCESS if subject_access else Route.THIRD_PARTY,
            recipient_role=recipient_role,
            requester_name=_text(requester_name, "who is asking", required=True, limit=NAME_MAX),
            requester_organisation=_text(
                requester_organisation, "the organisation", limit=NAME_MAX
            ),
            what_asked=_text(what_asked, "what is asked for", required=True),
            received_on=received_on,
            due_on=due_date(requester_type, received_on),
            subject_parent=subject_parent if subject_access else None,
            subject_child=subject_child if subject_access else None,
            child_has_capacity=child_has_capacity if subject_child else None,
            on_behalf_of=on_behalf_of,
            logged_by=by,
            logged_at=at,
        ),
        by,
    )
    _log(
        request,
        DisclosureEvent.Action.LOGGED,
        by=by,
        at=at,
        summary=f"{request.get_requester_type_display()} received {received_on:%d/%m/%Y}, "
        f"due {request.due_on:%d/%m/%Y}." + (f" {OWN_RECORDS_UNDER_FOI}" if own_records else ""),
    )
    return request


OWN_RECORDS_UNDER_FOI = (
    "Asked for under Freedom of Information by the family member the records are about: "
    "answered as their subject access request, by the family route."
)


def _own_records_as_subject_access(requester_type, subject_parent, subject_child):
    """GOV-5: a family member asking under FOI for their own case notes is answered by the
    family route. Their own records are their personal data, which FOI does not reach
    (FOIA s40(1)); subject access does, with its own checks and deadline. Returns the
    requester type to log and whether it was changed."""
    if requester_type != RequesterType.FOI:
        return requester_type, False
    if subject_parent is not None:
        return RequesterType.PARENT_SAR, True
    if subject_child is not None:
        return RequesterType.CHILD_SAR, True
    return requester_type, False


@transaction.atomic
def disclosure_parent_notified(
    *,
    disclosure: DisclosureRequest,
    by: User,
    notified_on: datetime.date,
    method: str,
    expected_version: int,
    at: datetime.datetime | None = None,
) -> DisclosureRequest:
    """DIS-2: the parent was told of the request."""
    at = at or timezone.now()
    _check_worker(disclosure.case, by)
    lock_for_change(disclosure, expected_version=expected_version)
    if method not in NotifiedHow.values:
        raise RuleError("Say how the parent was told.")
    if notified_on > timezone.localdate(at) or notified_on < disclosure.received_on:
        raise RuleError(
            "The parent was told on or after the day the request came, and not in the future."
        )
    disclosure.parent_notified_on = notified_on
    disclosure.parent_notified_how = method
    return _move(
        disclosure,
        State.PARENT_NOTIFIED,
        by=by,
        at=at,
        action=DisclosureEvent.Action.PARENT_NOTIFIED,
        summary=f"Parent told {NotifiedHow(method).label.lower()} on {notified_on:%d/%m/%Y}.",
    )


@transaction.atomic
def disclosure_consent_recorded(
    *,
    disclosure: DisclosureRequest,
    by: User,
    answer: str,
    answered_on: datetime.date,
    evidence: str = "",
    whole_record_to: str = "",
    whole_record_recipient: str = "",
    expected_version: int,
    at: datetime.datetime | None = None,
) -> DisclosureRequest:
    """DIS-2, DIS-3: the parent's answer: consent (with its signed form or letter), no, or the whole record to them."""
    at = at or timezone.now()
    _check_worker(disclosure.case, by)
    lock_for_change(disclosure, expected_version=expected_version)
    if answer not in ParentAnswer.values:
        raise RuleError("Record the parent's answer.")
    if answered_on > timezone.localdate(at) or (
        disclosure.parent_notified_on and answered_on < disclosure.parent_notified_on
    ):
        raise RuleError("The answer came after the parent was told, and not in the future.")
    if answer == ParentAnswer.CONSENTED and evidence not in ConsentEvidence.values:
        raise RuleError("Consent to release needs the signed form or the parent's letter.")
    if answer != ParentAnswer.CONSENTED:
        evidence = ""
    if answer == ParentAnswer.WHOLE_RECORD:
        if whole_record_to not in WholeRecordTo.values:
            raise RuleError("Say whether the record goes to the parent or their solicitor.")
        if whole_record_to == WholeRecordTo.SOLICITOR and not whole_record_recipient.strip():
            raise RuleError("Enter the solicitor's name and firm.")
        disclosure.route = Route.WHOLE_RECORD
        disclosure.whole_record_to = whole_record_to
        disclosure.whole_record_recipient = _text(
            whole_record_recipient, "the recipient", limit=NAME_MAX
        )
    disclosure.parent_answer = answer
    disclosure.consent_evidence = evidence
    disclosure.parent_answered_on = answered_on
    summary = f"{ParentAnswer(answer).label} ({answered_on:%d/%m/%Y})"
    if evidence:
        summary += f"; evidence: {ConsentEvidence(evidence).label.lower()}"
    return _move(
        disclosure,
        State.CONSENT_RECORDED,
        by=by,
        at=at,
        action=DisclosureEvent.Action.PARENT_ANSWERED,
        summary=summary + ".",
    )


@transaction.atomic
def disclosure_approve(
    *, disclosure: DisclosureRequest, by: User, expected_version: int, reason: str = "", at=None
) -> DisclosureRequest:
    """DIS-4: the head of service (or the deputy in their recorded absence) approves."""
    at = at or timezone.now()
    lock_for_change(disclosure, expected_version=expected_version)
    _check_decider(disclosure, by)
    if State.APPROVED not in allowed_next(disclosure):
        raise RuleError(
            f"This request is {disclosure.get_state_display().lower()}: it cannot be approved now."
        )
    if disclosure.route == Route.THIRD_PARTY:
        if disclosure.parent_answer != ParentAnswer.CONSENTED:
            raise RuleError("The parent has not consented to release: refuse the request.")
        # REF-5, checked again where the decision is made: the parent on whose
        # behalf it is disclosed. A request logged before that was recorded
        # names no parent: someone on the case must hold it.
        if disclosure.on_behalf_of is None:
            require_in_depth_support(disclosure.case)
        else:
            require_parental_responsibility(disclosure.on_behalf_of)
        sharing_require(
            case=disclosure.case,
            recipient_role=disclosure.recipient_role,
            party=disclosure.requester_name,
        )
    disclosure.decided_by, disclosure.decided_at = by, at
    disclosure.decision_reason = _text(reason, "the note")
    return _move(
        disclosure,
        State.APPROVED,
        by=by,
        at=at,
        action=DisclosureEvent.Action.APPROVED,
        summary=f"Approved: {disclosure.decision_reason}"
        if disclosure.decision_reason
        else "Approved.",
    )


@transaction.atomic
def disclosure_refuse(
    *, disclosure: DisclosureRequest, by: User, expected_version: int, reason: str, at=None
) -> DisclosureRequest:
    at = at or timezone.now()
    lock_for_change(disclosure, expected_version=expected_version)
    _check_decider(disclosure, by)
    reason = _text(reason, "the reason for refusing", required=True)
    disclosure.decided_by, disclosure.decided_at = by, at
    disclosure.decision_reason = reason
    return _move(
        disclosure,
        State.REFUSED,
        by=by,
        at=at,
        action=DisclosureEvent.Action.REFUSED,
        summary=f"Refused: {reason}",
    )


def _copy_recipients(disclosure: DisclosureRequest) -> list[Parent]:
    """Which parents get a copy of the released pack (DIS-5)."""
    if disclosure.requester_type == RequesterType.CHILD_SAR:
        # A child with capacity asked in their own right: copying the parents
        # would give them the child's data.
        return []
    if disclosure.requester_type == RequesterType.PARENT_SAR:
        return [disclosure.subject_parent]  # never the other parent
    return list(disclosure.case.parents.filter(parental_responsibility=ParentalResponsibility.YES))


def _send_copies(release: DisclosureRelease, parents: list[Parent], by: User, at) -> None:
    filename = f"disclosure-{release.case.reference}-{release.request_id}.pdf"
    for parent in parents:
        method = (
            ParentCopy.Method.EMAIL
            if parent.email_permission and parent.email
            else ParentCopy.Method.POST
        )
        save_as(
            ParentCopy(
                release=release, case=release.case, parent=parent, method=method, sent_at=at
            ),
            by,
        )
        if method == ParentCopy.Method.EMAIL:
            try:
                email_parent(
                    parent=parent,
                    subject=f"Information released about your enquiry ({release.case.reference})",
                    body="Please find attached a copy of the information we have released, "
                    "as we told you.\n\nThis email is confidential. If it has reached you by "
                    "mistake, please tell us and delete it.",
                    attachments=[(filename, release.pdf, "application/pdf")],
                )
            except (NotificationRefused, smtplib.SMTPException, OSError) as exc:
                raise RuleError(
                    "The copy to the parent could not be emailed, so nothing was released. Try again."
                ) from exc


@transaction.atomic
def disclosure_release(
    *,
    disclosure: DisclosureRequest,
    by: User,
    expected_version: int,
    items: list[str] | None = None,
    at=None,
) -> DisclosureRelease:
    """DIS-5: produce the pack, record what went to whom, and send the parents their copy.

    A third-party release takes the chosen ``items`` and records the share
    through ``sharing_record``, which checks consent again now. A family pack
    (subject access, whole record) is built by ``disclosure.subject_access``.
    """
    at = at or timezone.now()
    lock_for_change(disclosure, expected_version=expected_version)
    if not may_decide(by, disclosure.case.service):
        raise RuleError("Only the head of service or their deputy may release a pack.")
    if State.RELEASED not in allowed_next(disclosure):
        raise RuleError(
            f"This request is {disclosure.get_state_display().lower()}: it cannot be released now."
        )
    require_not_archived(disclosure.case)
    sharing_event = None
    if disclosure.is_family_route:
        pack: Pack = family_pack(disclosure)
    else:
        if not items:
            raise RuleError("Choose at least one item to release.")
        try:
            pack = chosen_pack(disclosure, items)
        except ValueError:
            raise RuleError("Choose items from this case.") from None
        sharing_event = sharing_record(
            case=disclosure.case,
            kind=SharingKind.DISCLOSURE,
            recipient_role=disclosure.recipient_role,
            party=disclosure.requester_name,
            what=f"Disclosure pack for request {disclosure.pk}:\n{pack.schedule}",
            by=by,
        )
    release = save_as(
        DisclosureRelease(
            request=disclosure,
            case=disclosure.case,
            recipient=pack.recipient,
            items=pack.keys,
            schedule=pack.schedule,
            withheld="\n".join(pack.withheld),
            pdf=render_pack(disclosure, pack, approved_by=disclosure.decided_by),
            released_by=by,
            approved_by=disclosure.decided_by,
            released_at=at,
            sharing_event=sharing_event,
        ),
        by,
    )
    copies = _copy_recipients(disclosure)
    _send_copies(release, copies, by, at)
    _move(
        disclosure,
        State.RELEASED,
        by=by,
        at=at,
        action=DisclosureEvent.Action.RELEASED,
        summary=f"Released {len(pack.items)} item(s) to {pack.recipient}; approved by "
        f"{disclosure.decided_by.get_full_name() or disclosure.decided_by.username}; "
        f"copy to {len(copies)} parent(s)."
        + (f" {len(pack.withheld)} item(s) withheld." if pack.withheld else ""),
    )
    return release


@transaction.atomic
def disclosure_close(*, disclosure: DisclosureRequest, by: User, expected_version: int, at=None):
    at = at or timezone.now()
    _check_worker(disclosure.case, by)
    lock_for_change(disclosure, expected_version=expected_version)
    return _move(
        disclosure,
        State.CLOSED,
        by=by,
        at=at,
        action=DisclosureEvent.Action.CLOSED,
        summary="Closed.",
    )


@transaction.atomic
def disclosure_approvers_set(
    *,
    service,
    by: User,
    head: User | None,
    deputy: User | None,
    absent_from: datetime.date | None,
    absent_until: datetime.date | None,
):
    """DIS-4: record the head of service, their deputy and the head's absence."""
    approvers = approvers_for(service)
    if not may_manage(by, service):
        raise RuleError("Only the head of service or an administrator can change this.")
    if head is not None and (head.service_id != service.pk or head.role != Role.COORDINATOR):
        raise RuleError("The head of service must be a coordinator of this service.")
    if deputy is not None and (
        deputy.service_id != service.pk or deputy.role not in (Role.STAFF, Role.COORDINATOR)
    ):
        raise RuleError("The deputy must be a member of staff or a coordinator of this service.")
    if deputy is not None and head is not None and deputy.pk == head.pk:
        raise RuleError("The deputy must be someone other than the head of service.")
    if (absent_from is None) != (absent_until is None):
        raise RuleError("Give both the first and the last day of the head's absence, or neither.")
    if absent_from and absent_until < absent_from:
        raise RuleError("The absence must end on or after the day it starts.")
    approvers.head, approvers.deputy = head, deputy
    approvers.head_absent_from, approvers.head_absent_until = absent_from, absent_until
    return save_as(approvers, by)
