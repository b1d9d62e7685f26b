"""The demo shows consent in every state (CON-1 to CON-8)."""

import pytest
from django.core.management import call_command

from consent.models import ConsentDecision, SharingEvent, SignedConsentForm


@pytest.mark.slow
def test_seed_demo_shows_every_consent_state(capsys):
    call_command("seed_demo", "--cases", "40")
    decisions = ConsentDecision.objects.all()
    assert set(decisions.values_list("kind", flat=True)) == {
        "full",
        "restricted",
        "refused",
        "withdrawn",
    }
    in_person = decisions.filter(obtained_how="in_person", kind__in=["full", "restricted"])
    assert in_person.filter(signed_forms__isnull=True).exists()  # incomplete
    assert in_person.filter(signed_forms__isnull=False).exists()  # complete
    assert decisions.filter(review_of__isnull=False).exists()
    assert decisions.exclude(parties=None).exists()
    assert SignedConsentForm.objects.filter(decision__obtained_how="letter").exists()
    kinds = set(SharingEvent.objects.values_list("kind", flat=True))
    assert "volunteer_sharing" in kinds and len(kinds) >= 2
    capsys.readouterr()
