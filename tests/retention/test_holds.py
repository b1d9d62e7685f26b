"""Legal holds and other purge blockers (RET-4)."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from pps.rules import RuleError
from retention import blockers
from retention.models import LegalHold
from retention.purge import purge_execute, purge_preview
from retention.rules import add_years
from retention.services import legal_hold_lift, legal_hold_place
from tests.retention.helpers import make_closed_case, make_expired_case, years_ago


def test_ret4_coordinator_places_and_lifts_a_hold_and_both_are_recorded(
    service, staff, coordinator, admin_user
):
    case = make_expired_case(service, staff)
    hold = legal_hold_place(case=case, reason="tribunal", by=coordinator, details="SE123/45")
    assert purge_preview(service=service).due == []
    assert [item.blocked_by for item in purge_preview(service=service).blocked] == [("Legal hold",)]
    legal_hold_lift(hold=hold, by=admin_user)
    hold.refresh_from_db()
    assert hold.lifted_by == admin_user and hold.lifted_at is not None
    assert [h.history_type for h in hold.history.order_by("history_id")] == ["+", "~"]
    assert hold.history.earliest("history_id").history_user == coordinator
    assert [item.case_id for item in purge_preview(service=service).due] == [case.pk]


@pytest.mark.parametrize("role", ["staff", "volunteer", "other_service_staff"])
def test_ret4_only_coordinators_and_admins_of_the_service_place_holds(
    role, request, service, staff
):
    case = make_expired_case(service, staff)
    with pytest.raises(RuleError):
        legal_hold_place(case=case, reason="complaint", by=request.getfixturevalue(role))
    assert not LegalHold.objects.exists()


def test_ret4_one_active_hold_per_reason_and_no_double_lift(service, staff, coordinator):
    case = make_expired_case(service, staff)
    hold = legal_hold_place(case=case, reason="complaint", by=coordinator)
    with pytest.raises(RuleError):
        legal_hold_place(case=case, reason="complaint", by=coordinator)
    legal_hold_place(case=case, reason="litigation", by=coordinator)
    legal_hold_lift(hold=hold, by=coordinator)
    with pytest.raises(RuleError):
        legal_hold_lift(hold=hold, by=coordinator)
    legal_hold_place(case=case, reason="complaint", by=coordinator)  # a new one after lifting


def test_ret4_a_hold_placed_after_the_preview_still_wins(service, staff, coordinator, admin_user):
    case = make_expired_case(service, staff)
    preview = purge_preview(service=service)
    legal_hold_place(case=case, reason="litigation", by=coordinator)
    run = purge_execute(case_ids=preview.due_ids, by=admin_user, method="screen", service=service)
    assert (run.purged, run.skipped) == (0, 1)
    assert Case.objects.filter(pk=case.pk).exists()


def test_ret4_other_apps_register_blockers_eg_open_disclosure_request(service, staff, admin_user):
    blocked_case = make_expired_case(service, staff)
    free_case = make_expired_case(service, staff)
    label = "Open disclosure request"
    registered = blockers.registered_blockers().get(label)  # the disclosure app's own
    blockers.register_purge_blocker(label, lambda ids: {i for i in ids if i == blocked_case.pk})
    try:
        preview = purge_preview(service=service)
        assert [item.case_id for item in preview.blocked] == [blocked_case.pk]
        assert preview.blocked[0].blocked_by == (label,)
        run = purge_execute(
            case_ids=[blocked_case.pk, free_case.pk],
            by=admin_user,
            method="screen",
            service=service,
        )
    finally:
        blockers.register_purge_blocker(label, registered)
    assert run.purged == 1
    assert Case.objects.filter(pk=blocked_case.pk).exists()
    assert not Case.objects.filter(pk=free_case.pk).exists()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cases=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=20),  # years since closure
            st.sampled_from([None, "complaint", "tribunal", "litigation", "subject_access"]),
            st.booleans(),  # hold later lifted
        ),
        min_size=1,
        max_size=5,
    )
)
def test_ret4_held_cases_are_never_selected_or_purged(
    service, staff, coordinator, admin_user, cases
):
    with transaction.atomic():
        held = set()
        made = []
        for years, reason, lifted in cases:
            case = make_closed_case(service, staff, closed_on=years_ago(years))
            made.append(case)
            if reason:
                hold = legal_hold_place(case=case, reason=reason, by=coordinator)
                if lifted:
                    legal_hold_lift(hold=hold, by=coordinator)
                else:
                    held.add(case.pk)
        preview = purge_preview(service=service)
        assert not held & set(preview.due_ids)
        # Even asked for explicitly, a held case is not purged.
        purge_execute(
            case_ids=[c.pk for c in made], by=admin_user, method="screen", service=service
        )
        assert held <= set(Case.objects.values_list("pk", flat=True))
        today = datetime.date.today()
        for case in made:
            expected_gone = case.pk not in held and add_years(case.closed_on, 12) <= today
            assert Case.objects.filter(pk=case.pk).exists() != expected_gone
        transaction.set_rollback(True)
