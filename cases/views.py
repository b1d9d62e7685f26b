from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.access import get_case_for_user, visible_child_information
from cases.helpline_selectors import case_page_helpline_context
from cases.selectors import can_read_case_notes, search_cases, visible_contacts, with_people
from pps.access_log import record_listing
from pps.decorators import role_required
from pps.roles import CASE_READER_ROLES

CASES_PER_PAGE = 25


@require_GET
@role_required(*CASE_READER_ROLES)
def case_list(request):
    query = request.GET.get("q", "")[:100]
    archived = request.GET.get("archived") == "1"
    paginator = Paginator(search_cases(request.user, query, archived=archived), CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    cases = with_people(list(page.object_list))
    record_listing(request.user, object_type="case", case_ids=[case.pk for case in cases])
    return render(
        request,
        "cases/case_list.html",
        {"page_obj": page, "cases": cases, "query": query, "archived": archived},
    )


@require_GET
@role_required(*CASE_READER_ROLES)
def case_detail(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    children = list(case.children.all())
    information = list(visible_child_information(request.user, case))
    for child in children:
        child.visible_information = [item for item in information if item.child_id == child.pk]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "parents": case.parents.all(),
            "children": children,
            "contacts": visible_contacts(request.user, case),
            "show_notes": can_read_case_notes(request.user),
            **case_page_helpline_context(request.user, case),
        },
    )
