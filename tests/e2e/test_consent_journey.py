"""Browser journeys for consent (CON-1, CON-2, CON-6, COM-5).

Record in-person consent, print the form, attach the signed copy, and see the
case's consent turn complete; then see a share the consent does not cover refused.
"""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from consent.models import SharingEvent, SignedConsentForm
from pps.pdf import MARKING
from tests.e2e.case_sections import open_section
from tests.factories import make_case


def test_record_in_person_consent_print_form_attach_signed_copy(
    page, sign_in, service, staff, tmp_path
):
    case = make_case(service, staff)
    console_errors = []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    sign_in("staff")
    page.goto(f"/cases/{case.pk}/")
    expect(page.get_by_text("No consent recorded.")).to_be_visible()

    open_section(page, "Consent")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/consent-status/$"))
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Restricted consent: only the roles chosen below").check()
    page.get_by_label("School SENCO").check()
    page.get_by_label("Educational psychologist").check()
    page.get_by_label("Named party 1: role").select_option("school_senco")
    page.get_by_label("Named party 1: name and organisation").fill("Mrs Patel, Oakfield Primary")
    page.get_by_label("In person (signed form)").check()
    page.get_by_role("button", name="Save decision").click()

    expect(page.get_by_role("heading", name="Consent timeline")).to_be_visible()
    expect(page.get_by_text("Consent recorded but incomplete")).to_be_visible()
    expect(page.get_by_text("Incomplete: signed form not attached")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Print consent form")).click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"consent-form-{case.reference}-")
    form = tmp_path / "signed-consent-form.pdf"
    download.save_as(form)
    text = "".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(form.read_bytes())).pages)
    for expected in (MARKING, case.reference, "School SENCO", "Mrs Patel, Oakfield Primary"):
        assert expected in text

    page.get_by_role("link", name=re.compile(r"^Attach signed copy")).click()
    page.get_by_label("Signed form, letter or email").set_input_files(str(form))
    page.get_by_role("button", name="Attach signed copy").click()

    expect(page.get_by_text("Signed copy attached. The consent is complete.")).to_be_visible()
    expect(page.get_by_text("Incomplete")).to_have_count(0)
    expect(page.get_by_role("link", name="Signed copy 1")).to_be_visible()
    assert SignedConsentForm.objects.get(case=case).content == form.read_bytes()

    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("[data-consent-status]")).to_contain_text("Restricted consent")
    open_section(page, "Consent")
    expect(page.locator("#consent")).to_be_visible()
    expect(page.get_by_text("Restricted consent").first).to_be_visible()
    expect(page.get_by_text("Incomplete")).to_have_count(0)
    assert console_errors == []


def test_a_share_the_consent_does_not_cover_is_refused_with_the_reason(
    page, sign_in, service, staff
):
    from tests.consent.helpers import record

    case = make_case(service, staff)
    record(case, staff, "restricted", roles=["school_senco"])
    sign_in("staff")
    page.goto(f"/cases/{case.pk}/consent/")
    page.get_by_role("link", name="Record a referral or discussion").click()
    page.get_by_label("Referral to another agency").check()
    page.get_by_label("Recipient's role").select_option("social_care")
    page.get_by_label("Recipient: name and organisation").fill("Children's services duty team")
    page.get_by_label("What information will be shared or discussed").fill("Housing concerns.")
    page.get_by_role("button", name="Check consent and record").click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("it does not cover Social care").first).to_be_visible()
    assert not SharingEvent.objects.filter(case=case).exists()
