"""The register of system maintainers (GOV-3): administrators write it,
coordinators read it, no one else sees it."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from governance.maintainers.models import Maintainer
from governance.maintainers.services import maintainer_update
from pps.rules import RuleError
from tests.factories import make_user
from tests.governance.maintainer_helpers import make_maintainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintainer(service, admin_user):
    return make_maintainer(service, admin_user)


@pytest.fixture
def south_admin(other_service):
    return make_user(other_service, "admin", "admin-south")


@pytest.fixture
def south_coordinator(other_service):
    return make_user(other_service, "coordinator", "coord-south")


@pytest.mark.parametrize("name", ["list", "new", "detail", "edit"])
def test_gov3_every_page_for_every_role(
    name,
    maintainer,
    admin_user,
    coordinator,
    staff,
    volunteer,
    south_admin,
    south_coordinator,
    client_for,
):
    url = reverse(f"maintainers:{name}", args=[] if name in ("list", "new") else [maintainer.pk])
    writes = name in ("new", "edit")
    one = name in ("detail", "edit")
    for user, status in [
        (admin_user, 200),
        (coordinator, 403 if writes else 200),
        (staff, 403),
        (volunteer, 403),
        (south_admin, 404 if one else 200),
        (south_coordinator, 403 if writes else 404 if one else 200),
    ]:
        assert client_for(user).get(url).status_code == status, (user.username, name)
    assert client_for(None).get(url).status_code == 302


def test_gov3_an_administrator_adds_a_maintainer_through_the_screen(
    service, admin_user, coordinator, south_admin, client_for
):
    response = client_for(admin_user).post(
        reverse("maintainers:new"),
        {
            "name": "Sam Server",
            "organisation": "Northshire Council IT",
            "work": "Patches the operating system; root on the server.",
            "access_from": "2026-01-05",
            "undertaking_signed_on": "2026-01-05",
        },
    )
    maintainer = Maintainer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("maintainers:detail", args=[maintainer.pk])
    assert (maintainer.service, maintainer.recorded_by) == (service, admin_user)
    assert maintainer.undertaking_signed_on == datetime.date(2026, 1, 5)
    # Coordinators read the register; another service's does not list it.
    listing = client_for(coordinator).get(reverse("maintainers:list")).content.decode()
    assert "Sam Server" in listing and "Northshire Council IT" in listing
    assert (
        "Sam Server"
        not in client_for(south_admin).get(reverse("maintainers:list")).content.decode()
    )


def test_gov3_a_coordinator_cannot_write_even_by_posting(coordinator, maintainer, client_for):
    client = client_for(coordinator)
    assert client.post(reverse("maintainers:new"), {"name": "X"}).status_code == 403
    response = client.post(reverse("maintainers:edit", args=[maintainer.pk]), {"name": "X"})
    assert response.status_code == 403
    with pytest.raises(RuleError):
        make_maintainer(coordinator.service, coordinator)
    assert Maintainer.objects.count() == 1


def test_gov3_correcting_and_ending_access_keeps_the_history(
    maintainer, admin_user, coordinator, client_for
):
    response = client_for(admin_user).post(
        reverse("maintainers:edit", args=[maintainer.pk]),
        {
            "name": "Kim Kimpton",
            "organisation": "Kimpton Consultants Ltd",
            "work": maintainer.work,
            "access_from": "2025-01-06",
            "undertaking_signed_on": "2025-01-06",
            "access_ended_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    maintainer.refresh_from_db()
    assert maintainer.access_ended_on == timezone.localdate() and not maintainer.has_access
    assert [row.history_type for row in maintainer.history.order_by("history_id")] == ["+", "~"]
    assert maintainer.history.first().history_user == admin_user
    page = client_for(coordinator).get(reverse("maintainers:detail", args=[maintainer.pk]))
    changes = page.content.decode().split('id="maintainer-changes"')[1]
    assert "access ended on" in changes and "organisation" in changes
    listing = client_for(coordinator).get(reverse("maintainers:list")).content.decode()
    assert "Access ended" in listing


def test_gov3_a_missing_undertaking_is_shown(service, admin_user, coordinator, client_for):
    make_maintainer(service, admin_user, undertaking_signed_on=None)
    listing = client_for(coordinator).get(reverse("maintainers:list")).content.decode()
    assert "Not signed" in listing


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"undertaking_signed_on": datetime.date.today() + datetime.timedelta(days=2)}, "future"),
        ({"access_ended_on": datetime.date(2024, 1, 1)}, "before it started"),
        ({"name": "  "}, "Enter the name"),
    ],
)
def test_gov3_impossible_entries_are_refused(maintainer, admin_user, changes, message):
    fields = {
        name: getattr(maintainer, name)
        for name in (
            "name",
            "organisation",
            "work",
            "access_from",
            "undertaking_signed_on",
            "access_ended_on",
        )
    }
    with pytest.raises(RuleError, match=message):
        maintainer_update(maintainer=maintainer, by=admin_user, **(fields | changes))


def test_gov3_the_name_and_access_are_encrypted_under_the_records_own_key(maintainer, case):
    assert maintainer.data_key_id != case.data_key_id
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, work FROM governance_maintainer WHERE id = %s", [maintainer.pk]
        )
        name, work = (bytes(value) for value in cursor.fetchone())
    assert b"Kimpton" not in name and b"Database" not in work


def test_gov3_the_administration_home_links_the_register(admin_user, client_for):
    page = client_for(admin_user).get(reverse("administration")).content.decode()
    assert reverse("maintainers:list") in page


def test_gov3_changes_to_the_register_are_on_who_changed_what(maintainer, admin_user, client_for):
    page = client_for(admin_user).get(reverse("changes")).content.decode()
    assert "System maintainer" in page
