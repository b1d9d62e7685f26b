"""IdFirstPaginator: the same pages as Django's Paginator, read by id."""

import pytest
from django.core.paginator import Paginator
from django.db import connections
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from pps.paging import IdFirstPaginator
from tests.factories import make_case


@pytest.mark.parametrize("orphans", [0, 2])
def test_pages_match_django_paginator_in_order(service, other_service, staff, orphans):
    for _ in range(11):
        make_case(service, staff)
    make_case(other_service, staff)
    cases = Case.objects.filter(service=service).select_related("assigned_staff").defer("summary")
    ours, django = IdFirstPaginator(cases, 4, orphans=orphans), Paginator(cases, 4, orphans=orphans)
    assert ours.num_pages == django.num_pages
    for number in ours.page_range:
        expected = [case.pk for case in django.page(number)]
        assert [case.pk for case in ours.page(number)] == expected
    assert [case.pk for case in ours.get_page("999")] == [
        case.pk for case in django.page(ours.num_pages)
    ]


def test_a_page_is_one_query_that_reads_only_its_rows(service, staff):
    for _ in range(6):
        make_case(service, staff)
    paginator = IdFirstPaginator(Case.objects.filter(service=service), 2)
    paginator.count  # noqa: B018 (the pager's count is its own query)
    with CaptureQueriesContext(connections["default"]) as queries:
        page = list(paginator.page(2))
    assert len(page) == 2 and len(queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert "IN (SELECT" in sql and "LIMIT 2 OFFSET 2" in sql


def _page_sql(paginator, number) -> str:
    with CaptureQueriesContext(connections["default"]) as queries:
        list(paginator.page(number))
    return queries.captured_queries[-1]["sql"]


def test_pages_past_the_middle_are_found_from_the_end_when_no_two_rows_can_tie(service, staff):
    for _ in range(10):
        make_case(service, staff)
    totally_ordered = IdFirstPaginator(Case.objects.filter(service=service), 3)  # (-opened_on, -id)
    assert "ASC" not in _page_sql(totally_ordered, 1)
    assert '"opened_on" ASC' in _page_sql(totally_ordered, 4), "the last page counts from the end"
    # Cases opened the same day tie on this order: a reversed window could pick
    # other rows, so it is never reversed.
    ties_possible = IdFirstPaginator(Case.objects.filter(service=service).order_by("-opened_on"), 3)
    assert "ASC" not in _page_sql(ties_possible, 4)
