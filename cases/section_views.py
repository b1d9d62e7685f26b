"""The case record's sections beyond the summary: consent, letters, referrals, safeguarding.

Each is its own page so that none reads every table (at most 12 queries a
page). Every one loads the case through ``get_case_overview`` (the
access helper, logged, 404 for missing and forbidden alike) and shows the
sub-navigation from that same read. Who may open a section is who could see
its panel on the single case page before: letters and safeguarding are for
staff and coordinators; volunteers see consent and linked enquiries.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cases.case_overview import get_case_overview
from cases.helpline.selectors import linked_enquiries
from cases.letters.access import parents_with_statement_flag
from cases.models import Case
from pps.decorators import role_required
from pps.roles import CASE_READER_ROLES, CASE_WORKER_ROLES


def _count(case: Case, *names: str) -> int | None:
    values = [getattr(case, name, None) for name in names]
    if any(value is None for value in values):
        return None
    return sum(values)


def case_sections(user, case: Case, current: str) -> list[dict]:
    """The sub-navigation: the sections this user may open, counts from the case read."""
    case_worker = user.role in CASE_WORKER_ROLES
    rows = [("summary", "cases:detail", "Summary", None)]
    rows.append(("consent", "cases:section_consent", "Consent", None))
    if case_worker:
        rows.append(
            (
                "letters",
                "cases:section_letters",
                "Letters and statements",
                _count(case, "letters_count", "statements_count"),
            )
        )
        rows.append(("tasks", "tasks:list", "Tasks", _count(case, "tasks_count")))
        rows.append(
            (
                "referrals",
                "cases:section_referrals",
                "Referrals and linked enquiries",
                _count(case, "referrals_count", "links_count"),
            )
        )
        rows.append(
            (
                "safeguarding",
                "cases:section_safeguarding",
                "Safeguarding",
                _count(case, "overrides_count", "non_disclosures_count"),
            )
        )
        # Where the paper file is kept and whether it was shredded (GOV-8).
        rows.append(("paper", "paper:section", "Paper file", None))
    else:
        # Referrers and their evidence are case-file information (ACC-3): only the links.
        rows.append(
            (
                "referrals",
                "cases:section_referrals",
                "Linked enquiries",
                _count(case, "links_count"),
            )
        )
    return [
        {
            "key": key,
            "label": label,
            "count": count,
            "current": key == current,
            "url": reverse(url_name, args=[case.pk]),
        }
        for key, url_name, label, count in rows
    ]


def render_section(request, case: Case, section: str, template: str, context=None):
    return render(
        request,
        template,
        {
            "case": case,
            "sections": case_sections(request.user, case, section),
            "section": section,
            **(context or {}),
        },
    )


@require_GET
@role_required(*CASE_READER_ROLES)
def section_consent(request, case_id: int):
    case = get_case_overview(request, case_id)
    return render_section(request, case, "consent", "cases/sections/consent.html")


@require_GET
@role_required(*CASE_WORKER_ROLES)
def section_letters(request, case_id: int):
    case = get_case_overview(request, case_id)
    parents_with_statement_flag(case)
    return render_section(request, case, "letters", "cases/sections/letters.html")


@require_GET
@role_required(*CASE_READER_ROLES)
def section_referrals(request, case_id: int):
    case = get_case_overview(request, case_id)
    case_worker = request.user.role in CASE_WORKER_ROLES
    return render_section(
        request,
        case,
        "referrals",
        "cases/sections/referrals.html",
        {
            "linked_enquiries": linked_enquiries(request.user, case),
            # Referrers and their evidence are case-file information, not the parent's (ACC-3).
            "referrals": list(case.referrals.all()) if case_worker else [],
            "case_worker": case_worker,
        },
    )


@require_GET
@role_required(*CASE_WORKER_ROLES)
def section_safeguarding(request, case_id: int):
    case = get_case_overview(request, case_id)
    return render_section(request, case, "safeguarding", "cases/sections/safeguarding.html")
