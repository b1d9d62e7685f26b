"""A case's tasks: the list, adding one, marking it done or cancelled, reassigning (CAS-5).

Staff and coordinators only (volunteers own no tasks; administrators read no
case content). The case is loaded through the access helper and each task
through ``cases.tasks.access`` (404 for missing and forbidden alike, logged).
Writes go through the services with ``submit``: a refusal (a closed case, a
task already done) is shown and nothing changes.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.case_overview import get_case_overview
from cases.section_views import render_section
from cases.tasks.access import get_task_for_user
from cases.tasks.forms import TaskForm, TaskReassignForm
from cases.tasks.selectors import case_task_list
from cases.tasks.services import task_cancel, task_create, task_done, task_reassign
from pps.decorators import role_required
from pps.roles import CASE_WORKER_ROLES
from pps.submission import run_action, submit


def _task_page(request, case, form=None, status=200):
    response = render_section(
        request,
        case,
        "tasks",
        "cases/tasks/task_list.html",
        {
            "tasks": case_task_list(case),
            "form": form or TaskForm(service=case.service),
            "can_change": case.status == case.Status.OPEN,
        },
    )
    response.status_code = status
    return response


@require_GET
@role_required(*CASE_WORKER_ROLES)
def task_list(request, case_id: int):
    case = get_case_overview(request, case_id)
    return _task_page(request, case)


@require_POST
@role_required(*CASE_WORKER_ROLES)
def task_add(request, case_id: int):
    case = get_case_overview(request, case_id)
    form = TaskForm(request.POST, service=case.service)
    added, _ = submit(
        form, lambda data: task_create(case=case, by=request.user, **form.task_data())
    )
    if added:
        messages.success(request, "Task added.")
        return redirect("tasks:list", case.pk)
    return _task_page(request, case, form, status=400)


def _finish(request, case_id: int, task_id: int, action, done_message: str):
    task = get_task_for_user(request.user, case_id, task_id)
    finished, _ = run_action(request, lambda: action(task=task, by=request.user))
    if finished:
        messages.success(request, done_message)
    return redirect("tasks:list", task.case_id)


@require_POST
@role_required(*CASE_WORKER_ROLES)
def task_mark_done(request, case_id: int, task_id: int):
    return _finish(request, case_id, task_id, task_done, "Task marked as done.")


@require_POST
@role_required(*CASE_WORKER_ROLES)
def task_mark_cancelled(request, case_id: int, task_id: int):
    return _finish(request, case_id, task_id, task_cancel, "Task cancelled.")


@require_http_methods(["GET", "POST"])
@role_required(*CASE_WORKER_ROLES)
def task_give_to(request, case_id: int, task_id: int):
    task = get_task_for_user(request.user, case_id, task_id)
    form = TaskReassignForm(
        request.POST if request.method == "POST" else None,
        service=task.case.service,
        initial={"owner": task.owner},
    )
    if request.method == "POST":
        given, _ = submit(
            form, lambda data: task_reassign(task=task, owner=data["owner"], by=request.user)
        )
        if given:
            owner = task.owner.get_full_name() or task.owner.get_username()
            messages.success(request, f"Task given to {owner}.")
            return redirect("tasks:list", task.case_id)
    return render(
        request,
        "cases/tasks/task_reassign.html",
        {"case": task.case, "task": task, "form": form},
        status=400 if form.is_bound else 200,
    )
