"""Two coordinators approve the same request at once: one approval, one clear conflict (SEC-4, DIS-4).

Needs PostgreSQL's row locks; on SQLite whole transactions are serialised, so
the interleaving cannot happen there and the test is skipped.
"""

import pytest
from django.db import connection

from disclosure import services
from disclosure.models import DisclosureEvent, DisclosureRequest, State
from pps.locking import ConflictError
from tests.consent.helpers import record
from tests.disclosure.helpers import answer, log_request, notify
from tests.factories import make_user
from tests.security.test_concurrency_postgres import HOLD_SECONDS, first_holds_the_lock_then_second

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks only exist on PostgreSQL; SQLite serialises whole transactions.")


def test_dis4_two_coordinators_approving_at_once_give_one_approval(
    case, staff, coordinator, service
):
    second_coordinator = make_user(service, "coordinator")
    record(case, staff, "full")
    request = log_request(case, staff)
    notify(request, staff)
    answer(request, staff)
    version = request.version

    def approve(by):
        # Each thread loads its own copy, as two requests would, from the same page version.
        return lambda: services.disclosure_approve(
            disclosure=DisclosureRequest.objects.get(pk=request.pk), by=by, expected_version=version
        )

    first, second = first_holds_the_lock_then_second(
        approve(coordinator), approve(second_coordinator)
    )

    assert "error" not in first
    assert isinstance(second.get("error"), ConflictError)
    assert second["seconds"] >= HOLD_SECONDS * 0.8  # it waited for the first
    request.refresh_from_db()
    assert request.state == State.APPROVED and request.decided_by == coordinator
    assert DisclosureEvent.objects.filter(request=request, action="approved").count() == 1
