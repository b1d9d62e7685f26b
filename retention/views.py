"""Retention pages for case workers (a case's categories and holds) and holds lists."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases.access import case_named_in_register, get_case_for_user
from pps.decorators import role_required
from pps.roles import CASE_WORKER_ROLES, Role
from pps.rules import RuleError
from pps.submission import run_action, submit
from retention.access import active_holds_for, get_hold_for_user, holds_for, holds_on_case
from retention.forms import CaseCategoriesForm, HoldByReferenceForm, HoldForm
from retention.schedule import case_retention_refresh, retention_categories_for
from retention.services import case_categories_set, legal_hold_lift, legal_hold_place

HOLD_ROLES = (Role.COORDINATOR, Role.ADMIN)
RECENTLY_LIFTED = 20


def _case_page(request, case, *, categories_form=None, hold_form=None, status=200):
    # A refused form changes nothing, not even derived data; a page load may
    # bring the service's schedule and the case's stored date up to date.
    refused = status != 200
    if not refused:
        retention_categories_for(case.service)
    retention = case_retention_refresh(case, store=not refused)
    current = [link.category for link in case.retention_categories.select_related("category")]
    return render(
        request,
        "retention/case.html",
        {
            "case": case,
            "retention": retention,
            "current_categories": current,
            "categories_form": categories_form
            or CaseCategoriesForm(service=case.service, initial={"categories": current}),
            "hold_form": hold_form or HoldForm(),
            "holds": holds_on_case(case),
        },
        status=status,
    )


@require_GET
@role_required(*CASE_WORKER_ROLES)
def case_retention(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    return _case_page(request, case)


@require_POST
@role_required(*CASE_WORKER_ROLES)
def case_categories(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = CaseCategoriesForm(request.POST, service=case.service)
    saved, _ = submit(
        form,
        lambda data: case_categories_set(
            case=case, categories=list(data["categories"]), by=request.user
        ),
    )
    if saved:
        messages.success(request, "Retention categories saved.")
        return redirect("retention:case", case.pk)
    return _case_page(request, case, categories_form=form, status=400)


@require_POST
@role_required(Role.COORDINATOR)
def case_hold(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    form = HoldForm(request.POST)
    placed, _ = submit(form, lambda data: legal_hold_place(case=case, by=request.user, **data))
    if placed:
        messages.success(request, "Legal hold placed. This case will not be purged.")
        return redirect("retention:case", case.pk)
    return _case_page(request, case, hold_form=form, status=400)


def _holds_page(request, form=None, status=200):
    holds = holds_for(request.user)
    return render(
        request,
        "retention/holds.html",
        {
            "active": active_holds_for(request.user).order_by("-placed_at"),
            "lifted": holds.filter(lifted_at__isnull=False).order_by("-lifted_at")[
                :RECENTLY_LIFTED
            ],
            "form": form or HoldByReferenceForm(),
        },
        status=status,
    )


@require_GET
@role_required(*HOLD_ROLES)
def holds(request):
    return _holds_page(request)


@require_POST
@role_required(*HOLD_ROLES)
def hold_place(request):
    form = HoldByReferenceForm(request.POST)

    def place(data):
        case = case_named_in_register(request.user, data["reference"])
        if case is None:
            raise RuleError("There is no case with that reference in your service.")
        return legal_hold_place(
            case=case, by=request.user, reason=data["reason"], details=data["details"]
        )

    placed, hold = submit(form, place)
    if placed:
        messages.success(request, f"Legal hold placed on {hold.case.reference}.")
        return redirect("retention:holds")
    return _holds_page(request, form, status=400)


@require_POST
@role_required(*HOLD_ROLES)
def hold_lift(request, hold_id: int):
    hold = get_hold_for_user(request.user, hold_id)
    lifted, _ = run_action(request, lambda: legal_hold_lift(hold=hold, by=request.user))
    if lifted:
        messages.success(request, f"Legal hold on {hold.case.reference} lifted.")
    if request.POST.get("return_to") == "case" and request.user.role == Role.COORDINATOR:
        return redirect("retention:case", hold.case_id)
    return redirect("retention:holds")
