"""The administrators' "who changed what" page (SEC-3)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from pps import services as pps_services
from tests.factories import make_user


def test_sec3_the_changes_page_shows_a_role_change_with_who_and_when(
    service, other_service, staff, admin_user, client_for
):
    pps_services.user_set_role(user=staff, role="coordinator", by=admin_user)
    changed = staff.history.order_by("-history_date").first()
    elsewhere = make_user(other_service, "staff", "someone-elsewhere")

    response = client_for(admin_user).get(reverse("changes"))

    assert response.status_code == 200
    first = response.context["changes"][0]
    assert (first.by, first.record, first.fields) == ("admin", staff.username, ("role",))
    assert first.at == changed.history_date
    page = response.content.decode()
    assert staff.username in page and "admin" in page
    assert date_format(timezone.localtime(changed.history_date), "j M Y H:i") in page
    # Another service's users and changes are not this administrator's business.
    assert elsewhere.username not in page


def test_sec3_the_changes_page_pages_newest_first(service, staff, admin_user, client_for):
    for role in ["coordinator", "staff"] * 30:
        pps_services.user_set_role(user=staff, role=role, by=admin_user)
    first = client_for(admin_user).get(reverse("changes")).context["page_obj"]
    second = client_for(admin_user).get(reverse("changes"), {"page": 2}).context["page_obj"]
    assert len(first.object_list) == 50 and first.has_next()
    times = [change.at for change in [*first.object_list, *second.object_list]]
    assert times == sorted(times, reverse=True)
