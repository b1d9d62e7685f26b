"""Screens for child-protection overrides, their review and decisions not to share (DIS-7).

Staff and coordinators only: volunteers and administrators are refused (403).
Recording an override and reviewing one are dangerous actions, so both need a
recent re-authentication (sudo). Cases load through ``get_case_for_user`` and
overrides through ``get_override_for_user``: 404 for missing and forbidden alike.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases.access import get_case_for_user
from disclosure.safeguarding.access import (
    REVIEWED,
    WAITING,
    get_override_for_user,
    log_listing,
    non_disclosure_list,
    override_list,
    review_of,
)
from disclosure.safeguarding.forms import NonDisclosureForm, OverrideForm, ReviewForm
from disclosure.safeguarding.services import (
    non_disclosure_record,
    override_record,
    override_review,
    review_refusal,
)
from pps.decorators import role_required
from pps.roles import CASE_WORKER_ROLES, Role
from pps.security.sudo import sudo_required
from pps.submission import run_action, submit

case_workers = role_required(*CASE_WORKER_ROLES)
STATUS_FILTERS = [("", "All"), (WAITING, "Waiting for review"), (REVIEWED, "Reviewed")]


def _form_page(request, template: str, case, form, status=200):
    return render(request, f"safeguarding/{template}", {"case": case, "form": form}, status=status)


@require_GET
@case_workers
@sudo_required
def override_new(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return _form_page(request, "override_form.html", case, OverrideForm(case=case))


@require_POST
@case_workers
@sudo_required
def override_create(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = OverrideForm(request.POST, case=case)
    recorded, override = submit(
        form, lambda data: override_record(case=case, by=request.user, **data)
    )
    if recorded:
        messages.success(
            request,
            "Child-protection override recorded. The coordinators have been told and "
            "it is waiting for review.",
        )
        return redirect("safeguarding:detail", override_id=override.pk)
    return _form_page(request, "override_form.html", case, form, status=400)


@require_GET
@case_workers
def non_disclosure_new(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return _form_page(request, "non_disclosure_form.html", case, NonDisclosureForm())


@require_POST
@case_workers
def non_disclosure_create(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = NonDisclosureForm(request.POST)
    recorded, _ = submit(
        form, lambda data: non_disclosure_record(case=case, by=request.user, **data)
    )
    if recorded:
        messages.success(request, "Decision not to share recorded.")
        return redirect("cases:section_safeguarding", case_id=case.pk)
    return _form_page(request, "non_disclosure_form.html", case, form, status=400)


@require_GET
@case_workers
def override_list_page(request):
    status = request.GET.get("status", "")
    status = status if status in (WAITING, REVIEWED) else ""
    overrides = list(override_list(request.user, status=status))
    decisions = list(non_disclosure_list(request.user))
    log_listing(request.user, [*overrides, *decisions])
    return render(
        request,
        "safeguarding/override_list.html",
        {
            "overrides": overrides,
            "decisions": decisions,
            "status": status,
            "filters": STATUS_FILTERS,
            "is_coordinator": request.user.role == Role.COORDINATOR,
        },
    )


def _detail_page(request, override, form=None, status=200):
    review = review_of(override)
    refusal = "" if review else review_refusal(override, request.user)
    if form is None and review is None and not refusal:
        form = ReviewForm()
    return render(
        request,
        "safeguarding/override_detail.html",
        {
            "override": override,
            "case": override.case,
            "review": review,
            "form": form if not refusal else None,
            "refusal": refusal if request.user.role == Role.COORDINATOR else "",
        },
        status=status,
    )


@require_GET
@case_workers
def override_detail(request, override_id: int):
    override = get_override_for_user(request.user, override_id)
    return _detail_page(request, override)


@require_POST
@role_required(Role.COORDINATOR)
@sudo_required
def override_review_save(request, override_id: int):
    override = get_override_for_user(request.user, override_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        # Refused when already reviewed, or by whoever recorded it: the page explains.
        reviewed, _ = run_action(
            request,
            lambda: override_review(override=override, by=request.user, **form.cleaned_data),
        )
        if reviewed:
            messages.success(request, "Review recorded.")
        return redirect("safeguarding:detail", override_id=override.pk)
    return _detail_page(request, override, form, status=400)
