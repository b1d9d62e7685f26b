"""Browser journeys for the helpline (REF-1 to REF-4), checked with axe-core
(tests/e2e/page_checks.py). Each journey reads the database afterwards to check what was stored.
"""

import datetime
import re

from playwright.sync_api import expect

from cases.helpline.forms import PURPOSE_EXPLAINED_LABEL
from cases.models import AnonymousContact, Case, Contact, Parent, Referral
from tests.e2e.conftest import fill_date
from tests.e2e.page_checks import assert_accessible, tab_to, watch_console
from tests.factories import make_case
from tests.raw_db import tables_containing


def test_ref2_anonymous_call_logged_with_the_keyboard_only(page, sign_in, service, staff):
    errors = watch_console(page)
    sign_in("staff")
    # The shortcut works from any page.
    page.keyboard.press("Alt+Shift+N")
    expect(page).to_have_url(re.compile(r"/helpline/$"))
    expect(page.get_by_role("heading", name="New contact")).to_be_visible()
    assert_accessible(page)

    tab_to(page, page.get_by_label("No, or they want to stay anonymous"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/helpline/anonymous/$"))
    assert_accessible(page)

    # Tab reaches the channel radios on the checked one; arrow keys move the choice.
    tab_to(page, page.get_by_label("Helpline call"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Email", exact=True)).to_be_checked()
    tab_to(page, page.get_by_label("Topic"))
    page.keyboard.type("Transport")
    tab_to(page, page.get_by_label("Outcome"))
    page.keyboard.type("Signposted")
    tab_to(page, page.get_by_role("button", name="Save anonymous contact"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Anonymous contact saved")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/helpline/$"))
    contact = AnonymousContact.objects.get()
    assert (contact.channel, contact.topic.name, contact.outcome, contact.recorded_by) == (
        "email",
        "Transport",
        "signposted",
        staff,
    )
    assert not Case.objects.exists()
    assert errors == []


def test_returning_parent_found_by_surname_as_staff_type(page, sign_in, service, staff):
    errors = watch_console(page)
    returning = make_case(service, staff, family_name="Ravenscroft", given_name="Imogen")
    other = make_case(service, staff, family_name="Ravensworth")
    sign_in("staff")
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("Yes, the parent or carer agrees").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/helpline/caller/$"))
    assert_accessible(page)

    # No button pressed: htmx searches as they type.
    page.get_by_label("Parent or carer's surname").press_sequentially("ravenscroft", delay=20)
    choice = page.get_by_label(re.compile(returning.reference))
    expect(choice).to_be_visible()
    expect(page.get_by_text("Imogen Ravenscroft (mother)")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(re.compile("1 matching case"))
    expect(page.get_by_text(other.reference)).to_have_count(0)
    assert_accessible(page)

    choice.check()
    page.get_by_label("Topic").select_option(label="Annual review")
    page.get_by_label("Outcome").select_option(label="Advice given")
    page.get_by_label("Notes").fill("Asked when the annual review paperwork is due.")
    page.get_by_role("button", name="Save contact").click()

    expect(page).to_have_url(re.compile(rf"/cases/{returning.pk}/$"))
    expect(page.get_by_text(f"Contact logged on case {returning.reference}")).to_be_visible()
    expect(page.get_by_text("Asked when the annual review paperwork is due.")).to_be_visible()
    assert_accessible(page)  # the case page with its one-step follow-up form

    assert Case.objects.count() == 2  # no new case opened
    contact = Contact.objects.get()
    assert (contact.case, contact.topic.name, contact.outcome, contact.staff) == (
        returning,
        "Annual review",
        "advice",
        staff,
    )
    assert contact.notes == "Asked when the annual review paperwork is due."
    assert errors == []


def test_ref4_referral_without_parental_agreement_is_refused(page, sign_in, service, staff):
    errors = watch_console(page)
    sign_in("staff")
    page.goto("/helpline/?route=referral")
    expect(page.get_by_role("heading", name="Referral from someone else")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("School or college").check()
    page.get_by_label("Referrer's name").fill("Ottoline Quibble")
    page.get_by_label("Their role").fill("SENCO")
    page.get_by_label("Organisation").fill("Hillside Primary School")
    page.get_by_label("No, or not known").check()
    page.get_by_label("Parent or carer's surname").fill("Featherstonehaugh")
    page.get_by_label("First name", exact=True).fill("Marguerite")
    page.get_by_label("Relationship to the child").select_option(label="Mother")
    page.get_by_label("Holds parental responsibility").check()
    page.get_by_label("Topic").select_option(label="School exclusion")
    page.get_by_label("Outcome").select_option(label="Information given")
    page.get_by_role("button", name="Save referral").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("This referral cannot be saved as a case")
    expect(summary).to_contain_text("may not contact the parent")
    # What was typed is still there to fix, and nothing was stored.
    expect(page.get_by_label("Referrer's name")).to_have_value("Ottoline Quibble")
    assert_accessible(page)
    assert not (Case.objects.exists() or Referral.objects.exists() or Parent.objects.exists())
    assert not Contact.objects.exists()
    assert tables_containing("Quibble") == set()
    assert tables_containing("Featherstonehaugh") == set()
    assert errors == []


def test_voicemail_and_follow_up_pages_are_accessible(page, sign_in, service, staff):
    case = make_case(service, staff)
    sign_in("staff")
    page.goto("/helpline/voicemail/new/")
    assert_accessible(page)
    page.get_by_label("Number left by the caller").fill("07700 900 555")
    page.get_by_label("Summary of the message").fill("Please call back about transport.")
    page.get_by_role("button", name="Save message").click()
    expect(page.get_by_text("07700 900 555")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Log it")).click()
    assert_accessible(page)
    page.goto(f"/helpline/cases/{case.pk}/contact/")
    page.get_by_role("button", name="Save follow-up contact").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_new_caller_logged_without_javascript(browser, live_server, service, staff):
    """htmx only enhances: with scripts off, the Find button and plain forms do it all."""
    from tests.e2e.conftest import sign_in_page

    known = make_case(service, staff, family_name="Ravenscroft", given_name="Imogen")
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    try:
        sign_in_page(page, "staff")
        page.get_by_role("link", name="New contact").click()
        page.get_by_label("Yes, the parent or carer agrees").check()
        page.get_by_role("button", name="Continue").click()

        page.get_by_label("Parent or carer's surname").fill("Ravenscroft")
        fill_date(page, "Child's date of birth", datetime.date(2016, 9, 14))
        page.get_by_role("button", name="Find matching parents").click()
        expect(page.get_by_label(re.compile(known.reference))).to_be_visible()
        # Not this parent: a new case, with what was typed still in place.
        expect(page.get_by_label("Parent or carer's surname")).to_have_value("Ravenscroft")
        page.get_by_label("None of these: open a new case").check()
        page.get_by_label("Topic").select_option(label="Tribunal / appeal")
        page.get_by_label("Outcome").select_option(label="Advice given")
        page.get_by_label("First name", exact=True).fill("Bartholomew")
        page.get_by_label("Relationship to the child").select_option(label="Father")
        page.get_by_label("Holds parental responsibility").check()
        page.get_by_label(PURPOSE_EXPLAINED_LABEL).check()  # GOV-4
        page.get_by_label("Child's first name").fill("Wilhelmina")
        page.get_by_role("button", name="Save contact").click()

        expect(page.get_by_role("heading", name=re.compile(r"PPS-\d{4}-\d{5}"))).to_be_visible()
        new_case = Case.objects.exclude(pk=known.pk).get()
        parent = new_case.parents.get()
        assert (parent.full_name, parent.parental_responsibility) == (
            "Bartholomew Ravenscroft",
            "yes",
        )
        assert (parent.storage_agreed_how, new_case.children.get().full_name) == (
            "telephone",
            "Wilhelmina Ravenscroft",
        )
        assert new_case.contacts.get().topic.name == "Tribunal / appeal"
        assert not known.contacts.exists()
    finally:
        context.close()
