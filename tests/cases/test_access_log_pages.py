"""Coordinators see who has seen a case, and every refused attempt (ACC-6, ACC-7)."""

import re

from django.test import Client
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
        (outsider, "outsider (another service)", "Not shown", "Refused"),
        (admin_user, admin_user.username, "Administrator", "Refused"),
        (volunteer_unassigned, volunteer_unassigned.username, "Volunteer", "Refused"),
        (staff, staff.username, "Staff", "Allowed"),  # listed in results
        (volunteer, volunteer.username, "Volunteer", "Allowed"),
        (staff, staff.username, "Staff", "Allowed"),
    ]
    for row, (_, who, role, result) in zip(rows, expected, strict=True):
        assert who in row and role in row and result in row
        assert f"case {assigned_case.reference}" in row
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
    assert "outsider (another service)" in page
    assert f"case id {their_case.pk} (not a case of this service)" in page
    assert their_case.reference not in page
    assert "Refused: the “volunteers list” page" in page
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


def test_acc7_a_probe_from_another_service_is_listed_for_the_service_it_probed(db):
    """A Southvale worker tries Northshire's case, voicemail, override and hold ids:
    Northshire's coordinators see each attempt (the account, the time, what was
    tried: their own case's reference at most), Southvale's see it as before."""
    from tests.access_world import build_world
    from tests.pps.test_authorization_matrix import a_hold, a_voicemail, an_override

    world = build_world()
    users = world["users"]
    prober, prober_coordinator = users["other_service_staff"], users["other_service_coordinator"]
    voicemail_id = a_voicemail(world).pk
    override_id = an_override(world)["override_id"]
    hold_id = a_hold(world).pk
    probes = [
        (prober, "get", reverse("cases:detail", args=[world["case"].pk]), "case"),
        (prober, "get", reverse("helpline:voicemail_detail", args=[voicemail_id]), "voicemail"),
        (
            prober,
            "get",
            reverse("safeguarding:detail", args=[override_id]),
            "childprotectionoverride",
        ),
        (prober_coordinator, "post", reverse("retention:hold_lift", args=[hold_id]), "legalhold"),
    ]
    for user, method, url, _ in probes:
        client = Client()
        client.force_login(user)
        assert getattr(client, method)(url).status_code == 404, url

    north = Client()
    north.force_login(users["coordinator"])
    response = north.get(reverse("access_log:denied"))
    rows = [
        row for row in response.context["rows"] if row.entry.user.service_id != world["service"].pk
    ]
    assert sorted((row.entry.user.username, row.entry.object_type) for row in rows) == sorted(
        (user.username, object_type) for user, _, _, object_type in probes
    )
    for row in rows:
        assert row.who == f"{row.entry.user.username} (another service)"
        assert row.role == "Not shown"
        assert row.entry.owner_service_id == world["service"].pk
    page = page_text(response)
    assert f"case {world['case'].reference}" in page
    for user in (prober, prober_coordinator):
        assert user.get_full_name() not in page
    assert "Northshire enquiry" not in page and "Quillfeather" not in page

    # The prober's own service still lists them, without Northshire's reference.
    south = Client()
    south.force_login(prober_coordinator)
    south_page = page_text(south.get(reverse("access_log:denied")))
    assert south_page.count("Refused</strong>") >= len(probes)
    assert world["case"].reference not in south_page
