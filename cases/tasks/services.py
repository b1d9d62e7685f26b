"""Writes for tasks (CAS-5): keyword-only, typed, atomic, saved with the acting user.

A task is work on the case, so it follows the case's rules: none is added,
changed or finished on a closed or archived case (CAS-3), and each write takes
the case's lock, so closing a case and adding a task to it cannot interleave
(closing refuses while a task is open).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Contact, Task
from cases.rules import require_open
from cases.tasks.models import NOTE_MAX_CHARS
from pps.history import save_as
from pps.locking import lock_for_change
from pps.models import User
from pps.rules import RuleError

NOT_A_CASE_WORKER = "Only staff or a coordinator of this service can work on this case's tasks."
OWNER_NOT_A_CASE_WORKER = "Choose a member of staff or a coordinator of this service."


def _require_case_worker(case: Case, user: User, message: str) -> None:
    if not (user.is_active and user.is_case_worker and user.service_id == case.service_id):
        raise RuleError(message)


def _lock_open_case(case: Case, by: User) -> None:
    _require_case_worker(case, by, NOT_A_CASE_WORKER)
    lock_for_change(case)
    require_open(case)


def _lock_open_task(task: Task, by: User) -> Task:
    _lock_open_case(task.case, by)
    lock_for_change(task)
    if task.state != Task.State.OPEN:
        raise RuleError(f"This task is already {task.get_state_display().lower()}.")
    return task


@transaction.atomic
def task_create(
    *,
    case: Case,
    by: User,
    due_at: datetime.datetime,
    owner: User | None = None,
    note: str = "",
    contact: Contact | None = None,
) -> Task:
    """Add a task; its owner is ``by`` unless someone else is named."""
    _lock_open_case(case, by)
    owner = owner or by
    _require_case_worker(case, owner, OWNER_NOT_A_CASE_WORKER)
    if due_at is None:
        raise RuleError("Enter the date and time the task is due.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise RuleError(f"The note must be {NOTE_MAX_CHARS} characters or fewer.")
    if contact is not None and contact.case_id != case.pk:
        raise RuleError("The contact must be on this case.")
    task = Task(case=case, owner=owner, due_at=due_at, note=note, contact=contact, created_by=by)
    return save_as(task, by)


@transaction.atomic
def task_reassign(*, task: Task, owner: User, by: User) -> Task:
    """Give an open task to someone else on the team."""
    _lock_open_task(task, by)
    _require_case_worker(task.case, owner, OWNER_NOT_A_CASE_WORKER)
    if owner.pk == task.owner_id:
        raise RuleError("The task is already theirs: choose someone else.")
    task.owner = owner
    return save_as(task, by, update_fields=["owner"])


def _finish(task: Task, by: User, state: str) -> Task:
    _lock_open_task(task, by)
    task.state = state
    task.finished_by = by
    task.finished_at = timezone.now()
    return save_as(task, by, update_fields=["state", "finished_by", "finished_at"])


@transaction.atomic
def task_done(*, task: Task, by: User) -> Task:
    return _finish(task, by, Task.State.DONE)


@transaction.atomic
def task_cancel(*, task: Task, by: User) -> Task:
    return _finish(task, by, Task.State.CANCELLED)
