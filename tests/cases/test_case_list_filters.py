"""The case list filters by caseworker, status and opened date and sorts by column (CAS-4)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services import case_assign_staff, case_close, case_open
from tests.factories import make_case, parent_fields

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r'href="/cases/\d+/">([^<]+)</a>')


def references(response) -> list[str]:
    return REFERENCE.findall(response.content.decode())


def opened(service, by, days_ago: int):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return case_open(service=service, by=by, parent=parent_fields(), opened_on=day)


@pytest.fixture
def cases(service, staff, coordinator):
    """Four cases: two of staff's (one closed), one of the coordinator's, one unassigned."""
    a = case_assign_staff(case=opened(service, staff, 30), staff=staff, by=coordinator)
    b = case_assign_staff(case=opened(service, staff, 20), staff=staff, by=coordinator)
    c = case_assign_staff(case=opened(service, staff, 10), staff=coordinator, by=coordinator)
    d = opened(service, staff, 5)
    b = case_close(case=b, by=coordinator)
    return {"a": a, "b": b, "c": c, "d": d}


def test_cas4_case_list_filters_by_caseworker_status_and_opened_date(
    cases, staff, coordinator, client_for
):
    client = client_for(coordinator)
    ref = {key: case.reference for key, case in cases.items()}
    url = reverse("cases:list")
    assert set(references(client.get(url, {"caseworker": staff.pk}))) == {ref["a"], ref["b"]}
    assert references(client.get(url, {"caseworker": "none"})) == [ref["d"]]
    assert references(client.get(url, {"status": "closed"})) == [ref["b"]]
    today = timezone.localdate()
    since = today - datetime.timedelta(days=25)
    until = today - datetime.timedelta(days=8)
    response = client.get(
        url,
        {
            "opened_from_day": since.day, "opened_from_month": since.month,
            "opened_from_year": since.year,
            "opened_to_day": until.day, "opened_to_month": until.month,
            "opened_to_year": until.year,
        },
    )  # fmt: skip
    assert references(response) == [ref["c"], ref["b"]]
    assert "(2)" in response.content.decode()  # the count is the filtered list's
    # Day, month and year boxes, never a browser date picker (CAS-7).
    assert 'name="opened_from_day"' in response.content.decode()
    assert 'type="date"' not in response.content.decode()


def test_cas4_case_list_refuses_a_date_that_is_not_real(cases, coordinator, client_for):
    response = client_for(coordinator).get(
        reverse("cases:list"),
        {"opened_from_day": "31", "opened_from_month": "2", "opened_from_year": "2026"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Opened on or after" in page
    assert references(response) == []


def test_cas4_case_list_sorts_by_column_with_aria_sort(cases, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("cases:list")
    by_age = [cases[k].reference for k in ("d", "c", "b", "a")]
    default = client.get(url)
    assert references(default) == by_age
    assert (
        'aria-sort="descending"><a class="govuk-link app-sort-link" href="?sort=opened">Opened'
        in (default.content.decode())
    )
    assert references(client.get(url, {"sort": "opened"})) == by_age[::-1]
    assert references(client.get(url, {"sort": "reference"})) == sorted(by_age)
    assert references(client.get(url, {"sort": "-reference"})) == sorted(by_age, reverse=True)
    by_status = references(client.get(url, {"sort": "status"}))
    assert by_status[0] == cases["b"].reference  # closed before open
    # The sort links keep the filters.
    page = client.get(url, {"status": "open", "sort": "reference"}).content.decode()
    assert 'href="?status=open&amp;sort=-reference"' in page
    assert 'aria-sort="ascending"' in page


def test_cas4_filters_and_sort_are_kept_across_pages(service, staff, coordinator, client_for):
    for _ in range(27):
        case_assign_staff(case=make_case(service, staff), staff=staff, by=coordinator)
    make_case(service, staff)  # not staff's
    client = client_for(coordinator)
    first = client.get(reverse("cases:list"), {"caseworker": staff.pk, "sort": "reference"})
    page = first.content.decode()
    assert "(27)" in page
    assert f"?page=2&amp;caseworker={staff.pk}&amp;sort=reference" in page
    second = client.get(
        reverse("cases:list"), {"caseworker": staff.pk, "sort": "reference", "page": 2}
    )
    assert len(references(first)) + len(references(second)) == 27


def test_cas4_filtered_case_list_query_count_is_bounded(
    service, staff, coordinator, client_for, django_assert_max_num_queries
):
    for _ in range(30):
        case_assign_staff(case=make_case(service, staff), staff=staff, by=coordinator)
    for _ in range(10):
        make_case(service, staff)  # unassigned: filtered out
    client = client_for(coordinator)
    url = reverse("cases:list")
    client.get(url)
    # The signed-in request (4), the caseworkers to choose from, the filtered
    # list's count and page, the parents' names, the access log, and the
    # coordinators' notices (3): the same with 30 cases or 100,000.
    with django_assert_max_num_queries(12):
        response = client.get(url, {"caseworker": staff.pk, "status": "open", "sort": "status"})
    assert len(references(response)) == 25
    assert "(30)" in response.content.decode()


def test_cas4_a_caseworker_of_another_service_filters_nothing_in(
    cases, other_service_staff, client_for
):
    client = client_for(other_service_staff)
    response = client.get(reverse("cases:list"), {"caseworker": cases["a"].assigned_staff_id})
    assert response.status_code == 400
    assert references(response) == []


def test_cas4_volunteers_filter_their_own_cases_without_a_caseworker_filter(
    assigned_case, volunteer, client_for
):
    response = client_for(volunteer).get(reverse("cases:list"), {"status": "open"})
    assert response.status_code == 200
    assert references(response) == [assigned_case.reference]
    page = response.content.decode()
    assert 'name="status"' in page and 'name="caseworker"' not in page
