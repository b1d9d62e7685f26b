"""Each person's home page (CAS-4) and the whole list behind each of its sections."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.selectors import with_people
from cases.work.selectors import (
    Section,
    case_ids_of,
    coordinators_cases_at_once,
    first_rows,
    sections_for,
    without_encrypted_columns,
)
from pps.access_log import record_listing
from pps.decorators import role_required
from pps.paging import IdFirstPaginator
from pps.roles import CASE_WORKER_ROLES, Role
from pps.training.records import staff_training_status

PER_PAGE = 25


def _with_names(section: Section, rows: list) -> list:
    """Parent names on case rows (one query for the whole page's cases)."""
    if section.kind in ("case", "consent"):
        with_people(rows)
    return rows


@require_GET
def home(request):
    """Where signing in lands: administrators on the administration home, volunteers
    on their cases, staff and coordinators on what needs them today."""
    user = request.user
    if user.role == Role.ADMIN:
        return redirect("administration")
    if user.role not in CASE_WORKER_ROLES:
        return redirect("cases:list")
    sections, case_ids = [], []
    at_once = coordinators_cases_at_once(user) if user.role == Role.COORDINATOR else {}
    for section in sections_for(user):
        rows, total = at_once.get(section.key) or first_rows(section, user)
        sections.append({"section": section, "rows": rows, "total": total})
        if section.logs_cases:
            case_ids.extend(case_ids_of(rows))
        if section.key == "overrides-waiting":
            # The navigation's "waiting" count is this same list's length: read
            # once (the tag uses the request's own count, as on the case pages).
            request.overrides_waiting = total
    # The home page shows references and dates, not names: parents' names are
    # on the list pages (a read of their own), so the page's query count stays
    # one per section whatever the data (CAS-4).
    if case_ids:
        record_listing(user, object_type="case", case_ids=sorted(set(case_ids)))
    return render(
        request,
        "cases/work/home.html",
        {
            "sections": sections,
            "today": timezone.localdate(),
            "now": timezone.now(),
            # GOV-1: everyone is told of their own training due, not only the coordinator.
            "my_training": staff_training_status(user),
        },
    )


def section_list_view(section: Section):
    """The whole list of one section: the selector the home page counted."""

    @require_GET
    @role_required(*section.roles)
    def section_list(request):
        rows = section.rows(request.user)
        if isinstance(rows, list):
            paginator = Paginator(rows, PER_PAGE)
        else:
            paginator = IdFirstPaginator(without_encrypted_columns(rows), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        listed = _with_names(section, list(page.object_list))
        if section.logs_cases and listed:
            record_listing(request.user, object_type="case", case_ids=case_ids_of(listed))
        return render(
            request,
            "cases/work/section_list.html",
            {
                "section": section,
                "rows": listed,
                "page_obj": page,
                "names": True,
                "today": timezone.localdate(),
                "now": timezone.now(),
            },
        )

    section_list.__name__ = f"section_list_{section.key.replace('-', '_')}"
    section_list.__qualname__ = section_list.__name__
    return section_list
