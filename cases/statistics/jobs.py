"""Large statistics exports as background tasks (OPS-2, STA-2).

A small service's export is built inside the request, as before. Above
``TASK_FROM_CASES`` cases the request records a ``StatisticsExportJob`` and
enqueues ``statistics_export_task``; a worker (``manage.py db_worker``) claims
the job, counts the figures, writes the CSV or PDF and keeps it on the job, and
the job's page follows it (the pattern of ``retention.tasks``).

Why 20,000 cases (measured with ``benchmarks/statistics_report.py``, SQLite,
this 2-core machine; docs/architecture.md "Background jobs"). The report
reads every contact and child of the period, so it grows with the service:
155 ms for a quarter at 10,000 cases (80,000 contacts) and 1,360 ms at
100,000 (docs/performance.md). The CSV is written in under 2 ms; the PDF
takes a fixed ~0.75 s whatever the size (one row per topic, not per case). A
PDF export is thus ~0.9 s at 10,000 cases and passes a second at about 20,000;
with the machine busy (load 4 on 2 cores) a 40,000-case PDF export took
2.4-3.5 s (report 1.1-1.6 s) and one 10,000-case run 11.6 s. Above the threshold the request only records the job. The count comes
from ``CaseCount`` (kept by triggers), so deciding costs one indexed read.

A job's attempt is fixed when it is queued: a task of another attempt, or one
that finds the job no longer queued, does nothing, so a job is built once.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Sum
from django.tasks import task
from django.utils import timezone

from cases.models import CaseCount
from cases.statistics.export import report_csv, report_pdf
from cases.statistics.models import (
    StatisticsExport,
    StatisticsExportJob,
    suppression_threshold_for,
)
from cases.statistics.report import Period, build_report
from cases.statistics.trend import build_trend
from cases.statistics.trend_export import trend_csv, trend_pdf
from pps.models import Service, User

logger = logging.getLogger(__name__)

TASK_FROM_CASES = 20_000
Job = StatisticsExportJob
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
# A job that has not moved for this long is taken to be dead (no worker, or one
# killed mid-way): its page stops polling and says to ask again.
JOB_STALE_AFTER = datetime.timedelta(minutes=10)


def job_is_live(job: StatisticsExportJob) -> bool:
    return job.status in ACTIVE and job.updated_at >= timezone.now() - JOB_STALE_AFTER


class StatisticsTaskStopped(Exception):
    """The export task stopped on an error; the job's page says so (no detail here)."""


def export_runs_as_task(service: Service) -> bool:
    cases = CaseCount.objects.filter(service=service).aggregate(n=Sum("total", default=0))["n"]
    return cases >= TASK_FROM_CASES


@transaction.atomic
def statistics_export_job_create(
    *, service: Service, period: Period, fmt: str, by: User, periods: int = 1
) -> StatisticsExportJob:
    """A job for a period's report, or (``periods`` > 1) for the trend ending with it."""
    return Job.objects.create(
        service=service, requested_by=by, period=period.code, periods=periods, format=fmt
    )


@transaction.atomic
def statistics_export_job_record(*, job: StatisticsExportJob, by: User) -> StatisticsExport:
    """Log a download of a prepared export as the export it is (STA-2), by the asker only."""
    if job.status != Job.Status.FINISHED or job.requested_by_id != by.pk:
        raise ValueError("Only the coordinator who asked may download a prepared export.")
    return StatisticsExport.objects.create(
        service=job.service,
        period=job.period,
        periods=job.periods,
        format=job.format,
        threshold=job.threshold,
        via=StatisticsExport.Via.WEB,
        exported_by=by,
    )


def statistics_export_enqueue(job: StatisticsExportJob) -> None:
    """Queue the job's task (after the job's row is committed: the worker must find it)."""
    statistics_export_task.enqueue(job.pk, job.attempt)


def _move(job: StatisticsExportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def statistics_export_claim(*, job_id: int, attempt: int) -> StatisticsExportJob | None:
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.attempt != attempt or job.status != Job.Status.QUEUED:
        return None
    _move(job, status=Job.Status.RUNNING, step=Job.Step.COUNTING)
    return job


def statistics_export_build(job: StatisticsExportJob) -> StatisticsExportJob:
    """Count, write and keep the file; each step is committed so the page can show it."""
    threshold = suppression_threshold_for(job.service)
    period = Period.parse(job.period)
    if job.periods > 1:
        trend = build_trend(
            service=job.service, end=period, threshold=threshold, length=job.periods
        )
        _move(job, step=Job.Step.WRITING, threshold=threshold)
        content = trend_csv(trend) if job.format == "csv" else trend_pdf(trend)
    else:
        report = build_report(service=job.service, period=period, threshold=threshold)
        _move(job, step=Job.Step.WRITING, threshold=threshold)
        content = report_csv(report) if job.format == "csv" else report_pdf(report)
    _move(
        job,
        content=content,
        status=Job.Status.FINISHED,
        step=Job.Step.DONE,
        finished_at=timezone.now(),
    )
    return job


@task
def statistics_export_task(job_id: int, attempt: int) -> dict:
    job = statistics_export_claim(job_id=job_id, attempt=attempt)
    if job is None:
        return {"job": job_id, "started": False}
    try:
        statistics_export_build(job)
    except Exception as error:  # noqa: BLE001 - re-raised, without its message
        logger.error("Statistics export job %s stopped (%s).", job_id, type(error).__name__)
        _move(job, status=Job.Status.FAILED, finished_at=timezone.now())
        raise StatisticsTaskStopped(f"statistics export job {job_id} stopped") from None
    return {"job": job_id, "started": True}
