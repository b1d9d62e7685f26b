"""Closing a case (staff or a coordinator) and reopening it (a coordinator) (CAS-3).

Both load the case through the access helper (404 for missing and forbidden,
logged) and run the form through the service with ``submit``; a refusal (an
open task, a future date) is shown on the form and nothing changes. Reopening
clears the destruction date, so it first asks the coordinator to confirm who
they are (sudo), as other retention decisions do.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.access import get_case_for_user
from cases.closing.forms import CaseCloseForm, CaseReopenForm
from cases.models import Case
from cases.services import case_close, case_reopen
from cases.tasks.selectors import open_tasks
from pps.decorators import role_required
from pps.locking import ConflictError
from pps.roles import CASE_WORKER_ROLES, Role
from pps.security.sudo import sudo_required
from pps.submission import submit


def _submit_or_conflict(form, action):
    """``submit``, with a concurrent change shown on the form like a refusal."""
    try:
        return submit(form, action)
    except ConflictError as error:
        form.add_error(None, str(error))
        return False, None


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def case_close_view(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    if case.status != Case.Status.OPEN:
        messages.info(request, "This case is already closed.")
        return redirect("cases:detail", case.pk)
    form = CaseCloseForm(
        request.POST if request.method == "POST" else None, initial={"version": case.version}
    )
    if request.method == "POST":
        closed, _ = _submit_or_conflict(
            form,
            lambda data: case_close(
                case=case,
                by=request.user,
                closed_on=data["closed_on"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
        )
        if closed:
            messages.success(
                request,
                "Case closed. It is now read-only; its retention and destruction date are shown below.",
            )
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/closing/close.html",
        {"case": case, "form": form, "open_tasks": list(open_tasks(case))},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
@sudo_required
def case_reopen_view(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    if case.status == Case.Status.OPEN:
        messages.info(request, "This case is already open.")
        return redirect("cases:detail", case.pk)
    form = CaseReopenForm(
        request.POST if request.method == "POST" else None, initial={"version": case.version}
    )
    if request.method == "POST":
        reopened, _ = _submit_or_conflict(
            form,
            lambda data: case_reopen(
                case=case,
                by=request.user,
                reason=data["reason"],
                expected_version=data["version"],
            ),
        )
        if reopened:
            messages.success(request, "Case reopened. It no longer has a destruction date.")
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/closing/reopen.html",
        {"case": case, "form": form},
        status=400 if form.is_bound else 200,
    )
