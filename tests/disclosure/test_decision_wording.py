"""The decision and history of a request for information read plainly (DIS-4, DIS-8).

After approval only refusal is left, and the page offers only that; each
history line says its action once; the decide page's two forms have ids of
their own.
"""

import re
from collections import Counter

import pytest
from django.urls import reverse

from disclosure.log import disclosure_log
from tests.consent.helpers import record
from tests.disclosure.helpers import answer, approve, log_request, notify, refuse, release
from tests.two_factor import with_sudo


def url(name, request):
    return reverse(f"disclosure:{name}", args=[request.case_id, request.pk])


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def ready(case, staff):
    record(case, staff, "full")
    request = log_request(case, staff)
    notify(request, staff)
    answer(request, staff)
    return request


def test_dis4_after_approval_only_refusal_is_offered(ready, coordinator, client_for):
    client = with_sudo(client_for(coordinator))
    before = text(client.get(url("detail", ready)))
    assert "Approve or refuse" in before

    approve(ready, coordinator)
    detail = client.get(url("detail", ready))
    page = text(detail)
    assert "Approve or refuse" not in page
    assert "Refuse the request" in page
    assert url("decide", ready) in detail.content.decode()

    decide = client.get(url("decide", ready)).content.decode()
    assert "Approve or refuse" not in decide
    assert '<h1 class="govuk-heading-l">Refuse request' in decide
    assert reverse("disclosure:approve_save", args=[ready.case_id, ready.pk]) not in decide
    assert reverse("disclosure:refuse_save", args=[ready.case_id, ready.pk]) in decide


def test_dis4_decide_page_ids_are_unique(ready, coordinator, client_for):
    """Two forms on one page once both had ``id_version`` and ``id_reason`` (W3C Nu)."""
    page = with_sudo(client_for(coordinator)).get(url("decide", ready)).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert ids["approve_reason"] == 1 and ids["refuse_reason"] == 1
    assert not [name for name, count in ids.items() if count > 1]


def test_dis8_each_history_line_says_its_action_once(ready, staff, coordinator, client_for):
    approve(ready, coordinator, reason="No objection from the family.")
    release(ready, coordinator)
    second = log_request(ready.case, staff)
    refuse(second, coordinator)

    page = text(with_sudo(client_for(coordinator)).get(url("detail", ready)))
    assert "Approved: No objection from the family." in page
    for action in ("Approved", "Released", "Parent told", "Closed", "Refused"):
        assert f"{action}: {action}" not in page
    assert "Approved: Approved" not in page

    entries = disclosure_log(ready.case)
    assert entries
    for entry in entries:
        # The log shows the action in a column of its own beside the summary.
        assert not re.match(rf"Request \d+: {re.escape(entry.action)}", entry.summary), entry
