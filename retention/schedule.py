"""Working out and storing each case's destruction date (RET-1).

``case_retention_refresh`` is called wherever the answer matters (closing and
reopening a case, in their own transaction; the case's retention page, the
purge preview, and again for each case inside the purge's own transaction), so a change to a child's date of birth or a case's status is
always taken into account before anything is destroyed.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from cases.models import Case, Child
from pps.crypto import load_data_keys
from pps.models import Service
from retention.models import CaseCategory, CaseRetention, RetentionCategory
from retention.rules import Rule, destruction_date

# The schedule in the service's records retention policy; administrators edit
# it per service (RET-1).
DEFAULT_CATEGORIES = [
    {
        "code": "parent_support",
        "name": "Parent support",
        "description": "Information, advice and support casework with a parent or carer.",
        "anchor": RetentionCategory.Anchor.CLOSURE,
        "anchor_age_years": 0,
        "years": 12,
        "applies_to_every_case": True,
    },
    {
        "code": "children_in_care",
        "name": "Children in care",
        "description": "The child is, or has been, looked after by the local authority.",
        "anchor": RetentionCategory.Anchor.DATE_OF_BIRTH,
        "anchor_age_years": 18,
        "years": 75,
        "applies_to_every_case": False,
    },
    {
        "code": "supervision_order",
        "name": "Children with supervision orders",
        "description": "The child is, or has been, subject to a supervision order.",
        "anchor": RetentionCategory.Anchor.DATE_OF_BIRTH,
        "anchor_age_years": 0,
        "years": 21,
        "applies_to_every_case": False,
    },
]
CLOSED_STATUSES = (Case.Status.CLOSED, Case.Status.ARCHIVED)


@transaction.atomic
def retention_categories_for(service: Service) -> list[RetentionCategory]:
    """The service's categories, creating the default schedule the first time."""
    categories = list(RetentionCategory.objects.filter(service=service))
    if categories:
        return categories
    for position, fields in enumerate(DEFAULT_CATEGORIES):
        RetentionCategory.objects.get_or_create(
            service=service, code=fields["code"], defaults={**fields, "position": position}
        )
    return list(RetentionCategory.objects.filter(service=service))


def _schedule_without_writing(service_id: int) -> list[RetentionCategory]:
    """The service's categories, or the default schedule it would be given, unsaved."""
    stored = list(RetentionCategory.objects.filter(service_id=service_id))
    if stored:
        return stored
    return [
        RetentionCategory(service_id=service_id, position=position, **fields)
        for position, fields in enumerate(DEFAULT_CATEGORIES)
    ]


def rule_of(category: RetentionCategory) -> Rule:
    return Rule(
        name=category.name,
        anchor=category.anchor,
        years=category.years,
        anchor_age_years=category.anchor_age_years,
    )


def _ensure_categories(
    cases: list[Case], *, store: bool = True
) -> dict[int, list[RetentionCategory]]:
    """Each case's categories; a case with none gets the service's defaults.

    With ``store=False`` the defaults are used without being written.
    """
    by_case: dict[int, list[RetentionCategory]] = defaultdict(list)
    for link in CaseCategory.objects.filter(case__in=cases).select_related("category"):
        by_case[link.case_id].append(link.category)
    defaults_by_service: dict[int, list[RetentionCategory]] = {}
    for case in cases:
        if by_case[case.pk]:
            continue
        if case.service_id not in defaults_by_service:
            available = (
                retention_categories_for(case.service)
                if store
                else _schedule_without_writing(case.service_id)
            )
            defaults_by_service[case.service_id] = [
                category for category in available if category.applies_to_every_case
            ]
        for category in defaults_by_service[case.service_id]:
            if store:
                CaseCategory.objects.create(case=case, category=category)
            by_case[case.pk].append(category)
    return by_case


def case_categories(case: Case) -> list[RetentionCategory]:
    """The categories a case carries, or would be given now; nothing is written."""
    return _ensure_categories([case], store=False)[case.pk]


def cases_categories(cases: list[Case]) -> dict[int, list[RetentionCategory]]:
    """``case_categories`` for many cases at once; nothing is written."""
    return _ensure_categories(cases, store=False)


def _birth_dates(cases: list[Case], needing: set[int]) -> dict[int, list]:
    """Children's dates of birth for the cases with a date-of-birth rule only."""
    births: dict[int, list] = defaultdict(list)
    wanted = [case for case in cases if case.pk in needing]
    if not wanted:
        return births
    load_data_keys({case.data_key_id for case in wanted})
    children = Child.objects.filter(case__in=wanted).only("case_id", "date_of_birth", "data_key_id")
    for child in children:
        births[child.case_id].append(child.date_of_birth)
    return births


def _latest_closures(cases: list[Case]) -> dict[int, datetime.date]:
    """The latest closure date each case has ever had, from its audit history.

    Reopening a case clears nothing here, and a later closure backdated to an
    earlier day cannot pull the date forward either.
    """
    rows = (
        Case.history.filter(id__in=[case.pk for case in cases], closed_on__isnull=False)
        .values("id")
        .annotate(latest=Max("closed_on"))
    )
    return {row["id"]: row["latest"] for row in rows}


def _later(*days: datetime.date | None) -> datetime.date | None:
    present = [day for day in days if day is not None]
    return max(present) if present else None


@transaction.atomic
def cases_retention_refresh(
    cases: Iterable[Case], *, reset: bool = False, store: bool = True
) -> list[CaseRetention]:
    """Recompute and store the destruction date of each case.

    ``reset`` drops the "never earlier" floor; only an administrator's change to
    the schedule itself does that (the latest closure is still honoured).
    ``store=False`` computes without saving, for pages answering a refused form
    (a refused form changes nothing).
    """
    cases = list(cases)
    if not cases:
        return []
    categories = _ensure_categories(cases, store=store)
    needing_births = {
        case_id
        for case_id, cats in categories.items()
        if any(c.anchor == RetentionCategory.Anchor.DATE_OF_BIRTH for c in cats)
    }
    births = _birth_dates(cases, needing_births)
    closures = _latest_closures(cases)
    existing = {r.case_id: r for r in CaseRetention.objects.filter(case__in=cases)}
    results = []
    for case in cases:
        retention = existing.get(case.pk) or CaseRetention(case=case)
        last_closed_on = _later(retention.last_closed_on, closures.get(case.pk), case.closed_on)
        closed_on = last_closed_on if case.status in CLOSED_STATUSES else None
        outcome = destruction_date(
            [rule_of(c) for c in categories[case.pk]],
            closed_on=closed_on,
            birth_dates=births.get(case.pk, []),
        )
        floor = None if reset else retention.destroy_on
        closed = case.status in CLOSED_STATUSES
        if outcome.destroy_on is not None:
            destroy_on = _later(floor, outcome.destroy_on)
        elif closed:
            # A rule that cannot be worked out yet means "not due" (kept
            # indefinitely), which is never earlier than any date.
            destroy_on = None
        else:
            # An open case has no destruction date: reopening clears it (CAS-3).
            # Closing it again counts from the latest closure ever recorded
            # (``last_closed_on``), so the date never comes earlier for that.
            destroy_on = None
        review_reason = " ".join(outcome.problems)[:200] if closed else ""
        changed = (retention.pk is None) or (
            (retention.last_closed_on, retention.destroy_on, retention.review_reason)
            != (last_closed_on, destroy_on, review_reason)
        )
        retention.last_closed_on = last_closed_on
        retention.destroy_on = destroy_on
        retention.review_reason = review_reason
        if changed and store:
            retention.save()
        results.append(retention)
    return results


def case_retention_refresh(case: Case, *, reset: bool = False, store: bool = True) -> CaseRetention:
    return cases_retention_refresh([case], reset=reset, store=store)[0]
