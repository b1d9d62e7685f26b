"""Paper files (GOV-8): where a case's paper file is kept, that it was shredded,
and the coordinators' reminder a year after closure."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, PaperFile
from cases.paper.services import paper_file_locate, paper_file_shred
from cases.work.selectors import paper_files_to_shred
from pps.dates import add_months
from pps.models import AccessLogEntry
from pps.rules import RuleError
from retention.erase import erase_case
from tests.retention.helpers import make_closed_case

pytestmark = pytest.mark.django_db


def closed_months_ago(service, by, months: int) -> Case:
    return make_closed_case(service, by, closed_on=add_months(timezone.localdate(), -months))


def test_gov8_staff_record_where_the_file_is_and_that_it_was_shredded_on_the_case_page(
    service, staff, client_for
):
    case = closed_months_ago(service, staff, 13)
    client = client_for(staff)
    section = reverse("paper:section", args=[case.pk])
    assert "No paper file is recorded" in client.get(section).content.decode()

    response = client.post(
        reverse("paper:location", args=[case.pk]), {"location": "Cabinet 2, drawer B"}
    )
    assert response.status_code == 302 and response["Location"] == section
    page = client.get(section).content.decode()
    assert "Cabinet 2, drawer B" in page
    assert reverse("paper:shredded", args=[case.pk]) in page

    today = timezone.localdate()
    response = client.post(
        reverse("paper:shredded", args=[case.pk]), {"shredded_on": today.isoformat()}
    )
    assert response.status_code == 302
    paper = PaperFile.objects.get(case=case)
    assert (paper.shredded_on, paper.shredded_by) == (today, staff)
    page = client.get(section).content.decode()
    assert "Cabinet 2, drawer B" not in page and "Shredded" in page
    # Who did what is in the record's history (SEC-3).
    assert [row.history_user for row in paper.history.order_by("history_id")] == [staff, staff]
    # The sub-navigation offers the section on every page of the case.
    assert (
        f'href="{section}"' in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )


def test_gov8_the_location_is_encrypted_under_the_case_key(service, staff):
    case = closed_months_ago(service, staff, 2)
    paper = paper_file_locate(case=case, by=staff, location="Cabinet 9, drawer Z")
    assert paper.data_key_id == case.data_key_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT location FROM cases_paperfile WHERE id = %s", [paper.pk])
        raw = bytes(cursor.fetchone()[0])
    assert raw and b"Cabinet 9" not in raw


@pytest.mark.parametrize(
    "when, status, message",
    [
        ("tomorrow", "closed", "today or in the past"),
        ("before closure", "closed", "before the case closed"),
        ("today", "open", "open case"),
    ],
)
def test_gov8_shredding_is_refused_before_closure_in_the_future_or_on_an_open_case(
    service, staff, coordinator, case, when, status, message
):
    if status == "closed":
        case = closed_months_ago(service, staff, 13)
    paper_file_locate(case=case, by=staff, location="Cabinet 1")
    day = {
        "tomorrow": timezone.localdate() + datetime.timedelta(days=1),
        "before closure": (case.closed_on or timezone.localdate()) - datetime.timedelta(days=1),
        "today": timezone.localdate(),
    }[when]
    with pytest.raises(RuleError, match=message):
        paper_file_shred(case=case, by=staff, shredded_on=day)
    assert PaperFile.objects.get(case=case).shredded_on is None


def test_gov8_shredding_is_recorded_once_and_freezes_the_location(service, staff):
    case = closed_months_ago(service, staff, 13)
    paper_file_locate(case=case, by=staff, location="Cabinet 1")
    paper_file_shred(case=case, by=staff, shredded_on=timezone.localdate())
    with pytest.raises(RuleError, match="already"):
        paper_file_shred(case=case, by=staff, shredded_on=timezone.localdate())
    with pytest.raises(RuleError, match="shredded"):
        paper_file_locate(case=case, by=staff, location="Cabinet 3")


def test_gov8_volunteers_administrators_and_other_services_cannot_reach_it(
    service, staff, assigned_case, volunteer, admin_user, other_service_staff, client_for
):
    paper_file_locate(case=assigned_case, by=staff, location="Cabinet 1")
    for name in ("section", "location", "shredded"):
        url = reverse(f"paper:{name}", args=[assigned_case.pk])
        assert client_for(volunteer).get(url).status_code == 403
        assert client_for(admin_user).get(url).status_code == 403
        assert client_for(other_service_staff).get(url).status_code == 404
    # Nor write through the service.
    with pytest.raises(RuleError):
        paper_file_locate(case=assigned_case, by=volunteer, location="Home")
    with pytest.raises(RuleError):
        paper_file_locate(case=assigned_case, by=other_service_staff, location="Elsewhere")
    assert PaperFile.objects.get(case=assigned_case).location == "Cabinet 1"


def test_gov8_reminder_lists_closed_cases_a_year_on_whose_paper_file_is_not_shredded(
    service, staff, coordinator, client_for
):
    due = closed_months_ago(service, staff, 13)
    paper_file_locate(case=due, by=staff, location="Cabinet 1")
    recent = closed_months_ago(service, staff, 11)  # not a year yet
    paper_file_locate(case=recent, by=staff, location="Cabinet 1")
    shredded = closed_months_ago(service, staff, 14)
    paper_file_locate(case=shredded, by=staff, location="Cabinet 1")
    paper_file_shred(case=shredded, by=staff, shredded_on=timezone.localdate())
    closed_months_ago(service, staff, 15)  # no paper file at all
    # An archived case is still the coordinator's to see, and its file to shred.
    archived = closed_months_ago(service, staff, 13)
    paper_file_locate(case=archived, by=staff, location="Cabinet 4")
    Case.objects.filter(pk=archived.pk).update(
        status=Case.Status.ARCHIVED, archived_on=timezone.localdate()
    )

    assert list(paper_files_to_shred(coordinator)) == [due, archived]
    page = client_for(coordinator).get("/").content.decode()
    section = page[page.index('id="section-paper-files"') :]
    assert due.reference in section and archived.reference in section
    assert recent.reference not in section and shredded.reference not in section
    assert reverse("paper:section", args=[due.pk]) in section
    # The references shown are logged as a listing (ACC-6).
    assert AccessLogEntry.objects.filter(user=coordinator, action="list", case_id=due.pk).exists()
    # Staff get no such section.
    assert 'id="section-paper-files"' not in client_for(staff).get("/").content.decode()


def test_gov8_the_paper_file_record_goes_with_its_case_in_the_purge(service, staff):
    case = closed_months_ago(service, staff, 13)
    paper = paper_file_locate(case=case, by=staff, location="Cabinet 1")
    paper_file_shred(case=case, by=staff, shredded_on=timezone.localdate())
    erase_case(case)
    assert not PaperFile.objects.filter(pk=paper.pk).exists()
    assert not PaperFile.history.filter(case_id=case.pk).exists()
