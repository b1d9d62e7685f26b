"""The breach register's screens, for every role (GOV-6)."""

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from governance.models import Breach, BreachAction
from tests.factories import make_user
from tests.governance.helpers import hours_ago, make_breach

PAGES = ["detail", "edit", "ico", "families", "action_add"]


def when(moment, name):
    local = timezone.localtime(moment)
    return {
        f"{name}_day": local.day,
        f"{name}_month": local.month,
        f"{name}_year": local.year,
        f"{name}_time": f"{local:%H:%M}",
    }


@pytest.fixture
def breach(service, coordinator):
    return make_breach(service, coordinator, aware_hours_ago=30)


@pytest.fixture
def south_coordinator(other_service):
    return make_user(other_service, "coordinator", "coord-south")


@pytest.mark.parametrize("name", ["list", "new", *PAGES])
def test_gov6_every_page_for_every_role(
    name, breach, coordinator, admin_user, staff, volunteer, south_coordinator, client_for
):
    url = reverse(f"governance:{name}", args=[] if name in ("list", "new") else [breach.pk])
    for user, status in [
        (coordinator, 200),
        (admin_user, 200),
        (staff, 403),
        (volunteer, 403),
        (south_coordinator, 200 if name in ("list", "new") else 404),
    ]:
        assert client_for(user).get(url).status_code == status, (user.username, name)
    assert client_for(None).get(url).status_code == 302


def test_gov6_list_shows_only_the_services_breaches(
    breach, service, coordinator, south_coordinator, client_for
):
    client = client_for(coordinator)
    body = client.get(reverse("governance:list")).content.decode()
    assert "Email to wrong address" in body and "Due in 42 hours" in body
    # A breach about no family says so in words, on the list and on its page.
    assert "Not about a case" in body and ">None<" not in body
    page = client.get(reverse("governance:detail", args=[breach.pk])).content.decode()
    assert 'id="breach-case">Not about a case</dd>' in page
    south = client_for(south_coordinator).get(reverse("governance:list")).content.decode()
    assert "Email to wrong address" not in south


def test_gov6_record_a_breach_naming_a_case(service, coordinator, case, client_for):
    response = client_for(coordinator).post(
        reverse("governance:new"),
        {
            "title": "Letter misdirected",
            "description": "Sent to the wrong address.",
            **when(hours_ago(3), "aware_at"),
            "case_reference": case.reference,
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:detail", args=[breach.pk])
    assert (breach.case_id, breach.case_reference) == (case.pk, case.reference)
    assert breach.recorded_by == coordinator


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "description": "x"},
        {"title": "x", "description": "x", "case_reference": "PPS-2026-99999"},
        {"title": "x", "description": "x", "aware_at_day": "31", "aware_at_month": "2"},
    ],
)
def test_gov6_bad_input_is_a_form_error_and_writes_nothing(service, coordinator, client_for, data):
    posted = {**when(hours_ago(3), "aware_at"), **data}
    response = client_for(coordinator).post(reverse("governance:new"), posted)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not Breach.objects.exists()


def test_gov6_a_decision_without_reasons_is_refused_and_changes_nothing(
    breach, coordinator, client_for
):
    before = breach.history.count()
    response = client_for(coordinator).post(
        reverse("governance:ico", args=[breach.pk]), {"decision": "no", "reasons": ""}
    )
    assert response.status_code == 400
    breach.refresh_from_db()
    assert breach.ico_decision == "undecided" and breach.history.count() == before


def test_gov6_edit_decide_act_close_and_reopen_through_the_screens(
    breach, coordinator, admin_user, client_for
):
    client = client_for(coordinator)
    detail = reverse("governance:detail", args=[breach.pk])
    response = client.post(
        reverse("governance:edit", args=[breach.pk]),
        {
            "title": "Corrected title",
            "description": breach.description,
            **when(breach.aware_at, "aware_at"),
            "likelihood": "likely",
            "severity": "severe",
            "risk_notes": "Health information.",
        },
    )
    assert response["Location"] == detail
    response = client.post(
        reverse("governance:ico", args=[breach.pk]),
        {
            "decision": "yes",
            "reasons": "Likely high risk.",
            **when(hours_ago(1), "notified_at"),
            "reference": "ICO-123",
        },
    )
    assert response["Location"] == detail
    response = client.post(
        reverse("governance:families", args=[breach.pk]),
        {
            "decision": "yes",
            "reasons": "They must protect themselves.",
            "told_on": timezone.localdate().isoformat(),
        },
    )
    assert response["Location"] == detail
    admin = client_for(admin_user)
    response = admin.post(
        reverse("governance:action_add", args=[breach.pk]),
        {"taken_on": timezone.localdate().isoformat(), "text": "Recalled the email."},
    )
    assert response["Location"] == detail
    assert client.post(reverse("governance:close", args=[breach.pk]))["Location"] == detail
    breach.refresh_from_db()
    assert breach.status == "closed" and breach.severity == "severe"
    assert breach.ico_reference == "ICO-123" and breach.families_told_on == timezone.localdate()
    assert BreachAction.objects.get().recorded_by == admin_user
    body = client.get(detail).content.decode()
    assert "Corrected title" in body and "ICO notified" in body and "Recalled the email." in body
    assert client.post(reverse("governance:reopen", args=[breach.pk]))["Location"] == detail
    breach.refresh_from_db()
    assert breach.status == "open"


@pytest.mark.parametrize("name", ["close", "reopen"])
def test_gov6_close_and_reopen_are_for_the_register_roles_only(
    name, breach, staff, volunteer, south_coordinator, client_for
):
    url = reverse(f"governance:{name}", args=[breach.pk])
    assert client_for(staff).post(url).status_code == 403
    assert client_for(volunteer).post(url).status_code == 403
    assert client_for(south_coordinator).post(url).status_code == 404
    assert client_for(staff).get(url).status_code == 405


def test_gov6_closing_without_decisions_says_why(breach, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("governance:close", args=[breach.pk]), follow=True
    )
    assert "Record the decisions" in response.content.decode()
    breach.refresh_from_db()
    assert breach.status == "open"


def test_gov6_case_link_only_through_the_case_access_helper(
    service, coordinator, admin_user, case, south_coordinator, client_for, monkeypatch
):
    breach = make_breach(service, coordinator, case=case)
    url = reverse("governance:detail", args=[breach.pk])
    case_url = reverse("cases:detail", args=[case.pk])
    body = client_for(coordinator).get(url).content.decode()
    assert case_url in body
    # Administrators never open cases (ACC-1): the reference, no link.
    body = client_for(admin_user).get(url).content.decode()
    assert case.reference in body and case_url not in body
    # Another service's coordinator does not even see the breach.
    assert client_for(south_coordinator).get(url).status_code == 404

    def refuse(*args, **kwargs):
        raise Http404

    monkeypatch.setattr("governance.access.get_case_for_user", refuse)
    body = client_for(coordinator).get(url).content.decode()
    assert case.reference in body and case_url not in body


def test_gov6_naming_another_services_case_is_refused_and_logged_for_both(
    service, other_service, coordinator, client_for
):
    from pps.models import AccessLogEntry
    from tests.factories import make_case

    south_staff = make_user(other_service, "staff", "staff-south-x")
    theirs = make_case(other_service, south_staff)
    response = client_for(coordinator).post(
        reverse("governance:new"),
        {
            "title": "x",
            "description": "x",
            **when(hours_ago(3), "aware_at"),
            "case_reference": theirs.reference,
        },
    )
    assert response.status_code == 400 and not Breach.objects.exists()
    refused = AccessLogEntry.objects.get(user=coordinator, allowed=False, object_type="case")
    assert refused.owner_service_id == other_service.pk
