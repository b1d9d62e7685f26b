"""Reads of consent: the decision in force, the timeline, reviews that are due.

Callers have already loaded the case through ``cases.access`` (or, for the
reviews list, go through ``visible_cases``), so these never widen access.
"""

import datetime
from calendar import monthrange
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from cases.access import visible_cases
from cases.models import Case
from consent.models import ConsentDecision, ConsentSettings, SignedConsentForm
from pps.models import Service, User

# "Most recently recorded" decides between decisions that have both taken effect.
RECORDING_ORDER = ("-recorded_at", "-id")


def decision_in_force(case: Case, at: datetime.datetime) -> ConsentDecision | None:
    """The most recently recorded decision that had taken effect by ``at``.

    A later decision supersedes every earlier one from the moment it takes
    effect, including one still scheduled for the future.
    """
    return (
        ConsentDecision.objects.filter(case=case, effective_from__lte=at)
        .order_by(*RECORDING_ORDER)
        .first()
    )


def lock_case(case: Case) -> None:
    """Serialise consent changes and shares on one case (PostgreSQL row lock).

    SQLite already serialises writers (transactions begin IMMEDIATE).
    """
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))


def latest_decision(case: Case) -> ConsentDecision | None:
    # The case page shows who recorded it and what it reviewed: read them in the same query.
    decisions = ConsentDecision.objects.filter(case=case).select_related("recorded_by", "review_of")
    return decisions.order_by(*RECORDING_ORDER).first()


def signed_form_attached(decision: ConsentDecision, at: datetime.datetime) -> bool:
    return decision.signed_forms.filter(uploaded_at__lte=at).exists()


def is_incomplete(decision: ConsentDecision | None, at: datetime.datetime | None = None) -> bool:
    """In-person consent without its signed form (CON-2)."""
    if decision is None or not decision.needs_signed_form:
        return False
    return not signed_form_attached(decision, at or timezone.now())


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def review_interval_months(service: Service | int) -> int:
    service_id = service if isinstance(service, int) else service.pk
    settings = ConsentSettings.objects.filter(service_id=service_id).first()
    return settings.review_interval_months if settings else ConsentSettings().review_interval_months


def review_due_on(decision: ConsentDecision, months: int) -> datetime.date:
    return add_months(timezone.localdate(decision.effective_from), months)


@dataclass
class ConsentStatus:
    """What a case page shows: the decision in force now, and one still to come."""

    in_force: ConsentDecision | None
    scheduled: ConsentDecision | None
    incomplete: bool
    review_due: datetime.date | None
    review_overdue: bool
    can_withdraw: bool


def review_months_for(case: Case) -> int:
    """The review interval of the case's service, in months."""
    if hasattr(case, "consent_review_months"):
        # Read with the case on its section pages (cases.case_overview): no query.
        return case.consent_review_months or ConsentSettings().review_interval_months
    return review_interval_months(case.service_id)


def consent_status(case: Case) -> ConsentStatus:
    now = timezone.now()
    latest = latest_decision(case)
    # The latest recorded decision is the one in force once it has taken effect;
    # only a scheduled one needs the second look.
    if latest is None or latest.effective_from <= now:
        in_force = latest
    else:
        in_force = decision_in_force(case, now)
    scheduled = latest if latest is not None and latest.effective_from > now else None
    review_due = None
    if in_force is not None:
        review_due = review_due_on(in_force, review_months_for(case))
    return ConsentStatus(
        in_force=in_force,
        scheduled=scheduled,
        incomplete=is_incomplete(in_force, now),
        review_due=review_due,
        review_overdue=review_due is not None and review_due <= timezone.localdate(now),
        can_withdraw=latest is not None and latest.permits_sharing,
    )


def decision_timeline(case: Case) -> list[ConsentDecision]:
    """Every decision, newest first, with parties and attached documents."""
    return list(
        ConsentDecision.objects.filter(case=case)
        .order_by(*RECORDING_ORDER)
        .select_related("recorded_by", "review_of")
        .prefetch_related(
            "parties",
            Prefetch(
                "signed_forms",
                # The document bytes stay in the database until someone downloads them.
                queryset=SignedConsentForm.objects.defer("content").select_related("uploaded_by"),
            ),
        )
    )


def cases_with_consent_in_force(user: User) -> QuerySet[Case]:
    """Open cases the user may see, annotated with the decision in force now."""
    in_force = ConsentDecision.objects.filter(
        case=OuterRef("pk"), effective_from__lte=timezone.now()
    ).order_by(*RECORDING_ORDER)
    return (
        visible_cases(user)
        .filter(status=Case.Status.OPEN)
        .annotate(
            consent_decision_id=Subquery(in_force.values("id")[:1]),
            consent_effective_from=Subquery(in_force.values("effective_from")[:1]),
        )
        .filter(consent_decision_id__isnull=False)
    )


def reviews_due(user: User) -> QuerySet[Case]:
    """Open cases whose decision in force took effect a review interval ago or more (CON-5)."""
    months = review_interval_months(user.service_id)
    today = timezone.localdate()
    cutoff = timezone.make_aware(
        datetime.datetime.combine(add_months(today, -months), datetime.time.max)
    )
    return (
        cases_with_consent_in_force(user)
        .filter(consent_effective_from__lte=cutoff)
        .order_by("consent_effective_from", "pk")
    )


def awaiting_signed_forms(user: User) -> QuerySet[Case]:
    """Open cases whose in-person consent in force still lacks its signed form (CON-2)."""
    unsigned = ConsentDecision.objects.filter(
        kind__in=[ConsentDecision.Kind.FULL, ConsentDecision.Kind.RESTRICTED],
        obtained_how=ConsentDecision.Method.IN_PERSON,
        signed_forms__isnull=True,
    ).values("id")
    return (
        cases_with_consent_in_force(user)
        .filter(consent_decision_id__in=unsigned)
        .order_by("consent_effective_from", "pk")
    )


def decisions_by_id(ids) -> dict[int, ConsentDecision]:
    return {
        decision.pk: decision
        for decision in ConsentDecision.objects.filter(pk__in=list(ids)).only(
            "id", "kind", "roles", "obtained_how", "decided_on", "effective_from", "case_id"
        )
    }
