"""A volunteer's undertaking about home computers and remote working, recorded
with the agreement; no case opens for a volunteer without it (GOV-2)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from demo.documents import tiny_pdf
from pps.models import AccessLogEntry, VolunteerAgreement
from pps.volunteers.onboarding import (
    casework_refusal,
    onboarding_status,
    volunteer_agreement_record,
    volunteer_training_record,
)
from tests.consent.helpers import record
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

MISSING = "undertaking not to keep case data on a home computer"


def agreement_file():
    return SimpleUploadedFile("agreement.pdf", tiny_pdf("Signed"), content_type="application/pdf")


def sign(volunteer, coordinator, *, undertaking, days_ago=0):
    return volunteer_agreement_record(
        volunteer=volunteer,
        by=coordinator,
        signed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        uploaded_file=agreement_file(),
        remote_working_undertaking=undertaking,
    )


def test_gov2_no_assignment_without_the_undertaking(service, staff, coordinator):
    newcomer = make_user(service, "volunteer", onboarded=False)
    sign(newcomer, coordinator, undertaking=False)
    volunteer_training_record(volunteer=newcomer, by=coordinator, completed_on=timezone.localdate())
    status = onboarding_status(newcomer)
    assert not status.ready and status.label == "No remote working undertaking"
    case = make_case(service, staff)
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    with pytest.raises(case_services.RuleError, match="mobile and remote working policy"):
        case_services.volunteer_assign(case=case, volunteer=newcomer, by=coordinator)

    sign(newcomer, coordinator, undertaking=True)
    case_services.volunteer_assign(case=case, volunteer=newcomer, by=coordinator)


def test_gov2_volunteer_without_the_undertaking_opens_no_case_and_is_told_why(
    assigned_case, volunteer, coordinator, client_for
):
    """Even a case already assigned: a later agreement without the undertaking
    (the latest one counts) shuts every case; the refusal is logged."""
    client = client_for(volunteer)
    url = reverse("cases:detail", args=[assigned_case.pk])
    assert client.get(url).status_code == 200
    sign(volunteer, coordinator, undertaking=False)
    assert casework_refusal(volunteer)

    response = client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert MISSING in page and "mobile and remote working policy" in page
    assert assigned_case.reference not in page
    refused = AccessLogEntry.objects.filter(
        user=volunteer, case_id=assigned_case.pk, allowed=False, object_type="case"
    )
    assert refused.count() == 1
    listing = client.get(reverse("cases:list")).content.decode()
    assert MISSING in listing and assigned_case.reference not in listing

    sign(volunteer, coordinator, undertaking=True)
    assert client.get(url).status_code == 200


def test_gov2_staff_are_not_asked_for_the_volunteers_undertaking(staff, case, client_for):
    assert casework_refusal(staff) is None
    assert client_for(staff).get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_gov2_coordinator_records_the_undertaking_with_the_agreement(
    service, coordinator, client_for
):
    newcomer = make_user(service, "volunteer", onboarded=False)
    client = client_for(coordinator)
    url = reverse("volunteers:agreement_add", args=[newcomer.pk])
    form = client.get(url).content.decode()
    assert "mobile and remote working policy" in form
    signed_on = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    client.post(url, {"signed_on": signed_on, "document": agreement_file()})
    client.post(
        url,
        {"signed_on": signed_on, "document": agreement_file(), "remote_working_undertaking": "on"},
    )
    flags = list(
        VolunteerAgreement.objects.filter(volunteer=newcomer)
        .order_by("id")
        .values_list("remote_working_undertaking", flat=True)
    )
    assert flags == [False, True]
    latest = VolunteerAgreement.objects.filter(volunteer=newcomer).latest("id")
    assert latest.history.get().remote_working_undertaking is True
    assert latest.history.get().history_user == coordinator
    detail = client.get(reverse("volunteers:detail", args=[newcomer.pk])).content.decode()
    assert "Not included" in detail and "Signed with the agreement" in detail
