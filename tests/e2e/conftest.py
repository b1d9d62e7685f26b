"""Headless Chromium (Debian's) driven by Playwright against the live test server.

The browser is Debian's chromium package, never one downloaded by Playwright. Without
it these tests skip loudly, or fail when REQUIRE_BROWSER=1 (CI).
"""

import os

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def html_checker_installed():
    """Skip loudly without the W3C Nu HTML checker, or fail where REQUIRE_BROWSER=1."""
    from tests.e2e.page_checks import html_checker_missing

    reason = html_checker_missing()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(f"!!! SKIPPING the HTML checker: {reason}")


@pytest.fixture
def html_checker(page, html_checker_installed):
    """``html_checker.record()`` after each page; ``html_checker.assert_valid()`` at the end."""
    from tests.e2e.page_checks import HtmlRecorder

    return HtmlRecorder(page)


def sign_in_page(page, username: str, password: str | None = None) -> None:
    """Sign in on any page (any browser context) as a user does: password, then the
    code from their authenticator app, computed from their device."""
    from pps.models import User
    from tests.factories import PASSWORD
    from tests.two_factor import authenticator, next_code

    user = User.objects.filter(username=username).first()
    # Made before signing in, so the user is asked for a code, not to set up an app.
    device = authenticator(user) if user is not None else None
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    if device is not None and "/accounts/two-factor/" in page.url:
        page.get_by_label("Code from your authenticator app").fill(next_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("networkidle")


@pytest.fixture
def sign_in(page):
    """Sign in on the test's page: ``sign_in("staff")``."""

    def do(username: str, password: str | None = None):
        sign_in_page(page, username, password)

    return do


def confirm_it_is_you_on(page, username: str, password: str | None = None) -> None:
    """Answer the re-authentication ("sudo") page a dangerous action sends the user to:
    their password and a fresh authenticator code."""
    from playwright.sync_api import expect

    from pps.models import User
    from tests.factories import PASSWORD
    from tests.two_factor import authenticator, next_code

    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    device = authenticator(User.objects.get(username=username))
    page.get_by_label("Your password").fill(password or PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(next_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def confirm_it_is_you(page):
    """``confirm_it_is_you("admin")`` on the test's page."""

    def do(username: str, password: str | None = None):
        confirm_it_is_you_on(page, username, password)

    return do


def fill_date(page, legend: str, day) -> None:
    """Type a date into the GOV.UK day, month and year boxes under ``legend``."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
