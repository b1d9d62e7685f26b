"""The demo shows requests for information in every state (DIS-1 to DIS-6)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from disclosure.due_dates import urgency
from disclosure.models import DisclosureApprovers, DisclosureRequest, State


@pytest.mark.slow
def test_seed_demo_shows_every_disclosure_state(capsys):
    call_command("seed_demo", "--cases", "40")
    for service_requests in (
        DisclosureRequest.objects.filter(case__service__code=code) for code in ("north", "south")
    ):
        assert set(service_requests.values_list("state", flat=True)) == set(State.values) - {
            State.RELEASED  # the released one was then closed
        } | {State.APPROVED}
        today = timezone.localdate()
        tags = {urgency(r.due_on, today) for r in service_requests if r.is_open}
        assert {"overdue", "due soon"} <= tags
        assert service_requests.filter(route="subject_access").exists()
        assert service_requests.filter(release__isnull=False).exists()
    assert DisclosureApprovers.objects.filter(head__isnull=False).count() == 2
    capsys.readouterr()
