"""The statistics page and its exports (STA-1, STA-2).

Staff and coordinators may look at the suppressed tables: they are aggregate
counts, not case content, and staff can see every case behind them anyway.
Only coordinators export them, because an export is what goes to the Local
Authority and is logged. Volunteers and administrators get neither: volunteers
export nothing (ACC-5) and administrators run the system, not the service.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.statistics.export import (
    bar_chart,
    export_filename,
    legend,
    period_filename,
    report_csv,
    report_pdf,
    statistics_export_record,
)
from cases.statistics.forms import ExportForm, PeriodForm
from cases.statistics.jobs import (
    export_runs_as_task,
    job_is_live,
    statistics_export_enqueue,
    statistics_export_job_create,
    statistics_export_job_record,
)
from cases.statistics.models import (
    StatisticsExport,
    StatisticsExportJob,
    suppression_threshold_for,
)
from cases.statistics.report import build_report, recent_periods
from pps.decorators import no_volunteer_export, role_required
from pps.pdf import pdf_response
from pps.roles import Role

STATISTICS_READERS = (Role.STAFF, Role.COORDINATOR)
RECENT_EXPORTS = 10
EXPORT_BUTTONS = [
    ("csv", "Download CSV", ""),
    ("pdf", "Download PDF", " govuk-button--secondary"),
]


def _own_service(user):
    # Statistics are always one service's own; an account without one sees none.
    if user.service is None:
        raise PermissionDenied
    return user.service


@require_GET
@role_required(*STATISTICS_READERS)
def statistics_page(request):
    service = _own_service(request.user)
    if "period" not in request.GET:
        # The last complete quarter: what the Local Authority usually asks for.
        last_quarter = recent_periods(timezone.localdate(), quarters=2, months=0)[1]
        form = PeriodForm({"period": last_quarter.code})
    else:
        form = PeriodForm(request.GET)
    report = None
    if form.is_valid():
        report = build_report(
            service=service,
            period=form.cleaned_data["period"],
            threshold=suppression_threshold_for(service),
        )
    exports, jobs = [], []
    if request.user.role == Role.COORDINATOR:
        exports = StatisticsExport.objects.filter(service=service).select_related("exported_by")
        jobs = _own_jobs(request)[:RECENT_EXPORTS]
    return render(
        request,
        "statistics/statistics.html",
        {
            "form": form,
            "report": report,
            "tables": [(table, bar_chart(table)) for table in report.tables] if report else [],
            "legend": legend(report.threshold) if report else [],
            "exports": exports[:RECENT_EXPORTS],
            "jobs": jobs,
            "export_buttons": EXPORT_BUTTONS,
        },
        status=200 if report else 400,
    )


@require_POST
@role_required(Role.COORDINATOR)
@no_volunteer_export
def statistics_export(request):
    service = _own_service(request.user)
    form = ExportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("statistics:page")
    fmt = form.cleaned_data["format"]
    if export_runs_as_task(service):
        # A large service's export outlasts a request's budget: the worker
        # builds it (OPS-2) and the job's page follows it.
        job = statistics_export_job_create(
            service=service, period=form.cleaned_data["period"], fmt=fmt, by=request.user
        )
        statistics_export_enqueue(job)
        return redirect("statistics:job", job.pk)
    report = build_report(
        service=service,
        period=form.cleaned_data["period"],
        threshold=suppression_threshold_for(service),
    )
    content = report_csv(report) if fmt == "csv" else report_pdf(report)
    statistics_export_record(
        service=service, report=report, fmt=fmt, via=StatisticsExport.Via.WEB, by=request.user
    )
    return _file_response(content, export_filename(service, report, fmt), fmt)


def _file_response(content: bytes, filename: str, fmt: str):
    if fmt == "pdf":
        return pdf_response(content, filename)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


def _own_jobs(request):
    # A prepared export is the asker's: nobody else, not even a colleague of
    # the same service, is shown or given it (each download is logged as theirs).
    return StatisticsExportJob.objects.filter(
        service=_own_service(request.user), requested_by=request.user
    ).defer("content")


def _own_job(request, job_id: int, **extra) -> StatisticsExportJob:
    return get_object_or_404(
        StatisticsExportJob,
        pk=job_id,
        service=_own_service(request.user),
        requested_by=request.user,
        **extra,
    )


@require_GET
@role_required(Role.COORDINATOR)
@no_volunteer_export
def statistics_job(request, job_id: int):
    """An export's progress while the worker has it (htmx polls this page), then its link."""
    job = _own_job(request, job_id)
    return render(
        request,
        "statistics/job.html",
        {
            "job": job,
            "active": job_is_live(job),
        },
    )


@require_GET
@role_required(Role.COORDINATOR)
@no_volunteer_export
def statistics_job_download(request, job_id: int):
    job = _own_job(request, job_id, status=StatisticsExportJob.Status.FINISHED)
    statistics_export_job_record(job=job, by=request.user)
    return _file_response(
        bytes(job.content), period_filename(job.service, job.period, job.format), job.format
    )
