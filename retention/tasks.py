"""The administration screen's purge as a background task (OPS-2, RET-3).

The screen records a ``PurgeRun`` (status "queued", the case ids the
administrator confirmed) and enqueues ``purge_run_task``; a worker
(``manage.py db_worker``) claims the run and works through it chunk by chunk
(``retention.purge.purge_run_process``), and the run's page shows its progress.

- One purge of a service at a time: a task claims its run under a lock on the
  service's row and is refused while another run of that service is running and
  has moved within ``RUN_STALE_AFTER``. Correctness does not rest on this: each
  chunk locks its cases and checks them again, so two purges can never destroy
  the same case twice or half.
- A worker killed mid-purge leaves every case whole or gone (one transaction per
  chunk). The run stops moving; after ``RUN_STALE_AFTER`` an administrator can
  restart it from its page, which queues the run again from its last committed
  chunk (a run that finished with failures: from the start of its selection,
  where the cases already gone are not found again; the counts come from the
  destruction log). A task of an older attempt finds the attempt changed and
  stops, so a late-starting old task cannot run alongside the restart.
"""

import datetime
import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from pps.models import Service, User
from pps.roles import Role
from retention.models import PurgeRun
from retention.purge import PurgeRefused, purge_run_process

logger = logging.getLogger(__name__)

# A running purge that has not moved for this long is taken to be dead. Long
# enough for the space reclaiming at the end (a rewrite of the touched tables).
RUN_STALE_AFTER = datetime.timedelta(minutes=10)
ACTIVE = (PurgeRun.Status.QUEUED, PurgeRun.Status.RUNNING)


class PurgeTaskStopped(Exception):
    """The purge task stopped on an error; the run's page says so (no detail here)."""


def run_is_stale(run: PurgeRun, now: datetime.datetime | None = None) -> bool:
    return run.updated_at < (now or timezone.now()) - RUN_STALE_AFTER


def services_purging_now() -> dict[int, int]:
    """The services with a screen purge under way and still moving: {service id: run id}.

    The daily command leaves their due cases to its next run rather than
    working through them beside the screen's run (which the per-chunk locks
    would make safe, but slow and confusing in both runs' counts).
    """
    running = PurgeRun.objects.filter(
        status=PurgeRun.Status.RUNNING,
        service__isnull=False,
        updated_at__gte=timezone.now() - RUN_STALE_AFTER,
    )
    return dict(running.values_list("service_id", "pk"))


def run_can_restart(run: PurgeRun) -> bool:
    """Finished with failures, refused, or queued/running but no longer moving."""
    if len(run.case_ids) != run.selected:
        return False  # a run from before the purge became a task: nothing to restart from
    if run.status in (PurgeRun.Status.FAILED, PurgeRun.Status.REFUSED):
        return True
    return run.status in ACTIVE and run_is_stale(run)


@transaction.atomic
def purge_run_claim(*, run_id: int, attempt: int) -> PurgeRun | None:
    """Mark the run as running for this task, or return None if it must not run."""
    run = PurgeRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None or run.attempt != attempt or run.status != PurgeRun.Status.QUEUED:
        return None
    if run.service_id is not None:
        # Serialises the claims of one service's runs (PostgreSQL row lock; SQLite's
        # IMMEDIATE transactions already take the write lock).
        Service.objects.select_for_update().filter(pk=run.service_id).first()
    others = PurgeRun.objects.filter(
        service_id=run.service_id,
        status=PurgeRun.Status.RUNNING,
        updated_at__gte=timezone.now() - RUN_STALE_AFTER,
    ).exclude(pk=run.pk)
    if others.exists():
        run.status = PurgeRun.Status.REFUSED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at", "updated_at"])
        logger.warning("Purge run %s refused: another purge of its service is running.", run.pk)
        return None
    run.status = PurgeRun.Status.RUNNING
    run.save(update_fields=["status", "updated_at"])
    return run


@task
def purge_run_task(run_id: int, attempt: int) -> dict:
    run = purge_run_claim(run_id=run_id, attempt=attempt)
    if run is None:
        return {"run": run_id, "started": False}
    try:
        run = purge_run_process(run)
    except Exception as error:  # noqa: BLE001 - re-raised, without its message
        # Only the kind of error: a database message can quote values, and the
        # task's traceback is stored in the database.
        logger.error("Purge run %s stopped (%s).", run_id, type(error).__name__)
        raise PurgeTaskStopped(f"purge run {run_id} stopped") from None
    return {"run": run.pk, "started": True, "purged": run.purged, "failed": run.failed}


def purge_run_enqueue(run: PurgeRun) -> None:
    """Queue the run's task (outside any transaction of the caller's that could roll back)."""
    purge_run_task.enqueue(run.pk, run.attempt)


def _check_admin(run: PurgeRun, by: User) -> None:
    if by.role != Role.ADMIN or run.service_id is None or by.service_id != run.service_id:
        raise PurgeRefused("Only an administrator of this service can restart its purge.")


@transaction.atomic
def purge_run_restart(*, run: PurgeRun, by: User) -> PurgeRun:
    """Queue a stopped run again over its original selection; enqueue it afterwards."""
    _check_admin(run, by)
    run = PurgeRun.objects.select_for_update().get(pk=run.pk)
    if not run_can_restart(run):
        raise PurgeRefused("This purge is still running or has finished; it cannot be restarted.")
    if run.status == PurgeRun.Status.FAILED:
        # Its failed cases are unchanged: go through the selection again (the
        # cases already destroyed are no longer found; the log counts them).
        run.position = run.failed = 0
    # Otherwise it resumes from its last committed chunk.
    run.attempt += 1
    run.status = PurgeRun.Status.QUEUED
    run.finished_at = None
    run.save(update_fields=["attempt", "status", "position", "failed", "finished_at", "updated_at"])
    logger.info("Purge run %s restarted (attempt %s).", run.pk, run.attempt)
    return run
