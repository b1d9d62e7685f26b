"""The cases' counts the database keeps (cases.models.counts): the case lists read
their length from them instead of counting every case."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.access import visible_case_count
from cases.models import Case, CaseCount
from cases.selectors import search_cases
from tests.factories import make_case
from tests.retention.helpers import make_expired_case


def kept() -> dict:
    rows = CaseCount.objects.exclude(total=0).values_list("service_id", "status", "total")
    return {(service_id, status): total for service_id, status, total in rows}


def counted() -> dict:
    rows = Case.objects.order_by().values_list("service_id", "status").annotate(n=Count("id"))
    return {(service_id, status): n for service_id, status, n in rows}


def assert_kept_counts_are_true() -> None:
    assert kept() == counted()


def test_counts_follow_every_way_a_case_is_added_changed_or_destroyed(
    service, other_service, staff, coordinator, other_service_staff
):
    cases = [make_case(service, staff) for _ in range(3)]
    make_case(other_service, other_service_staff)
    assert kept() == {(service.pk, "open"): 3, (other_service.pk, "open"): 1}

    case_services.case_close(case=cases[0], by=staff)
    assert_kept_counts_are_true()
    case_services.case_archive(case=cases[0], by=coordinator)
    assert_kept_counts_are_true()
    case_services.case_reopen(case=cases[0], by=coordinator, reason="Parent called again")
    assert_kept_counts_are_true()

    # Writes that bypass the services and the model's save are counted too.
    Case.objects.filter(pk__in=[cases[1].pk, cases[2].pk]).update(
        status="closed", closed_on=cases[1].opened_on
    )
    assert_kept_counts_are_true()
    Case.objects.filter(pk=cases[2].pk).update(service=other_service)
    assert_kept_counts_are_true()
    Case.objects.filter(pk=cases[2].pk).update(version=5)  # neither service nor status
    assert_kept_counts_are_true()

    # The purge's set-based destruction.
    for _ in range(2):
        make_expired_case(service, staff)
    assert kept()[(service.pk, "closed")] == 3
    call_command("purge_expired", "--no-input", stdout=io.StringIO())
    assert kept()[(service.pk, "closed")] == 1
    assert_kept_counts_are_true()


def test_the_counting_triggers_survive_every_migration():
    """Django rebuilds a SQLite table for some schema changes, dropping its
    triggers: a later migration that rebuilds the case table must add them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases_case'"
            )
            expected = {f"cases_case_count_{event}" for event in ("insert", "delete", "update")}
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'cases_case'::regclass AND NOT tgisinternal"
            )
            expected = {"cases_case_count"}
        assert {name for (name,) in cursor.fetchall()} == expected


@pytest.fixture
def cases_in_every_status(service, other_service, staff, coordinator, other_service_staff):
    for _ in range(3):
        make_case(service, staff)
    closed = case_services.case_close(case=make_case(service, staff), by=staff)
    archived = case_services.case_close(case=make_case(service, staff), by=staff)
    case_services.case_archive(case=archived, by=coordinator)
    make_case(other_service, other_service_staff)
    return closed, archived


@pytest.mark.parametrize(
    ("role", "archived", "expected"),
    [
        ("staff", False, 4),
        ("staff", True, 0),
        ("coordinator", False, 4),
        ("coordinator", True, 1),
        ("admin_user", False, 0),
        ("admin_user", True, 0),
    ],
)
def test_acc2_the_kept_count_is_the_length_of_each_roles_list(
    request, cases_in_every_status, role, archived, expected
):
    user = request.getfixturevalue(role)
    count = visible_case_count(user, archived=archived)
    assert count == expected == search_cases(user, "", archived=archived).count()


@pytest.mark.parametrize("archived", [False, True])
def test_a_volunteers_assigned_cases_are_counted_by_the_pager(volunteer, archived):
    assert visible_case_count(volunteer, archived=archived) is None


def test_the_case_list_shows_the_kept_count_without_counting_the_cases(service, staff, client_for):
    for _ in range(27):
        make_case(service, staff)
    client = client_for(staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cases:list")).content.decode()
    assert "Cases you can see (27)" in page
    assert "page=2" in page
    counts_of_cases = [
        query["sql"]
        for query in queries.captured_queries
        if "COUNT(" in query["sql"].upper() and '"cases_case"' in query["sql"]
    ]
    assert counts_of_cases == []
    second = client.get(reverse("cases:list"), {"page": 2})
    assert len(second.context["cases"]) == 2
