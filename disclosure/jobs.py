"""Large third-party releases as background tasks (OPS-2, DIS-5, CON-6).

A pack of fewer than ``TASK_FROM_ITEMS`` items is released inside the request,
as before. From that size the release button records a ``ReleaseJob`` (the
chosen item keys, the request's version) and enqueues ``release_job_task``; the
worker claims the job and runs ``disclosure_release`` itself, so everything
the release does happens in the worker's one transaction: the consent check
(``sharing_record`` checks consent *now*, when the pack is rendered, so a
withdrawal while the job waited refuses it), the pack rendered and stored
encrypted under the case's key on the ``DisclosureRelease``, the parents'
copies, the state change. The download (``views.pack_download``) checks
consent once more, as it always has.

Why 100 items. Rendering grows with the items (measured with the test
factories on this 2-core machine while a CI run used it, load about 4: 10 items
1.5 s, 50 items 5.1 s, 100 items 8.6 s, 200 items 10.8 s, 400 items 21.9 s;
the benchmark's 50-item pack on the idle machine takes 0.57-0.80 s,
docs/performance.md). A pack of 100 items is past a second idle and close to
ten seconds busy, and the request also sends the parents' copies; beyond it a
proxy's or gunicorn's 30-second timeout is within reach (400 items: 21.9 s).

The job's attempt is fixed when it is queued: a task of another attempt, or one
that finds the job no longer queued, does nothing, so a pack is released once.
"""

import datetime
import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from disclosure.models import DisclosureRequest, ReleaseJob
from pps.locking import ConflictError
from pps.models import User
from pps.rules import RuleError

logger = logging.getLogger(__name__)

TASK_FROM_ITEMS = 100
ACTIVE = (ReleaseJob.Status.QUEUED, ReleaseJob.Status.RUNNING)
# A job that has not moved for this long is taken to be dead (no worker, or one
# killed mid-release: its one transaction leaves nothing released), so the
# release button makes a new one; if the old one ever runs, the request's
# version has moved on and it is refused.
JOB_STALE_AFTER = datetime.timedelta(minutes=10)


class ReleaseTaskStopped(Exception):
    """The release task stopped on an error; the job's page says so (no detail here)."""


def release_runs_as_task(items: list[str] | None) -> bool:
    return len(items or []) >= TASK_FROM_ITEMS


def job_is_live(job: ReleaseJob) -> bool:
    return job.status in ACTIVE and job.updated_at >= timezone.now() - JOB_STALE_AFTER


def active_release_job(disclosure: DisclosureRequest) -> ReleaseJob | None:
    return disclosure.release_jobs.filter(
        status__in=ACTIVE, updated_at__gte=timezone.now() - JOB_STALE_AFTER
    ).first()


@transaction.atomic
def release_job_create(
    *, disclosure: DisclosureRequest, items: list[str], expected_version: int, by: User
) -> ReleaseJob:
    return ReleaseJob.objects.create(
        request=disclosure,
        case=disclosure.case,
        requested_by=by,
        items=list(items),
        expected_version=expected_version,
    )


def release_job_enqueue(job: ReleaseJob) -> None:
    """Queue the job's task (after the job's row is committed: the worker must find it)."""
    release_job_task.enqueue(job.pk, job.attempt)


def _move(job: ReleaseJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def release_job_claim(*, job_id: int, attempt: int) -> ReleaseJob | None:
    job = ReleaseJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.attempt != attempt or job.status != ReleaseJob.Status.QUEUED:
        return None
    _move(job, status=ReleaseJob.Status.RUNNING)
    return job


def release_job_process(job: ReleaseJob) -> ReleaseJob:
    from disclosure.services import disclosure_release

    try:
        disclosure_release(
            disclosure=job.request,
            by=job.requested_by,
            expected_version=job.expected_version,
            items=job.items,
        )
    except (RuleError, ConflictError) as refused:
        # Consent withdrawn meanwhile, the request changed, the approver
        # replaced: nothing was released (one transaction). The reason is
        # safe to show staff and is kept encrypted under the case's key.
        _move(
            job, status=ReleaseJob.Status.REFUSED, reason=str(refused), finished_at=timezone.now()
        )
        return job
    _move(job, status=ReleaseJob.Status.RELEASED, finished_at=timezone.now())
    return job


@task
def release_job_task(job_id: int, attempt: int) -> dict:
    job = release_job_claim(job_id=job_id, attempt=attempt)
    if job is None:
        return {"job": job_id, "started": False}
    try:
        job = release_job_process(job)
    except Exception as error:  # noqa: BLE001 - re-raised, without its message
        logger.error("Release job %s stopped (%s).", job_id, type(error).__name__)
        _move(job, status=ReleaseJob.Status.FAILED, finished_at=timezone.now())
        raise ReleaseTaskStopped(f"release job {job_id} stopped") from None
    return {"job": job_id, "started": True, "status": job.status}
