"""The case page reads each panel with a fixed number of queries, whatever the case holds.

The budget counts everything: the per-request middleware (session, user,
second factor, policy acknowledgement: 4), the case and its access-log row (2),
then one query per panel table. Coordinators also see the case studies and the
count of overrides waiting for review (the navigation, on every page).
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from pps import crypto
from tests.consent.helpers import record
from tests.factories import make_case, parent_fields

BUDGET = {"staff": 21, "coordinator": 23}


def _fill(case, staff, *, extra: int):
    topic = case.service.topics.first()
    for n in range(extra):
        services.parent_add(
            case=case, by=staff,
            **parent_fields(given_name=f"Parent{n}", family_name="Extra", relationship="father"),
        )  # fmt: skip
        child = services.child_add(case=case, by=staff, given_name=f"Kid{n}", family_name="Extra")
        services.child_information_add(
            child=child, by=staff, kind="sen_need", source="parent", text=f"Needs {n}"
        )
        services.contact_log(
            case=case,
            by=staff,
            channel="helpline",
            topic=topic,
            outcome="advice",
            notes=f"Call {n}",
        )
        record(case, staff, "full")


def _queries(client, case) -> tuple[int, int, str]:
    crypto.forget_cached_keys()
    with (
        CaptureQueriesContext(connections["default"]) as main,
        CaptureQueriesContext(connections["keystore"]) as keys,
    ):
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return len(main), len(keys), "\n".join(query["sql"][:80] for query in main.captured_queries)


@pytest.mark.parametrize("persona", ["staff", "coordinator"])
def test_case_page_query_count_is_within_budget_and_constant(
    request, service, staff, client_for, persona
):
    user = request.getfixturevalue(persona)
    small, large = make_case(service, staff), make_case(service, staff)
    _fill(small, staff, extra=1)
    _fill(large, staff, extra=6)
    client = client_for(user)
    client.get(reverse("cases:detail", args=[small.pk]))  # warm the session
    small_main, small_keys, _ = _queries(client, small)
    large_main, large_keys, listing = _queries(client, large)
    assert large_main == small_main, "the page's queries grow with the case's rows"
    assert large_keys == small_keys == 1, "the case's data key is unwrapped once"
    assert large_main <= BUDGET[persona], listing


def test_case_page_still_shows_every_panel(case, staff, client_for):
    """Reusing rows across panels keeps what each shows (service name, statements, consent)."""
    record(case, staff, "full")
    page = client_for(staff).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert case.service.name in page
    assert staff.get_full_name() in page or staff.username in page  # consent recorded by
    assert "has not been sent to" in page  # the statement reminder, from the shared read
