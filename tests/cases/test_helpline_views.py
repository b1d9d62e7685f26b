"""The helpline screens end to end through Django's test client (REF-1 to REF-7, SEC-4)."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.helpline import services as helpline
from cases.models import AnonymousContact, Case, CaseLink, Contact, Parent, Referral
from pps.models import AccessLogEntry
from tests.cases.helpline_helpers import (
    contact_post,
    new_caller_post,
    referral_post,
    topic_of,
    when,
)
from tests.consent.helpers import record
from tests.factories import make_case
from tests.raw_db import tables_containing

START = reverse("helpline:start")
ANONYMOUS = reverse("helpline:anonymous")
CALLER = reverse("helpline:caller")
REFERRAL = reverse("helpline:referral")
MATCHES = reverse("helpline:matches")


def callback_parts(due) -> dict:
    """The callback task's boxes of a contact form (CAS-5)."""
    return {
        "callback_due_on_day": due.day,
        "callback_due_on_month": due.month,
        "callback_due_on_year": due.year,
        "callback_due_time": f"{due:%H:%M}",
    }


def nothing_saved():
    return not (
        Case.objects.exists()
        or Contact.objects.exists()
        or AnonymousContact.objects.exists()
        or Referral.objects.exists()
    )


def page_text(response) -> str:
    return response.content.decode()


# --- the first question and anonymous contacts (REF-1, REF-2) ---------------


def test_ref2_the_first_question_routes_to_the_right_form(staff, client_for):
    client = client_for(staff)
    for route, url in [("anonymous", ANONYMOUS), ("caller", CALLER), ("referral", REFERRAL)]:
        assert client.get(START, {"route": route})["Location"] == url
    unanswered = client.get(START, {"route": ""})
    assert unanswered.status_code == 200
    assert "Choose whether the caller" in page_text(unanswered)


def test_ref1_new_contact_is_in_the_header_of_every_page_with_its_shortcut(staff, case, client_for):
    client = client_for(staff)
    for url in [reverse("cases:list"), reverse("cases:detail", args=[case.pk]), START]:
        html = page_text(client.get(url))
        assert re.search(r'href="/helpline/" aria-keyshortcuts="Alt\+Shift\+N"', html), (
            f"no New contact link on {url}"
        )
        assert "js/helpline.js" in html


def test_ref2_anonymous_form_has_no_identifying_field(staff, client_for):
    html = page_text(client_for(staff).get(ANONYMOUS))
    form = re.search(rf'<form method="post" action="{ANONYMOUS}".*?</form>', html, re.S).group()
    names = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', form))
    assert names == {
        "csrfmiddlewaretoken",
        "submission_id",
        "channel",
        "occurred_at_day",
        "occurred_at_month",
        "occurred_at_year",
        "occurred_at_time",
        "topic",
        "outcome",
    }
    assert "<textarea" not in html


def test_ref2_anonymous_contact_drops_anything_identifying_posted(service, staff, client_for):
    """Also what the caller form's "they decline" button sends: everything typed so far."""
    typed = new_caller_post(
        service,
        family_name="Quillfeather-Unique",
        phone="07700 900 456",
        notes="NOTE-THAT-MUST-NOT-BE-KEPT",
        given_name="Hyacinth",
    )
    response = client_for(staff).post(ANONYMOUS, typed)
    assert response.status_code == 302 and response["Location"] == START
    contact = AnonymousContact.objects.get()
    assert (contact.channel, contact.outcome, contact.recorded_by) == ("helpline", "advice", staff)
    assert not Case.objects.exists() and not Parent.objects.exists()
    for needle in ["Quillfeather", "900 456", "900456", "NOTE-THAT-MUST", "Hyacinth"]:
        assert tables_containing(needle) == set(), needle
        assert tables_containing(needle, alias="keystore") == set(), needle


def test_ref2_anonymous_contact_refuses_casework_with_a_message(service, staff, client_for):
    response = client_for(staff).post(ANONYMOUS, contact_post(service, outcome="casework"))
    assert response.status_code == 200
    assert "casework needs a case" in page_text(response)
    assert nothing_saved()


# --- a caller who agrees (REF-1, REF-3, find before create) -----------------


def test_ref3_new_caller_opens_a_case_with_agreement_child_and_contact(service, staff, client_for):
    response = client_for(staff).post(CALLER, new_caller_post(service))
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    parent = case.parents.get()
    assert (parent.given_name, parent.family_name, parent.phone, parent.postcode) == (
        "Marguerite",
        "Featherstonehaugh",
        "01632 960 123",
        "NE1 4ST",
    )
    assert (parent.storage_agreed_on, parent.storage_agreed_how) == (
        timezone.localdate(),
        "telephone",
    )
    child = case.children.get()
    assert (child.full_name, child.date_of_birth) == (
        "Tobias Featherstonehaugh",
        datetime.date(2015, 3, 27),
    )
    contact = case.contacts.get()
    assert (contact.staff, contact.topic.name, contact.notes) == (
        staff,
        "Transport",
        "Asked about the annual review timetable.",
    )


def test_ref3_new_case_needs_the_agreement_and_the_parents_name(service, staff, client_for):
    post = new_caller_post(service, storage_agreed_on="", given_name="", relationship="")
    response = client_for(staff).post(CALLER, post)
    html = page_text(response)
    assert response.status_code == 200
    assert "Enter the date the parent agreed to their details being stored." in html
    assert "Enter the parent&#x27;s first name." in html
    assert nothing_saved()


def test_find_before_create_logs_the_call_on_the_chosen_case(service, staff, client_for):
    case = make_case(service, staff, family_name="Ravenscroft")
    post = contact_post(service, case_choice=str(case.pk), family_name="ravenscroft", notes="x")
    response = client_for(staff).post(CALLER, post)
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert Case.objects.count() == 1 and case.contacts.count() == 1


def test_sec4_forged_case_id_answers_404_and_saves_nothing(
    service, staff, other_service, other_service_staff, client_for
):
    theirs = make_case(other_service, other_service_staff)
    for forged in [str(theirs.pk), "999999"]:
        response = client_for(staff).post(
            CALLER, contact_post(service, case_choice=forged, notes="forged")
        )
        assert response.status_code == 404
    assert not Contact.objects.exists()
    assert AccessLogEntry.objects.filter(user=staff, allowed=False).count() == 2


def test_sec4_double_submit_saves_one_case_and_one_contact(service, staff, client_for):
    client = client_for(staff)
    post = new_caller_post(service)
    first = client.post(CALLER, post)
    second = client.post(CALLER, post)
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1 and Contact.objects.count() == 1


def test_sec4_double_submit_of_an_anonymous_contact_saves_one(service, staff, client_for):
    client = client_for(staff)
    post = contact_post(service)
    client.post(ANONYMOUS, post)
    client.post(ANONYMOUS, post)
    assert AnonymousContact.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("child_date_of_birth", "2015-02-30", "Child&#x27;s date of birth must be a real date"),
        ("child_date_of_birth", "1890-01-01", "within the last 26 years"),
        ("child_date_of_birth", "2999-01-01", "must be in the past"),
        ("occurred_at", "2999-01-01T10:00", "cannot be in the future"),
        ("occurred_at", "2026-13-45T99:00", "Date and time must be a real date and time"),
        ("storage_agreed_on", "2999-01-01", "cannot be in the future"),
        ("notes", "x" * 100_000, "Notes must be 10,000 characters or fewer"),
        ("postcode", "NOT A POSTCODE", "Enter a real postcode"),
        ("postcode", "ZZ9", "Enter a real postcode"),
        ("phone", "call me maybe", "Enter a phone number"),
        ("topic", "999999", "Choose a topic from the list"),
    ],
)
def test_sec4_bad_input_gets_a_clear_message_and_changes_nothing(
    service, staff, client_for, field, value, message
):
    response = client_for(staff).post(CALLER, new_caller_post(service, **{field: value}))
    assert response.status_code == 200
    assert message in page_text(response)
    assert nothing_saved()


def test_sec4_topic_of_another_service_is_refused(service, other_service, staff, client_for):
    post = new_caller_post(service, topic=str(topic_of(other_service).pk))
    response = client_for(staff).post(CALLER, post)
    assert "Choose a topic from the list" in page_text(response)
    assert nothing_saved()


MARKUP = '<script>alert("x")</script><b onmouseover=alert(1)>'


def test_sec4_markup_in_notes_is_escaped_on_every_page(service, staff, client_for):
    client = client_for(staff)
    # Re-displayed in the form after an error elsewhere ...
    again = page_text(client.post(CALLER, new_caller_post(service, notes=MARKUP, topic="")))
    # ... and shown on the case page once saved.
    client.post(CALLER, new_caller_post(service, notes=MARKUP))
    case = Case.objects.get()
    shown = page_text(client.get(reverse("cases:detail", args=[case.pk])))
    follow_up_error = page_text(
        client.post(
            reverse("helpline:follow_up", args=[case.pk]),
            contact_post(service, notes=MARKUP, outcome=""),
        )
    )
    for html in (again, shown, follow_up_error):
        assert "<script>alert" not in html and "<b onmouseover" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_find_step_without_javascript_keeps_what_was_typed(service, staff, client_for):
    case = make_case(service, staff, family_name="Ravenscroft", given_name="Imogen")
    post = new_caller_post(service, family_name="Ravenscroft", given_name="", action="find")
    response = client_for(staff).post(CALLER, post)
    html = page_text(response)
    assert case.reference in html and "Imogen Ravenscroft" in html
    assert 'value="Ravenscroft"' in html and "Asked about the annual review timetable." in html
    # A search step judges nothing and saves nothing.
    assert "There is a problem" not in html
    assert Case.objects.count() == 1 and not Contact.objects.exists()


# --- search as you type ------------------------------------------------------


def search(client, **terms):
    return page_text(client.post(MATCHES, terms))


def test_search_finds_parents_by_surname_phone_or_postcode(service, staff, client_for):
    wanted = make_case(
        service,
        staff,
        family_name="O'Donnell",
        given_name="Siobhan",
        phone="07700 900 111",
        postcode="LS1 4AB",
    )
    other = make_case(service, staff, family_name="Donnelly")
    client = client_for(staff)
    for terms in [
        {"family_name": "odonnell"},
        {"phone": "+44 7700 900111"},
        {"postcode": "ls14ab"},
    ]:
        html = search(client, **terms)
        assert wanted.reference in html and "Siobhan O&#x27;Donnell" in html, terms
        assert other.reference not in html
        assert "Open" in html
    # A surname's beginning finds it too (CAS-6); two letters are not enough.
    assert wanted.reference in search(client, family_name="odonn")
    assert "No matching parent" in search(client, family_name="od")


def test_search_ranks_the_case_matching_more_details_first(service, staff, client_for):
    same_surname = make_case(service, staff, family_name="Abara", postcode="M1 1AA")
    wanted = make_case(service, staff, family_name="Abara", postcode="M2 2BB")
    html = search(client_for(staff), family_name="Abara", postcode="M2 2BB")
    assert html.index(wanted.reference) < html.index(same_surname.reference)


def test_search_best_match_survives_the_candidate_limit(service, staff, client_for, monkeypatch):
    from cases.helpline import selectors as helpline_selectors

    wanted = make_case(service, staff, family_name="Abara", postcode="M2 2BB")
    newer = [make_case(service, staff, family_name="Abara") for _ in range(3)]
    monkeypatch.setattr(helpline_selectors, "MAX_CANDIDATES", 2)
    monkeypatch.setattr(helpline_selectors, "MAX_CASES_SHOWN", 1)
    html = search(client_for(staff), family_name="Abara", postcode="M2 2BB")
    assert wanted.reference in html
    assert not any(case.reference in html for case in newer)
    assert "more match" in html


def test_search_shows_only_cases_the_user_may_see_and_logs_them(
    service, staff, other_service, other_service_staff, client_for
):
    ours = make_case(service, staff, family_name="Kowalczyk")
    theirs = make_case(other_service, other_service_staff, family_name="Kowalczyk")
    html = search(client_for(staff), family_name="Kowalczyk")
    assert ours.reference in html and theirs.reference not in html
    listed = AccessLogEntry.objects.filter(user=staff, action="list")
    assert list(listed.values_list("case_id", flat=True)) == [ours.pk]


def test_search_refuses_get_so_nothing_typed_lands_in_a_url(staff, client_for):
    assert client_for(staff).get(MATCHES, {"family_name": "Smith"}).status_code == 405


def test_search_fragment_updates_the_status_line_for_htmx(service, staff, client_for):
    make_case(service, staff, family_name="Ravenscroft")
    response = client_for(staff).post(
        MATCHES, {"family_name": "Ravenscroft"}, headers={"HX-Request": "true"}
    )
    html = page_text(response)
    assert 'id="helpline-match-status" data-hx-swap-oob="innerHTML"' in html
    assert "1 matching case" in html and "<html" not in html


# --- REF-6 separate enquiries --------------------------------------------------


@pytest.fixture
def mothers_case(service, staff):
    case = make_case(
        service, staff, family_name="Featherstonehaugh", given_name="Rosalind", phone=""
    )
    services.child_add(
        case=case,
        by=staff,
        given_name="Tobias",
        family_name="Featherstonehaugh",
        date_of_birth=datetime.date(2015, 3, 27),
    )
    return case


def test_ref6_a_child_known_only_through_another_parent_is_flagged_not_shown(
    service, staff, mothers_case, client_for
):
    client = client_for(staff)
    html = search(
        client,
        family_name="Brown",
        child_date_of_birth="2015-03-27",
        child_family_name="featherstonehaugh",
    )
    assert "known through a separate enquiry" in html
    assert mothers_case.reference not in html
    for content in ["Rosalind", "Tobias", "Featherstonehaugh"]:
        assert content not in html
    # The date of birth alone offers no case either, and the case was not listed.
    html = search(client, child_date_of_birth="2015-03-27")
    assert mothers_case.reference not in html and "separate enquiry" not in html
    assert not AccessLogEntry.objects.filter(case_id=mothers_case.pk, action="list").exists()


def test_ref6_same_surname_and_date_of_birth_elsewhere_warns_of_a_separate_enquiry(
    service, staff, mothers_case, client_for
):
    # The father shares the surname but is not on the mother's case; a parent
    # match on surname alone still offers her case, for staff to confirm by name.
    html = search(
        client_for(staff), family_name="Featherstonehaugh", child_date_of_birth="2015-03-27"
    )
    assert mothers_case.reference in html and "Rosalind Featherstonehaugh" in html
    assert "separate enquiry" not in html


def test_ref6_new_call_about_a_known_child_opens_a_separate_case(
    service, staff, mothers_case, client_for
):
    post = new_caller_post(service, given_name="Horace", relationship="father")
    response = client_for(staff).post(CALLER, post, follow=True)
    new_case = Case.objects.exclude(pk=mothers_case.pk).get()
    html = page_text(response)
    assert "separate enquiry" in html and "kept separate" in html
    assert mothers_case.reference not in html and "Rosalind" not in html
    assert not CaseLink.objects.exists()
    assert new_case.children.get().full_name == "Tobias Featherstonehaugh"


def test_ref6_link_recorded_when_the_caller_knows_and_shows_no_content(
    service, staff, mothers_case, volunteer, coordinator, client_for
):
    post = new_caller_post(
        service, given_name="Horace", relationship="father", caller_knows_other_contact="on"
    )
    client_for(staff).post(CALLER, post)
    new_case = Case.objects.exclude(pk=mothers_case.pk).get()
    link = CaseLink.objects.get()
    assert {link.case_id, link.other_case_id} == {new_case.pk, mothers_case.pk}
    # Staff may open both cases, so see the reference; nothing else crosses over.
    # Linked enquiries have their own section of the case record.
    linked = reverse("cases:section_referrals", args=[new_case.pk])
    staff_page = page_text(client_for(staff).get(linked))
    assert mothers_case.reference in staff_page and "Rosalind" not in staff_page
    # A volunteer on the new case cannot open the other: "another enquiry", no reference.
    record(new_case, coordinator)  # the parent agreed to a volunteer (CON-8)
    services.volunteer_assign(case=new_case, volunteer=volunteer, by=coordinator)
    volunteer_page = page_text(client_for(volunteer).get(linked))
    assert "Linked to another enquiry" in volunteer_page
    assert mothers_case.reference not in volunteer_page and "Rosalind" not in volunteer_page


# --- REF-4 referrals ---------------------------------------------------------------


def test_ref4_referral_without_parental_agreement_is_refused_and_says_why(
    service, staff, client_for
):
    post = referral_post(
        service,
        parent_agreed="no",
        parent_agreed_on="",
        parent_agreed_how="",
        agreement_evidence="",
    )
    response = client_for(staff).post(REFERRAL, post)
    assert response.status_code == 200
    assert "cannot be saved as a case" in page_text(response)
    assert "may not contact the parent" in page_text(response)
    assert nothing_saved() and not Parent.objects.exists()
    assert tables_containing("Quibble") == set() and tables_containing("Featherston") == set()


def test_ref4_referral_needs_the_evidence_when_agreement_is_claimed(service, staff, client_for):
    response = client_for(staff).post(REFERRAL, referral_post(service, agreement_evidence=" "))
    assert "Describe the evidence that the parent agreed." in page_text(response)
    assert nothing_saved()


def test_ref4_referral_with_evidence_opens_a_case_shown_to_staff_only(
    service, staff, volunteer, coordinator, client_for
):
    client_for(staff).post(REFERRAL, referral_post(service))
    case = Case.objects.get()
    referral = case.referrals.get()
    assert (referral.referrer_type, referral.referrer_role) == ("school", "SENCO")
    parent = case.parents.get()
    # The parent's agreement to the referral is their agreement to storage (REF-3).
    assert (parent.storage_agreed_on, parent.storage_agreed_how) == (
        referral.parent_agreed_on,
        "letter",
    )
    url = reverse("cases:section_referrals", args=[case.pk])
    assert "Ottoline Quibble" in page_text(client_for(staff).get(url))
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    # The volunteer may open the section (for the linked enquiries), never the referral.
    for page in ("cases:section_referrals", "cases:detail"):
        response = client_for(volunteer).get(reverse(page, args=[case.pk]))
        assert response.status_code == 200
        assert "Ottoline Quibble" not in page_text(response)


# --- REF-5 parental responsibility --------------------------------------------------


def test_ref5_case_without_parental_responsibility_is_limited_on_screen(service, staff, client_for):
    client = client_for(staff)
    client.post(CALLER, new_caller_post(service, parental_responsibility="no"))
    case = Case.objects.get()
    page = page_text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "General information only" in page
    response = client.post(
        reverse("helpline:follow_up", args=[case.pk]), contact_post(service, outcome="casework")
    )
    assert "holds parental responsibility" in page_text(response)
    assert case.contacts.count() == 1


def test_ref5_case_with_parental_responsibility_has_no_limit_notice(case, staff, client_for):
    page = page_text(client_for(staff).get(reverse("cases:detail", args=[case.pk])))
    assert "General information only" not in page


# --- follow-up contacts and the contact history ------------------------------------


def test_follow_up_in_one_step_and_history_newest_first(case, service, staff, client_for):
    client = client_for(staff)
    url = reverse("helpline:follow_up", args=[case.pk])
    client.post(url, contact_post(service, occurred_at=when(120), notes="EARLIER-CALL"))
    response = client.post(url, contact_post(service, occurred_at=when(5), notes="LATER-CALL"))
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    page = page_text(client.get(response["Location"]))
    assert page.index("LATER-CALL") < page.index("EARLIER-CALL")
    assert f'action="{url}"' in page  # the one-step form is on the case page


def test_follow_up_on_a_case_the_user_cannot_see_is_404(
    case, service, other_service_staff, client_for
):
    url = reverse("helpline:follow_up", args=[case.pk])
    response = client_for(other_service_staff).post(url, contact_post(service))
    assert response.status_code == 404 and not Contact.objects.exists()


def test_volunteers_cannot_use_the_helpline(volunteer, assigned_case, client_for, service):
    client = client_for(volunteer)
    for url in [START, ANONYMOUS, CALLER, reverse("helpline:voicemail_list")]:
        assert client.get(url).status_code == 403
    follow_up = reverse("helpline:follow_up", args=[assigned_case.pk])
    assert client.post(follow_up, contact_post(service)).status_code == 403
    page = page_text(client.get(reverse("cases:detail", args=[assigned_case.pk])))
    assert "Log a follow-up contact" not in page and "/helpline/" not in page


# --- REF-7 voicemail -------------------------------------------------------------------


def test_ref7_voicemail_logged_listed_and_dealt_with_by_staff(
    case, service, staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    response = client.post(
        reverse("helpline:voicemail_new"),
        {
            "submission_id": str(uuid.uuid4()),
            "received_at": when(30),
            "caller_number": "07700 900 777",
            "summary": "Needs help with a tribunal bundle.",
            "action_taken": "",
        },
    )
    assert response["Location"] == reverse("helpline:voicemail_list")
    listing = page_text(client.get(response["Location"]))
    assert "07700 900 777" in listing and "tribunal bundle" in listing
    voicemail = helpline.Voicemail.objects.get()
    detail = reverse("helpline:voicemail_detail", args=[voicemail.pk])
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            detail,
            {
                "resolution": "on_case",
                "case_reference": case.reference,
                "topic": str(topic_of(service, "Tribunal / appeal").pk),
                "outcome": "callback",
                # A callback arranged comes with its task (CAS-5).
                **callback_parts(timezone.localtime() + datetime.timedelta(days=1)),
            },
        )
    assert done["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.contacts.get().channel == "voicemail"
    assert case.tasks.get().owner == staff
    after = page_text(client.get(reverse("helpline:voicemail_list")))
    assert "07700 900 777" not in after and "logged on a case" in after
    assert page_text(client.get(detail)).count("erased") >= 1


def test_ref7_voicemail_with_an_unknown_case_reference_is_not_logged(
    service, staff, other_service, other_service_staff, client_for
):
    theirs = make_case(other_service, other_service_staff)
    voicemail = helpline.voicemail_log(
        service=service,
        by=staff,
        received_at=timezone.now(),
        caller_number="07700 900 321",
        summary="Call back please.",
    )
    response = client_for(staff).post(
        reverse("helpline:voicemail_detail", args=[voicemail.pk]),
        {
            "resolution": "on_case",
            "case_reference": theirs.reference,
            "topic": str(topic_of(service).pk),
            "outcome": "callback",
            **callback_parts(timezone.localtime() + datetime.timedelta(days=1)),
        },
    )
    assert "No case you can see has that reference." in page_text(response)
    voicemail.refresh_from_db()
    assert voicemail.status == "awaiting" and not Contact.objects.exists()


@pytest.mark.slow
def test_demo_seed_shows_every_helpline_state(capsys):
    from django.core.management import call_command

    from cases.models import Voicemail

    call_command("seed_demo", "--cases", "6")
    assert Referral.objects.filter(case__service__code="north").count() == 2
    assert CaseLink.objects.filter(case__service__code="north").count() == 1
    statuses = set(Voicemail.objects.values_list("status", flat=True))
    assert statuses == {"awaiting", "on_case", "anonymous"}
    assert Parent.objects.filter(parental_responsibility="no").exists()
