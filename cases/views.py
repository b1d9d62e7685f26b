from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import get_case_for_user, visible_case_count, visible_child_information
from cases.case_overview import consent_line, get_case_overview
from cases.closing.selectors import closure_facts
from cases.forms import CaseEditForm, CaseSearchForm
from cases.helpline.selectors import case_page_helpline_context
from cases.letters.access import parents_with_statement_flag
from cases.models import Case
from cases.saved_searches import browser_key, keep_browser_key, search_recall, search_remember
from cases.search.selectors import how_matched, search_cases_matching
from cases.section_views import render_section
from cases.selectors import can_read_case_notes, visible_contacts, with_people
from cases.services import case_update
from cases.work.case_filters import (
    DEFAULT_SORT,
    CaseFilterForm,
    filtered_cases,
    paging_params,
    sort_links,
)
from pps.access_log import record_listing
from pps.decorators import role_required
from pps.locking import ConflictError
from pps.paging import IdFirstPaginator
from pps.roles import CASE_READER_ROLES, CASE_WORKER_ROLES
from pps.submission import submit
from pps.volunteers.onboarding import casework_refusal

CASES_PER_PAGE = 25


def _case_list_page(
    request, *, archived: bool, saved=None, search: str = "", form=None, filters=None
):
    """The list, or a saved search's results. ``search`` is the token the pages link
    with; with a ``form`` that did not validate, the errors are shown and nothing is listed.
    ``filters`` (a ``CaseFilterForm`` on the GET parameters) narrows and sorts it (CAS-4)."""
    page, cases = None, []
    criteria = saved.criteria if saved else {}
    query = bool(criteria)
    if filters is None:
        filters = CaseFilterForm(user=request.user)
    if form is None:
        matching = search_cases_matching(request.user, criteria, archived=archived)
        valid = filters.is_valid() if filters.is_bound else True
        matching = filtered_cases(matching, filters.cleaned_data if filters.is_bound else {})
        if not valid:
            matching = matching.none()
        narrowed = query or not valid or filters.filtering
        paginator = IdFirstPaginator(
            matching,
            CASES_PER_PAGE,
            # A search's or a filter's matches are counted; the whole list's length is kept.
            known_count=None if narrowed else visible_case_count(request.user, archived=archived),
        )
        page = paginator.get_page(request.GET.get("page"))
        cases = with_people(list(page.object_list))
        # How each found case matched (surname, its beginning, its sound...): CAS-6.
        matched = how_matched(criteria, [case.pk for case in cases])
        for case in cases:
            case.matched_by = matched.get(case.pk, [])
        record_listing(request.user, object_type="case", case_ids=[case.pk for case in cases])
        # The words come back only from the browser's key (None without it).
        form = CaseSearchForm(initial={"q": saved.words if saved else "", "archived": archived})
    return render(
        request,
        "cases/case_list.html",
        {
            "page_obj": page,
            "cases": cases,
            "form": form,
            "query": query,
            "search": search,
            "archived": archived,
            "search_expired": False,
            "filters": filters,
            "sort_links": sort_links(request.GET, _current_sort(filters)),
            "paging_params": paging_params(request.GET),
            # GOV-2: a volunteer without the undertaking is told why the list is empty.
            "casework_refusal": casework_refusal(request.user),
        },
        status=400 if form.is_bound or (filters.is_bound and filters.errors) else 200,
    )


def _current_sort(filters) -> str:
    data = getattr(filters, "cleaned_data", None) or {}
    return data.get("sort") or DEFAULT_SORT


@require_GET
@role_required(*CASE_READER_ROLES)
def case_list(request):
    archived = request.GET.get("archived") == "1"
    search = request.GET.get("search", "")
    filters = CaseFilterForm(request.GET or None, user=request.user)
    if not search:
        return _case_list_page(request, archived=archived, filters=filters)
    saved = search_recall(request.session, search, key=browser_key(request))
    if saved is None:  # from another session, signed out since, or too old
        return render(
            request,
            "cases/case_list.html",
            {
                "form": CaseSearchForm(initial={"archived": archived}),
                "archived": archived,
                "search_expired": True,
                "filters": filters,
            },
        )
    return _case_list_page(request, archived=archived, saved=saved, search=search, filters=filters)


@require_POST
@role_required(*CASE_READER_ROLES)
def case_search(request):
    """Keep the searched words out of the URL (ASVS 14.2.1): they stay in the
    session and the results page is reached by a random token."""
    form = CaseSearchForm(request.POST)
    if not form.is_valid():
        archived = form.fields["archived"].to_python(form.data.get("archived"))
        return _case_list_page(request, archived=archived, form=form)
    params = {"archived": "1"} if form.cleaned_data["archived"] else {}
    query = form.cleaned_data["q"].strip()
    key = browser_key(request)
    if query:
        params["search"] = search_remember(request.session, query, key=key)
    url = reverse("cases:list")
    response = redirect(f"{url}?{urlencode(params)}" if params else url)
    if query:
        keep_browser_key(response, key)
    return response


@require_GET
@role_required(*CASE_READER_ROLES)
def case_detail(request, case_id: int):
    """The case summary: what a helpline worker needs while the parent is on the line.

    The other sections (consent, letters, referrals, safeguarding) are their own
    pages (cases.section_views); what the summary says about them (the consent
    status, the safeguarding indicator, the counts) comes with the case read.
    """
    case = get_case_overview(request, case_id)
    # Parents with their statement flag: the reminder and the parents' cards share one read.
    parents_with_statement_flag(case)
    children = list(case.children.all())
    # Each item's documents are counted in the same read (the page's query budget);
    # they are listed, with their titles, on the item's documents page.
    information = list(
        visible_child_information(request.user, case).annotate(document_count=Count("documents"))
    )
    for child in children:
        child.visible_information = [item for item in information if item.child_id == child.pk]
    return render_section(
        request,
        case,
        "summary",
        "cases/case_detail.html",
        {
            "parents": case.parents.all(),
            "children": children,
            "contacts": visible_contacts(request.user, case),
            "show_notes": can_read_case_notes(request.user),
            "consent": consent_line(case),
            # Staff and coordinators change the family on an open case (CAS-1, CAS-2).
            "family_editable": request.user.is_case_worker and case.status == Case.Status.OPEN,
            "closure": closure_facts(case),
            **case_page_helpline_context(request.user, case),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def case_edit(request, case_id: int):
    """Edit the summary and caseworker; a concurrent edit is shown as a conflict (SEC-4)."""
    case = get_case_for_user(request.user, case_id)
    if case.status != Case.Status.OPEN:
        messages.error(request, f"A {case.get_status_display().lower()} case is read-only.")
        return redirect("cases:detail", case_id=case.pk)
    initial = {
        "summary": case.summary,
        "assigned_staff": case.assigned_staff,
        "version": case.version,
    }
    form = CaseEditForm(
        request.POST if request.method == "POST" else None, case=case, initial=initial
    )
    conflict = None
    if request.method == "POST":
        try:
            updated, _ = submit(
                form,
                lambda data: case_update(
                    case=case,
                    by=request.user,
                    expected_version=data["version"],
                    summary=data["summary"],
                    assigned_staff=data["assigned_staff"],
                ),
            )
        except ConflictError as error:
            # Keep what they typed, show what is saved now (the service has just
            # reloaded it under lock), and let them decide.
            updated, conflict = False, case
            data = request.POST.copy()
            data["version"] = conflict.version
            form = CaseEditForm(data, case=conflict)
            form.is_valid()
            form.add_error(None, str(error))
        if updated:
            messages.success(request, "The case has been updated.")
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_edit.html",
        {"case": conflict or case, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )
