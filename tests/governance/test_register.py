"""The personal data breach register's rules (GOV-6; UK GDPR Art. 33-34)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.access import ico_clock
from governance.models import Breach
from governance.services import (
    breach_action_add,
    breach_close,
    breach_decide_families,
    breach_decide_ico,
    breach_record,
    breach_reopen,
    breach_update,
)
from pps.rules import RuleError
from retention.purge import purge_execute
from tests.factories import make_user
from tests.governance.helpers import hours_ago, make_breach
from tests.retention.helpers import make_expired_case


def test_gov6_ico_deadline_is_72_hours_after_awareness_and_tracked(service, coordinator):
    aware = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=10)
    breach = breach_record(
        service=service, by=coordinator, title="Lost laptop", description="Left on a train.",
        aware_at=aware,
    )  # fmt: skip
    assert breach.ico_deadline == aware + datetime.timedelta(hours=72)
    clock = ico_clock(breach, now=aware + datetime.timedelta(hours=70, minutes=30))
    assert (clock.running, clock.overdue, clock.label) == (True, False, "Due in 2 hours")
    clock = ico_clock(breach, now=aware + datetime.timedelta(hours=75))
    assert (clock.overdue, clock.label) == (True, "Overdue by 3 hours")
    breach_decide_ico(breach=breach, by=coordinator, decision="no", reasons="Encrypted device.")
    assert not ico_clock(breach, now=aware + datetime.timedelta(hours=75)).running


def test_gov6_the_clock_stops_only_when_the_ico_is_told_or_the_service_decides_not_to(
    service, coordinator
):
    breach = make_breach(service, coordinator, aware_hours_ago=80)
    breach_decide_ico(breach=breach, by=coordinator, decision="yes", reasons="High risk.")
    assert ico_clock(breach).overdue  # decided, but not yet told
    breach_decide_ico(
        breach=breach, by=coordinator, decision="yes", reasons="High risk.",
        notified_at=hours_ago(1), reference="ICO/0001",
    )  # fmt: skip
    assert not ico_clock(breach).running
    assert breach.ico_decided_at is not None


def test_gov6_home_page_tags_overdue_and_due_soon_breaches(
    service, other_service, coordinator, client_for
):
    overdue = make_breach(service, coordinator, aware_hours_ago=80, title="Overdue one")
    make_breach(service, coordinator, aware_hours_ago=50, title="Due soon one")
    make_breach(service, coordinator, aware_hours_ago=10, title="Plenty of time")
    decided = make_breach(service, coordinator, aware_hours_ago=90, title="Decided one")
    breach_decide_ico(breach=decided, by=coordinator, decision="no", reasons="Unlikely risk.")
    closed = make_breach(service, coordinator, aware_hours_ago=90, title="Closed one")
    breach_decide_ico(breach=closed, by=coordinator, decision="no", reasons="Unlikely risk.")
    breach_decide_families(breach=closed, by=coordinator, decision="no", reasons="No risk.")
    breach_close(breach=closed, by=coordinator)
    south = make_user(other_service, "coordinator", "coord-south")
    make_breach(other_service, south, aware_hours_ago=80, title="Southern one")

    body = client_for(coordinator).get(reverse("home")).content.decode()
    section = body[body.index('id="breaches-due"') :]
    section = section[: section.index("</section>")]
    assert "Overdue one" in section and "Due soon one" in section
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in section
    assert "Due in 22 hours" in section
    for absent in ("Plenty of time", "Decided one", "Closed one", "Southern one"):
        assert absent not in section
    assert reverse("governance:detail", args=[overdue.pk]) in section
    south_body = client_for(south).get(reverse("home")).content.decode()
    assert "Southern one" in south_body and "Overdue one" not in south_body


def test_gov6_editing_keeps_history_with_who_and_what(service, coordinator, admin_user, client_for):
    breach = make_breach(service, coordinator, title="First title")
    breach_update(
        breach=breach, by=admin_user, title="Second title", description=breach.description,
        aware_at=breach.aware_at, occurred_at=breach.occurred_at, likelihood="possible",
        severity="significant", risk_notes="Names and a school only.",
    )  # fmt: skip
    breach_action_add(
        breach=breach, by=coordinator, taken_on=timezone.localdate(), text="Asked for deletion."
    )
    titles = [row.title for row in breach.history.order_by("history_date", "history_id")]
    assert titles == ["First title", "Second title"]
    assert breach.history.first().history_user == admin_user
    body = client_for(coordinator).get(reverse("governance:detail", args=[breach.pk])).content
    changes = body.decode().split('id="breach-changes"')[1]
    assert "admin" in changes and "Short title" not in changes  # field names, not labels
    assert "title" in changes and "likelihood of risk" in changes
    # Administrators' "who changed what" names the record and the fields, never the text.
    page = client_for(admin_user).get(reverse("changes")).content.decode()
    assert "Personal data breach" in page and "Second title" not in page


def test_gov6_free_text_is_encrypted_under_the_breachs_own_key(service, coordinator, case):
    from django.db import connection

    breach = make_breach(service, coordinator, case=case)
    assert breach.data_key_id != case.data_key_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM governance_breach WHERE id = %s", [breach.pk])
        stored = bytes(cursor.fetchone()[0])
    assert b"wrong school" not in stored


def test_gov6_breach_naming_a_case_survives_its_purge_with_only_the_reference(
    service, staff, coordinator, admin_user
):
    case = make_expired_case(service, staff)
    breach = make_breach(service, coordinator, case=case)
    breach_update(
        breach=breach, by=coordinator, title="Corrected", description=breach.description,
        aware_at=breach.aware_at, occurred_at=breach.occurred_at, likelihood="", severity="",
        risk_notes="",
    )  # fmt: skip
    history_before = breach.history.count()

    run = purge_execute(case_ids=[case.pk], by=admin_user, method="screen", service=service)

    assert run.purged == 1
    breach = Breach.objects.get(pk=breach.pk)
    assert breach.case_id is None
    assert breach.case_reference == case.reference
    assert breach.description.startswith("A letter about a family")
    assert breach.history.count() == history_before
    assert [row.title for row in breach.history.all()] == ["Corrected", "Email to wrong address"]


@pytest.mark.parametrize("role", ["staff", "volunteer"])
def test_gov6_only_coordinators_and_administrators_record_breaches(service, role):
    user = make_user(service, role, f"{role}-x")
    with pytest.raises(RuleError):
        make_breach(service, user)
    assert not Breach.objects.exists()


def test_gov6_another_services_coordinator_cannot_change_a_breach(
    service, other_service, coordinator
):
    breach = make_breach(service, coordinator)
    south = make_user(other_service, "coordinator", "coord-south")
    with pytest.raises(RuleError):
        breach_action_add(breach=breach, by=south, taken_on=timezone.localdate(), text="x")
    with pytest.raises(RuleError):
        breach_record(service=service, by=south, title="x", description="x", aware_at=hours_ago(1))


def test_gov6_decisions_need_reasons_and_close_needs_both_decisions(service, coordinator):
    breach = make_breach(service, coordinator)
    with pytest.raises(RuleError):
        breach_decide_ico(breach=breach, by=coordinator, decision="no", reasons=" ")
    with pytest.raises(RuleError):
        breach_decide_ico(
            breach=breach, by=coordinator, decision="no", reasons="Low risk.",
            reference="ICO/1",
        )  # fmt: skip
    with pytest.raises(RuleError):
        breach_close(breach=breach, by=coordinator)
    breach_decide_ico(breach=breach, by=coordinator, decision="no", reasons="Low risk.")
    breach_decide_families(
        breach=breach, by=coordinator, decision="yes", reasons="Their child's details.",
        told_on=timezone.localdate(),
    )  # fmt: skip
    breach_close(breach=breach, by=coordinator)
    with pytest.raises(RuleError):
        breach_action_add(breach=breach, by=coordinator, taken_on=timezone.localdate(), text="x")
    breach_reopen(breach=breach, by=coordinator)
    breach_action_add(breach=breach, by=coordinator, taken_on=timezone.localdate(), text="More.")
    assert breach.actions.count() == 1


def test_gov6_awareness_cannot_be_in_the_future_or_before_the_breach(service, coordinator):
    with pytest.raises(RuleError):
        breach_record(
            service=service, by=coordinator, title="x", description="x",
            aware_at=timezone.now() + datetime.timedelta(hours=1),
        )  # fmt: skip
    with pytest.raises(RuleError):
        breach_record(
            service=service, by=coordinator, title="x", description="x",
            aware_at=hours_ago(5), occurred_at=hours_ago(1),
        )  # fmt: skip
    assert not Breach.objects.exists()
