"""Letters to families (COM-1, COM-2) and "Why we keep information about you" (COM-4)."""

import datetime
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.family import services as family_services
from cases.letters.models import Letter, PrivacyStatementSent
from cases.letters.services import (
    cases_missing_a_statement,
    letter_send,
    privacy_statement_facts,
    privacy_statement_send,
)
from pps.history import save_as
from pps.models import AccessLogEntry
from pps.pdf import MARKING
from pps.rules import RuleError
from tests.factories import make_case
from tests.pps.test_pdf_and_uploads import pdf_pages_text

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def family(service, staff):
    case = make_case(
        service,
        staff,
        given_name="Rosalind",
        family_name="Quennell",
        address="4 Ferncombe Row\nUpper Dittisham",
        postcode="TQ6 0EX",
        email="rq@example.com",
        summary="Worried about the annual review.",
    )
    return case, case.parents.get()


def letter_text(letter: Letter) -> str:
    return "\n".join(pdf_pages_text(letter.pdf))


@pytest.mark.parametrize(
    ("kind", "details", "expected"),
    [
        ("acknowledgement", {}, "We have received your enquiry"),
        (
            "appointment",
            {
                "appointment_date": TOMORROW.isoformat(),
                "appointment_time": "14:30",
                "appointment_place": "Room 4, Civic Centre",
            },
            "Room 4, Civic Centre",
        ),
        ("closure", {"note": "Good luck at the tribunal."}, "Closing your case"),
        (
            "request_outcome",
            {"request": "A copy of your file", "outcome": "Enclosed with this letter"},
            "Enclosed with this letter",
        ),
    ],
)
def test_com1_letters_are_marked_pdfs_recorded_on_the_case(family, staff, kind, details, expected):
    case, parent = family
    letter = letter_send(
        case=case, parent=parent, kind=kind, method="post", details=details, by=staff
    )
    pages = pdf_pages_text(letter.pdf)
    assert all(MARKING in page and case.reference in page for page in pages)
    text = "\n".join(pages)
    assert expected in text
    assert "Rosalind Quennell" in text and "TQ6 0EX" in text and "Upper Dittisham" in text
    stored = Letter.objects.get(pk=letter.pk)
    assert (stored.case, stored.parent, stored.kind, stored.method, stored.sent_by) == (
        case,
        parent,
        kind,
        "post",
        staff,
    )
    assert stored.pdf == letter.pdf and stored.sent_at is not None
    assert json.loads(stored.details) == details
    assert Letter.history.filter(id=letter.pk).count() == 1
    assert mail.outbox == []


def test_com1_appointment_letter_shows_date_and_time(family, staff):
    case, parent = family
    letter = letter_send(
        case=case,
        parent=parent,
        kind="appointment",
        method="post",
        details={
            "appointment_date": "2030-03-05",
            "appointment_time": "09:15",
            "appointment_place": "The Library",
        },
        by=staff,
    )
    assert "Tuesday 5 March 2030" in letter_text(letter) and "9:15 a.m." in letter_text(letter)


def test_com1_missing_particulars_refused_and_nothing_recorded(family, staff):
    case, parent = family
    with pytest.raises(RuleError, match="appointment date"):
        letter_send(
            case=case, parent=parent, kind="appointment", method="post", details={}, by=staff
        )
    assert Letter.objects.count() == 0


def test_ref6_letter_only_to_a_parent_of_this_case(family, service, staff):
    case, _ = family
    stranger = make_case(service, staff).parents.get()
    with pytest.raises(RuleError, match="this case"):
        letter_send(case=case, parent=stranger, kind="closure", method="post", details={}, by=staff)
    assert Letter.objects.count() == 0


def test_com2_emailed_letter_needs_permission_and_says_confidential(family, staff):
    case, parent = family
    with pytest.raises(RuleError, match="not agreed"):
        letter_send(case=case, parent=parent, kind="closure", method="email", details={}, by=staff)
    assert Letter.objects.count() == 0 and mail.outbox == []

    parent.email_permission = True
    save_as(parent, staff)
    letter = letter_send(
        case=case, parent=parent, kind="closure", method="email", details={}, by=staff
    )
    (message,) = mail.outbox
    assert message.subject.startswith("Confidential: ")
    assert message.to == ["rq@example.com"]
    assert message.attachments[0][1] == letter.pdf
    assert "Rosalind" not in message.subject


def test_sec4_failed_email_records_nothing(family, staff, monkeypatch):
    case, parent = family
    parent.email_permission = True
    save_as(parent, staff)
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda self, *a, **k: (_ for _ in ()).throw(OSError("connection refused")),
    )
    with pytest.raises(RuleError, match="could not be sent"):
        letter_send(case=case, parent=parent, kind="closure", method="email", details={}, by=staff)
    assert Letter.objects.count() == 0


def test_com1_archived_case_sends_nothing(family, staff):
    case, parent = family
    services.case_close(case=case, by=staff)
    services.case_archive(case=case, by=staff)
    with pytest.raises(RuleError, match="archived"):
        letter_send(case=case, parent=parent, kind="closure", method="post", details={}, by=staff)


# --- through the pages ----------------------------------------------------------


def test_com1_staff_write_a_letter_and_download_the_copy(family, staff, client_for):
    case, parent = family
    client = client_for(staff)
    assert client.get(reverse("cases:letter_new", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("cases:letter_create", args=[case.pk]),
        {
            "parent": parent.pk,
            "kind": "appointment",
            "method": "post",
            "appointment_date": TOMORROW.isoformat(),
            "appointment_time": "10:00",
            "appointment_place": "Our office",
        },
    )
    assert response.status_code == 302
    letter = Letter.objects.get()
    page = client.get(reverse("cases:section_letters", args=[case.pk])).content.decode()
    assert (
        "Appointment" in page
        and reverse("cases:letter_download", args=[case.pk, letter.pk]) in page
    )
    download = client.get(reverse("cases:letter_download", args=[case.pk, letter.pk]))
    assert download["Content-Type"] == "application/pdf" and download.content == letter.pdf
    assert "Quennell" not in download["Content-Disposition"]
    assert AccessLogEntry.objects.filter(
        user=staff, action="download", object_type="letter", object_id=str(letter.pk)
    ).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"kind": "appointment", "method": "post"}, "Enter the date of the appointment"),
        (
            {
                "kind": "appointment",
                "method": "post",
                "appointment_date": "2020-01-01",
                "appointment_time": "10:00",
                "appointment_place": "x",
            },
            "today or in the future",
        ),
        (
            {"kind": "appointment", "method": "post", "appointment_date": "31/02/2030"},
            "Appointment date must be a real date",
        ),
        (
            {"kind": "request_outcome", "method": "post", "request": "x"},
            "Enter the outcome of the request",
        ),
        ({"kind": "closure", "method": "email"}, "has not agreed"),
        ({"kind": "closure", "method": "fax"}, "Select a valid choice"),
        ({"kind": "closure", "method": "post", "note": "x" * 2001}, "at most 2000"),
    ],
)
def test_sec4_bad_letter_input_is_a_clear_error_and_changes_nothing(
    family, staff, client_for, data, error
):
    case, parent = family
    response = client_for(staff).post(
        reverse("cases:letter_create", args=[case.pk]), {"parent": parent.pk, **data}
    )
    assert response.status_code == 400
    assert error in response.content.decode().replace("&#x27;", "'")
    assert Letter.objects.count() == 0


def test_sec4_forged_parent_or_case_id(family, service, staff, other_service_staff, client_for):
    case, _ = family
    stranger = make_case(service, staff).parents.get()
    response = client_for(staff).post(
        reverse("cases:letter_create", args=[case.pk]),
        {"parent": stranger.pk, "kind": "closure", "method": "post"},
    )
    assert response.status_code == 400 and Letter.objects.count() == 0
    assert (
        client_for(other_service_staff)
        .post(
            reverse("cases:letter_create", args=[case.pk]),
            {"parent": case.parents.get().pk, "kind": "closure", "method": "post"},
        )
        .status_code
        == 404
    )
    assert (
        client_for(staff)
        .get(reverse("cases:statement_new", args=[case.pk, stranger.pk]))
        .status_code
        == 404
    )


def test_acc5_volunteer_sees_no_letters_panel_and_cannot_download(
    assigned_case, volunteer, staff, client_for
):
    parent = assigned_case.parents.get()
    letter = letter_send(
        case=assigned_case, parent=parent, kind="closure", method="post", details={}, by=staff
    )
    client = client_for(volunteer)
    page = client.get(reverse("cases:detail", args=[assigned_case.pk])).content.decode()
    assert "Letters and statements" not in page and "has not been sent" not in page
    # The section itself is refused by role, as the panel was never shown.
    assert client.get(reverse("cases:section_letters", args=[assigned_case.pk])).status_code == 403
    url = reverse("cases:letter_download", args=[assigned_case.pk, letter.pk])
    assert client.get(url).status_code == 403


def test_acc6_letter_of_another_case_is_hidden(family, service, staff, client_for):
    case, _ = family
    other = make_case(service, staff)
    letter = letter_send(
        case=other, parent=other.parents.get(), kind="closure", method="post", details={}, by=staff
    )
    response = client_for(staff).get(reverse("cases:letter_download", args=[case.pk, letter.pk]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        action="download", object_type="letter", allowed=False, case_id=case.pk
    ).exists()


# --- "Why we keep information about you" -----------------------------------------


def test_com4_statement_lists_what_is_actually_held_not_the_contents(family, staff, service):
    case, parent = family
    facts = privacy_statement_facts(parent)
    held = " ".join(facts["held"])
    assert "email address" in held and "postal address" in held
    assert "child's name" not in held and "special educational needs" not in held
    assert "contact" not in held

    child = services.child_add(
        case=case,
        by=staff,
        given_name="Tobias",
        family_name="Quennell",
        date_of_birth=datetime.date(2015, 5, 5),
    )
    family_services.child_information_add(
        child=child, by=staff, kind="sen_need", source="parent", text="Dyspraxia"
    )
    family_services.child_information_add(
        child=child, by=staff, kind="school", source="parent", text="Hollyfield Primary"
    )
    for _ in range(2):
        services.contact_log(
            case=case, by=staff, channel="helpline", topic=service.topics.first(), outcome="advice"
        )
    sent = privacy_statement_send(parent=parent, method="post", by=staff)
    pages = pdf_pages_text(sent.pdf)
    assert all(MARKING in page and case.reference in page for page in pages)
    text = " ".join(" ".join(pages).split())
    assert "Why we keep information about you" in text
    assert "date of birth" in text and "special educational needs" in text
    assert "the school attended" in text.lower() and "notes of our 2 contacts" in text.lower()
    assert "subject access" in text and "12 years after your case is closed" in text
    # Categories, never the contents.
    for content in ("Dyspraxia", "Hollyfield", "Tobias", "2015", "rq@example.com"):
        assert content not in text
    assert "Rosalind Quennell" in text  # the addressee
    record = PrivacyStatementSent.objects.get()
    assert (record.parent, record.method, record.sent_on, record.sent_by) == (
        parent,
        "post",
        timezone.localdate(),
        staff,
    )


def test_com4_statement_by_email_needs_permission(family, staff, client_for):
    case, parent = family
    client = client_for(staff)
    url = reverse("cases:statement_send", args=[case.pk, parent.pk])
    response = client.post(url, {"method": "email"})
    assert response.status_code == 400 and PrivacyStatementSent.objects.count() == 0
    parent.email_permission = True
    save_as(parent, staff)
    assert client.post(url, {"method": "email"}).status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Confidential: Why we keep information about you"
    assert PrivacyStatementSent.objects.get().method == "email"


def test_com4_staff_reminded_when_a_new_case_has_no_statement(family, service, staff, client_for):
    case, parent = family
    done = make_case(service, staff)
    privacy_statement_send(parent=done.parents.get(), method="post", by=staff)
    closed = make_case(service, staff)
    services.case_close(case=closed, by=staff)

    assert list(cases_missing_a_statement(staff)) == [case]
    client = client_for(staff)
    listing = client.get(reverse("cases:statements_due")).content.decode()
    assert case.reference in listing and done.reference not in listing
    assert closed.reference not in listing
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "has not been sent to" in page
    assert reverse("cases:statement_new", args=[case.pk, parent.pk]) in page

    assert client.get(reverse("cases:statement_new", args=[case.pk, parent.pk])).status_code == 200
    client.post(reverse("cases:statement_send", args=[case.pk, parent.pk]), {"method": "post"})
    assert list(cases_missing_a_statement(staff)) == []
    assert (
        "has not been sent to"
        not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )


def test_com4_second_parent_without_a_statement_is_still_due(family, staff):
    case, parent = family
    privacy_statement_send(parent=parent, method="post", by=staff)
    services.parent_add(
        case=case,
        by=staff,
        **{
            "given_name": "Second",
            "family_name": "Carer",
            "relationship": "carer",
            "storage_agreed_on": timezone.localdate(),
            "storage_agreed_how": "telephone",
        },
    )
    assert list(cases_missing_a_statement(staff)) == [case]


def test_acc2_statements_due_lists_only_visible_cases(
    family, other_service_staff, volunteer, client_for
):
    assert list(cases_missing_a_statement(other_service_staff)) == []
    assert client_for(volunteer).get(reverse("cases:statements_due")).status_code == 403
