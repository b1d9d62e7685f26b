"""Recording child-protection overrides, their review, and decisions not to share (DIS-7).

The override is the one path that shares without obeying the consent check:
it takes a snapshot of what the check would have said (so the record shows a
refusal was overridden) but never calls ``sharing_require`` and never writes a
``SharingEvent``. Coordinators are emailed once the override is committed; a
mail failure is logged (ids only) and never loses the record.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Child
from cases.services import require_not_archived
from consent.models import ConsentKind
from consent.roles import role_labels
from consent.selectors import decision_in_force
from consent.sharing import sharing_check
from disclosure.safeguarding.models import (
    ChildProtectionOverride,
    ConcernCategory,
    NonDisclosureDecision,
    OverrideRecipient,
    OverrideReview,
)
from pps.history import save_as
from pps.models import User
from pps.notify import notify_staff
from pps.roles import CASE_WORKER_ROLES, Role
from pps.rules import RuleError

logger = logging.getLogger(__name__)

# Long enough that "at risk" alone is not a reason someone can review later.
MIN_REASON_CHARS = 20
# Clocks differ a little between the caseworker's PC and the server.
CLOCK_SLACK = datetime.timedelta(minutes=5)
# The consent role that best matches each recipient, for the snapshot.
CONSENT_ROLE_FOR = {
    OverrideRecipient.CHILDRENS_SOCIAL_CARE: "social_care",
    OverrideRecipient.POLICE: "other",
    OverrideRecipient.LADO: "other",
    OverrideRecipient.OTHER: "other",
}
NOTIFY_SUBJECT = "Child-protection override waiting for review"


def _require_case_worker(case: Case, by: User) -> None:
    if by.role not in CASE_WORKER_ROLES or by.service_id != case.service_id:
        raise RuleError("Only staff and coordinators of this service can record this.")


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise RuleError(
            f"Give the {what} in at least {MIN_REASON_CHARS} characters, so it can be reviewed."
        )
    return reason


def _require_category(category: str) -> None:
    if category not in ConcernCategory.values:
        raise RuleError("Choose the category of concern.")


def consent_snapshot(case: Case, recipient: str, at: datetime.datetime) -> tuple[bool, str]:
    """(refused, what the sharing check would have said) at ``at``; checks, never enforces."""
    decision = decision_in_force(case, at)
    refused = decision is not None and decision.kind in (ConsentKind.REFUSED, ConsentKind.WITHDRAWN)
    role = CONSENT_ROLE_FOR.get(recipient, "other")
    if decision is None or role in role_labels(case.service_id):
        return refused, sharing_check(case=case, recipient_role=role, at=at).reason
    return refused, f"{decision.get_kind_display()} on {decision.decided_on:%d/%m/%Y}."


def _check_shared_at(case: Case, shared_at: datetime.datetime) -> None:
    if shared_at > timezone.now() + CLOCK_SLACK:
        raise RuleError("The time the information was shared cannot be in the future.")
    if timezone.localtime(shared_at).date() < case.opened_on:
        raise RuleError("The time the information was shared cannot be before the case opened.")


@transaction.atomic
def override_record(
    *,
    case: Case,
    by: User,
    category: str,
    reason: str,
    recipient: str,
    recipient_detail: str = "",
    what_was_shared: str,
    shared_at: datetime.datetime | None = None,
    child: Child | None = None,
    notify_coordinators: bool = True,
) -> ChildProtectionOverride:
    """Record information shared without consent to protect a child (DIS-7).

    Takes effect at once, whatever the parent decided about consent. Only the
    demo data passes ``notify_coordinators=False``: nothing happened to tell.
    """
    _require_case_worker(case, by)
    require_not_archived(case)
    _require_category(category)
    if recipient not in OverrideRecipient.values:
        raise RuleError("Choose who the information was shared with.")
    recipient_detail = (recipient_detail or "").strip()
    if recipient == OverrideRecipient.OTHER and not recipient_detail:
        raise RuleError("Say who the information was shared with.")
    if not (what_was_shared or "").strip():
        raise RuleError("Say what information was shared.")
    if child is not None and child.case_id != case.pk:
        raise RuleError("Choose a child on this case.")
    shared_at = shared_at or timezone.now()
    _check_shared_at(case, shared_at)
    refused, consent_text = consent_snapshot(case, recipient, shared_at)
    override = ChildProtectionOverride(
        case=case,
        child=child,
        category=category,
        reason=_require_reason(reason, "reason"),
        recipient=recipient,
        recipient_detail=recipient_detail,
        what_was_shared=what_was_shared.strip(),
        shared_at=shared_at,
        consent_refused=refused,
        consent_at_the_time=consent_text[:300],
        recorded_by=by,
    )
    save_as(override, by)
    if notify_coordinators:
        transaction.on_commit(lambda: override_notify(override_id=override.pk))
    return override


def review_path(override_id: int) -> str:
    return reverse("safeguarding:detail", args=[override_id])


def coordinators_to_tell(override: ChildProtectionOverride):
    """Active coordinators of the service, except whoever recorded the override."""
    return User.objects.filter(
        service_id=override.case.service_id, role=Role.COORDINATOR, is_active=True
    ).exclude(pk=override.recorded_by_id)


def override_notify(*, override_id: int) -> int:
    """Email the coordinators, by coded reference only (COM-3); never raises.

    Runs after the override is committed, so a failing mail server cannot undo
    it; the in-app count of overrides waiting for review is the other half of
    telling them at once.
    """
    try:
        override = ChildProtectionOverride.objects.select_related("case", "child").get(
            pk=override_id
        )
        body = (
            f"A child-protection override was recorded on case {override.case.reference} "
            f"at {timezone.localtime(override.recorded_at):%d/%m/%Y %H:%M}. "
            "Information was shared without the parent's consent; a coordinator must review it.\n\n"
            f"Review it here: {review_path(override.pk)}\n"
        )
        return notify_staff(
            case=override.case,
            recipients=coordinators_to_tell(override),
            subject=NOTIFY_SUBJECT,
            body=body,
            child=override.child,
        )
    except Exception as exc:  # noqa: BLE001 - the override stands whatever the mail does
        # Only the id and the kind of error: a mail error may quote an address.
        logger.error(
            "Could not email coordinators about override %s (%s); it is still waiting for review.",
            override_id,
            type(exc).__name__,
        )
        return 0


def review_refusal(override: ChildProtectionOverride, by: User) -> str:
    """Why ``by`` may not review ``override``, or "" if they may."""
    if by.role != Role.COORDINATOR or by.service_id != override.case.service_id:
        return "Only a coordinator of this service can review a child-protection override."
    if OverrideReview.objects.filter(override=override).exists():
        return "This override has already been reviewed."
    if override.recorded_by_id == by.pk:
        # The review is a second pair of eyes (as with approving a disclosure:
        # nobody approves what they logged), so it waits for another coordinator.
        if not coordinators_to_tell(override).exists():
            return (
                "You recorded this override, so another coordinator must review it. There is "
                "no other coordinator in the service: ask an administrator to give your deputy "
                "the coordinator role. The override stays on the list until it is reviewed."
            )
        return "You recorded this override, so another coordinator must review it."
    return ""


@transaction.atomic
def override_review(
    *, override: ChildProtectionOverride, by: User, outcome: str, notes: str
) -> OverrideReview:
    """Record a coordinator's review; once per override, never by its recorder."""
    # Serialise two coordinators reviewing at once; the unique key is the backstop.
    override = (
        ChildProtectionOverride.objects.select_for_update()
        .select_related("case")
        .get(pk=override.pk)
    )
    refusal = review_refusal(override, by)
    if refusal:
        raise RuleError(refusal)
    if outcome not in OverrideReview.Outcome.values:
        raise RuleError("Choose the outcome of the review.")
    review = OverrideReview(
        override=override,
        case=override.case,
        outcome=outcome,
        notes=_require_reason(notes, "review notes"),
        reviewed_by=by,
    )
    try:
        with transaction.atomic():
            return save_as(review, by)
    except IntegrityError as exc:
        raise RuleError("This override has already been reviewed.") from exc


@transaction.atomic
def non_disclosure_record(
    *, case: Case, by: User, category: str, reason: str
) -> NonDisclosureDecision:
    """Record that a concern was considered and the decision was not to share."""
    _require_case_worker(case, by)
    require_not_archived(case)
    _require_category(category)
    decision = NonDisclosureDecision(
        case=case, category=category, reason=_require_reason(reason, "reason"), decided_by=by
    )
    return save_as(decision, by)
