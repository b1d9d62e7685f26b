"""The statistics page and its exports (STA-1, STA-2): one period, or the last eight over time.

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
from cases.statistics.forms import SINGLE, TREND, ExportForm, PeriodForm, TrendForm
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
from cases.statistics.report import build_report, last_complete
from cases.statistics.trend import QUARTERS, TREND_LENGTH, build_trend
from cases.statistics.trend_export import trend_chart, trend_csv, trend_pdf
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
    # The last complete quarter: what the Local Authority usually asks for.
    last_quarter = last_complete(timezone.localdate(), quarters=True)
    over_time = request.GET.get("view", SINGLE) != SINGLE
    trend_form = TrendForm(request.GET if over_time else None)
    if over_time:
        # Statistics over time (``?view=trend&kind=months``); the period form stays as it was.
        form = PeriodForm(initial={"period": last_quarter.code})
    elif "period" not in request.GET:
        form = PeriodForm({"period": last_quarter.code})
    else:
        form = PeriodForm(request.GET)
    threshold = suppression_threshold_for(service)
    report = trend = None
    if trend_form.is_bound:
        if trend_form.is_valid():
            end = last_complete(
                timezone.localdate(), quarters=trend_form.cleaned_data["kind"] == QUARTERS
            )
            trend = build_trend(service=service, end=end, threshold=threshold)
    elif form.is_valid():
        report = build_report(
            service=service, period=form.cleaned_data["period"], threshold=threshold
        )
    exports, jobs = [], []
    if request.user.role == Role.COORDINATOR:
        exports = StatisticsExport.objects.filter(service=service).select_related("exported_by")
        jobs = _own_jobs(request)[:RECENT_EXPORTS]
    shown = report or trend
    return render(
        request,
        "statistics/statistics.html",
        {
            "form": form,
            "trend_form": trend_form,
            "error_form": trend_form if trend_form.is_bound else form,
            "report": report,
            "tables": [(table, bar_chart(table)) for table in report.tables] if report else [],
            "trend": trend,
            "trend_tables": [(table, trend_chart(table)) for table in trend.tables]
            if trend
            else [],
            "legend": legend(shown.threshold) if shown else [],
            "exports": exports[:RECENT_EXPORTS],
            "jobs": jobs,
            "export_buttons": EXPORT_BUTTONS,
        },
        status=200 if shown else 400,
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
    fmt, period = form.cleaned_data["format"], form.cleaned_data["period"]
    is_trend = form.cleaned_data["view"] == TREND
    if export_runs_as_task(service):
        # A large service's export outlasts a request's budget: the worker
        # builds it (OPS-2) and the job's page follows it.
        job = statistics_export_job_create(
            service=service,
            period=period,
            fmt=fmt,
            by=request.user,
            periods=TREND_LENGTH if is_trend else 1,
        )
        statistics_export_enqueue(job)
        return redirect("statistics:job", job.pk)
    threshold = suppression_threshold_for(service)
    if is_trend:
        report = build_trend(service=service, end=period, threshold=threshold)
        content = trend_csv(report) if fmt == "csv" else trend_pdf(report)
    else:
        report = build_report(service=service, period=period, threshold=threshold)
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
        bytes(job.content),
        period_filename(job.service, job.period, job.format, periods=job.periods),
        job.format,
    )
