"""Every case section page reads a fixed number of queries, at most 12, whatever the case holds.

The budget counts both databases: the per-request middleware (session, user,
second factor, policy acknowledgement: 4), the case with its overview
annotations (sub-navigation counts, consent status, safeguarding indicator and,
for coordinators, the navigation's overrides waiting for review) and its
access-log row (2), the case's data key from the key store (1), then one query
per table the section shows.
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cases import services
from cases.case_studies.services import case_study_prepare
from cases.family import services as family_services
from cases.helpline.services import case_link_record, referral_record
from cases.letters.services import letter_send, privacy_statement_send
from disclosure.safeguarding.services import override_review
from pps import crypto
from tests.cases.helpline_helpers import referral_args
from tests.consent.helpers import record
from tests.disclosure.override_helpers import record_non_disclosure, record_override
from tests.factories import make_case, parent_fields
from tests.url_names import all_url_names

# (section URL name, persona): queries on both databases. Volunteers may open
# the summary, consent and linked enquiries only, and each of their pages reads
# one more: the undertaking on their latest agreement (GOV-2).
BUDGET = {
    ("cases:detail", "staff"): 12,
    ("cases:detail", "coordinator"): 12,
    ("cases:detail", "volunteer"): 12,
    ("cases:section_consent", "staff"): 9,
    ("cases:section_consent", "coordinator"): 9,
    ("cases:section_consent", "volunteer"): 10,
    ("cases:section_letters", "staff"): 10,
    ("cases:section_letters", "coordinator"): 11,
    ("cases:section_referrals", "staff"): 11,
    ("cases:section_referrals", "coordinator"): 11,
    (
        "cases:section_referrals",
        "volunteer",
    ): 10,  # the undertaking read twice: the case and its links
    ("cases:section_safeguarding", "staff"): 9,
    ("cases:section_safeguarding", "coordinator"): 9,
}


def _fill(case, staff, coordinator, *, extra: int):
    """``extra`` of everything any section shows."""
    topic = case.service.topics.first()
    for n in range(extra):
        parent = services.parent_add(
            case=case, by=staff,
            **parent_fields(given_name=f"Parent{n}", family_name="Extra", relationship="father"),
        )  # fmt: skip
        child = services.child_add(case=case, by=staff, given_name=f"Kid{n}", family_name="Extra")
        for source in ("parent", "case_file"):
            family_services.child_information_add(
                child=child, by=staff, kind="sen_need", source=source, text=f"Needs {n}"
            )
        services.contact_log(
            case=case,
            by=staff,
            channel="helpline",
            topic=topic,
            outcome="advice",
            notes=f"Call {n}",
        )
        record(case, staff, "full")
        letter_send(
            case=case, parent=parent, kind="acknowledgement", method="post", details={}, by=staff
        )
        privacy_statement_send(parent=parent, method="post", by=staff)
        referral_record(case=case, by=staff, **referral_args())
        case_link_record(
            case=case,
            other_case=make_case(case.service, staff),
            by=staff,
            caller_stated_knowledge=True,
        )
        override = record_override(case, staff)
        override_review(
            override=override,
            by=coordinator,
            outcome="appropriate",
            notes="Sharing was right: the risk was immediate.",
        )
        record_override(case, staff)
        record_non_disclosure(case, staff)
        case_study_prepare(case=case, by=coordinator)


def _queries(client, url_name, case) -> tuple[int, int, str]:
    crypto.forget_cached_keys()
    with (
        CaptureQueriesContext(connections["default"]) as main,
        CaptureQueriesContext(connections["keystore"]) as keys,
    ):
        response = client.get(reverse(url_name, args=[case.pk]))
    assert response.status_code == 200
    return len(main), len(keys), "\n".join(query["sql"][:80] for query in main.captured_queries)


@pytest.mark.parametrize(("url_name", "persona"), sorted(BUDGET))
def test_case_section_query_count_is_within_budget_and_constant(
    request, service, staff, coordinator, volunteer, client_for, url_name, persona
):
    user = request.getfixturevalue(persona)
    small, large = make_case(service, staff), make_case(service, staff)
    for case, extra in ((small, 1), (large, 6)):
        _fill(case, staff, coordinator, extra=extra)
        services.volunteer_assign(
            case=case, volunteer=volunteer, by=coordinator, parent=case.parents.first()
        )
    client = client_for(user)
    client.get(reverse(url_name, args=[small.pk]))  # warm the session
    small_main, small_keys, _ = _queries(client, url_name, small)
    large_main, large_keys, listing = _queries(client, url_name, large)
    assert large_main == small_main, "the page's queries grow with the case's rows"
    # Once at most: sections that show nothing encrypted (consent) need no key.
    assert large_keys == small_keys <= 1, "the case's data key is unwrapped once"
    assert large_main + large_keys == BUDGET[url_name, persona], listing
    assert BUDGET[url_name, persona] <= 12


def test_every_section_has_a_budget_for_each_persona_who_may_open_it():
    """A new section page must join the budget above."""
    sections = {name for name in all_url_names() if name.startswith("cases:section_")}
    assert {name for name, _ in BUDGET} == {"cases:detail", *sections}
    volunteer = {name for name, persona in BUDGET if persona == "volunteer"}
    assert volunteer == {"cases:detail", "cases:section_consent", "cases:section_referrals"}


def _page(client, url_name, case) -> str:
    response = client.get(reverse(url_name, args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_section_still_shows_its_panel(service, case, staff, coordinator, client_for):
    """Reading with the case, not per panel, keeps what each section shows."""
    _fill(case, staff, coordinator, extra=1)
    summary = _page(client_for(staff), "cases:detail", case)
    assert case.service.name in summary  # the header's service, reused from the case read
    assert "Parent0 Extra" in summary and "Kid0 Extra" in summary and "Call 0" in summary
    assert "Full consent" in summary or "full" in summary.lower()  # the consent status line
    assert "2 child-protection overrides recorded</strong>, 1 waiting for review" in summary
    assert "has not been sent to" in summary  # the first parent's statement, from the flag
    consent = _page(client_for(staff), "cases:section_consent", case)
    # Recorded by; as the template escapes it (a generated name may be O'Neill).
    assert escape(staff.get_full_name()) in consent or staff.username in consent
    letters = _page(client_for(coordinator), "cases:section_letters", case)
    assert "Acknowledgement" in letters and "Training case studies" in letters
    assert "has not been sent to" in letters
    referrals = _page(client_for(staff), "cases:section_referrals", case)
    assert "Ottoline Quibble" in referrals and "Linked to" in referrals
    safeguarding = _page(client_for(staff), "cases:section_safeguarding", case)
    assert "Child-protection override" in safeguarding and "Decision not to share" in safeguarding
