"""RET-3: a preview of what the purge would destroy on a later day, to plan.

The preview for a later day works the dates out in memory and writes nothing;
the purge itself, from the command or the screen, always works from today.
"""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from retention.access import stored_due_count
from retention.models import CaseCategory, CaseRetention, DestructionLogEntry, PurgeRun
from retention.services import legal_hold_place
from tests.retention.helpers import make_closed_case, make_expired_case, years_ago
from tests.security.conftest import confirm_identity

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


def planning_world(service, staff, coordinator) -> dict:
    """Due today, due in a month (one of them held), due in years, and one
    case whose date was never stored (closed before dates were kept)."""
    today = timezone.localdate()
    in_a_month = years_ago(12, today) + datetime.timedelta(days=30)
    world = {
        "now": make_expired_case(service, staff),
        "soon": make_closed_case(service, staff, closed_on=in_a_month),
        "held": make_closed_case(service, staff, closed_on=in_a_month),
        "later": make_closed_case(service, staff, closed_on=years_ago(3, today)),
        "unstored": make_closed_case(service, staff, closed_on=in_a_month),
        "as_of": today + datetime.timedelta(days=60),
    }
    legal_hold_place(case=world["held"], reason="complaint", by=coordinator)
    CaseRetention.objects.filter(case=world["unstored"]).delete()
    CaseCategory.objects.filter(case=world["unstored"]).delete()
    return world


def stored_state() -> tuple:
    return (
        sorted(CaseRetention.objects.values_list("case_id", "destroy_on", "last_closed_on")),
        sorted(CaseCategory.objects.values_list("case_id", "category_id")),
    )


def test_ret3_dry_run_as_of_a_later_day_shows_what_will_be_due_and_writes_nothing(
    service, staff, coordinator
):
    world = planning_world(service, staff, coordinator)
    before, due_today = stored_state(), stored_due_count(service)

    with CaptureQueriesContext(connection) as queries:
        output = purge("--dry-run", "--as-of", world["as_of"].isoformat())

    assert [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])] == []
    assert stored_state() == before and stored_due_count(service) == due_today
    assert f"Retention purge preview for {world['as_of']:%d %B %Y}" in output
    assert "Planning preview" in output
    assert "Due for destruction: 3 cases" in output
    due_part = output.split("Due but held back")[0]
    for name in ("now", "soon", "unstored"):
        assert world[name].reference in due_part
    assert "Parent support" in due_part.split(world["unstored"].reference)[1].splitlines()[0]
    assert world["later"].reference not in output
    assert "Due but held back: 1 cases" in output and world["held"].reference in output
    assert "nothing was stored" in output
    assert Case.objects.count() == 5 and not PurgeRun.objects.exists()

    # Today's own preview is unchanged by the planning one: only what is due now.
    today_output = purge("--dry-run")
    assert "Due for destruction: 1 cases" in today_output
    assert world["soon"].reference not in today_output


def test_ret3_as_of_is_refused_for_a_real_purge_and_for_a_past_day(service, staff):
    due = make_expired_case(service, staff)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="needs --dry-run"):
        purge("--no-input", "--as-of", tomorrow)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="cannot be in the past"):
        purge("--dry-run", "--as-of", yesterday)
    with pytest.raises(CommandError, match="not a date like"):
        purge("--dry-run", "--as-of", "31/03/2027")
    assert Case.objects.filter(pk=due.pk).exists()
    assert not PurgeRun.objects.exists() and not DestructionLogEntry.objects.exists()


def date_query(day: datetime.date) -> dict:
    return {"as_of_day": day.day, "as_of_month": day.month, "as_of_year": day.year}


def test_ret3_screen_previews_a_later_day_without_offering_or_storing_a_purge(
    service, staff, coordinator, admin_user, client_for
):
    world = planning_world(service, staff, coordinator)
    client = client_for(admin_user)
    confirm_identity(client, admin_user)

    today_page = client.get("/retention/purge/").content.decode()
    assert 'id="id_as_of_day"' in today_page
    assert world["soon"].reference not in today_page
    assert 'action="/retention/purge/confirm/"' in today_page
    # Today's preview stores each case's date (it refreshes them); the later
    # day's preview below must not, so the case without one stays without.
    CaseRetention.objects.filter(case=world["unstored"]).delete()
    before = stored_state()

    response = client.get("/retention/purge/", date_query(world["as_of"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Planning preview for {world['as_of']:%-d %B %Y}" in page
    for name in ("now", "soon", "unstored", "held"):
        assert world[name].reference in page
    assert world["later"].reference not in page
    assert '<dd class="govuk-summary-list__value" id="due-count">3</dd>' in page
    # Nothing to confirm from a later day's preview, and nothing stored by it.
    assert "/retention/purge/confirm/" not in page and "Destroy " not in page
    assert stored_state() == before

    past = client.get(
        "/retention/purge/", date_query(timezone.localdate() - datetime.timedelta(days=1))
    )
    assert past.status_code == 400
    assert "Preview as of must be today or in the future" in past.content.decode()
    assert "Planning preview" not in past.content.decode()

    # The confirmation takes no date: a date sent with it changes nothing, and
    # only what is due today goes.
    client.post(
        "/retention/purge/confirm/",
        {
            "case_ids": f"{world['now'].pk},{world['soon'].pk}",
            "confirm": "on",
            **date_query(world["as_of"]),
        },
    )
    assert not Case.objects.filter(pk=world["now"].pk).exists()
    assert Case.objects.filter(pk=world["soon"].pk).exists()
