"""The purge through the real worker, in its own process against scratch databases (OPS-2).

    python -m tests.retention.worker_scenario prepare|read WORKDIR

with DATABASE_URL / KEYSTORE_DATABASE_URL pointing at scratch databases
(``test_purge_task.py`` sets it up and runs ``manage.py db_worker`` between the
two steps). Each step writes WORKDIR/<step>.json for the test to check.

- prepare: migrate; two due cases and one not due; the administrator's
  confirmed purge recorded and its task queued in the database.
- read: the run, the cases left, the task's state and the worker's heartbeat.
"""

import json
import os
import sys
from pathlib import Path

import django


def _write(workdir: Path, step: str, result: dict) -> None:
    (workdir / f"{step}.json").write_text(json.dumps(result, indent=1, default=str))


def prepare(workdir: Path) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("migrate", database="keystore", verbosity=0)

    from retention.models import PurgeRun
    from retention.purge import purge_preview, purge_run_create
    from retention.tasks import purge_run_enqueue
    from tests.factories import ServiceFactory, make_user
    from tests.retention.helpers import make_closed_case, make_expired_case, years_ago

    service = ServiceFactory(name="Worker SENDIASS", code="worker")
    staff = make_user(service, "staff", "w.staff")
    admin = make_user(service, "admin", "w.admin")
    due = [make_expired_case(service, staff) for _ in range(2)]
    kept = make_closed_case(service, staff, closed_on=years_ago(2))
    preview = purge_preview(service=service)
    run = purge_run_create(
        case_ids=preview.due_ids,
        by=admin,
        method=PurgeRun.Method.SCREEN,
        service=service,
        status=PurgeRun.Status.QUEUED,
    )
    purge_run_enqueue(run)
    _write(
        workdir,
        "prepare",
        {"run": run.pk, "due": [case.pk for case in due], "kept": kept.pk},
    )


def read(workdir: Path) -> None:
    from django_tasks_db.models import DBTaskResult

    from cases.models import Case
    from pps.models import WorkerHeartbeat
    from retention.models import PurgeRun

    run = PurgeRun.objects.get()
    _write(
        workdir,
        "read",
        {
            "status": run.status,
            "selected": run.selected,
            "purged": run.purged,
            "cases": sorted(Case.objects.values_list("pk", flat=True)),
            "tasks": list(DBTaskResult.objects.values_list("status", flat=True)),
            "heartbeats": WorkerHeartbeat.objects.count(),
        },
    )


if __name__ == "__main__":
    step, workdir = sys.argv[1], Path(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pps.settings")
    django.setup()
    {"prepare": prepare, "read": read}[step](workdir)
