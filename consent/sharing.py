"""The sharing check: may this case's information go to this recipient now? (CON-6)

Every path that sends case information outside the service calls
``sharing_require`` (or ``sharing_record``, which calls it) at the moment of
sharing, so a withdrawal takes effect at once (CON-7). The answer comes from
the decision in force at that moment:

- no decision, a refusal or a withdrawal: not allowed;
- in-person consent whose signed form is not attached: not allowed (CON-2);
- restricted: allowed only for the listed roles and, where the parent named
  people for a role, only for them (CON-3);
- full: allowed.

There is deliberately no way to ask this function to look away. Sharing over a
refusal to protect a child is the child-protection override, a separate path
that records itself.

Views that send data out are marked ``@outbound_path(...)`` and views that
produce documents which stay with the parent or the service are marked
``@internal_document(...)``; a test walks the URL resolver and fails for any
view that produces a document or records a share without one of the two marks.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import Case
from consent.models import VOLUNTEER_ROLE, ConsentDecision, SharingEvent, SharingKind
from consent.roles import describe_roles, role_labels
from consent.selectors import decision_in_force, lock_case, signed_form_attached
from pps.history import save_as
from pps.models import User
from pps.rules import RuleError

__all__ = [
    "INTERNAL_DOCUMENTS",
    "OUTBOUND_PATHS",
    "VOLUNTEER_ROLE",
    "VOLUNTEER_SHARED",
    "SharingDecision",
    "SharingKind",
    "SharingRefused",
    "internal_document",
    "outbound_path",
    "sharing_check",
    "sharing_record",
    "sharing_require",
    "volunteer_party",
    "volunteer_sharing_check",
]

# What a volunteer sees of a case they are assigned to (CON-8, ACC-3).
VOLUNTEER_SHARED = (
    "The case as a volunteer sees it: the parent's contact details, the enquiry, "
    "logged contacts (not voicemail) and the information about the children that "
    "the parent supplied (no case-file or school records)."
)


@dataclass(frozen=True)
class SharingDecision:
    allowed: bool
    reason: str  # safe to show staff: no names, only dates and roles
    decision_id: int | None  # the ConsentDecision in force, if any


class SharingRefused(RuleError):
    """Sharing is not allowed; ``str(error)`` is the reason, safe to show staff."""

    def __init__(self, decision: SharingDecision):
        super().__init__(decision.reason)
        self.decision = decision


def normalise_party(party: str) -> str:
    return re.sub(r"\s+", " ", party).strip().casefold()


def _on(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def sharing_check(
    *,
    case: Case,
    recipient_role: str,
    party: str = "",
    at: datetime.datetime | None = None,
) -> SharingDecision:
    at = at or timezone.now()
    decision = decision_in_force(case, at)
    if decision is None:
        return SharingDecision(
            False, "No consent to share information has been recorded for this case.", None
        )
    labels = role_labels(case.service_id)
    if recipient_role not in labels:
        return SharingDecision(
            False, "Choose a recipient role from your service's list.", decision.pk
        )
    refused = _refusal_reason(decision, labels, at=at, role=recipient_role, party=party)
    if refused:
        return SharingDecision(False, refused, decision.pk)
    role_name = labels[recipient_role]
    if decision.kind == ConsentDecision.Kind.FULL:
        reason = f"The parent gave full consent on {_on(decision.decided_on)}."
    else:
        reason = (
            f"The parent's restricted consent of {_on(decision.decided_on)} covers {role_name}."
        )
    return SharingDecision(True, reason, decision.pk)


def _refusal_reason(
    decision: ConsentDecision, labels: dict[str, str], *, at, role: str, party: str
) -> str:
    on = _on(decision.decided_on)
    if decision.kind == ConsentDecision.Kind.REFUSED:
        return f"The parent refused consent on {on}."
    if decision.kind == ConsentDecision.Kind.WITHDRAWN:
        return f"The parent withdrew consent on {on}."
    if decision.needs_signed_form and not signed_form_attached(decision, at):
        return (
            f"The in-person consent of {on} is incomplete: the signed consent form "
            "has not been attached."
        )
    if decision.kind != ConsentDecision.Kind.RESTRICTED:
        return ""
    if role not in decision.roles:
        return (
            f"The parent's consent of {on} is restricted to "
            f"{describe_roles(decision.roles, labels)}; it does not cover {labels[role]}."
        )
    named = {normalise_party(p.name) for p in decision.parties.all() if p.role == role}
    if named and normalise_party(party) not in named:
        return (
            f"The parent's consent of {on} covers {labels[role]} only for the people "
            "the parent named; this recipient is not one of them."
        )
    return ""


def sharing_require(
    *,
    case: Case,
    recipient_role: str,
    party: str = "",
    at: datetime.datetime | None = None,
) -> SharingDecision:
    """The sharing check, raising ``SharingRefused`` when sharing is not allowed."""
    decision = sharing_check(case=case, recipient_role=recipient_role, party=party, at=at)
    if not decision.allowed:
        raise SharingRefused(decision)
    return decision


def volunteer_party(volunteer: User) -> str:
    """How a volunteer is named to the sharing check (a restricted decision may name them)."""
    return volunteer.get_full_name() or volunteer.username


def volunteer_sharing_check(
    *, case: Case, volunteer: User, at: datetime.datetime | None = None
) -> SharingDecision:
    """Does the parent's consent cover this volunteer, now and from here on? (CON-7, CON-8)

    A volunteer reaches a case through an object permission that lasts until
    the assignment ends, not through a check on each read, so the volunteer must
    be covered by the decision in force and by every decision already recorded
    for a later date. One that will not cover them ends the assignment when it
    is recorded rather than leave the volunteer's access open past its date.
    Both assigning a volunteer and every change of consent ask this.
    """
    at = at or timezone.now()
    party = volunteer_party(volunteer)
    now = sharing_check(case=case, recipient_role=VOLUNTEER_ROLE, party=party, at=at)
    if not now.allowed:
        return now
    scheduled = (
        ConsentDecision.objects.filter(case=case, effective_from__gt=at)
        .values_list("effective_from", flat=True)
        .order_by("effective_from")
        .distinct()
    )
    for moment in scheduled:
        later = sharing_check(case=case, recipient_role=VOLUNTEER_ROLE, party=party, at=moment)
        if not later.allowed:
            return later
    return now


@transaction.atomic
def sharing_record(
    *, case: Case, kind: str, recipient_role: str, party: str, what: str, by: User
) -> SharingEvent:
    """Check consent, then record what was shared, with whom and when (CON-6, CON-8).

    The only writer of ``SharingEvent``: a share that the check refuses raises
    ``SharingRefused`` and leaves nothing behind.
    """
    if kind not in SharingKind.values:
        raise RuleError("Choose what kind of sharing this is.")
    if not what.strip():
        raise RuleError("Say what information was shared.")
    now = timezone.now()
    # Lock the case row so a withdrawal recorded at the same moment is either
    # seen by this check or waits for this share to be recorded.
    lock_case(case)
    allowed = sharing_require(case=case, recipient_role=recipient_role, party=party, at=now)
    event = SharingEvent(
        case=case,
        kind=kind,
        recipient_role=recipient_role,
        party=party.strip(),
        what=what.strip(),
        shared_at=now,
        by=by,
        consent_decision_id=allowed.decision_id,
    )
    return save_as(event, by)


# --- the registry of paths that send case information out -------------------

OUTBOUND_PATHS: dict[str, str] = {}
INTERNAL_DOCUMENTS: dict[str, str] = {}


def _qualified_name(view: Callable) -> str:
    return f"{view.__module__}.{view.__qualname__}"


def _marker(registry: dict[str, str], attribute: str) -> Callable:
    def decorator(text: str) -> Callable:
        def mark(view):
            registry[_qualified_name(view)] = text
            setattr(view, attribute, text)
            return view

        return mark

    return decorator


# @outbound_path(description): a view that sends case information out; it must
# call the sharing check.
outbound_path = _marker(OUTBOUND_PATHS, "outbound_path")
# @internal_document(reason): a view producing a document that stays with the
# service or goes to the family itself.
internal_document = _marker(INTERNAL_DOCUMENTS, "internal_document_reason")
