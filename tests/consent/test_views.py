"""Consent screens: record, review, withdraw, timeline, signed forms, reviews due (CON-1 to CON-7)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from consent.models import ConsentDecision, SignedConsentForm
from consent.services import consent_withdraw
from pps.models import AccessLogEntry
from pps.pdf import MARKING
from tests.consent.helpers import PDF_SCAN, attach_scan, record, refuse
from tests.factories import make_case


def url(name, case, **kwargs):
    return reverse(f"consent:{name}", kwargs={"case_id": case.pk, **kwargs})


def decision_post(**overrides):
    today = timezone.localdate().isoformat()
    data = {
        "kind": "full",
        "obtained_how": "telephone",
        "decided_on": today,
        "effective_from": today,
    }
    data.update(overrides)
    return data


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_con1_staff_record_restricted_consent_with_named_party(case, staff, client_for):
    client = client_for(staff)
    assert client.get(url("record", case)).status_code == 200
    response = client.post(
        url("record_save", case),
        decision_post(
            kind="restricted",
            roles=["school_senco", "health"],
            party_1_role="school_senco",
            party_1_name="Mrs Patel, Oakfield Primary",
            note="Parent agreed on the phone.",
        ),
    )
    assert response.status_code == 302
    decision = ConsentDecision.objects.get(case=case)
    assert decision.kind == "restricted" and decision.roles == ["school_senco", "health"]
    assert decision.recorded_by == staff
    assert [(p.role, p.name) for p in decision.parties.all()] == [
        ("school_senco", "Mrs Patel, Oakfield Primary")
    ]
    page = client.get(url("timeline", case)).content.decode()
    assert "School SENCO and Health professional" in page
    assert "Mrs Patel, Oakfield Primary" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "restricted"}, "Choose at least one role"),
        ({"kind": "refused"}, "Confirm the parent was told the limits"),
        ({"effective_from": "2001-01-01"}, "never in the past"),
        ({"decided_on": "2999-01-01"}, "cannot be in the future"),
        ({"decided_on": "31/02/2026"}, "Date the parent decided must be a real date"),
        ({"party_1_name": "Mrs Patel"}, "Give both a role and a name"),
        (
            {
                "kind": "restricted",
                "roles": ["health"],
                "party_1_role": "school_senco",
                "party_1_name": "Mrs P",
            },
            "Choose one of the roles the parent agreed to",
        ),
        ({"kind": "full", "roles": ["astrologer"]}, "Select a valid choice"),
    ],
)
def test_sec4_bad_decision_input_gets_a_clear_message_and_saves_nothing(
    case, staff, client_for, overrides, message
):
    response = client_for(staff).post(url("record_save", case), decision_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ConsentDecision.objects.exists()


def test_con1_a_closed_case_takes_no_new_decision(case, staff, client_for):
    from cases.services import case_close

    case_close(case=case, by=staff)
    response = client_for(staff).post(url("record_save", case), decision_post())
    assert "only be recorded on an open case" in response.content.decode()
    assert not ConsentDecision.objects.exists()


def test_con5_review_records_a_new_decision_and_keeps_the_old_one(case, staff, client_for):
    first = record(case, staff, "restricted", roles=["health"], parties=[("health", "Dr Who")])
    client = client_for(staff)
    form = client.get(url("review", case)).content.decode()
    # Pre-filled with the decision under review.
    assert 'name="roles" type="checkbox" value="health" checked' in form
    assert 'value="Dr Who"' in form
    response = client.post(url("review_save", case), decision_post(kind="full"))
    assert response.status_code == 302
    second = ConsentDecision.objects.exclude(pk=first.pk).get()
    assert second.review_of == first and second.kind == "full"
    page = client.get(url("timeline", case)).content.decode()
    assert "Full consent" in page and "Restricted consent" in page
    assert "review of the decision of" in page


def test_con5_review_without_a_decision_goes_to_record(case, staff, client_for):
    response = client_for(staff).get(url("review", case))
    assert response.status_code == 302 and response["Location"] == url("record", case)


def test_con7_withdraw_screen(case, staff, client_for):
    record(case, staff, "full")
    client = client_for(staff)
    assert client.get(url("withdraw", case)).status_code == 200
    response = client.post(url("withdraw_save", case), {"obtained_how": "telephone"})
    assert "Confirm the parent was told the limits" in response.content.decode()
    response = client.post(
        url("withdraw_save", case), {"obtained_how": "telephone", "limits_explained": "on"}
    )
    assert response.status_code == 302
    assert ConsentDecision.objects.filter(case=case).first().kind == "withdrawn"
    detail = client.get(reverse("cases:section_consent", args=[case.pk])).content.decode()
    assert "Consent withdrawn" in detail and "Nothing about this family may be shared" in detail
    summary = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Consent withdrawn" in summary  # the summary's one-line status


def test_con2_in_person_consent_shows_incomplete_until_the_signed_copy_is_attached(
    case, staff, client_for
):
    client = client_for(staff)
    client.post(url("record_save", case), decision_post(obtained_how="in_person"))
    decision = ConsentDecision.objects.get(case=case)
    places = [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:section_consent", args=[case.pk]),
        url("timeline", case),
        url("signed_form", case, decision_id=decision.pk),
    ]
    for place in places:
        assert "Incomplete" in client.get(place).content.decode(), place
    upload = SimpleUploadedFile("scan.pdf", PDF_SCAN, "application/pdf")
    response = client.post(
        url("signed_form_save", case, decision_id=decision.pk), {"document": upload}
    )
    assert response.status_code == 302
    for place in places:
        assert "Incomplete" not in client.get(place).content.decode(), place
    stored = SignedConsentForm.objects.get(decision=decision)
    assert stored.content == PDF_SCAN and stored.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "must be a PDF, PNG or JPEG"),
        (b"", "empty"),
    ],
)
def test_sec4_signed_copy_type_is_checked_by_content(case, staff, client_for, content, message):
    decision = record(case, staff, "full", how="in_person")
    upload = SimpleUploadedFile("form.pdf", content, "application/pdf")
    response = client_for(staff).post(
        url("signed_form_save", case, decision_id=decision.pk), {"document": upload}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not SignedConsentForm.objects.exists()


@override_settings(PPS_UPLOAD_MAX_BYTES=1024)
def test_sec4_signed_copy_size_is_capped(case, staff, client_for):
    decision = record(case, staff, "full", how="in_person")
    upload = SimpleUploadedFile("form.pdf", b"%PDF-" + b"x" * 4096, "application/pdf")
    response = client_for(staff).post(
        url("signed_form_save", case, decision_id=decision.pk), {"document": upload}
    )
    assert "smaller than" in response.content.decode()
    assert not SignedConsentForm.objects.exists()


def test_con2_telephone_consent_has_nothing_to_attach(case, staff, client_for):
    decision = record(case, staff, "full")
    upload = SimpleUploadedFile("form.pdf", PDF_SCAN, "application/pdf")
    response = client_for(staff).post(
        url("signed_form_save", case, decision_id=decision.pk), {"document": upload}
    )
    assert response.status_code == 200
    assert not SignedConsentForm.objects.exists()


def test_con2_signed_copy_is_served_only_through_the_authorised_view(
    case, staff, volunteer, other_service_staff, client_for
):
    document = attach_scan(record(case, staff, "full", how="in_person"), staff)
    address = url("signed_form_download", case, form_id=document.pk)
    response = client_for(staff).get(address)
    assert response.status_code == 200 and response.content == PDF_SCAN
    assert response["Content-Disposition"] == (
        f'attachment; filename="signed-consent-{case.reference}-{document.pk}.pdf"'
    )
    assert response["Cache-Control"] == "no-store, private"
    assert client_for(volunteer).get(address).status_code == 403  # ACC-5
    assert client_for(other_service_staff).get(address).status_code == 404
    assert AccessLogEntry.objects.filter(
        user=staff, case_id=case.pk, action="download", allowed=True
    ).exists()


def test_acc6_a_document_id_from_another_case_is_not_found(service, case, staff, client_for):
    other = make_case(service, staff)
    document = attach_scan(record(other, staff, "full", how="in_person"), staff)
    response = client_for(staff).get(url("signed_form_download", case, form_id=document.pk))
    assert response.status_code == 404


def test_com5_consent_form_pdf_names_reference_roles_and_parties(service, staff, client_for):
    case = make_case(service, staff, family_name="Zanzibarova")
    decision = record(
        case,
        staff,
        "restricted",
        how="in_person",
        roles=["school_senco", "educational_psychologist"],
        parties=[("school_senco", "Mrs Patel, Oakfield Primary")],
    )
    response = client_for(staff).get(url("form_pdf", case, decision_id=decision.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="consent-form-{case.reference}-{decision.pk}.pdf"'
    )
    text = pdf_text(response.content)
    for expected in (
        MARKING,
        case.reference,
        "Agreement to share information",
        "School SENCO",
        "Educational psychologist",
        "Mrs Patel, Oakfield Primary",
        "Signature",
    ):
        assert expected in text, expected
    assert "Zanzibarova" not in text  # the parent prints their own name


def test_com5_no_form_for_a_refusal(case, staff, client_for):
    decision = refuse(case, staff)
    response = client_for(staff).get(url("form_pdf", case, decision_id=decision.pk))
    assert response.status_code == 302


def test_con1_volunteer_sees_the_decision_in_force_but_cannot_change_it(
    assigned_case, volunteer, client_for
):
    client = client_for(volunteer)
    page = client.get(reverse("cases:detail", args=[assigned_case.pk])).content.decode()
    assert "Consent to share" in page and "Full consent" in page  # the summary's status line
    page = client.get(reverse("cases:section_consent", args=[assigned_case.pk])).content.decode()
    assert "Consent to share" in page and "Full consent" in page
    assert url("record", assigned_case) not in page
    assert url("withdraw", assigned_case) not in page
    assert url("timeline", assigned_case) not in page
    for name in ("record_save", "withdraw_save", "review_save", "share_save"):
        assert client.post(url(name, assigned_case), decision_post()).status_code == 403


def test_con5_reviews_due_lists_old_decisions_and_awaited_forms(
    service, other_service, staff, other_service_staff, client_for
):
    old_case, recent_case, unsigned_case = (make_case(service, staff) for _ in range(3))
    long_ago = timezone.now() - datetime.timedelta(days=200)
    record(old_case, staff, "full", decided_on=long_ago.date(), at=long_ago)
    record(recent_case, staff, "full")
    record(unsigned_case, staff, "full", how="in_person")
    elsewhere = make_case(other_service, other_service_staff)
    record(elsewhere, other_service_staff, "full", decided_on=long_ago.date(), at=long_ago)

    page = client_for(staff).get(reverse("consent:reviews")).content.decode()
    due, awaiting = page.split("Waiting for a signed consent form")
    assert old_case.reference in due
    assert recent_case.reference not in page
    assert unsigned_case.reference in awaiting and unsigned_case.reference not in due
    assert elsewhere.reference not in page
    assert AccessLogEntry.objects.filter(user=staff, action="list", case_id=old_case.pk).exists()


def test_con5_review_interval_is_configurable(service, staff, client_for):
    from consent.models import ConsentSettings

    case = make_case(service, staff)
    two_months_ago = timezone.now() - datetime.timedelta(days=62)
    record(case, staff, "full", decided_on=two_months_ago.date(), at=two_months_ago)
    client = client_for(staff)
    assert case.reference not in client.get(reverse("consent:reviews")).content.decode()
    ConsentSettings.objects.create(service=service, review_interval_months=1)
    assert case.reference in client.get(reverse("consent:reviews")).content.decode()


def test_con6_con7_letter_to_a_third_party_is_produced_only_while_consent_allows(
    case, staff, client_for
):
    from consent.models import SharingEvent

    record(case, staff, "restricted", roles=["school_senco"])
    client = client_for(staff)
    response = client.post(
        reverse("consent:letter_save", args=[case.pk]),
        {
            "recipient_role": "school_senco",
            "party": "Mrs Patel, Oakfield Primary",
            "what": "Dear Mrs Patel,\n\nThe parent has asked us to write about transport.",
        },
    )
    event = SharingEvent.objects.get(case=case)
    assert response["Location"] == url("sharing_event", case, event_id=event.pk)
    assert event.kind == "letter_to_third_party" and event.by == staff

    letter = client.get(url("letter_pdf", case, event_id=event.pk))
    assert letter["Content-Type"] == "application/pdf"
    text = pdf_text(letter.content)
    for expected in (MARKING, case.reference, "Mrs Patel, Oakfield Primary", "about transport"):
        assert expected in text

    consent_withdraw(case=case, by=staff, obtained_how="telephone", limits_explained=True)
    refused = client.get(url("letter_pdf", case, event_id=event.pk), follow=True)
    assert refused["Content-Type"].startswith("text/html")
    assert "The parent withdrew consent on" in refused.content.decode()
