"""Screens for the child-protection override (DIS-7, DIS-8): sudo, roles, list, review."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from disclosure.safeguarding.models import ChildProtectionOverride, NonDisclosureDecision
from pps.models import AccessLogEntry
from tests.disclosure.override_helpers import (
    record_non_disclosure,
    record_override,
    refused_a_while_ago,
)
from tests.factories import make_user
from tests.two_factor import with_sudo

FORM = {
    "category": "sexual",
    "reason": "The child disclosed something at the meeting that worried the volunteer.",
    "recipient": "lado",
    "recipient_detail": "",
    "what_was_shared": "What the child said and the school's name.",
    "shared_at": "",
}


def test_dis7_case_page_link_for_staff_and_coordinators_only(
    assigned_case, staff, coordinator, volunteer, client_for
):
    link = "Record a child-protection concern"
    section = reverse("cases:section_safeguarding", args=[assigned_case.pk])
    for user in (staff, coordinator):
        assert link in client_for(user).get(section).content.decode()
        summary = client_for(user).get(reverse("cases:detail", args=[assigned_case.pk]))
        assert section in summary.content.decode()  # the indicator and the sub-navigation
    page = client_for(volunteer).get(reverse("cases:detail", args=[assigned_case.pk]))
    assert page.status_code == 200 and link not in page.content.decode()
    assert "Child protection" not in page.content.decode()
    assert section not in page.content.decode()
    assert client_for(volunteer).get(section).status_code == 403


def test_dis7_recording_needs_sudo(case, staff, client_for):
    client = client_for(staff)
    url = reverse("safeguarding:override_new", args=[case.pk])
    assert client.get(url)["Location"].startswith(reverse("security:sudo"))
    response = client.post(reverse("safeguarding:override_create", args=[case.pk]), FORM)
    assert response["Location"].startswith(reverse("security:sudo"))
    assert not ChildProtectionOverride.objects.exists()


def test_dis7_staff_record_an_override_over_a_refusal_through_the_form(case, staff, client_for):
    refused_a_while_ago(case, staff)
    client = with_sudo(client_for(staff))
    assert client.get(reverse("safeguarding:override_new", args=[case.pk])).status_code == 200
    data = {**FORM, "shared_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    response = client.post(reverse("safeguarding:override_create", args=[case.pk]), data)
    override = ChildProtectionOverride.objects.get()
    assert response["Location"] == reverse("safeguarding:detail", args=[override.pk])
    assert override.consent_refused and override.recipient == "lado"
    page = client.get(response["Location"]).content.decode()
    assert "Over a refusal" in page and "Waiting for a coordinator" in page


def test_dis7_bad_input_is_a_clear_error_and_saves_nothing(case, staff, client_for):
    client = with_sudo(client_for(staff))
    response = client.post(
        reverse("safeguarding:override_create", args=[case.pk]),
        {**FORM, "reason": "risk", "recipient": "other", "shared_at": "2999-01-01T10:00"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "at least 20 characters" in body
    assert "Say who the information was shared with." in body
    assert "cannot be in the future" in body
    assert not ChildProtectionOverride.objects.exists()


@pytest.mark.parametrize("persona", ["volunteer", "admin_user"])
def test_dis7_volunteers_and_admins_are_refused_everywhere(
    request, persona, assigned_case, staff, client_for
):
    override = record_override(assigned_case, staff)
    client = with_sudo(client_for(request.getfixturevalue(persona)))
    for name, kwargs in [
        ("safeguarding:list", {}),
        ("safeguarding:detail", {"override_id": override.pk}),
        ("safeguarding:override_new", {"case_id": assigned_case.pk}),
        ("safeguarding:non_disclosure_new", {"case_id": assigned_case.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    for name, kwargs in [
        ("safeguarding:override_create", {"case_id": assigned_case.pk}),
        ("safeguarding:non_disclosure_create", {"case_id": assigned_case.pk}),
        ("safeguarding:review", {"override_id": override.pk}),
    ]:
        assert client.post(reverse(name, kwargs=kwargs), FORM).status_code == 403, name
    assert ChildProtectionOverride.objects.count() == 1


def test_acc6_another_services_override_is_hidden_and_the_attempt_logged(
    case, staff, other_service, client_for
):
    override = record_override(case, staff)
    outsider = make_user(other_service, "coordinator")
    client = with_sudo(client_for(outsider))
    assert client.get(reverse("safeguarding:detail", args=[override.pk])).status_code == 404
    assert (
        client.post(
            reverse("safeguarding:review", args=[override.pk]),
            {"outcome": "appropriate", "notes": "Looks fine to me from another service."},
        ).status_code
        == 404
    )
    assert not hasattr(ChildProtectionOverride.objects.get(), "review")
    assert AccessLogEntry.objects.filter(
        user=outsider, object_type="childprotectionoverride", allowed=False
    ).exists()
    assert override.case.reference not in client.get(reverse("safeguarding:list")).content.decode()


def test_dis7_coordinator_sees_waiting_count_and_reviews(case, staff, coordinator, client_for):
    override = record_override(case, staff)
    client = client_for(coordinator)
    home = client.get(reverse("cases:list")).content.decode()
    assert "1 safeguarding override waiting for review" in home
    assert "1 waiting" in home  # in the navigation, on every page
    listing = client.get(reverse("safeguarding:list") + "?status=waiting").content.decode()
    assert case.reference in listing and "Waiting for review" in listing

    review_url = reverse("safeguarding:review", args=[override.pk])
    notes = {"outcome": "appropriate", "notes": "Checked the call notes; the right decision."}
    assert client.post(review_url, notes)["Location"].startswith(reverse("security:sudo"))
    client = with_sudo(client)
    assert client.post(review_url, {"outcome": "appropriate", "notes": "ok"}).status_code == 400
    response = client.post(review_url, notes)
    assert response["Location"] == reverse("safeguarding:detail", args=[override.pk])
    assert override.__class__.objects.get().review.reviewed_by == coordinator

    again = client.post(review_url, notes, follow=True).content.decode()
    assert "already been reviewed" in again
    assert "safeguarding override waiting" not in client.get(reverse("cases:list")).content.decode()
    reviewed = client.get(reverse("safeguarding:list") + "?status=reviewed").content.decode()
    assert case.reference in reviewed
    waiting = client.get(reverse("safeguarding:list") + "?status=waiting").content.decode()
    assert case.reference not in waiting


def test_dis7_the_coordinator_who_recorded_it_is_told_why_they_cannot_review(
    case, coordinator, client_for
):
    override = record_override(case, coordinator)
    page = client_for(coordinator).get(reverse("safeguarding:detail", args=[override.pk]))
    body = page.content.decode()
    assert "another coordinator must review it" in body and "Record the review" not in body


def test_dis7_staff_list_shows_their_own_and_no_review_form(case, staff, service, client_for):
    colleague = make_user(service, "staff")
    mine = record_override(case, staff, recipient="police")
    record_override(case, colleague, recipient="lado")
    client = client_for(staff)
    listing = client.get(reverse("safeguarding:list")).content.decode()
    assert "Police" in listing and "LADO" not in listing
    detail = client.get(reverse("safeguarding:detail", args=[mine.pk])).content.decode()
    assert "Record the review" not in detail
    assert "1 waiting" not in client.get(reverse("cases:list")).content.decode()


def test_dis8_case_page_shows_overrides_reviews_and_decisions(case, staff, coordinator, client_for):
    from disclosure.safeguarding.services import override_review

    override = record_override(case, staff, recipient="police")
    override_review(
        override=override,
        by=coordinator,
        outcome="learning",
        notes="Appropriate; should have called the coordinator first.",
    )
    record_non_disclosure(case, coordinator)
    section = reverse("cases:section_safeguarding", args=[case.pk])
    page = client_for(staff).get(section).content.decode()
    for text in (
        "Child-protection override",
        "Override reviewed",
        "Decision not to share",
        "Shared with Police",
        "Appropriate, with points to learn from",
    ):
        assert text in page
    # The summary says they exist and links to them, whatever else it leaves out.
    summary = client_for(staff).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "1 child-protection override recorded" in summary
    assert "1 decision not to share recorded" in summary and section in summary


def test_dis7_decision_not_to_share_through_the_form(case, staff, client_for):
    client = client_for(staff)
    url = reverse("safeguarding:non_disclosure_create", args=[case.pk])
    assert client.post(url, {"category": "neglect", "reason": "no"}).status_code == 400
    response = client.post(
        url, {"category": "neglect", "reason": "Talked it through with the coordinator; no risk."}
    )
    assert response["Location"] == reverse("cases:section_safeguarding", args=[case.pk])
    assert NonDisclosureDecision.objects.get().category == "neglect"
    assert "Talked it through" in client.get(reverse("safeguarding:list")).content.decode()


def test_dis7_archived_case_offers_no_new_override(case, staff, coordinator, client_for):
    case_services.case_close(case=case, by=staff)
    case_services.case_archive(case=case, by=staff)
    section = reverse("cases:section_safeguarding", args=[case.pk])
    page = client_for(coordinator).get(section).content.decode()
    assert "Child protection" in page and "Record a child-protection concern" not in page
    client = with_sudo(client_for(coordinator))
    response = client.post(
        reverse("safeguarding:override_create", args=[case.pk]),
        {**FORM, "shared_at": "2026-01-01T10:00"},
    )
    assert response.status_code == 400 and not ChildProtectionOverride.objects.exists()


def test_acc7_list_and_detail_reads_are_logged(case, staff, coordinator, client_for):
    override = record_override(case, staff)
    client = client_for(coordinator)
    client.get(reverse("safeguarding:list"))
    client.get(reverse("safeguarding:detail", args=[override.pk]))
    entries = AccessLogEntry.objects.filter(user=coordinator, case_id=case.pk)
    assert entries.filter(action="list").exists() and entries.filter(action="view").exists()
