"""Coordinators' access-log pages: who has seen this case, and refused attempts (ACC-7)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.access import get_case_for_user
from cases.access_log.selectors import case_access_entries, denied_entries, describe
from pps.decorators import role_required
from pps.paging import IdFirstPaginator
from pps.roles import Role

ENTRIES_PER_PAGE = 50


def _page(request, entries):
    page = IdFirstPaginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return page, describe(page.object_list, service_id=request.user.service_id)


@require_GET
@role_required(Role.COORDINATOR)
def case_access_log(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    entries = case_access_entries(case)
    page, rows = _page(request, entries)
    return render(
        request,
        "cases/case_access_log.html",
        {
            "case": case,
            "page_obj": page,
            "rows": rows,
            "denied_count": entries.filter(allowed=False).count(),
        },
    )


@require_GET
@role_required(Role.COORDINATOR)
def denied_report(request):
    page, rows = _page(request, denied_entries(request.user.service_id))
    return render(request, "cases/denied_report.html", {"page_obj": page, "rows": rows})
