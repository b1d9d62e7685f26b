"""Property: sharing with role R at time T is allowed exactly when the decision in force
at T covers R (CON-2, CON-5, CON-6, CON-7).

Hypothesis generates histories of decisions (full, restricted, refused; by telephone,
letter or in person; taking effect at once or on a later day), reviews, withdrawals
and signed forms arriving, spaced hours apart. A small reference model, written from
the requirements rather than from the code, says what should be allowed; the sharing
check must agree with it at every moment around every event, for every role.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent import services
from consent.selectors import latest_decision
from consent.sharing import sharing_check
from pps.rules import RuleError
from tests.factories import make_case

ROLES = ["school_senco", "health", "volunteer"]
START = timezone.make_aware(datetime.datetime(2025, 1, 6, 9, 0))

record_op = st.tuples(
    st.just("record"),
    st.sampled_from(["full", "restricted", "refused"]),
    st.frozensets(st.sampled_from(ROLES), min_size=1),
    st.sampled_from(["telephone", "in_person", "letter"]),
    st.sampled_from([0, 0, 1, 3]),  # days until it takes effect
)
operation = st.one_of(record_op, st.just(("withdraw",)), st.just(("attach",)))
history = st.lists(st.tuples(operation, st.integers(1, 60)), min_size=1, max_size=8)


@dataclass
class Expected:
    """One decision as the requirements describe it."""

    recorded_at: datetime.datetime
    effective_from: datetime.datetime
    kind: str
    roles: frozenset
    in_person: bool
    forms: list = field(default_factory=list)

    def allows(self, role: str, at: datetime.datetime) -> bool:
        if self.kind not in ("full", "restricted"):
            return False  # refused or withdrawn (CON-6, CON-7)
        if self.in_person and not any(attached <= at for attached in self.forms):
            return False  # incomplete in-person consent counts as none (CON-2)
        return self.kind == "full" or role in self.roles


def in_force(decisions: list[Expected], at: datetime.datetime) -> Expected | None:
    """The most recently recorded decision that had taken effect by ``at``."""
    started = [d for d in decisions if d.effective_from <= at]
    return max(started, key=lambda d: d.recorded_at) if started else None


def effective(at: datetime.datetime, days: int) -> datetime.datetime:
    if days == 0:
        return at
    day = timezone.localdate(at) + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def apply(op, *, case, staff, at, decisions: list[Expected]) -> None:
    latest = max(decisions, key=lambda d: d.recorded_at) if decisions else None
    if op[0] == "record":
        _, kind, roles, how, days = op
        services.consent_record(
            case=case,
            by=staff,
            kind=kind,
            obtained_how=how,
            decided_on=timezone.localdate(at),
            effective_from=timezone.localdate(effective(at, days)),
            roles=sorted(roles) if kind == "restricted" else [],
            limits_explained=kind == "refused",
            at=at,
        )
        decisions.append(
            Expected(at, effective(at, days), kind, roles, how == "in_person" and kind != "refused")
        )
    elif op[0] == "withdraw":
        if latest is None or latest.kind not in ("full", "restricted"):
            with pytest.raises(RuleError):
                services.consent_withdraw(
                    case=case, by=staff, obtained_how="telephone", limits_explained=True, at=at
                )
            return
        services.consent_withdraw(
            case=case, by=staff, obtained_how="telephone", limits_explained=True, at=at
        )
        decisions.append(Expected(at, at, "withdrawn", frozenset(), False))
    else:
        decision = latest_decision(case)
        if decision is None or not decision.accepts_documents:
            return
        services.signed_form_attach(
            decision=decision,
            content=b"%PDF-1.4 scan",
            content_type="application/pdf",
            by=staff,
            at=at,
        )
        latest.forms.append(at)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=history)
def test_con6_sharing_allowed_exactly_when_the_decision_in_force_covers_the_role(
    service, staff, steps
):
    case = make_case(service, staff)
    decisions: list[Expected] = []
    moments = [START - datetime.timedelta(hours=1)]
    at = START
    for op, gap_hours in steps:
        apply(op, case=case, staff=staff, at=at, decisions=decisions)
        moments += [at - datetime.timedelta(seconds=1), at, at + datetime.timedelta(seconds=1)]
        at += datetime.timedelta(hours=gap_hours)
    moments += [d.effective_from for d in decisions]
    moments += [at + datetime.timedelta(days=5)]

    for moment in moments:
        expected = in_force(decisions, moment)
        for role in ROLES:
            check = sharing_check(case=case, recipient_role=role, at=moment)
            want = expected is not None and expected.allows(role, moment)
            assert check.allowed == want, (moment, role, expected, check)
            if expected is None:
                assert check.decision_id is None
