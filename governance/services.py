"""Writes to the breach register (GOV-6): coordinators and administrators of the service."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from governance.models import Breach, BreachAction, Decision
from pps.crypto import create_data_key
from pps.history import save_as
from pps.models import Service, User
from pps.roles import Role
from pps.rules import RuleError

REGISTER_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})


def _check(by: User, service_id: int) -> None:
    if by.role not in REGISTER_ROLES or by.service_id != service_id:
        raise RuleError("Only a coordinator or administrator of this service can do this.")


def _check_times(occurred_at, aware_at) -> None:
    now = timezone.now()
    if aware_at > now or (occurred_at and occurred_at > now):
        raise RuleError("A breach cannot have happened, or become known, in the future.")
    if occurred_at and occurred_at > aware_at:
        raise RuleError("The service cannot have become aware of the breach before it happened.")


def _check_open(breach: Breach) -> None:
    if breach.status != Breach.Status.OPEN:
        raise RuleError("This breach is closed. Reopen it to change it.")


@transaction.atomic
def breach_record(
    *,
    service: Service,
    by: User,
    title: str,
    description: str,
    aware_at: datetime.datetime,
    occurred_at: datetime.datetime | None = None,
    case: Case | None = None,
) -> Breach:
    """Open a breach; the 72-hour clock starts at ``aware_at``."""
    _check(by, service.pk)
    _check_times(occurred_at, aware_at)
    if case is not None and case.service_id != service.pk:
        raise RuleError("There is no case with that reference in your service.")
    breach = Breach(
        service=service,
        title=title,
        description=description,
        aware_at=aware_at,
        occurred_at=occurred_at,
        case=case,
        case_reference=case.reference if case else "",
        recorded_by=by,
        # Its own key: the case's is destroyed by the purge, the breach is not.
        data_key_id=create_data_key(),
    )
    return save_as(breach, by)


@transaction.atomic
def breach_update(
    *,
    breach: Breach,
    by: User,
    title: str,
    description: str,
    aware_at: datetime.datetime,
    occurred_at: datetime.datetime | None,
    likelihood: str,
    severity: str,
    risk_notes: str,
) -> Breach:
    """Correct what happened and when, and record the risk assessment."""
    _check(by, breach.service_id)
    _check_open(breach)
    _check_times(occurred_at, aware_at)
    if likelihood not in ("", *Breach.Likelihood.values) or severity not in (
        "",
        *Breach.Severity.values,
    ):
        raise RuleError("Choose the likelihood and severity from the list.")
    breach.title, breach.description = title, description
    breach.aware_at, breach.occurred_at = aware_at, occurred_at
    breach.likelihood, breach.severity, breach.risk_notes = likelihood, severity, risk_notes
    return save_as(breach, by)


@transaction.atomic
def breach_decide_ico(
    *,
    breach: Breach,
    by: User,
    decision: str,
    reasons: str,
    notified_at: datetime.datetime | None = None,
    reference: str = "",
) -> Breach:
    """Whether the ICO is told (Art. 33); a decision either way needs its reasons."""
    _check(by, breach.service_id)
    _check_open(breach)
    if decision not in Decision.values:
        raise RuleError("Choose whether to notify the ICO.")
    if decision != Decision.UNDECIDED and not reasons.strip():
        raise RuleError("Give the reasons for the decision.")
    if decision != Decision.YES and (notified_at or reference):
        raise RuleError(
            "Only a breach the ICO was told about has a notification date or reference."
        )
    if notified_at and (notified_at > timezone.now() or notified_at < breach.aware_at):
        raise RuleError(
            "The ICO was notified after the service became aware, and not in the future."
        )
    if breach.ico_decision != decision:
        breach.ico_decided_at = timezone.now() if decision != Decision.UNDECIDED else None
    breach.ico_decision, breach.ico_reasons = decision, reasons
    breach.ico_notified_at, breach.ico_reference = notified_at, reference
    return save_as(breach, by)


@transaction.atomic
def breach_decide_families(
    *,
    breach: Breach,
    by: User,
    decision: str,
    reasons: str,
    told_on: datetime.date | None = None,
) -> Breach:
    """Whether the families affected are told (Art. 34), with the reasons."""
    _check(by, breach.service_id)
    _check_open(breach)
    if decision not in Decision.values:
        raise RuleError("Choose whether to tell the families.")
    if decision != Decision.UNDECIDED and not reasons.strip():
        raise RuleError("Give the reasons for the decision.")
    if decision != Decision.YES and told_on:
        raise RuleError("Only families who were told have a date they were told.")
    if told_on and (told_on > timezone.localdate() or told_on < breach.aware_at.date()):
        raise RuleError(
            "The families were told after the service became aware, and not in the future."
        )
    breach.families_decision, breach.families_reasons = decision, reasons
    breach.families_told_on = told_on
    return save_as(breach, by)


@transaction.atomic
def breach_action_add(
    *, breach: Breach, by: User, taken_on: datetime.date, text: str
) -> BreachAction:
    _check(by, breach.service_id)
    _check_open(breach)
    if taken_on > timezone.localdate():
        raise RuleError("An action cannot be dated in the future.")
    if not text.strip():
        raise RuleError("Enter what was done.")
    action = BreachAction(
        breach=breach, taken_on=taken_on, text=text, recorded_by=by, data_key_id=breach.data_key_id
    )
    return save_as(action, by)


@transaction.atomic
def breach_close(*, breach: Breach, by: User) -> Breach:
    _check(by, breach.service_id)
    _check_open(breach)
    if breach.ico_decision == Decision.UNDECIDED or breach.families_decision == Decision.UNDECIDED:
        raise RuleError("Record the decisions about the ICO and the families before closing.")
    breach.status, breach.closed_at = Breach.Status.CLOSED, timezone.now()
    return save_as(breach, by)


@transaction.atomic
def breach_reopen(*, breach: Breach, by: User) -> Breach:
    _check(by, breach.service_id)
    if breach.status != Breach.Status.CLOSED:
        raise RuleError("This breach is already open.")
    breach.status, breach.closed_at = Breach.Status.OPEN, None
    return save_as(breach, by)
