"""Every count on an overview equals the list it links to: the retention overview's
hold count (it once counted every case without a hold) and the coordinators'
navigation badge and banner for overrides waiting. The home pages' sections are
held to the same rule by tests/cases/test_work.py."""

import re

from django.urls import reverse

from retention.services import legal_hold_lift, legal_hold_place
from tests.factories import make_case
from tests.security.conftest import confirm_identity


def active_rows(page: str) -> int:
    """Rows of the holds page's "Active holds" table."""
    table = page.split("Active holds</caption>", 1)[1].split("</table>", 1)[0]
    return len(re.findall(r'<tr class="govuk-table__row">', table)) - 1  # less the header


def overview_count(page: str) -> int:
    return int(re.search(r'id="active-holds">(\d+)<', page).group(1))


def test_the_overviews_hold_count_is_the_length_of_the_holds_list(
    service, staff, coordinator, admin_user, client_for
):
    for n in range(4):  # cases with no hold at all: never counted
        make_case(service, staff, family_name=f"Unheld{n}")
    twice = make_case(service, staff, family_name="Twiceheld")
    legal_hold_place(case=twice, reason="complaint", by=coordinator)
    legal_hold_place(case=twice, reason="tribunal", by=coordinator)
    lifted = make_case(service, staff, family_name="Lifted")
    legal_hold_lift(hold=legal_hold_place(case=lifted, reason="complaint", by=coordinator),
                    by=coordinator)  # fmt: skip
    client = client_for(admin_user)
    confirm_identity(client, admin_user)

    overview = client.get(reverse("retention:dashboard")).content.decode()
    holds = client.get(reverse("retention:holds")).content.decode()
    assert overview_count(overview) == active_rows(holds) == 2
    assert f'href="{reverse("retention:holds")}"' in overview


def test_the_navigation_badge_and_banner_count_the_overrides_their_link_lists(
    service, other_service, staff, coordinator, other_service_staff, client_for
):
    from disclosure.safeguarding.services import override_review
    from tests.disclosure.override_helpers import record_override

    case = make_case(service, staff)
    reviewed = record_override(case, staff)
    override_review(
        override=reviewed,
        by=coordinator,
        outcome="appropriate",
        notes="Sharing was right: the risk was immediate.",
    )
    for _ in range(2):
        record_override(case, staff)
    record_override(make_case(other_service, other_service_staff), other_service_staff)
    client = client_for(coordinator)

    page = client.get(reverse("cases:list")).content.decode()
    badge = int(re.search(r'govuk-tag--red">(\d+) waiting</strong>', page).group(1))
    banner = int(re.search(r"(\d+) safeguarding overrides? waiting for review", page).group(1))
    listed = client.get(reverse("safeguarding:list") + "?status=waiting").content.decode()
    table = listed.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    assert badge == banner == table.count('<tr class="govuk-table__row">') == 2
