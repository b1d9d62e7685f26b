"""Large statistics exports as background tasks (OPS-2, STA-2, ACC-5)."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cases.statistics import jobs
from cases.statistics.export import report_csv
from cases.statistics.models import StatisticsExport, StatisticsExportJob
from cases.statistics.report import Period, build_report
from tests.factories import make_case, make_user
from tests.retention.test_purge_task import DATABASE_BACKEND, run_worker_here

PERIOD = "2025-Q3"


def ask(client, fmt="csv"):
    return client.post(reverse("statistics:export"), {"period": PERIOD, "format": fmt})


@pytest.fixture
def large(monkeypatch, service, staff):
    """The service counts as large: one case and a threshold of one."""
    monkeypatch.setattr(jobs, "TASK_FROM_CASES", 1)
    make_case(service, staff)


def test_ops2_sta2_a_large_services_export_is_queued_and_its_page_follows_the_worker(
    large, service, coordinator, client_for, settings
):
    settings.TASKS = DATABASE_BACKEND
    client = client_for(coordinator)

    response = ask(client)

    job = StatisticsExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/statistics/exports/{job.pk}/"
    assert (job.status, job.requested_by, job.period, job.format) == (
        "queued",
        coordinator,
        PERIOD,
        "csv",
    )
    assert StatisticsExport.objects.count() == 0  # nothing has left the service yet
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "cases.statistics.jobs.statistics_export_task"
    assert queued.args_kwargs["args"] == [job.pk, 0]

    page = client.get(response["Location"]).content.decode()
    assert '<div id="job-announce" aria-live="polite">' in page
    assert "Step 0 of 3: waiting for the background worker" in page
    assert 'data-hx-trigger="every 3s"' in page and "vendor/htmx.min.js" in page
    # Without JavaScript: a plain link that reloads the page.
    assert f'href="/statistics/exports/{job.pk}/">Refresh</a>' in page
    assert "/download/" not in page
    # The statistics page lists the coordinator's job.
    listed = client.get(reverse("statistics:page"), {"period": PERIOD}).content.decode()
    assert f'href="/statistics/exports/{job.pk}/"' in listed

    run_worker_here()

    job.refresh_from_db()
    assert (job.status, job.step, job.threshold) == ("finished", 3, 5)
    page = client.get(response["Location"]).content.decode()
    assert "Step 3 of 3: ready to download" in page
    assert "data-hx-trigger" not in page and ">Refresh</a>" not in page

    download = client.get(f"/statistics/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="statistics-north-2025-Q3.csv"'
    assert download["Cache-Control"] == "no-store, private"
    expected = build_report(service=service, period=Period.parse(PERIOD), threshold=5)
    assert download.content == report_csv(expected)
    # Each download is logged like the synchronous export (STA-2).
    logged = StatisticsExport.objects.get()
    assert (logged.period, logged.format, logged.exported_by, logged.via, logged.threshold) == (
        PERIOD,
        "csv",
        coordinator,
        "web",
        5,
    )


def test_ops2_sta2_the_pdf_is_built_by_the_task_too(large, coordinator, client_for):
    client = client_for(coordinator)
    response = ask(client, "pdf")
    job = StatisticsExportJob.objects.get()
    assert job.status == "finished" and bytes(job.content).startswith(b"%PDF")
    download = client.get(f"{response['Location']}download/")
    assert download["Content-Type"] == "application/pdf"


def test_ops2_a_small_services_export_stays_in_the_request(
    monkeypatch, service, staff, coordinator, client_for
):
    monkeypatch.setattr(jobs, "TASK_FROM_CASES", 2)
    make_case(service, staff)
    client = client_for(coordinator)
    assert ask(client).status_code == 200  # one case: below the threshold
    assert StatisticsExportJob.objects.count() == 0
    make_case(service, staff)
    assert ask(client).status_code == 302  # two: the worker builds it
    assert StatisticsExportJob.objects.count() == 1


def test_ops2_acc5_only_the_coordinator_who_asked_sees_or_downloads_a_prepared_export(
    large, service, other_service, coordinator, staff, volunteer, client_for
):
    ask(client_for(coordinator))
    job = StatisticsExportJob.objects.get(status="finished")
    page, download = f"/statistics/exports/{job.pk}/", f"/statistics/exports/{job.pk}/download/"
    colleague = make_user(service, "coordinator", "coordinator2")
    elsewhere = make_user(other_service, "coordinator", "south-coordinator")
    for user in (colleague, elsewhere):
        client = client_for(user)
        assert client.get(page).status_code == 404
        assert client.get(download).status_code == 404
        listed = client.get(reverse("statistics:page"), {"period": PERIOD}).content.decode()
        assert page not in listed
    for user in (staff, volunteer):
        assert client_for(user).get(download).status_code == 403
    assert StatisticsExport.objects.count() == 0


def test_ops2_an_unfinished_or_failed_export_cannot_be_downloaded(
    large, coordinator, client_for, monkeypatch, settings
):
    settings.TASKS = DATABASE_BACKEND
    client = client_for(coordinator)
    ask(client)
    job = StatisticsExportJob.objects.get()
    assert client.get(f"/statistics/exports/{job.pk}/download/").status_code == 404

    def broken(report):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "report_csv", broken)
    run_worker_here()

    job.refresh_from_db()
    assert (job.status, bytes(job.content)) == ("failed", b"")
    task_result = DBTaskResult.objects.get()
    assert task_result.status == "FAILED"
    assert "disk full" not in str(task_result.exception_class_path) + str(task_result.traceback)
    page = client.get(f"/statistics/exports/{job.pk}/").content.decode()
    assert "could not be prepared" in page and "data-hx-trigger" not in page
    assert client.get(f"/statistics/exports/{job.pk}/download/").status_code == 404
    assert StatisticsExport.objects.count() == 0


def test_ops2_a_task_of_another_attempt_or_a_finished_job_does_nothing(large, service, coordinator):
    job = StatisticsExportJob.objects.create(
        service=service, requested_by=coordinator, period=PERIOD, format="csv"
    )
    assert jobs.statistics_export_claim(job_id=job.pk, attempt=1) is None
    jobs.statistics_export_task.enqueue(job.pk, 0)
    job.refresh_from_db()
    finished_at = job.finished_at
    assert job.status == "finished"
    jobs.statistics_export_task.enqueue(job.pk, 0)  # again: not built twice
    job.refresh_from_db()
    assert job.finished_at == finished_at


def test_ops2_a_stale_export_job_stops_polling_and_says_to_ask_again(
    large, service, coordinator, client_for, settings
):
    import datetime

    from django.utils import timezone

    settings.TASKS = DATABASE_BACKEND
    client = client_for(coordinator)
    page_url = ask(client)["Location"]
    assert 'data-hx-trigger="every 3s"' in client.get(page_url).content.decode()
    old = timezone.now() - jobs.JOB_STALE_AFTER - datetime.timedelta(minutes=1)
    StatisticsExportJob.objects.update(updated_at=old)
    page = client.get(page_url).content.decode()
    assert "may have stopped" in page and "data-hx-trigger" not in page
