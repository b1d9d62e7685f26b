"""Two people at once, for real: two threads, two PostgreSQL connections (SEC-4; ASVS 15.4.2).

SQLite serialises whole transactions (IMMEDIATE), so the interleavings below
cannot happen there; on PostgreSQL they are what select_for_update prevents.
Each test makes the first thread hold its row lock while the second arrives,
and checks the second waited and then saw the first one's result.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from cases import services
from cases.models import Case, VolunteerAssignment
from pps.locking import ConflictError
from pps.security import two_factor
from pps.security.idempotency import KEY_FIELD
from tests.two_factor import authenticator, next_code

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks only exist on PostgreSQL; SQLite serialises whole transactions.")


HOLD_SECONDS = 0.6


def in_thread(target) -> dict:
    """Run ``target`` in a thread with its own database connections; collect its outcome."""
    outcome: dict = {}

    def run():
        started = time.monotonic()
        try:
            outcome["result"] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc
        finally:
            outcome["seconds"] = time.monotonic() - started
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


def join_all(outcomes) -> None:
    for outcome in outcomes:
        outcome["thread"].join(timeout=30)


def first_holds_the_lock_then_second(first_action, second_action) -> tuple[dict, dict]:
    """The first action keeps its transaction (and row locks) open for a while; the second
    starts once the first holds them. Returns both outcomes."""
    locked = threading.Event()

    def first():
        with transaction.atomic():
            result = first_action()
            locked.set()
            time.sleep(HOLD_SECONDS)
        return result

    def second():
        locked.wait(timeout=10)
        return second_action()

    outcomes = in_thread(first), in_thread(second)
    join_all(outcomes)
    return outcomes


def fresh_case(case) -> Case:
    """Each thread loads its own copy, as two requests would."""
    return Case.objects.get(pk=case.pk)


def test_sec4_two_editors_on_postgres_one_wins_one_gets_a_conflict(case, staff, coordinator):
    version = case.version

    def update(by, summary):
        return lambda: services.case_update(
            case=fresh_case(case),
            by=by,
            expected_version=version,
            summary=summary,
            assigned_staff=None,
        )

    first, second = first_holds_the_lock_then_second(
        update(staff, "first"), update(coordinator, "second")
    )

    assert "error" not in first
    assert isinstance(second.get("error"), ConflictError)
    assert second["seconds"] >= HOLD_SECONDS * 0.8  # it waited for the lock
    case.refresh_from_db()
    assert case.summary == "first" and case.version == version + 1


def test_asvs_15_4_2_closing_and_assigning_at_once_never_leaves_a_volunteer_on_a_closed_case(
    case, staff, volunteer, coordinator
):
    closing, assigning = first_holds_the_lock_then_second(
        lambda: services.case_close(case=fresh_case(case), by=staff),
        lambda: services.volunteer_assign(
            case=fresh_case(case), volunteer=volunteer, by=coordinator
        ),
    )

    assert "error" not in closing
    assert isinstance(assigning.get("error"), services.RuleError)
    assert not VolunteerAssignment.objects.filter(case=case, ended_at__isnull=True).exists()
    assert not volunteer.has_perm("cases.view_case", Case.objects.get(pk=case.pk))


def test_asvs_15_4_2_a_case_is_closed_once_when_two_people_close_it(case, staff, coordinator):
    first, second = first_holds_the_lock_then_second(
        lambda: services.case_close(case=fresh_case(case), by=staff),
        lambda: services.case_close(case=fresh_case(case), by=coordinator),
    )
    assert "error" not in first and isinstance(second.get("error"), services.RuleError)
    assert case.history.filter(status="closed").count() == 1


def test_asvs_6_5_1_one_totp_code_sent_twice_at_once_is_accepted_once(staff):
    code = next_code(authenticator(staff))
    start = threading.Barrier(2)

    def use_code():
        start.wait(timeout=10)
        return two_factor.check_authenticator_code(staff, code)

    outcomes = [in_thread(use_code), in_thread(use_code)]
    join_all(outcomes)
    accepted = [o for o in outcomes if o.get("result") is not None]
    assert len(accepted) == 1, outcomes


def test_asvs_6_5_1_one_recovery_code_sent_twice_at_once_is_accepted_once(staff):
    code = two_factor.issue_recovery_codes(staff)[0]
    start = threading.Barrier(2)

    def use_code():
        start.wait(timeout=10)
        return two_factor.check_recovery_code(staff, code)

    outcomes = [in_thread(use_code), in_thread(use_code)]
    join_all(outcomes)
    assert sum(1 for o in outcomes if o.get("result") is not None) == 1, outcomes


def test_sec4_a_double_click_arriving_together_saves_once(case, staff, monkeypatch):
    """Both copies reach the server while the first is still saving."""
    import cases.views

    real_update = cases.views.case_update

    def slow_update(**kwargs):
        result = real_update(**kwargs)
        time.sleep(HOLD_SECONDS)
        return result

    monkeypatch.setattr(cases.views, "case_update", slow_update)
    version = case.version
    data = {
        "summary": "Clicked twice",
        "assigned_staff": "",
        "version": version,
        KEY_FIELD: "3f2a9c1e-0b7d-4e65-8a21-c4d9e0f1a2b3",
    }
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(staff)
    start = threading.Barrier(2)

    def click(client):
        def run():
            start.wait(timeout=10)
            return client.post(reverse("cases:edit", args=[case.pk]), data)

        return run

    outcomes = [in_thread(click(clients[0])), in_thread(click(clients[1]))]
    join_all(outcomes)
    statuses = sorted(o["result"].status_code for o in outcomes)
    assert statuses == [302, 302], outcomes
    case.refresh_from_db()
    assert case.version == version + 1 and case.summary == "Clicked twice"
