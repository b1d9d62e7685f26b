"""The demo shows need-to-know access in every state (ACC-4, ACC-7, ACC-9), the
volunteers' remote working undertaking (GOV-2) and staff training (GOV-1)."""

import pytest
from django.core.management import call_command

from pps.models import AccessLogEntry, ConfidentialityPolicy, User
from pps.policy.services import must_acknowledge_policy
from pps.training.records import staff_training_statuses
from pps.volunteers.onboarding import casework_refusal, onboarding_statuses


@pytest.mark.slow
def test_seed_demo_shows_policy_onboarding_and_access_log_states(capsys):
    """Also GOV-1 (staff training up to date, due soon, overdue) and GOV-2 (a
    volunteer whose agreement lacks the undertaking opens no case)."""
    call_command("seed_demo", "--cases", "20")
    assert "has not yet acknowledged" in capsys.readouterr().out
    for code in ("north", "south"):
        assert ConfidentialityPolicy.objects.filter(service__code=code).count() == 2
        users = {u.username.split(".")[0]: u for u in User.objects.filter(service__code=code)}
        assert must_acknowledge_policy(users["staff2"])
        assert not must_acknowledge_policy(users["staff"])
        labels = {
            s.volunteer.username.split(".")[0]: s.label
            for s in onboarding_statuses(users["staff"].service_id)
        }
        assert labels == {
            "volunteer": "Ready for casework",
            "volunteer2": "No signed agreement",
            "volunteer3": "Refresher overdue",
            "volunteer4": "Refresher due soon",
            "volunteer5": "No remote working undertaking",
        }
        assert casework_refusal(users["volunteer5"]) and not casework_refusal(users["volunteer"])
        training = {
            s.person.username.split(".")[0]: s.training_label
            for s in staff_training_statuses(users["staff"].service_id)
        }
        assert training == {
            "staff": "Up to date",
            "coordinator": "Refresher due soon",
            "staff2": "Refresher overdue",
        }
    assert AccessLogEntry.objects.filter(allowed=False).count() >= 3
    assert AccessLogEntry.objects.filter(allowed=True, role="volunteer").exists()
