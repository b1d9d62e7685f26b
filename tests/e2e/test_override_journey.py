"""Browser journey for the child-protection override (DIS-7).

A staff member records an override on a case whose parent refused consent,
confirming who they are first; the coordinator sees it waiting for review and
records the review. Everything runs under the strict CSP, so there must be no
console errors.
"""

from playwright.sync_api import expect

from cases import services as case_services
from disclosure.safeguarding.models import ChildProtectionOverride
from tests.disclosure.override_helpers import refused_a_while_ago
from tests.e2e.case_sections import open_section
from tests.e2e.conftest import sign_in_page
from tests.factories import PASSWORD, make_case
from tests.two_factor import authenticator, next_code


def confirm_it_is_you(page, user) -> None:
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(next_code(authenticator(user)))
    page.get_by_role("button", name="Confirm").click()


def collect_console_errors(page) -> list:
    errors: list = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_dis7_staff_override_a_refusal_and_the_coordinator_reviews_it(
    browser, live_server, page, sign_in, service, staff, coordinator
):
    case = make_case(service, staff)
    case_services.child_add(case=case, by=staff, given_name="Ellis", family_name="Harrow")
    refused_a_while_ago(case, staff)
    errors = collect_console_errors(page)

    sign_in("staff")
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("[data-safeguarding-indicator]")).to_contain_text("No child-protection")
    open_section(page, "Safeguarding")
    page.get_by_role("link", name="Record a child-protection concern").click()
    confirm_it_is_you(page, staff)

    expect(page.get_by_role("heading", name="Record a child-protection concern")).to_be_visible()
    page.get_by_label("Neglect").check()
    page.get_by_label("Which child is the concern about? (optional)").select_option(
        label="Ellis Harrow"
    )
    page.get_by_label("Why do you believe a child is at risk?").fill(
        "The parent said the children were left alone overnight three times this week."
    )
    page.get_by_label("Children's social care").check()
    page.get_by_label("Name, team or reference of the recipient").fill("MASH duty desk")
    page.get_by_label("What information was shared?").fill(
        "The case reference, the children's names and what the parent said on the call."
    )
    page.get_by_role("button", name="Record the override").click()

    expect(page.get_by_text("Child-protection override recorded.")).to_be_visible()
    expect(page.get_by_text("Over a refusal")).to_be_visible()
    expect(page.get_by_text("The parent refused consent on")).to_be_visible()
    override = ChildProtectionOverride.objects.get(case=case)
    assert override.consent_refused and override.child.given_name == "Ellis"
    assert errors == []

    coordinator_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    review_page = coordinator_context.new_page()
    review_page.set_default_timeout(15_000)
    coordinator_errors = collect_console_errors(review_page)
    sign_in_page(review_page, "coordinator")
    review_page.goto("/cases/")
    review_page.get_by_role("link", name="1 safeguarding override waiting for review").click()
    expect(review_page.get_by_role("heading", name="Safeguarding overrides")).to_be_visible()
    row = review_page.get_by_role("row").filter(has_text=case.reference)
    expect(row.get_by_text("Waiting for review")).to_be_visible()
    expect(row.get_by_text("Over a refusal")).to_be_visible()
    row.get_by_role("link").first.click()

    def fill_review():
        review_page.get_by_label("The override was appropriate").check()
        review_page.get_by_label("Review notes").fill(
            "Right to share at once; the MASH acknowledged the referral the same afternoon."
        )
        review_page.get_by_role("button", name="Record the review").click()

    fill_review()
    confirm_it_is_you(review_page, coordinator)
    # Back on the override: a POST is never replayed, so the review is sent again.
    fill_review()
    expect(review_page.get_by_text("Review recorded.")).to_be_visible()
    expect(review_page.get_by_text("Reviewed", exact=True)).to_be_visible()
    assert override.__class__.objects.get(pk=override.pk).review.reviewed_by == coordinator

    review_page.goto("/safeguarding/overrides/?status=waiting")
    expect(review_page.get_by_text("No overrides waiting for review.")).to_be_visible()
    assert coordinator_errors == []
    coordinator_context.close()
