"""Browser journey: sign in, find a case, open it (ACC-2, ACC-7, ASVS 14.2.1)."""

import re

from playwright.sync_api import expect

from pps.models import AccessLogEntry
from tests.factories import make_case


def test_staff_signs_in_searches_and_opens_a_case(page, sign_in, service, staff):
    case = make_case(service, staff, family_name="Ravenscroft", given_name="Imogen")
    make_case(service, staff, family_name="Otherfamily")
    console_errors = []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )

    sign_in("staff")
    # Staff land on what needs them today (CAS-4); the case list is in the menu.
    expect(page.get_by_role("heading", name="What needs you today")).to_be_visible()
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    page.get_by_label("Find a family").fill("ravenscroft")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    # The surname is in the search box, never in the address (ASVS 14.2.1).
    expect(page).to_have_url(re.compile(r"/cases/\?search=[\w-]+$"))
    assert "ravenscroft" not in page.url.lower()
    expect(page.get_by_label("Find a family")).to_have_value("ravenscroft")
    expect(page.get_by_text("Otherfamily")).to_have_count(0)

    page.get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_role("heading", name=case.reference)).to_be_visible()
    expect(page.get_by_text("Imogen Ravenscroft (Mother)")).to_be_visible()
    # Styles and scripts load under the strict CSP, with no console errors.
    assert page.evaluate("document.body.classList.contains('js-enabled')")
    assert console_errors == []
    assert (
        AccessLogEntry.objects.filter(
            user=staff, case_id=case.pk, action="view", allowed=True
        ).count()
        == 1
    )


def test_other_service_sees_not_found(page, sign_in, service, staff, other_service_staff):
    case = make_case(service, staff)
    sign_in("staff-south")
    response = page.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert case.reference not in page.content()
