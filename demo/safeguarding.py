"""Child-protection overrides in the demo data: every state the list can show.

Called by ``seed_demo`` after a service's consent is seeded: an override over a
parent's refusal still waiting for review, a reviewed override, and a decision
not to share.
"""

import datetime

from django.utils import timezone

from cases.models import Case
from consent.models import ConsentDecision, ConsentKind
from disclosure.safeguarding.models import ConcernCategory, OverrideRecipient, OverrideReview
from disclosure.safeguarding.services import non_disclosure_record, override_record, override_review
from pps.models import Service, User


def _workable_cases(service: Service):
    return Case.objects.filter(service=service).exclude(status=Case.Status.ARCHIVED).order_by("pk")


def _refused_case(service: Service) -> Case | None:
    refused = ConsentDecision.objects.filter(
        case__in=_workable_cases(service), kind=ConsentKind.REFUSED
    ).order_by("case_id")
    return refused.first().case if refused.exists() else None


def _ago(case: Case, delta: datetime.timedelta) -> datetime.datetime:
    """``delta`` ago, but never before the case opened."""
    opened = timezone.make_aware(datetime.datetime.combine(case.opened_on, datetime.time(12)))
    return min(max(timezone.now() - delta, opened), timezone.now())


def seed_overrides(*, service: Service, users: dict[str, User]) -> None:
    staff, staff2, coordinator = users["staff"], users["staff2"], users["coordinator"]
    cases = list(_workable_cases(service)[:3])
    if not cases:  # a demo asked for almost no cases
        return
    refused = _refused_case(service) or cases[0]
    override_record(
        case=refused,
        by=staff,
        category=ConcernCategory.NEGLECT,
        reason=(
            "On the call the parent described the children being left alone overnight "
            "several times this month; the youngest is four."
        ),
        recipient=OverrideRecipient.CHILDRENS_SOCIAL_CARE,
        recipient_detail="Multi-agency safeguarding hub, duty social worker",
        what_was_shared="Case reference, the children's names and address, and what the parent said on the call.",
        shared_at=_ago(refused, datetime.timedelta(hours=2)),
        child=refused.children.first(),
        notify_coordinators=False,
    )
    reviewed_case = next((case for case in cases if case.pk != refused.pk), refused)
    reviewed = override_record(
        case=reviewed_case,
        by=staff2,
        category=ConcernCategory.PHYSICAL,
        reason="The child told the volunteer at a meeting that a family member hits them with a belt.",
        recipient=OverrideRecipient.POLICE,
        recipient_detail="Child abuse investigation unit",
        what_was_shared="What the child said, when and where, and the case reference.",
        shared_at=_ago(reviewed_case, datetime.timedelta(days=9)),
        notify_coordinators=False,
    )
    override_review(
        override=reviewed,
        by=coordinator,
        outcome=OverrideReview.Outcome.APPROPRIATE,
        notes="Right call and made the same day; the referral was acknowledged by the police.",
    )
    non_disclosure_record(
        case=cases[-1],
        by=coordinator,
        category=ConcernCategory.EMOTIONAL,
        reason=(
            "Discussed the parent's worry about shouting at home with the duty social worker "
            "anonymously; below the threshold, so nothing identifying was shared."
        ),
    )
