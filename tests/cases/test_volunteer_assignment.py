"""Volunteers see exactly the cases assigned to them, granted and revoked at once (ACC-2)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from guardian.shortcuts import get_users_with_perms

from cases import services
from cases.access import visible_cases
from cases.models import Case, CaseUserObjectPermission, VolunteerAssignment
from pps.models import User
from tests.consent.helpers import record
from tests.factories import make_case, make_user


def detail(case):
    return reverse("cases:detail", args=[case.pk])


def test_acc2_coordinator_assigns_and_the_volunteer_sees_only_that_case(
    service, staff, case, volunteer, coordinator, client_for
):
    other = make_case(service, staff)
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    response = client_for(coordinator).post(
        reverse("cases:volunteer_assign", args=[case.pk]), {"volunteer": volunteer.pk}
    )
    assert response["Location"] == reverse("cases:volunteers", args=[case.pk])
    client = client_for(volunteer)
    listing = client.get(reverse("cases:list")).content.decode()
    assert case.reference in listing and other.reference not in listing
    assert client.get(detail(case)).status_code == 200
    assert client.get(detail(other)).status_code == 404


def test_acc2_unassigning_removes_access_on_the_very_next_request(
    assigned_case, volunteer, coordinator, client_for
):
    client = client_for(volunteer)
    assert client.get(detail(assigned_case)).status_code == 200
    assert assigned_case.reference in client.get(reverse("cases:list")).content.decode()
    assignment = assigned_case.volunteer_assignments.get()
    client_for(coordinator).post(
        reverse("cases:volunteer_unassign", args=[assigned_case.pk, assignment.pk])
    )
    # Same session, no pause, nothing cached: gone at once, from the page and the list.
    assert client.get(detail(assigned_case)).status_code == 404
    assert assigned_case.reference not in client.get(reverse("cases:list")).content.decode()


def test_acc2_closing_the_case_removes_volunteer_access(
    assigned_case, volunteer, coordinator, client_for
):
    services.case_close(case=assigned_case, by=coordinator)
    assert client_for(volunteer).get(detail(assigned_case)).status_code == 404
    assert not CaseUserObjectPermission.objects.filter(user=volunteer).exists()


def test_acc4_assignment_screen_refuses_a_volunteer_not_onboarded(
    service, case, coordinator, client_for
):
    newcomer = make_user(service, "volunteer", onboarded=False)
    client = client_for(coordinator)
    page = client.get(reverse("cases:volunteers", args=[case.pk])).content.decode()
    assert "No signed Volunteer Agreement is recorded." in page
    response = client.post(
        reverse("cases:volunteer_assign", args=[case.pk]), {"volunteer": newcomer.pk}
    )
    assert response.status_code == 400
    assert "cannot be assigned casework yet" in response.content.decode()
    assert not VolunteerAssignment.objects.exists()


@pytest.mark.parametrize("bad", ["", "abc", "999999"])
def test_sec4_forged_volunteer_choice_changes_nothing(case, coordinator, client_for, bad):
    response = client_for(coordinator).post(
        reverse("cases:volunteer_assign", args=[case.pk]), {"volunteer": bad}
    )
    assert response.status_code == 400
    assert not VolunteerAssignment.objects.exists()


def test_isolation_volunteer_of_another_service_cannot_be_assigned(
    case, other_service, coordinator, client_for
):
    outsider = make_user(other_service, "volunteer")
    response = client_for(coordinator).post(
        reverse("cases:volunteer_assign", args=[case.pk]), {"volunteer": outsider.pk}
    )
    assert response.status_code == 400
    assert not VolunteerAssignment.objects.exists()


def test_sec4_assignment_of_another_case_answers_404(
    service, staff, assigned_case, coordinator, client_for
):
    other = make_case(service, staff)
    assignment = assigned_case.volunteer_assignments.get()
    response = client_for(coordinator).post(
        reverse("cases:volunteer_unassign", args=[other.pk, assignment.pk])
    )
    assert response.status_code == 404
    assert assignment.volunteer in get_users_with_perms(assigned_case)


def test_sec4_double_assign_and_double_unassign_are_harmless(
    case, volunteer, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("cases:volunteer_assign", args=[case.pk])
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    client.post(url, {"volunteer": volunteer.pk})
    again = client.post(url, {"volunteer": volunteer.pk})
    assert again.status_code == 400 and "already assigned" in again.content.decode()
    assignment = case.volunteer_assignments.get()
    end = reverse("cases:volunteer_unassign", args=[case.pk, assignment.pk])
    client.post(end)
    assert client.post(end)["Location"] == reverse("cases:volunteers", args=[case.pk])
    assert case.volunteer_assignments.filter(ended_at__isnull=True).count() == 0


def test_acc2_object_permissions_match_open_assignments_exactly(
    service, staff, volunteer, coordinator
):
    cases = [make_case(service, staff) for _ in range(4)]
    for case in cases:
        record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
        services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    services.volunteer_unassign(assignment=cases[0].volunteer_assignments.get(), by=coordinator)
    services.case_close(case=cases[1], by=coordinator)
    services.volunteer_assign(case=cases[0], volunteer=volunteer, by=coordinator)
    open_cases = set(
        VolunteerAssignment.objects.filter(ended_at__isnull=True).values_list("case_id", flat=True)
    )
    granted = set(
        CaseUserObjectPermission.objects.filter(user=volunteer).values_list(
            "content_object_id", flat=True
        )
    )
    assert granted == open_cases == {cases[0].pk, cases[2].pk, cases[3].pk}
    assert set(visible_cases(volunteer).values_list("pk", flat=True)) == open_cases


def test_acc2_deactivating_or_re_roling_a_volunteer_ends_their_assignments(
    service, staff, assigned_case, volunteer, admin_user, coordinator, client_for
):
    admin = client_for(admin_user)
    change = reverse("admin:pps_user_change", args=[volunteer.pk])
    form = {
        "username": volunteer.username,
        "first_name": volunteer.first_name,
        "last_name": volunteer.last_name,
        "email": "",
        "role": "volunteer",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    response = admin.post(change, form)  # is_active unticked: deactivated
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not CaseUserObjectPermission.objects.filter(user=volunteer).exists()
    assert not VolunteerAssignment.objects.filter(ended_at__isnull=True).exists()

    other = make_user(service, "volunteer")
    case = make_case(service, staff)
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    services.volunteer_assign(case=case, volunteer=other, by=coordinator)
    admin.post(
        reverse("admin:pps_user_change", args=[other.pk]),
        {**form, "username": other.username, "role": "staff", "is_active": "on"},
    )
    other.refresh_from_db()
    assert other.role == "staff" and other.groups.get().name == "Staff"
    assert not CaseUserObjectPermission.objects.filter(user=other).exists()


def test_acc2_superuser_and_global_permissions_grant_no_case(
    service, staff, case, volunteer, client_for
):
    root = User.objects.create_superuser("root", password="x" * 16, service=service)
    assert list(visible_cases(root)) == []
    assert client_for(root).get(detail(case)).status_code in (403, 404)
    volunteer.user_permissions.add(Permission.objects.get(codename="view_case"))
    volunteer = User.objects.get(pk=volunteer.pk)  # fresh permission cache
    assert volunteer.has_perm("cases.view_case")
    assert list(visible_cases(volunteer)) == []
    assert client_for(volunteer).get(detail(case)).status_code == 404
    assert Case.objects.count() == 1
