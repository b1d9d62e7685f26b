"""Writes for the retention schedule, case categories, legal holds and archiving.

Keyword-only, typed, atomic; rule violations raise ``RuleError`` with a
message safe to show. The purge itself is in ``retention.purge``.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.services import case_archive
from pps.history import save_as
from pps.models import Service, User
from pps.roles import Role
from pps.rules import RuleError
from retention.models import (
    CaseCategory,
    LegalHold,
    RecordRetentionRule,
    RetentionCategory,
    ServiceRetentionSettings,
)
from retention.record_rules import KIND_RULES, MAX_MONTHS, record_rules_for
from retention.schedule import (
    case_retention_refresh,
    cases_retention_refresh,
    retention_categories_for,
)

HOLD_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


def retention_settings_for(service: Service) -> ServiceRetentionSettings:
    return ServiceRetentionSettings.objects.get_or_create(service=service)[0]


def retention_settings_without_writing(service: Service) -> ServiceRetentionSettings:
    """The service's settings, or the defaults it would be given, unsaved."""
    stored = ServiceRetentionSettings.objects.filter(service=service).first()
    return stored or ServiceRetentionSettings(service=service)


@transaction.atomic
def case_categories_set(
    *, case: Case, categories: list[RetentionCategory], by: User
) -> list[RetentionCategory]:
    """Replace the categories a case carries; it always carries at least one.

    Removing a category never brings the destruction date forward (see
    ``CaseRetention``): a wrong category costs some extra keeping, not a purge.
    """
    if not categories:
        raise RuleError("Choose at least one retention category.")
    if any(category.service_id != case.service_id for category in categories):
        raise RuleError("Choose categories from your service's schedule.")
    wanted = {category.pk for category in categories}
    for link in CaseCategory.objects.filter(case=case).exclude(category_id__in=wanted):
        link._history_user = by
        link.delete()
    present = set(CaseCategory.objects.filter(case=case).values_list("category_id", flat=True))
    for category in categories:
        if category.pk not in present:
            save_as(CaseCategory(case=case, category=category, added_by=by), by)
    case_retention_refresh(case)
    return categories


@transaction.atomic
def legal_hold_place(*, case: Case, reason: str, by: User, details: str = "") -> LegalHold:
    """Stop a case being purged (RET-4); only a coordinator or an administrator."""
    if by.role not in HOLD_ROLES or by.service_id != case.service_id:
        raise RuleError("Only a coordinator or administrator of this service can place a hold.")
    if reason not in LegalHold.Reason.values:
        raise RuleError("Choose the reason for the hold.")
    if LegalHold.objects.filter(case=case, reason=reason, lifted_at__isnull=True).exists():
        raise RuleError("This case already has an active hold for that reason.")
    return save_as(LegalHold(case=case, reason=reason, details=details, placed_by=by), by)


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, by: User) -> LegalHold:
    """Lift a hold; the hold and who lifted it stay on record with the case."""
    if by.role not in HOLD_ROLES or by.service_id != hold.case.service_id:
        raise RuleError("Only a coordinator or administrator of this service can lift a hold.")
    if hold.lifted_at is not None:
        raise RuleError("This hold has already been lifted.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = by
    return save_as(hold, by, update_fields=["lifted_at", "lifted_by"])


def validate_rule(*, anchor: str, anchor_age_years: int, years: int) -> None:
    if anchor not in RetentionCategory.Anchor.values:
        raise RuleError("Choose what the period is counted from.")
    if anchor == RetentionCategory.Anchor.CLOSURE and anchor_age_years:
        raise RuleError("A period counted from closure cannot start at a birthday.")
    if not 1 <= years <= 150 or not 0 <= anchor_age_years <= 120:
        raise RuleError("Enter a number of years between 1 and 150 and an age up to 120.")


@transaction.atomic
def retention_category_create(*, service: Service, by: User, **fields) -> RetentionCategory:
    validate_rule(
        anchor=fields["anchor"],
        anchor_age_years=fields.get("anchor_age_years", 0),
        years=fields["years"],
    )
    if RetentionCategory.objects.filter(service=service, name=fields["name"]).exists():
        raise RuleError("Your schedule already has a category with that name.")
    retention_categories_for(service)
    position = RetentionCategory.objects.filter(service=service).count()
    code = _unique_code(service, fields["name"])
    return save_as(RetentionCategory(service=service, code=code, position=position, **fields), by)


def _unique_code(service: Service, name: str) -> str:
    from django.utils.text import slugify

    base = (slugify(name).replace("-", "_") or "category")[:36]
    code, number = base, 1
    while RetentionCategory.objects.filter(service=service, code=code).exists():
        number += 1
        code = f"{base}_{number}"
    return code


@transaction.atomic
def retention_category_update(*, category: RetentionCategory, by: User, **fields) -> int:
    """Change a rule and recompute every case that carries it.

    This is the one change that may bring destruction dates forward: the
    service has decided to keep this kind of record for less time. Returns how
    many cases were recomputed.
    """
    validate_rule(
        anchor=fields["anchor"],
        anchor_age_years=fields.get("anchor_age_years", 0),
        years=fields["years"],
    )
    clash = RetentionCategory.objects.filter(service=category.service, name=fields["name"])
    if clash.exclude(pk=category.pk).exists():
        raise RuleError("Your schedule already has a category with that name.")
    for name, value in fields.items():
        setattr(category, name, value)
    save_as(category, by)
    # Dates need no summary (loading one would decrypt it, as in the purge).
    affected = (
        Case.objects.filter(service=category.service, retention_categories__category=category)
        .select_related("service")
        .defer("summary")
    )
    recomputed = 0
    batch: list[Case] = []
    for case in affected.iterator(chunk_size=500):
        batch.append(case)
        if len(batch) == 500:
            recomputed += len(cases_retention_refresh(batch, reset=True))
            batch = []
    recomputed += len(cases_retention_refresh(batch, reset=True))
    return recomputed


@transaction.atomic
def retention_settings_update(
    *, service: Service, by: User, archive_after_days: int, anonymous_contact_years: int
) -> ServiceRetentionSettings:
    if not 0 <= archive_after_days <= 3650:
        raise RuleError("Archive closed cases after 0 to 3650 days.")
    if not 1 <= anonymous_contact_years <= 100:
        raise RuleError("Keep anonymous contacts for 1 to 100 years.")
    settings = retention_settings_for(service)
    settings.archive_after_days = archive_after_days
    settings.anonymous_contact_years = anonymous_contact_years
    return save_as(settings, by)


@transaction.atomic
def record_rule_update(
    *, service: Service, kind: str, by: User, months: int
) -> RecordRetentionRule:
    """Change how long one kind of non-case record is kept (GOV-7).

    Never below the kind's floor (``retention.record_rules`` says why each is
    what it is); the next purge applies the new period.
    """
    if by.role != Role.ADMIN or by.service_id != service.pk:
        raise RuleError("Only an administrator of this service can change its retention rules.")
    if kind not in KIND_RULES:
        raise RuleError("Choose a kind of record.")
    floor = KIND_RULES[kind].floor_months
    if not floor <= months <= MAX_MONTHS:
        raise RuleError(f"Enter a number of months between {floor} and {MAX_MONTHS}.")
    rule = next(rule for rule in record_rules_for(service) if rule.kind == kind)
    rule.months = months
    return save_as(rule, by, update_fields=["months"])


def cases_due_for_archive(service: Service, *, today: datetime.date | None = None):
    today = today or timezone.localdate()
    days = retention_settings_for(service).archive_after_days
    return Case.objects.filter(
        service=service,
        status=Case.Status.CLOSED,
        closed_on__lte=today - datetime.timedelta(days=days),
    ).order_by("closed_on", "pk")


def cases_archive_due(
    *, service: Service, by: User | None = None, today: datetime.date | None = None
) -> int:
    """Archive the service's cases closed longer than its archive period (RET-2).

    One transaction per case, so a failure leaves the others archived and a
    re-run picks up where this stopped.
    """
    archived = 0
    for case in cases_due_for_archive(service, today=today).iterator(chunk_size=200):
        case_archive(case=case, by=by)
        archived += 1
    return archived
