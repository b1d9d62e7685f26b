"""Categories on cases and the stored destruction date (RET-1), and archiving (RET-2)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import services as case_services
from cases.models import Case
from cases.selectors import search_cases
from pps.rules import RuleError
from retention.models import CaseCategory, CaseRetention
from retention.schedule import case_retention_refresh, retention_categories_for
from retention.services import (
    case_categories_set,
    retention_category_update,
    retention_settings_update,
)
from tests.factories import make_case
from tests.retention.helpers import (
    change_rule,
    make_closed_case,
    record_decryptions,
    retention_category,
    years_ago,
)

hypothesis_db = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def set_categories(case, by, *codes) -> None:
    case_categories_set(
        case=case, categories=[retention_category(case.service, code) for code in codes], by=by
    )


def child(born: datetime.date | None = None) -> dict:
    """A child for ``make_closed_case``, recorded before the case closes (CAS-3)."""
    return {"given_name": "A", "family_name": "B", "date_of_birth": born}


def test_ret1_policy_schedule_is_shipped_as_editable_data(service):
    rules = {
        c.code: (c.anchor, c.anchor_age_years, c.years) for c in retention_categories_for(service)
    }
    assert rules == {
        "parent_support": ("closure", 0, 12),
        "children_in_care": ("date_of_birth", 18, 75),
        "supervision_order": ("date_of_birth", 0, 21),
    }


def test_ret1_every_case_carries_parent_support_by_default(service, staff):
    case = make_closed_case(service, staff, closed_on=datetime.date(2020, 3, 31))
    retention = case_retention_refresh(case)
    assert [link.category.code for link in case.retention_categories.all()] == ["parent_support"]
    assert retention.destroy_on == datetime.date(2032, 3, 31)


def test_ret1_longest_rule_wins_computed_for_each_child(service, staff):
    case = make_closed_case(
        service,
        staff,
        closed_on=datetime.date(2020, 3, 31),
        children=(child(datetime.date(2004, 2, 29)), child(datetime.date(2014, 8, 1))),
    )
    set_categories(case, staff, "parent_support", "supervision_order")
    # Supervision order: 21 years from the younger child's birth beats 12 from closure.
    assert CaseRetention.objects.get(case=case).destroy_on == datetime.date(2035, 8, 1)
    set_categories(case, staff, "children_in_care")
    # 75 years from the 18th birthday of the younger child.
    assert CaseRetention.objects.get(case=case).destroy_on == datetime.date(2107, 8, 1)


def test_ret1_removing_a_category_never_brings_the_date_forward(service, staff):
    case = make_closed_case(
        service,
        staff,
        closed_on=datetime.date(2020, 3, 31),
        children=(child(datetime.date(2015, 1, 1)),),
    )
    set_categories(case, staff, "parent_support", "supervision_order")
    set_categories(case, staff, "parent_support")
    assert CaseRetention.objects.get(case=case).destroy_on == datetime.date(2036, 1, 1)


def test_ret1_missing_date_of_birth_is_flagged_and_never_due(service, staff):
    case = make_closed_case(service, staff, closed_on=years_ago(30), children=(child(),))
    set_categories(case, staff, "children_in_care")
    retention = CaseRetention.objects.get(case=case)
    assert retention.destroy_on is None
    assert "date of birth" in retention.review_reason


def test_ret1_a_case_carries_at_least_one_category_of_its_own_service(
    service, other_service, staff
):
    case = make_closed_case(service, staff, closed_on=datetime.date(2020, 3, 31))
    # Closing gave the case the service's default category (RET-1).
    carried = list(CaseCategory.objects.filter(case=case).values_list("category_id", flat=True))
    with pytest.raises(RuleError):
        case_categories_set(case=case, categories=[], by=staff)
    with pytest.raises(RuleError):
        case_categories_set(
            case=case, categories=[retention_categories_for(other_service)[0]], by=staff
        )
    assert list(CaseCategory.objects.filter(case=case).values_list("category_id", flat=True)) == (
        carried
    )


def test_ret1_admin_rule_change_recomputes_for_example_to_75th_birthday(service, staff, admin_user):
    case = make_closed_case(
        service,
        staff,
        closed_on=datetime.date(2020, 3, 31),
        children=(child(datetime.date(2010, 1, 1)),),
    )
    in_care = retention_category(service, "children_in_care")
    case_categories_set(case=case, categories=[in_care], by=staff)
    assert CaseRetention.objects.get(case=case).destroy_on == datetime.date(2103, 1, 1)
    recomputed = change_rule(in_care, admin_user, anchor_age_years=0)
    assert recomputed == 1
    assert CaseRetention.objects.get(case=case).destroy_on == datetime.date(2085, 1, 1)
    assert in_care.history.count() == 2  # the change itself is audited


def test_ret1_rule_change_recomputes_from_plain_dates_without_decrypting_cases(
    service, staff, admin_user, monkeypatch
):
    cases = [
        make_closed_case(service, staff, closed_on=datetime.date(2020, 3, 31)) for _ in range(3)
    ]
    support = retention_category(service, "parent_support")
    for case in cases:
        case_retention_refresh(case)
    decrypted = record_decryptions(monkeypatch)
    recomputed = change_rule(support, admin_user, years=15)
    assert recomputed == 3
    assert set(CaseRetention.objects.values_list("destroy_on", flat=True)) == {
        datetime.date(2035, 3, 31)
    }
    assert decrypted == []


def test_ret1_rule_validation(service, admin_user):
    parent_support = retention_category(service, "parent_support")
    with pytest.raises(RuleError):
        retention_category_update(
            category=parent_support,
            by=admin_user,
            name="Parent support",
            anchor="closure",
            anchor_age_years=18,
            years=12,
        )
    parent_support.refresh_from_db()
    assert (parent_support.anchor_age_years, parent_support.years) == (0, 12)


@hypothesis_db
@given(
    closed_ago_days=st.integers(min_value=0, max_value=8000),
    reclose_shift_days=st.integers(min_value=-3000, max_value=3000),
    with_supervision=st.booleans(),
)
def test_ret1_reopening_never_brings_the_date_forward(
    service, staff, coordinator, closed_ago_days, reclose_shift_days, with_supervision
):
    with transaction.atomic():
        today = datetime.date.today()
        first_closure = today - datetime.timedelta(days=closed_ago_days)
        opened_on = first_closure - datetime.timedelta(days=4000)
        case = make_closed_case(
            service,
            staff,
            closed_on=first_closure,
            opened_on=opened_on,
            children=({"given_name": "A", "family_name": "B", "date_of_birth": opened_on},),
        )
        if with_supervision:
            case_categories_set(
                case=case,
                categories=[
                    retention_category(service, "parent_support"),
                    retention_category(service, "supervision_order"),
                ],
                by=staff,
            )
        before = case_retention_refresh(case).destroy_on
        case_services.case_reopen(case=case, by=coordinator, reason="Parent called again")
        # An open case has no destruction date (CAS-3) ...
        assert case_retention_refresh(case).destroy_on is None
        # ... and closed again, even backdated to before the first closure, it is
        # never earlier than the first closure gave.
        # (never in the future: a closure date is today or earlier, CAS-3).
        second_closure = min(
            today,
            max(opened_on, first_closure + datetime.timedelta(days=reclose_shift_days)),
        )
        case_services.case_close(case=case, by=staff, closed_on=second_closure)
        after = case_retention_refresh(case).destroy_on
        assert after >= before
        transaction.set_rollback(True)


# --- archive (RET-2) -------------------------------------------------------


def test_ret2_archive_command_archives_after_the_configured_period(service, staff, admin_user):
    old = make_closed_case(service, staff, closed_on=years_ago(2))
    recent = make_closed_case(service, staff, closed_on=datetime.date.today())
    call_command("archive_closed", "--dry-run")
    assert Case.objects.get(pk=old.pk).status == "closed"
    call_command("archive_closed")
    assert Case.objects.get(pk=old.pk).status == "archived"
    assert Case.objects.get(pk=recent.pk).status == "closed"
    retention_settings_update(
        service=service, by=admin_user, archive_after_days=0, anonymous_contact_years=6
    )
    call_command("archive_closed")
    assert Case.objects.get(pk=recent.pk).status == "archived"
    call_command("archive_closed")  # idempotent


def test_ret2_archived_case_is_read_only(service, staff, coordinator):
    case = make_closed_case(service, staff, closed_on=years_ago(2))
    case_services.case_archive(case=case, by=coordinator)
    topic = service.topics.first()
    with pytest.raises(RuleError, match="archived"):
        case_services.contact_log(
            case=case, by=coordinator, channel="helpline", topic=topic, outcome="advice"
        )
    with pytest.raises(RuleError, match="archived"):
        case_services.child_add(case=case, by=coordinator, given_name="A", family_name="B")
    assert case.contacts.count() == 0 and case.children.count() == 0
    case_services.case_reopen(case=case, by=coordinator, reason="New enquiry")
    case_services.contact_log(
        case=case, by=coordinator, channel="helpline", topic=topic, outcome="advice"
    )


def test_ret2_archived_cases_leave_everyday_lists_but_coordinators_can_ask(
    service, staff, coordinator, client_for
):
    current = make_case(service, staff, family_name="Archerfield")
    archived = make_closed_case(service, staff, closed_on=years_ago(2), family_name="Archerfield")
    case_services.case_archive(case=archived, by=coordinator)

    assert list(search_cases(coordinator, "Archerfield")) == [current]
    assert list(search_cases(coordinator, archived.reference)) == []
    assert list(search_cases(coordinator, "", archived=True)) == [archived]
    # Staff no longer see archived files at all; coordinators still do.
    assert list(search_cases(staff, "", archived=True)) == []
    assert list(search_cases(staff, "")) == [current]
    # The rule is applied once, not once by access and again by the list.
    for user in (staff, coordinator):
        assert str(search_cases(user, "").query).count('"status" = archived') == 1
    assert client_for(staff).get(f"/cases/{archived.pk}/").status_code == 404
    assert client_for(coordinator).get(f"/cases/{archived.pk}/").status_code == 200

    page = client_for(coordinator).get("/cases/?archived=1").content.decode()
    assert archived.reference in page and current.reference not in page
    page = client_for(coordinator).get("/cases/").content.decode()
    assert current.reference in page and archived.reference not in page


@pytest.mark.slow
def test_ret1_to_ret7_demo_shows_every_retention_state(capsys):
    from django.core.management import call_command as run

    from retention.models import DestructionLogEntry, LegalHold
    from retention.purge import purge_preview

    run("seed_demo", "--cases", "6")
    capsys.readouterr()
    north = Case.objects.filter(service__code="north").first().service
    preview = purge_preview(service=north)
    assert len(preview.due) == 2 and len(preview.blocked) == 1
    assert len(preview.needs_review) == 1 and preview.anonymous_contacts_due >= 2
    assert LegalHold.objects.filter(case__service=north, lifted_at=None).count() == 1
    assert DestructionLogEntry.objects.filter(service=north).count() == 1
    assert CaseRetention.objects.filter(
        case__service=north, destroy_on__gt=datetime.date.today().replace(year=2080)
    ).exists()  # children in care: kept for decades yet
