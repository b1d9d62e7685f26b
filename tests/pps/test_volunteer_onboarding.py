"""No casework before a signed Volunteer Agreement and data-protection training (ACC-4)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from demo.documents import tiny_pdf
from pps.dates import add_months
from pps.models import AccessLogEntry, VolunteerAgreement, VolunteerTraining
from pps.volunteers.onboarding import (
    OnboardingError,
    onboarding_status,
    volunteer_agreement_record,
    volunteer_training_record,
)
from tests.consent.helpers import record
from tests.factories import make_case, make_user
from tests.raw_db import tables_containing

TODAY = timezone.localdate


def days_ago(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


def agreement_file(text="Signed agreement ZQX-AGREEMENT"):
    return SimpleUploadedFile("agreement.pdf", tiny_pdf(text), content_type="application/pdf")


@pytest.fixture
def newcomer(service):
    return make_user(service, "volunteer", "newcomer", onboarded=False)


def assign(case, volunteer, coordinator):
    if not case.consent_decisions.exists():
        record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    return case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)


def test_acc4_no_assignment_without_agreement_and_training(case, newcomer, coordinator):
    with pytest.raises(case_services.RuleError, match="No signed Volunteer Agreement"):
        assign(case, newcomer, coordinator)
    volunteer_agreement_record(
        volunteer=newcomer,
        by=coordinator,
        signed_on=days_ago(3),
        uploaded_file=agreement_file(),
        remote_working_undertaking=True,
    )
    with pytest.raises(case_services.RuleError, match="No data-protection training"):
        assign(case, newcomer, coordinator)
    volunteer_training_record(volunteer=newcomer, by=coordinator, completed_on=days_ago(2))
    assign(case, newcomer, coordinator)
    assert case.volunteer_assignments.filter(volunteer=newcomer).exists()


def test_acc4_overdue_volunteer_keeps_current_cases_but_gets_nothing_new(
    service, staff, assigned_case, volunteer, coordinator, client_for
):
    VolunteerTraining.objects.filter(volunteer=volunteer).update(completed_on=days_ago(400))
    status = onboarding_status(volunteer)
    assert status.refresher_overdue and not status.ready
    with pytest.raises(case_services.RuleError, match="refresher training is overdue"):
        assign(make_case(service, staff), volunteer, coordinator)
    url = reverse("cases:detail", args=[assigned_case.pk])
    assert client_for(volunteer).get(url).status_code == 200

    volunteer_training_record(volunteer=volunteer, by=coordinator, completed_on=TODAY())
    assign(make_case(service, staff), volunteer, coordinator)


def test_acc4_refresher_interval_is_configurable_per_service(service, volunteer):
    VolunteerTraining.objects.filter(volunteer=volunteer).update(completed_on=days_ago(200))
    assert onboarding_status(volunteer).ready  # default: yearly
    service.volunteer_refresher_months = 6
    service.save()
    volunteer.refresh_from_db()
    status = onboarding_status(volunteer)
    assert status.refresher_overdue
    assert status.refresher_due_on == add_months(days_ago(200), 6)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 5, 15), -12, datetime.date(2025, 5, 15)),
    ],
)
def test_acc4_refresher_dates_handle_month_ends(day, months, expected):
    assert add_months(day, months) == expected


def test_acc4_coordinators_see_refresher_due_dates_soonest_first(
    service, other_service, coordinator, volunteer, client_for
):
    overdue = make_user(service, "volunteer", "overdue", last_name="Overdueson")
    VolunteerTraining.objects.filter(volunteer=overdue).update(completed_on=days_ago(380))
    soon = make_user(service, "volunteer", "soon", last_name="Soonwell")
    VolunteerTraining.objects.filter(volunteer=soon).update(completed_on=days_ago(350))
    make_user(service, "volunteer", "fresh", last_name="Freshfield", onboarded=False)
    make_user(other_service, "volunteer", "elsewhere", last_name="Elsewhereton")

    page = client_for(coordinator).get(reverse("volunteers:list")).content.decode()
    order = [page.index(name) for name in ("Freshfield", "Overdueson", "Soonwell")]
    assert order == sorted(order)
    assert "No signed agreement" in page and "Refresher overdue" in page
    assert "Refresher due soon" in page and "Ready for casework" in page
    assert add_months(days_ago(380), 12).strftime("%-d %b %Y") in page
    assert "Elsewhereton" not in page


def test_acc4_coordinator_uploads_agreement_stored_encrypted_under_its_own_key(
    newcomer, coordinator, assigned_case, client_for
):
    client = client_for(coordinator)
    response = client.post(
        reverse("volunteers:agreement_add", args=[newcomer.pk]),
        {"signed_on": days_ago(1).isoformat(), "document": agreement_file()},
    )
    assert response["Location"] == reverse("volunteers:detail", args=[newcomer.pk])
    agreement = VolunteerAgreement.objects.get(volunteer=newcomer)
    assert agreement.content_type == "application/pdf"
    case_keys = set(Case.objects.values_list("data_key_id", flat=True))
    assert agreement.data_key_id not in case_keys
    assert tables_containing("ZQX-AGREEMENT") == set()  # ciphertext only at rest

    download = client.get(
        reverse("volunteers:agreement_download", args=[newcomer.pk, agreement.pk])
    )
    assert download.status_code == 200
    assert download.content == tiny_pdf("Signed agreement ZQX-AGREEMENT")
    assert download["Content-Disposition"].startswith("attachment;")
    assert AccessLogEntry.objects.filter(
        user=coordinator, action="download", object_type="volunteer_agreement"
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"signed_on": "2026-01-05", "document": SimpleUploadedFile("a.pdf", b"MZ\x90\x00evil")},
            "must be a PDF, PNG or JPEG",
        ),
        ({"signed_on": "2999-01-01"}, "cannot be in the future"),
        ({"signed_on": "2026-02-30"}, "Date the agreement was signed must be a real date"),
        ({"signed_on": ""}, "Enter the date the agreement was signed"),
    ],
)
def test_acc4_bad_agreement_uploads_are_refused_and_change_nothing(
    newcomer, coordinator, client_for, data, message
):
    data.setdefault("document", agreement_file())
    response = client_for(coordinator).post(
        reverse("volunteers:agreement_add", args=[newcomer.pk]), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VolunteerAgreement.objects.filter(volunteer=newcomer).exists()


def test_acc4_training_recorded_by_coordinator_future_dates_refused(
    newcomer, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("volunteers:training_add", args=[newcomer.pk])
    assert client.post(url, {"completed_on": "2999-01-01"}).status_code == 400
    assert not VolunteerTraining.objects.filter(volunteer=newcomer).exists()
    client.post(url, {"completed_on": days_ago(1).isoformat()})
    training = VolunteerTraining.objects.get(volunteer=newcomer)
    assert (training.completed_on, training.recorded_by) == (days_ago(1), coordinator)


def test_acc4_only_volunteers_have_agreements(staff, coordinator):
    with pytest.raises(OnboardingError):
        volunteer_training_record(volunteer=staff, by=coordinator, completed_on=TODAY())


def test_acc4_coordinator_of_another_service_cannot_record(newcomer, other_service):
    outsider = make_user(other_service, "coordinator")
    with pytest.raises(OnboardingError):
        volunteer_training_record(volunteer=newcomer, by=outsider, completed_on=TODAY())


def test_sec4_empty_post_gets_a_clear_message(newcomer, coordinator, client_for):
    response = client_for(coordinator).post(reverse("volunteers:training_add", args=[newcomer.pk]))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the date the data-protection training was completed" in body
    assert "This field is required" not in body
