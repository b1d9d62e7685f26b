"""Browser journeys for sign-in security and conflicts (SEC-2, SEC-4).

Everything runs under the strict CSP; a blocked script, style or image shows
up as a console error, and there must be none.
"""

import base64
import re
import time

from django_otp.oath import hotp
from playwright.sync_api import expect

from cases.models import Case
from pps.security.models import RecoveryCode
from tests.e2e.conftest import sign_in_page
from tests.factories import PASSWORD, make_case, make_user
from tests.two_factor import authenticator, next_code


def code_for_secret(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{hotp(key, int(time.time() // 30)):06d}"


def collect_console_errors(page) -> list:
    errors: list = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_sec2_first_sign_in_sets_up_the_authenticator_app(page, service):
    volunteer = make_user(service, "volunteer", "new-volunteer")
    errors = collect_console_errors(page)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("new-volunteer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())  # loaded under CSP
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(code_for_secret(secret))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){5}", c) for c in codes)
    assert RecoveryCode.objects.filter(device__user=volunteer).count() == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    assert errors == []


def test_sec2_a_dangerous_change_asks_for_password_and_code_first(page, sign_in, staff):
    errors = collect_console_errors(page)
    sign_in("staff")
    page.get_by_role("link", name="Account security").click()
    page.get_by_role("button", name="Get new recovery codes").click()

    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(next_code(authenticator(staff)))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Account security")).to_be_visible()
    page.get_by_role("button", name="Get new recovery codes").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert page.locator("#recovery-codes code").count() == 10
    assert errors == []


def test_sec4_two_people_editing_a_case_see_a_conflict_not_an_overwrite(
    browser, live_server, page, sign_in, service, staff, coordinator
):
    case = make_case(service, staff, summary="Original words")
    sign_in("staff")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Change the summary or caseworker").click()

    other_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    other = other_context.new_page()
    sign_in_page(other, "coordinator")
    expect(other.get_by_role("heading", name="What needs you today")).to_be_visible()
    other.goto(f"/cases/{case.pk}/edit/")

    other.get_by_label("What the enquiry is about").fill("The coordinator's version")
    other.get_by_role("button", name="Save changes").click()
    expect(other.get_by_text("The case has been updated.")).to_be_visible()
    other_context.close()

    page.get_by_label("What the enquiry is about").fill("The caseworker's version")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("#saved-version")).to_contain_text("The coordinator's version")
    expect(page.get_by_label("What the enquiry is about")).to_have_value("The caseworker's version")
    assert Case.objects.get(pk=case.pk).summary == "The coordinator's version"

    # Having seen both, the caseworker saves deliberately.
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("The case has been updated.")).to_be_visible()
    assert Case.objects.get(pk=case.pk).summary == "The caseworker's version"
