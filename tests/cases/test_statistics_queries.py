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

from cases import services
from cases.models import AnonymousContact, Contact
from cases.statistics.report import Period, Tally, by_column, run_tallies, tally
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
