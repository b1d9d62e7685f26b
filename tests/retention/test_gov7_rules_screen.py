"""The administrators' screen of rules for records not about families (GOV-7)."""

import pytest

from pps.rules import RuleError
from retention.models import RecordRetentionRule
from retention.record_rules import record_rules_for
from retention.services import record_rule_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db(databases=["default", "keystore"])


def months_of(service, kind: str) -> int:
    return RecordRetentionRule.objects.get(service=service, kind=kind).months


def test_gov7_admin_sees_every_rule_in_words(service, admin_user, client_for):
    response = client_for(admin_user).get("/retention/records/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Destroy 12 months after the event" in page
    assert "Destroy 72 months after the breach was closed" in page
    assert 'href="/retention/records/"' in page  # in the retention navigation
    assert client_for(admin_user).get("/retention/records/breaches/").status_code == 200


def test_gov7_admin_changes_a_rule_with_history(service, admin_user, client_for):
    response = client_for(admin_user).post(
        "/retention/records/security_events/save/", {"months": "6"}
    )
    assert response.status_code == 302
    assert months_of(service, "security_events") == 6
    latest = RecordRetentionRule.objects.get(service=service, kind="security_events").history
    assert latest.first().history_user == admin_user and latest.first().months == 6


@pytest.mark.parametrize("months", ["", "two", "2", "601", "-5", "99999999999999999999"])
def test_gov7_bad_or_too_short_periods_are_refused_and_nothing_changes(
    service, admin_user, client_for, months
):
    record_rules_for(service)
    response = client_for(admin_user).post(
        "/retention/records/security_events/save/", {"months": months}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert months_of(service, "security_events") == 12


def test_gov7_floor_message_names_the_floor(service, admin_user, client_for):
    response = client_for(admin_user).post("/retention/records/breaches/save/", {"months": "12"})
    assert response.status_code == 400
    assert "between 24 and 600" in response.content.decode()


def test_gov7_an_unknown_kind_is_not_found(admin_user, client_for):
    assert client_for(admin_user).get("/retention/records/cases/").status_code == 404


@pytest.mark.parametrize("role", ["staff", "coordinator", "volunteer"])
def test_gov7_only_administrators_see_or_change_the_rules(service, client_for, role):
    user = make_user(service, role)
    client = client_for(user)
    assert client.get("/retention/records/").status_code == 403
    response = client.post("/retention/records/security_events/save/", {"months": "6"})
    assert response.status_code == 403
    assert not RecordRetentionRule.objects.filter(months=6).exists()


def test_gov7_an_administrator_changes_only_their_own_service(
    service, other_service, admin_user, client_for
):
    other_admin = make_user(other_service, "admin")
    client_for(other_admin).post("/retention/records/export_logs/save/", {"months": "36"})
    assert months_of(other_service, "export_logs") == 36
    record_rules_for(service)
    assert months_of(service, "export_logs") == 24


def test_gov7_the_service_refuses_what_the_screen_refuses(service, other_service, admin_user):
    record_rules_for(service)
    coordinator = make_user(service, "coordinator")
    other_admin = make_user(other_service, "admin")
    for by, months in [(coordinator, 12), (other_admin, 12), (admin_user, 2), (admin_user, 601)]:
        with pytest.raises(RuleError):
            record_rule_update(service=service, kind="security_events", by=by, months=months)
    with pytest.raises(RuleError):
        record_rule_update(service=service, kind="cases", by=admin_user, months=12)
    assert months_of(service, "security_events") == 12
