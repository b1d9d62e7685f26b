"""The personal data breach register's screens (GOV-6): coordinators and administrators."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import case_named_in_register
from governance.access import (
    breaches_for,
    get_breach_for_user,
    ico_clock,
    openable_case,
)
from governance.forms import (
    BreachActionForm,
    BreachEditForm,
    BreachNewForm,
    FamiliesDecisionForm,
    IcoDecisionForm,
)
from governance.history import breach_history
from governance.models import Breach
from governance.services import (
    breach_action_add,
    breach_close,
    breach_decide_families,
    breach_decide_ico,
    breach_record,
    breach_reopen,
    breach_update,
)
from pps.decorators import role_required
from pps.roles import Role
from pps.rules import RuleError
from pps.submission import run_action, submit

REGISTER = (Role.COORDINATOR, Role.ADMIN)


@require_GET
@role_required(*REGISTER)
def breach_list(request):
    now = timezone.now()
    breaches = list(breaches_for(request.user))
    rows = [(breach, ico_clock(breach, now)) for breach in breaches]
    return render(
        request,
        "governance/list.html",
        {
            "open_rows": [r for r in rows if r[0].status == Breach.Status.OPEN],
            "closed_rows": [r for r in rows if r[0].status == Breach.Status.CLOSED],
        },
    )


def _form_page(request, form, *, heading, breach=None, submit_label="Save", status=200):
    return render(
        request,
        "governance/form.html",
        {"form": form, "heading": heading, "breach": breach, "submit_label": submit_label},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(*REGISTER)
def breach_new(request):
    if request.method == "GET":
        return _form_page(request, BreachNewForm(), heading="Record a personal data breach")
    form = BreachNewForm(request.POST)

    def record(data):
        case = None
        if data["case_reference"]:
            case = case_named_in_register(request.user, data["case_reference"].strip())
            if case is None:
                raise RuleError("There is no case with that reference in your service.")
        return breach_record(
            service=request.user.service,
            by=request.user,
            title=data["title"],
            description=data["description"],
            occurred_at=data["occurred_at"],
            aware_at=data["aware_at"],
            case=case,
        )

    saved, breach = submit(form, record)
    if saved:
        messages.success(request, "Breach recorded. The ICO deadline is on its page.")
        return redirect("governance:detail", breach_id=breach.pk)
    return _form_page(request, form, heading="Record a personal data breach", status=400)


@require_GET
@role_required(*REGISTER)
def breach_detail(request, breach_id: int):
    breach = get_breach_for_user(request.user, breach_id)
    return render(
        request,
        "governance/detail.html",
        {
            "breach": breach,
            "clock": ico_clock(breach),
            "case": openable_case(request.user, breach),
            "actions": breach.actions.select_related("recorded_by"),
            "history": breach_history(breach),
        },
    )


def _edit_view(form_class, heading, initial, save, done):
    @require_http_methods(["GET", "POST"])
    @role_required(*REGISTER)
    def view(request, breach_id: int):
        breach = get_breach_for_user(request.user, breach_id)
        if request.method == "GET":
            return _form_page(
                request, form_class(initial=initial(breach)), heading=heading, breach=breach
            )
        form = form_class(request.POST)
        saved, _ = submit(form, lambda data: save(breach=breach, by=request.user, **data))
        if saved:
            messages.success(request, done)
            return redirect("governance:detail", breach_id=breach.pk)
        return _form_page(request, form, heading=heading, breach=breach, status=400)

    view.__name__ = view.__qualname__ = f"breach_{save.__name__.removeprefix('breach_')}_view"
    return view


FACTS = ("title", "description", "occurred_at", "aware_at")
breach_edit = _edit_view(
    BreachEditForm,
    "Change the breach and its risk assessment",
    lambda b: {name: getattr(b, name) for name in (*FACTS, "likelihood", "severity", "risk_notes")},
    breach_update,
    "Breach updated.",
)
breach_ico = _edit_view(
    IcoDecisionForm,
    "Decision to notify the ICO",
    lambda b: {
        "decision": b.ico_decision,
        "reasons": b.ico_reasons,
        "notified_at": b.ico_notified_at,
        "reference": b.ico_reference,
    },
    breach_decide_ico,
    "ICO decision recorded.",
)
breach_families = _edit_view(
    FamiliesDecisionForm,
    "Decision to tell the families affected",
    lambda b: {
        "decision": b.families_decision,
        "reasons": b.families_reasons,
        "told_on": b.families_told_on,
    },
    breach_decide_families,
    "Decision about the families recorded.",
)
breach_action = _edit_view(
    BreachActionForm,
    "Add an action taken",
    lambda b: {"taken_on": timezone.localdate()},
    breach_action_add,
    "Action added.",
)


@require_POST
@role_required(*REGISTER)
def breach_close_view(request, breach_id: int):
    breach = get_breach_for_user(request.user, breach_id)
    done, _ = run_action(request, lambda: breach_close(breach=breach, by=request.user))
    if done:
        messages.success(request, "Breach closed.")
    return redirect("governance:detail", breach_id=breach.pk)


@require_POST
@role_required(*REGISTER)
def breach_reopen_view(request, breach_id: int):
    breach = get_breach_for_user(request.user, breach_id)
    done, _ = run_action(request, lambda: breach_reopen(breach=breach, by=request.user))
    if done:
        messages.success(request, "Breach reopened.")
    return redirect("governance:detail", breach_id=breach.pk)
