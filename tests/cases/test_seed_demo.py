import pytest
from django.core.management import call_command

from cases.models import (
    AnonymousContact,
    Case,
    CaseStudy,
    Child,
    ChildInformation,
    ChildInformationDocument,
    Letter,
    Parent,
    PrivacyStatementSent,
    StatisticsExport,
    VolunteerAssignment,
)
from demo.retention import DEMO_CASES_KEPT
from pps.models import Service, User
from pps.security.two_factor import authenticator_for
from retention.models import RecordKind, RecordRetentionRule


@pytest.mark.slow
def test_seed_demo_builds_every_role_and_state_and_is_idempotent(capsys):
    call_command("seed_demo", "--cases", "12")
    first = capsys.readouterr().out
    assert Service.objects.count() == 2
    assert set(User.objects.values_list("role", flat=True)) == {
        "staff",
        "coordinator",
        "volunteer",
        "admin",
    }
    assert Case.objects.count() == 24 + 2 * DEMO_CASES_KEPT
    assert set(Case.objects.values_list("status", flat=True)) >= {"open"}
    assert VolunteerAssignment.objects.exists() and AnonymousContact.objects.exists()
    # GOV-7: each service has its rules for records not about families.
    assert RecordRetentionRule.objects.count() == 2 * len(RecordKind.values)
    assert "staff.north" in first and "demo-password" in first
    # Two-factor authentication stays on: every demo account can still sign in.
    assert all(authenticator_for(user) for user in User.objects.all())
    assert first.count("code now") == User.objects.count()
    # Letters, statements (and cases still waiting for one), case studies, statistics.
    assert Letter.objects.filter(method="post").exists()
    assert PrivacyStatementSent.objects.exists()
    assert Case.objects.filter(status="open").exclude(parents__privacy_statements__isnull=False)
    assert set(CaseStudy.objects.values_list("status", flat=True)) == {"draft", "signed_off"}
    assert StatisticsExport.objects.count() == 2
    # Every parent and child can be found by the beginning and sound of the surname (CAS-6).
    for person in [*Parent.objects.all(), *Child.objects.all()]:
        assert person.search_terms.exists(), person
    # The family screens' records (CAS-1, CAS-2): every kind of child information,
    # corrected and ended items, and a person removed with a reason.
    assert set(ChildInformation.objects.values_list("kind", flat=True)) == set(
        ChildInformation.Kind.values
    )
    assert ChildInformation.objects.filter(ended_on__isnull=False).exists()
    assert ChildInformation.objects.filter(version__gt=1).exists()
    assert Child.history.filter(history_type="-").exclude(history_change_reason=None).exists()
    # A copy of the EHC plan attached to its item, through the upload checks.
    copies = list(ChildInformationDocument.objects.select_related("item"))
    assert copies and all(copy.item.kind == "ehc_plan" for copy in copies)
    assert all(copy.content.startswith(b"%PDF-") for copy in copies)

    call_command("seed_demo", "--cases", "12")
    assert Case.objects.count() == 24 + 2 * DEMO_CASES_KEPT
    assert "already seeded" in capsys.readouterr().out
