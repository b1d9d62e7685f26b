"""Reads of tasks that other code asks for (CAS-5)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cases.models import Case, Task
from pps.models import Service, User
from pps.roles import CASE_WORKER_ROLES


def open_tasks(case: Case) -> QuerySet[Task]:
    return case.tasks.filter(state=Task.State.OPEN).select_related("owner").order_by("due_at", "pk")


def overdue_tasks(
    tasks: QuerySet[Task] | None = None, *, now: datetime.datetime | None = None
) -> QuerySet[Task]:
    """Open tasks whose due time has passed."""
    tasks = Task.objects.all() if tasks is None else tasks
    return tasks.filter(state=Task.State.OPEN, due_at__lt=now or timezone.now())


def is_overdue(task: Task, *, now: datetime.datetime | None = None) -> bool:
    return task.state == Task.State.OPEN and task.due_at < (now or timezone.now())


def case_task_list(case: Case, *, now: datetime.datetime | None = None) -> list[Task]:
    """The case's tasks, open ones first by due time, each marked ``overdue``."""
    now = now or timezone.now()
    tasks = list(case.tasks.select_related("owner", "finished_by", "created_by"))
    for task in tasks:
        task.overdue = is_overdue(task, now=now)
    return sorted(tasks, key=lambda task: (task.state != Task.State.OPEN, task.due_at, task.pk))


def task_owners(service: Service | int) -> QuerySet[User]:
    """Who may own a task: the service's active staff and coordinators."""
    service_id = service if isinstance(service, int) else service.pk
    return User.objects.filter(
        service_id=service_id, is_active=True, role__in=CASE_WORKER_ROLES
    ).order_by("first_name", "last_name", "username")


def open_task_summary(tasks: list[Task]) -> str:
    """The open tasks in words, for a refusal to close the case (when due and whose)."""
    return "; ".join(
        f"due {date_format(timezone.localtime(task.due_at), 'j F Y, H:i')}, "
        f"{task.owner.get_full_name() or task.owner.username}"
        for task in tasks
    )
