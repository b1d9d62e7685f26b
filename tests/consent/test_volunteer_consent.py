"""A change of consent that no longer covers volunteers reaches them at once (CON-7, CON-8, ACC-2)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseUserObjectPermission, VolunteerAssignment
from consent import services
from consent.sharing import SharingRefused
from tests.consent.helpers import attach_scan, record
from tests.factories import make_user


def detail(case):
    return reverse("cases:detail", args=[case.pk])


def volunteers_page(case):
    return reverse("cases:volunteers", args=[case.pk])


def withdraw(case, by):
    return services.consent_withdraw(
        case=case, by=by, obtained_how="telephone", limits_explained=True
    )


def assert_volunteer_cut_off(case, volunteer, client, reason):
    """The assignment ended with its reason, the permission is gone, the next request is refused."""
    assignment = VolunteerAssignment.objects.get(case=case, volunteer=volunteer)
    assert assignment.ended_at is not None
    assert reason in assignment.end_reason
    assert assignment.history.latest().end_reason == assignment.end_reason
    assert not CaseUserObjectPermission.objects.filter(user=volunteer, content_object=case).exists()
    assert client.get(detail(case)).status_code == 404
    assert case.reference not in client.get(reverse("cases:list")).content.decode()


def test_con7_withdrawal_ends_the_volunteer_assignment_at_once(
    assigned_case, volunteer, coordinator, client_for
):
    client = client_for(volunteer)
    assert client.get(detail(assigned_case)).status_code == 200
    withdraw(assigned_case, coordinator)
    assert_volunteer_cut_off(assigned_case, volunteer, client, "withdrew consent")


def test_con7_withdrawal_through_the_screen_tells_staff_and_coordinator_why(
    assigned_case, volunteer, staff, coordinator, client_for
):
    response = client_for(staff).post(
        reverse("consent:withdraw_save", args=[assigned_case.pk]),
        {"obtained_how": "telephone", "limits_explained": "on"},
        follow=True,
    )
    assert "1 volunteer assignment ended" in response.content.decode()
    assert_volunteer_cut_off(assigned_case, volunteer, client_for(volunteer), "withdrew consent")
    panel = client_for(coordinator).get(volunteers_page(assigned_case)).content.decode()
    assert "Ended because: Consent no longer covers this volunteer." in panel
    assert "The parent withdrew consent on" in panel
    history = client_for(coordinator).get(reverse("consent:timeline", args=[assigned_case.pk]))
    assert "Volunteer assignments that ended" in history.content.decode()
    assert "Consent no longer covers this volunteer." in history.content.decode()


def test_con8_restricted_decision_without_volunteers_ends_the_assignment(
    assigned_case, volunteer, coordinator, client_for
):
    record(assigned_case, coordinator, "restricted", roles=["school_senco"])
    assert_volunteer_cut_off(assigned_case, volunteer, client_for(volunteer), "it does not cover")


def test_con8_restricted_decision_including_volunteers_keeps_the_assignment(
    assigned_case, volunteer, coordinator, client_for
):
    record(assigned_case, coordinator, "restricted", roles=["school_senco", "volunteer"])
    assignment = assigned_case.volunteer_assignments.get()
    assert assignment.ended_at is None and assignment.end_reason == ""
    assert client_for(volunteer).get(detail(assigned_case)).status_code == 200


def test_con8_restricted_to_another_named_volunteer_ends_this_ones(
    service, assigned_case, volunteer, coordinator, client_for
):
    other = make_user(service, "volunteer", first_name="Nadia", last_name="Okafor")
    record(
        assigned_case,
        coordinator,
        "restricted",
        roles=["volunteer"],
        parties=[("volunteer", "Nadia Okafor")],
    )
    assert_volunteer_cut_off(
        assigned_case, volunteer, client_for(volunteer), "people the parent named"
    )
    case_services.volunteer_assign(case=assigned_case, volunteer=other, by=coordinator)
    assert client_for(other).get(detail(assigned_case)).status_code == 200


def test_con7_decision_scheduled_without_volunteers_ends_the_assignment_now(
    assigned_case, volunteer, coordinator, client_for
):
    """The volunteer's access is a permission, not a check on each read: a decision
    taking effect later would otherwise leave it open past its date."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    record(assigned_case, coordinator, "restricted", roles=["health"], effective_from=tomorrow)
    assert_volunteer_cut_off(assigned_case, volunteer, client_for(volunteer), "it does not cover")


def test_con8_reassigning_is_refused_until_consent_covers_volunteers_again(
    assigned_case, volunteer, coordinator, client_for
):
    withdraw(assigned_case, coordinator)
    with pytest.raises(SharingRefused, match="withdrew consent"):
        case_services.volunteer_assign(case=assigned_case, volunteer=volunteer, by=coordinator)
    client = client_for(coordinator)
    panel = client.get(volunteers_page(assigned_case)).content.decode()
    assert "consent does not cover volunteers" in panel and "withdrew consent" in panel
    response = client.post(
        reverse("cases:volunteer_assign", args=[assigned_case.pk]), {"volunteer": volunteer.pk}
    )
    assert response.status_code == 400
    assert "withdrew consent" in response.content.decode()
    assert not assigned_case.volunteer_assignments.filter(ended_at__isnull=True).exists()

    # Restricted to others: still refused. Covering volunteers again: allowed.
    record(assigned_case, coordinator, "restricted", roles=["school_senco"])
    with pytest.raises(SharingRefused, match="does not cover"):
        case_services.volunteer_assign(case=assigned_case, volunteer=volunteer, by=coordinator)
    record(assigned_case, coordinator)
    response = client.post(
        reverse("cases:volunteer_assign", args=[assigned_case.pk]), {"volunteer": volunteer.pk}
    )
    assert response.status_code == 302
    assert client_for(volunteer).get(detail(assigned_case)).status_code == 200


def test_con8_assigning_is_refused_while_a_later_decision_would_not_cover_volunteers(
    case, volunteer, coordinator
):
    record(case, coordinator)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    record(case, coordinator, "refused", effective_from=tomorrow)
    with pytest.raises(SharingRefused, match="refused consent"):
        case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    assert not case.volunteer_assignments.exists()


def test_con2_in_person_review_ends_the_assignment_until_the_signed_form_is_attached(
    assigned_case, volunteer, coordinator, client_for
):
    """The sharing check's own rule: in-person consent without its signed form covers no one."""
    decision = record(assigned_case, coordinator, how="in_person")
    assert_volunteer_cut_off(assigned_case, volunteer, client_for(volunteer), "signed consent form")
    attach_scan(decision, coordinator)
    case_services.volunteer_assign(case=assigned_case, volunteer=volunteer, by=coordinator)
    assert client_for(volunteer).get(detail(assigned_case)).status_code == 200


def test_acc2_closing_the_case_records_why_the_assignment_ended(assigned_case, coordinator):
    case_services.case_close(case=assigned_case, by=coordinator)
    assert assigned_case.volunteer_assignments.get().end_reason == "The case was closed."


def test_acc2_a_coordinator_ending_it_records_no_reason(assigned_case, coordinator):
    assignment = assigned_case.volunteer_assignments.get()
    case_services.volunteer_unassign(assignment=assignment, by=coordinator)
    assignment.refresh_from_db()
    assert assignment.ended_at is not None and assignment.end_reason == ""
