"""Coordinators see who has seen a case, and every refused attempt (ACC-6, ACC-7)."""

import re

from django.urls import reverse

from pps.models import AccessLogEntry
from tests.factories import make_case, make_user


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_acc7_case_page_lists_every_read_and_refused_attempt(
    service,
    other_service,
    staff,
    coordinator,
    volunteer,
    volunteer_unassigned,
    admin_user,
    assigned_case,
    client_for,
):
    url = reverse("cases:detail", args=[assigned_case.pk])
    client_for(staff).get(url)
    client_for(volunteer).get(url)
    client_for(staff).get(reverse("cases:list"))
    assert client_for(volunteer_unassigned).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 403
    outsider = make_user(other_service, "staff", "outsider", last_name="Elsewhereton")
    assert client_for(outsider).get(url).status_code == 404

    page = page_text(
        client_for(coordinator).get(reverse("cases:access_log", args=[assigned_case.pk]))
    )
    rows = page.split("<tbody")[1].split("</tbody>")[0].split("<tr")[1:]
    assert len(rows) == 7
    expected = [
        (coordinator, coordinator.username, "Coordinator", "Allowed"),  # opening this page
        (outsider, "A user of another service", "Staff", "Refused"),
        (admin_user, admin_user.username, "Administrator", "Refused"),
        (volunteer_unassigned, volunteer_unassigned.username, "Volunteer", "Refused"),
        (staff, staff.username, "Staff", "Allowed"),  # listed in results
        (volunteer, volunteer.username, "Volunteer", "Allowed"),
        (staff, staff.username, "Staff", "Allowed"),
    ]
    for row, (_, who, role, result) in zip(rows, expected, strict=True):
        assert who in row and role in row and result in row
        assert f"Case {assigned_case.reference}" in row
    assert "Listed in results" in rows[4] and "Viewed" in rows[6]
    assert "Elsewhereton" not in page and "3 refused" in page


def test_acc7_denied_report_covers_the_service_and_only_the_service(
    service, other_service, staff, coordinator, volunteer_unassigned, case, client_for
):
    outsider = make_user(other_service, "staff", "outsider", last_name="Elsewhereton")
    their_case = make_case(other_service, outsider)
    client_for(volunteer_unassigned).get(reverse("cases:detail", args=[case.pk]))
    client_for(outsider).get(reverse("cases:detail", args=[case.pk]))
    client_for(staff).get(reverse("cases:detail", args=[their_case.pk]))
    client_for(staff).get(reverse("volunteers:list"))
    # A refusal inside the other service is the other service's business.
    other_volunteer = make_user(other_service, "volunteer", last_name="Theirvolunteer")
    client_for(other_volunteer).get(reverse("cases:detail", args=[their_case.pk]))

    page = page_text(client_for(coordinator).get(reverse("access_log:denied")))
    assert page.count("Refused</strong>") == 4
    assert "A user of another service" in page
    assert f"Case id {their_case.pk} (not a case of this service)" in page
    assert their_case.reference not in page
    assert "Page volunteers:list" in page
    assert "Elsewhereton" not in page and "Theirvolunteer" not in page
    assert AccessLogEntry.objects.filter(allowed=False).count() == 5


def test_acc7_access_log_pages_paginate(service, staff, coordinator, case, client_for):
    client = client_for(staff)
    for _ in range(55):
        client.get(reverse("cases:detail", args=[case.pk]))
    url = reverse("cases:access_log", args=[case.pk])
    first = client_for(coordinator).get(url)
    second = client_for(coordinator).get(url, {"page": 2})
    # 55 reads by staff and one by the coordinator for each page load.
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 7
