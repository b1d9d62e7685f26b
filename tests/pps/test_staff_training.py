"""Staff data-protection and FOI training, dated, with refresher reminders (GOV-1)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pps.dates import add_months
from pps.models import StaffTraining
from pps.training.records import (
    TrainingError,
    staff_training_correct,
    staff_training_record,
    staff_training_status,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days_ago(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


def trained(person, coordinator, days):
    return staff_training_record(staff_member=person, by=coordinator, completed_on=days_ago(days))


def test_gov1_staff_member_with_overdue_training_is_told_on_their_home_page(
    staff, coordinator, client_for
):
    trained(staff, coordinator, 400)
    page = client_for(staff).get("/").content.decode()
    due = add_months(days_ago(400), 12).strftime("%-d %B %Y")
    assert "Your data-protection and FOI refresher training is overdue" in page
    assert due in page

    trained(staff, coordinator, 1)  # the refresher done: the warning goes
    page = client_for(staff).get("/").content.decode()
    assert 'id="my-training"' not in page


def test_gov1_staff_member_with_no_training_recorded_is_told_too(staff, client_for):
    page = client_for(staff).get("/").content.decode()
    assert "No data-protection and FOI training is recorded for you" in page


def test_gov1_coordinator_home_lists_staff_overdue_or_due_soon(
    service, other_service, staff, coordinator, client_for
):
    trained(coordinator, coordinator, 10)  # up to date: not listed
    overdue = make_user(service, "staff", last_name="Overdueson")
    trained(overdue, coordinator, 400)
    soon = make_user(service, "staff", last_name="Soonwell")
    trained(soon, coordinator, 350)
    fresh = make_user(service, "staff", last_name="Freshfield")
    trained(fresh, coordinator, 20)
    make_user(service, "volunteer", last_name="Volunteerson")
    make_user(service, "admin", last_name="Adminson")
    make_user(other_service, "staff", last_name="Elsewhereton")

    page = client_for(coordinator).get("/").content.decode()
    section = page[page.index('id="staff-training"') :]
    section = section[: section.index("</section>")]
    assert "Overdueson" in section and "Refresher overdue" in section
    assert "Soonwell" in section and "Refresher due soon" in section
    assert staff.last_name in section  # nothing recorded for them yet
    for name in ("Freshfield", coordinator.last_name, "Volunteerson", "Adminson", "Elsewhereton"):
        assert name not in section


def test_gov1_coordinator_list_soonest_first_with_due_dates(
    service, other_service, staff, coordinator, client_for
):
    trained(staff, coordinator, 100)
    overdue = make_user(service, "staff", last_name="Overdueson")
    trained(overdue, coordinator, 380)
    make_user(service, "volunteer", last_name="Volunteerson")
    make_user(other_service, "coordinator", last_name="Elsewhereton")

    page = client_for(coordinator).get(reverse("training:list")).content.decode()
    order = [page.index(name) for name in (coordinator.last_name, "Overdueson", staff.last_name)]
    assert order == sorted(order)  # never trained, then the most overdue first
    assert add_months(days_ago(380), 12).strftime("%-d %b %Y") in page
    assert "Refresher overdue" in page and "No training recorded" in page
    assert "Volunteerson" not in page and "Elsewhereton" not in page


def test_gov1_coordinator_records_and_corrects_training_with_history(
    staff, coordinator, client_for
):
    client = client_for(coordinator)
    response = client.post(
        reverse("training:add", args=[staff.pk]), {"completed_on": days_ago(3).isoformat()}
    )
    assert response["Location"] == reverse("training:detail", args=[staff.pk])
    training = StaffTraining.objects.get(staff_member=staff)
    assert (training.completed_on, training.recorded_by) == (days_ago(3), coordinator)

    url = reverse("training:correct", args=[staff.pk, training.pk])
    form = client.get(url).content.decode()  # the date to correct, filled in
    assert f'name="completed_on_day" type="text" value="{days_ago(3).day}"' in form
    assert client.post(url, {"completed_on": "2999-01-01"}).status_code == 400
    client.post(url, {"completed_on": days_ago(5).isoformat()})
    training.refresh_from_db()
    assert training.completed_on == days_ago(5)
    dates = [h.completed_on for h in training.history.order_by("history_date")]
    assert dates == [days_ago(3), days_ago(5)]
    assert training.history.latest().history_user == coordinator
    assert staff_training_status(staff).trained_on == days_ago(5)
    detail = client.get(reverse("training:detail", args=[staff.pk])).content.decode()
    assert days_ago(5).strftime("%-d %b %Y") in detail


def test_gov1_refresher_follows_the_service_interval(service, staff, coordinator):
    trained(staff, coordinator, 200)
    assert not staff_training_status(staff).refresher_overdue  # yearly by default
    service.volunteer_refresher_months = 6
    service.save()
    staff.refresh_from_db()
    assert staff_training_status(staff).refresher_overdue


def test_gov1_only_a_coordinator_of_the_service_records_and_only_for_staff(
    other_service, staff, coordinator, volunteer
):
    outsider = make_user(other_service, "coordinator")
    with pytest.raises(TrainingError):
        staff_training_record(staff_member=staff, by=outsider, completed_on=TODAY())
    with pytest.raises(TrainingError):
        staff_training_record(staff_member=staff, by=staff, completed_on=TODAY())
    with pytest.raises(TrainingError):  # a volunteer's training is their onboarding's
        staff_training_record(staff_member=volunteer, by=coordinator, completed_on=TODAY())
    training = trained(staff, coordinator, 1)
    with pytest.raises(TrainingError):
        staff_training_correct(training=training, by=outsider, completed_on=TODAY())
    assert not StaffTraining.objects.exclude(pk=training.pk).exists()


def test_gov1_another_services_staff_member_is_not_found(other_service, coordinator, client_for):
    elsewhere = make_user(other_service, "staff")
    response = client_for(coordinator).get(reverse("training:detail", args=[elsewhere.pk]))
    assert response.status_code == 404


def test_gov1_volunteers_see_nothing_of_staff_training(staff, coordinator, volunteer, client_for):
    trained(staff, coordinator, 400)
    client = client_for(volunteer)
    assert client.get(reverse("training:list")).status_code == 403
    assert client.get(reverse("work:staff-training")).status_code == 403
    page = client.get(reverse("cases:list")).content.decode()
    assert "Staff training" not in page and "FOI" not in page
