"""A report reads every table's counts together: a fixed, small number of queries.

``run_tallies`` turns the tallies of every registered table into one
``UNION ALL`` query, so the statistics page costs the same few queries whatever
the period holds and however many tables the apps register.
"""

import datetime

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AnonymousContact, Contact
from cases.statistics.report import (
    Period,
    Tally,
    by_column,
    last_complete,
    run_tallies,
    tally,
)
from pps import crypto
from tests.cases.test_statistics import at, log_anonymous, log_contacts
from tests.factories import make_case

Q3 = Period.parse("2025-Q3")
BUDGET = 12


def _fill(service, staff, *, cases: int):
    for n in range(cases):
        case = make_case(service, staff)
        services.child_add(
            case=case,
            by=staff,
            given_name=f"Kid{n}",
            family_name="Extra",
            date_of_birth=datetime.date(2015, 1, 1 + n),
            school_phase="primary",
        )
        log_contacts(case, staff, count=2, channel=["helpline", "email"][n % 2])
    log_anonymous(service, staff, count=cases)


def _page_queries(client) -> tuple[int, str]:
    crypto.forget_cached_keys()
    with (
        CaptureQueriesContext(connections["default"]) as main,
        CaptureQueriesContext(connections["keystore"]) as keys,
    ):
        response = client.get(reverse("statistics:page") + f"?period={Q3.code}")
    assert response.status_code == 200
    listing = "\n".join(query["sql"][:100] for query in main.captured_queries)
    return len(main) + len(keys), listing


@pytest.mark.parametrize("persona", ["staff", "coordinator"])
def test_statistics_page_queries_are_few_and_do_not_grow(
    request, service, staff, client_for, persona
):
    client = client_for(request.getfixturevalue(persona))
    client.get(reverse("statistics:page"))  # warm the session
    _fill(service, staff, cases=1)
    small, _ = _page_queries(client)
    _fill(service, staff, cases=6)
    large, listing = _page_queries(client)
    assert large == small, "the report's queries grow with the data"
    assert large <= BUDGET, listing


def test_run_tallies_reads_many_tallies_in_one_query(service, staff):
    case = make_case(service, staff)
    topic = service.topics.first()
    log_contacts(case, staff, count=3, channel="email", topic=topic)
    log_contacts(case, staff, count=1, channel="helpline", outcome="signposted", topic=topic)
    log_anonymous(service, staff, count=2, channel="letter")
    contacts, anonymous = Contact.objects.all(), AnonymousContact.objects.all()
    with CaptureQueriesContext(connections["default"]) as queries:
        total, by_channel, by_topic, grid, none_at_all = run_tallies(
            [
                Tally.of(contacts),
                Tally.of(contacts, "channel"),
                Tally.of(contacts, "topic"),
                Tally.of(contacts, "channel", "outcome"),
                Tally.of(anonymous.filter(occurred_at__lt=at(datetime.date(2000, 1, 1)))),
            ]
        )
    assert len(queries) == 1
    assert total == {None: 4}
    assert by_channel == {"email": 3, "helpline": 1}
    assert by_topic == {topic.pk: 4}, "a foreign key comes back as its own type, not text"
    assert grid == {("email", "advice"): 3, ("helpline", "signposted"): 1}
    assert none_at_all == {None: 0}
    assert tally(anonymous, "channel") == {"letter": 2}


def test_equal_tallies_are_counted_once_and_columns_read_from_a_wider_tally(service, staff):
    case = make_case(service, staff)
    log_contacts(case, staff, count=2, channel="email")
    log_contacts(case, staff, count=1, channel="helpline", outcome="signposted")
    contacts = Contact.objects.filter(case__service=service)
    with CaptureQueriesContext(connections["default"]) as queries:
        first, second, other = run_tallies(
            [
                Tally.of(contacts, "channel", "outcome"),
                Tally.of(Contact.objects.filter(case__service=service), "channel", "outcome"),
                Tally.of(contacts, "channel"),
            ]
        )
    sql = queries.captured_queries[0]["sql"]
    assert len(queries) == 1 and sql.count("UNION ALL") == 1, "two parts, not three"
    assert first is second
    assert by_column(first, 0) == other == {"email": 2, "helpline": 1}
    assert by_column(first, 1) == {"advice": 2, "signposted": 1}


# Statistics over time: every period's tallies run in one query (two past
# ``TALLIES_PER_QUERY`` parts). What still runs once per period is a builder
# that is not a tally (children by age: their dates of birth are decrypted,
# so read per period with their data keys) and the topic list a builder reads.
TREND_BUDGET = {"quarters": 40, "months": 80}


def _fill_recent(service, staff, *, cases: int):
    """Cases with a child and contacts in each of the last four months (inside every trend)."""
    month = last_complete(timezone.localdate(), quarters=False)
    for _ in range(4):
        for n in range(cases):
            case = make_case(service, staff)
            services.child_add(
                case=case,
                by=staff,
                given_name=f"Kid{n}",
                family_name="Recent",
                date_of_birth=datetime.date(2014, 1, 1 + n),
                school_phase="secondary",
            )
            log_contacts(case, staff, count=2, channel="email", day=month.start)
        log_anonymous(service, staff, count=cases, day=month.start)
        month = Period.parse(f"{month.start - datetime.timedelta(days=1):%Y-%m}")


def _trend_queries(client, kind) -> tuple[int, int, str]:
    crypto.forget_cached_keys()
    with (
        CaptureQueriesContext(connections["default"]) as main,
        CaptureQueriesContext(connections["keystore"]) as keys,
    ):
        response = client.get(reverse("statistics:page"), {"view": "trend", "kind": kind})
    assert response.status_code == 200
    listing = "\n".join(query["sql"][:100] for query in main.captured_queries)
    unions = sum("UNION ALL" in query["sql"] for query in main.captured_queries)
    return len(main) + len(keys), unions, listing


@pytest.mark.parametrize("kind", ["quarters", "months"])
def test_sta1_trend_page_queries_are_bounded_and_do_not_grow(
    service, staff, coordinator, client_for, kind
):
    client = client_for(coordinator)
    client.get(reverse("statistics:page"))  # warm the session
    _fill_recent(service, staff, cases=1)
    small, _, _ = _trend_queries(client, kind)
    _fill_recent(service, staff, cases=6)
    large, unions, listing = _trend_queries(client, kind)
    print(f"trend of {kind}: {large} queries")
    print(listing)
    assert large == small, "the trend's queries grow with the data"
    assert large <= TREND_BUDGET[kind], listing
    assert unions <= 2, "every period's tallies are read together"
