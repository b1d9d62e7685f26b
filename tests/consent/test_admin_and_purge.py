"""Consent configuration for administrators (CON-1, CON-5); consent goes with its case (RET-3)."""

from django.urls import reverse

from cases import services as case_services
from consent.models import ConsentDecision, RecipientRole, SharingEvent
from consent.roles import recipient_roles_ensure
from consent.sharing import sharing_record
from tests.consent.helpers import attach_scan, record


def test_con1_admin_edits_own_service_roles_only(service, other_service, admin_user, client_for):
    recipient_roles_ensure(service=service)
    recipient_roles_ensure(service=other_service)
    client = client_for(admin_user)
    page = client.get(reverse("admin:consent_recipientrole_changelist")).content.decode()
    # Once as the row's link (its fields in the list are labelled with it too).
    assert page.count(">School SENCO<") == 1

    response = client.post(
        reverse("admin:consent_recipientrole_add"),
        {
            "service": service.pk,
            "code": "youth_justice",
            "name": "Youth justice",
            "position": 9,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert RecipientRole.objects.get(code="youth_justice").service == service

    for code in ("school_senco", "volunteer"):  # taken, or reserved for volunteers
        response = client.post(
            reverse("admin:consent_recipientrole_add"),
            {"service": service.pk, "code": code, "name": "Again", "position": 1},
        )
        assert response.status_code == 200 and "errornote" in response.content.decode()
    # Pointing the form at another service does not put a row there.
    client.post(
        reverse("admin:consent_recipientrole_add"),
        {"service": other_service.pk, "code": "elsewhere", "name": "Elsewhere", "position": 1},
    )
    assert not RecipientRole.objects.filter(service=other_service, code="elsewhere").exists()


def test_con1_a_new_role_can_be_chosen_and_an_inactive_one_cannot(case, staff):
    import pytest

    from pps.rules import RuleError

    recipient_roles_ensure(service=case.service)
    RecipientRole.objects.create(service=case.service, code="youth_justice", name="Youth justice")
    RecipientRole.objects.filter(service=case.service, code="early_help").update(active=False)
    record(case, staff, "restricted", roles=["youth_justice"])
    with pytest.raises(RuleError):
        record(case, staff, "restricted", roles=["early_help"])


def test_acc1_admin_cannot_see_consent_decisions(admin_user, client_for):
    client = client_for(admin_user)
    assert client.get("/admin/consent/consentdecision/").status_code == 404
    assert client.get("/admin/consent/sharingevent/").status_code == 404


def test_ret3_deleting_a_case_removes_its_consent_and_shares(case, staff, coordinator, volunteer):
    first = record(case, staff, "full", how="in_person")
    attach_scan(first, staff)
    record(
        case,
        staff,
        "restricted",
        roles=["volunteer", "health"],
        review_of=first,
        parties=[("health", "Dr Who")],
    )
    case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    sharing_record(
        case=case,
        kind="referral_to_agency",
        recipient_role="health",
        party="Dr Who",
        what="Referral",
        by=staff,
    )
    case.delete()
    assert not ConsentDecision.objects.exists() and not SharingEvent.objects.exists()
