"""The tasks' part of ``manage.py benchmark`` (CAS-5, docs/performance.md).

Build step "tasks", so the home pages (``benchmarks/home_pages.py``) are
measured with their sections "tasks due today and overdue" (a caseworker's)
and the service's overdue tasks (a coordinator's) full at every size:

- one case in three has tasks (every third open case of a batch, the first
  included, and every third closed or archived one), 1-3 each;
- on a closed or archived case every task is done or cancelled (closing
  refuses while a task is open), due and finished within the case's life;
- on an open case most tasks are done or cancelled too, OPEN_SHARE still open:
  overdue, due later today, or due two days ahead or more;
- the measured caseworker, ``staff1``, owns the first STAFF_OPEN_TASKS open
  tasks, the same handful at every size (a third overdue, a third due today, a
  third later), like the measured volunteer's caseload; every other open task
  belongs to the other caseworkers or the coordinator, so the service as a
  whole holds thousands of overdue tasks at 100,000 cases;
- notes are encrypted under each case's key by the field itself
  (``bulk_create`` runs ``pre_save``); history is a creation row per task and a
  change row per finished one, written set-based like the other steps.

Not built: the contact a callback task was arranged from (``contact`` is left
empty; nothing measured reads it), and a realistic ``created_at`` (the field
is ``auto_now_add``, so every task says it was created at build time; nothing
measured reads it either).
"""

import datetime

from django.db import connection
from django.utils import timezone

from benchmarks.builder import World, _days_between, _moment, register_step
from benchmarks.history import _history_insert
from cases.models import Case, Task
from pps.dates import start_of_day

EVERY_NTH_CASE = 3
STAFF_OPEN_TASKS = 30  # the measured caseworker's open tasks, the same at every size
OPEN_SHARE = 0.3  # of the tasks on an open case, still open
DUE_KINDS = ("overdue", "today", "later")
DUE_WEIGHTS = (45, 15, 40)

# Reported with the build's rows, after "tasks" (the test reads them).
COUNTED = (
    "open tasks",
    "overdue tasks",
    "staff1's open tasks",
    "staff1's tasks due today or overdue",
    "tasks on cases due for destruction",
)

NOTES = (
    "Call the parent back about the EHC needs assessment.",
    "Send the factsheet on SEN support and check it arrived.",
    "Check with the parent how the school meeting went.",
    "Chase the draft plan; the parent has not had it.",
)


def _open_due(world: World, kind: str, now: datetime.datetime) -> datetime.datetime:
    """An open task's due time: before now, later today, or two days ahead or more
    (so a "later" task is not due today even when the measurement runs after midnight)."""
    rnd = world.rnd
    if kind == "overdue":
        return now - datetime.timedelta(minutes=rnd.randint(60, 45 * 24 * 60))
    if kind == "today":
        end_of_today = start_of_day(timezone.localdate(now) + datetime.timedelta(days=1))
        return now + (end_of_today - now) * rnd.uniform(0.05, 0.95)
    return _moment(world.today + datetime.timedelta(days=rnd.randint(2, 30)), rnd)


def _finished(world: World, case: Case, task: Task, now: datetime.datetime) -> Task:
    """Done (most) or cancelled, by its owner or the coordinator, within the case's life."""
    rnd = world.rnd
    last_day = case.closed_on or world.today
    task.due_at = _moment(_days_between(rnd, case.opened_on, last_day), rnd)
    task.state = Task.State.DONE if rnd.random() < 0.85 else Task.State.CANCELLED
    task.finished_by = task.owner if rnd.random() < 0.9 else world.coordinator
    closed_at = datetime.datetime.combine(last_day, datetime.time(18), tzinfo=datetime.UTC)
    task.finished_at = min(
        task.due_at + datetime.timedelta(hours=rnd.randint(-48, 72)), closed_at, now
    )
    return task


def tasks(world: World, cases: list[Case]) -> None:
    rnd, now = world.rnd, timezone.now()
    measured = world.staff[0]  # staff1, whose home page is measured
    others = [*world.staff[1:], world.coordinator]
    due = set(world.due_case_ids)
    live = [case for case in cases if case.status == "open"]
    ended = [case for case in cases if case.status != "open"]
    mine = world.counts.get("staff1's open tasks", 0)
    rows: list[Task] = []
    counts = dict.fromkeys(COUNTED, 0)
    for case in [*live[::EVERY_NTH_CASE], *ended[::EVERY_NTH_CASE]]:
        for index in range(rnd.choice((1, 1, 2, 3))):
            task = Task(
                case=case,
                owner=(rnd.random() < 0.7 and case.assigned_staff) or rnd.choice(others),
                note=rnd.choice(NOTES),
                created_by=rnd.choice(world.staff),
            )
            if case.status == "open" and index == 0 and mine < STAFF_OPEN_TASKS:
                # staff1's handful first, cycling through the due kinds, so even a
                # 20-case build shows an overdue task on their home page.
                task.owner, kind = measured, DUE_KINDS[mine % len(DUE_KINDS)]
                task.due_at = _open_due(world, kind, now)
                mine += 1
                counts["staff1's open tasks"] += 1
                counts["staff1's tasks due today or overdue"] += kind != "later"
            elif case.status == "open" and rnd.random() < OPEN_SHARE:
                if task.owner == measured:
                    task.owner = rnd.choice(others)
                kind = rnd.choices(DUE_KINDS, DUE_WEIGHTS)[0]
                task.due_at = _open_due(world, kind, now)
            else:
                task = _finished(world, case, task, now)
            if task.state == Task.State.OPEN:
                counts["open tasks"] += 1
                counts["overdue tasks"] += task.due_at < now
            counts["tasks on cases due for destruction"] += case.pk in due
            rows.append(task)
    Task.objects.bulk_create(rows)
    world.add("tasks", len(rows))
    for name, count in counts.items():
        world.add(name, int(count))
    # History: a creation row per task, a change row per finished one.
    first, last = cases[0].pk, cases[-1].pk
    by_case = f"{connection.ops.quote_name('case_id')} BETWEEN %s AND %s"
    history = _history_insert(
        Task, by_case, [first, last], kind="+", age_days=100, user="created_by_id"
    )
    finished = f"{by_case} AND {connection.ops.quote_name('state')} <> 'open'"
    history += _history_insert(
        Task, finished, [first, last], kind="~", age_days=50, user="finished_by_id"
    )
    world.add("history rows", history)


register_step("tasks", tasks)
