"""Browser journeys for need-to-know access (ACC-2, ACC-3, ACC-7, ACC-9)."""

import re

from playwright.sync_api import expect

from cases import services
from cases.family import services as family_services
from pps.models import PolicyAcknowledgement
from pps.policy.services import current_policy
from tests.consent.helpers import record
from tests.e2e.conftest import sign_in_page
from tests.factories import make_case, make_user

SENTINEL = "ZQX7731-CASEFILE"


def watch_console(page) -> list[str]:
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    return errors


def test_volunteer_sees_only_the_assigned_case_and_follows_every_link(
    page, sign_in, service, staff, coordinator, volunteer
):
    case = make_case(service, staff, family_name="Fairweather", summary="Parent wants help")
    other = make_case(service, staff, family_name="Notforyou")
    child = services.child_add(case=case, by=staff, given_name="Nia", family_name="Fairweather")
    family_services.child_information_add(
        child=child, by=staff, kind="sen_need", source="parent", text="Parent says: dyslexia"
    )
    family_services.child_information_add(
        child=child, by=staff, kind="school_record", source="case_file", text=SENTINEL
    )
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    errors = watch_console(page)

    sign_in("volunteer")
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    expect(page.get_by_role("link", name=other.reference)).to_have_count(0)
    assert "Notforyou" not in page.content()

    page.get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_text("Parent says: dyslexia")).to_be_visible()
    assert SENTINEL not in page.content()
    expect(page.get_by_role("link", name="Who has seen this case")).to_have_count(0)

    links = page.eval_on_selector_all(
        "a[href]", "els => [...new Set(els.map(e => e.getAttribute('href')))]"
    )
    internal = [href for href in links if href.startswith("/") or href.startswith("#")]
    assert len(internal) >= 3
    for href in internal:
        if href.startswith("#"):
            continue
        response = page.goto(href)
        assert response.status < 400, href
        assert SENTINEL not in page.content(), href
        assert other.reference not in page.content(), href
    assert errors == []
    assert page.goto(f"/cases/{other.pk}/").status == 404


def test_staff_acknowledges_a_new_policy_before_opening_cases(page, sign_in, service, staff):
    from pps.policy.services import policy_publish

    case = make_case(service, staff)
    new = policy_publish(
        service=service,
        by=None,
        title="Confidentiality policy 2027",
        text="What parents tell us stays with us.",
        effective_from=current_policy(service.pk).effective_from,
    )
    sign_in("staff")
    expect(page.get_by_role("heading", name="Confidentiality policy 2027")).to_be_visible()
    page.goto(f"/cases/{case.pk}/")
    expect(page).to_have_url(re.compile(r"/policy/\?next="))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_text("Confirm that you have read the policy").first).to_be_visible()
    page.get_by_label("I have read this policy and will follow it").check()
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_role("heading", name=case.reference)).to_be_visible()
    assert PolicyAcknowledgement.objects.filter(user=staff, policy=new).exists()


def test_coordinator_assigns_sees_who_looked_and_ends_the_assignment(
    browser, live_server, page, sign_in, service, staff, coordinator
):
    volunteer = make_user(service, "volunteer", "ips", first_name="Gwen", last_name="Ashdown")
    case = make_case(service, staff)
    record(case, coordinator)  # the parent agreed to a volunteer (CON-8)
    sign_in("coordinator")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Volunteers on this case").click()
    page.get_by_label("Volunteer").select_option(label="Gwen Ashdown")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Gwen Ashdown can now see this case.")).to_be_visible()

    volunteer_context = browser.new_context(base_url=live_server.url)
    volunteer_page = volunteer_context.new_page()
    sign_in_page(volunteer_page, volunteer.username)
    assert volunteer_page.goto(f"/cases/{case.pk}/").status == 200

    page.goto(f"/cases/{case.pk}/access-log/")
    expect(page.get_by_role("cell", name="Gwen Ashdown (ips)").first).to_be_visible()

    page.goto(f"/cases/{case.pk}/volunteers/")
    page.get_by_role("button", name="End assignment").click()
    expect(page.get_by_text("Gwen Ashdown can no longer see this case.")).to_be_visible()
    assert volunteer_page.goto(f"/cases/{case.pk}/").status == 404
    volunteer_context.close()
