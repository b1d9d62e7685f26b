"""Browser journeys: staff send the privacy statement and a letter; a coordinator signs off
and downloads a training case study (COM-1, COM-4, COM-6)."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.case_studies.models import CaseStudy
from cases.letters.models import Letter, PrivacyStatementSent
from tests.e2e.case_sections import open_section
from tests.e2e.conftest import fill_date
from tests.factories import make_case


def test_staff_send_the_statement_then_an_appointment_letter(page, sign_in, service, staff):
    case = make_case(service, staff, given_name="Hesper", family_name="Ravenhill")
    sign_in("staff")
    page.get_by_role("link", name="Statements to send").click()
    page.get_by_role("link", name=case.reference).click()
    expect(
        page.get_by_text('"Why we keep information about you" has not been sent to')
    ).to_be_visible()
    page.get_by_role("link", name="Hesper Ravenhill").click()
    expect(page.get_by_role("heading", name="Why we keep information about you")).to_be_visible()
    page.get_by_label("By post").check()
    page.get_by_role("button", name="Send and record the date").click()
    expect(page.get_by_text("recorded as sent by post")).to_be_visible()
    expect(page.get_by_text("has not been sent to")).to_have_count(0)
    assert PrivacyStatementSent.objects.get().sent_on == timezone.localdate()

    page.get_by_role("link", name="Write a letter").click()
    page.get_by_label("Hesper Ravenhill (Mother)").check()
    page.get_by_label("Appointment", exact=True).check()
    page.get_by_label("By post").check()
    page.get_by_role("button", name="Create and record the letter").click()
    expect(page.get_by_text("Enter the date of the appointment")).to_have_count(2)
    assert Letter.objects.count() == 0
    day = timezone.localdate() + datetime.timedelta(days=7)
    fill_date(page, "Appointment date", day)
    page.get_by_label("Appointment time").fill("14:30")
    page.get_by_label("Appointment place").fill("Room 2")
    page.get_by_role("button", name="Create and record the letter").click()
    expect(page.get_by_text("Appointment letter recorded for posting.")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Copy (PDF) of the appointment letter").click()
    assert info.value.suggested_filename.startswith(f"letter-{case.reference}-")


def test_coordinator_signs_off_and_downloads_a_case_study(
    page, sign_in, service, staff, coordinator
):
    case = make_case(service, staff, given_name="Lorcan", family_name="Abernathy-Voss")
    services.contact_log(
        case=case,
        by=staff,
        channel="helpline",
        topic=service.topics.first(),
        outcome="advice",
        notes="Lorcan rang from 07700 900777 about the school.",
    )
    sign_in("coordinator")
    page.goto(f"/cases/{case.pk}/")
    open_section(page, "Letters and statements")
    page.get_by_role("button", name="Prepare a training case study").click()
    expect(page.get_by_role("heading", name="Training case study")).to_be_visible()
    text = page.locator("#case-study-text")
    expect(text).to_contain_text("The parent rang from [phone]")
    expect(text).not_to_contain_text("Lorcan")
    expect(page.get_by_role("link", name="Download the case study (PDF)")).to_have_count(0)

    page.get_by_role("button", name="Sign off").click()
    expect(
        page.get_by_text("Confirm that you have read the whole case study").first
    ).to_be_visible()
    page.get_by_label("I have read the whole case study").check()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("Signed off. The case study can now be downloaded.")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the case study (PDF)").click()
    study = CaseStudy.objects.get()
    assert info.value.suggested_filename == f"training-case-study-{study.pk}.pdf"
    assert study.signed_off_by == coordinator
