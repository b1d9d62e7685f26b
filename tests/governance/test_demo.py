"""The demo shows the breach register in realistic states (GOV-6, issue item 5)."""

import pytest
from django.core.management import call_command

from governance.access import breaches_due, ico_clock
from governance.models import Breach
from pps.models import User


@pytest.mark.slow
def test_gov6_seed_demo_shows_overdue_notified_and_closed_breaches(capsys):
    call_command("seed_demo", "--cases", "6")
    capsys.readouterr()
    for service_id in Breach.objects.values_list("service_id", flat=True).distinct():
        breaches = Breach.objects.filter(service_id=service_id)
        assert breaches.count() == 3
        overdue = [b for b in breaches if ico_clock(b).overdue]
        assert len(overdue) == 1 and overdue[0].ico_decision == "undecided"
        notified = breaches.get(ico_decision="yes")
        assert notified.ico_notified_at and notified.ico_reference and notified.case_reference
        assert notified.actions.exists() and notified.history.count() > 1
        assert breaches.get(status="closed").ico_decision == "no"
        coordinator = User.objects.get(service_id=service_id, role="coordinator")
        assert [b for b, _ in breaches_due(coordinator)] == overdue
    assert Breach.objects.values("service").distinct().count() == 2
