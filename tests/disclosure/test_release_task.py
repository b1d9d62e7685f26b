"""Large third-party releases as background tasks (OPS-2, DIS-5, CON-6, CON-7)."""

import pytest
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from consent.models import SharingEvent
from consent.services import consent_withdraw
from disclosure import jobs
from disclosure.models import DisclosureRequest, ReleaseJob, State
from tests.consent.helpers import record
from tests.disclosure.helpers import answer, approve, log_request, notify
from tests.retention.test_purge_task import DATABASE_BACKEND, run_worker_here
from tests.two_factor import with_sudo


def url(name, request):
    return reverse(f"disclosure:{name}", args=[request.case_id, request.pk])


@pytest.fixture
def approved(case, staff, coordinator):
    record(case, staff, "full")
    request = log_request(case, staff)
    notify(request, staff)
    answer(request, staff)
    approve(request, coordinator)
    request.refresh_from_db()
    return request


@pytest.fixture
def large(monkeypatch):
    """A one-item pack counts as large."""
    monkeypatch.setattr(jobs, "TASK_FROM_ITEMS", 1)


def release(client, request):
    return client.post(
        url("release_save", request), {"version": request.version, "items": ["summary:0"]}
    )


def test_ops2_dis5_a_large_pack_is_released_by_the_worker_and_its_page_follows_it(
    large, approved, coordinator, client_for, settings
):
    settings.TASKS = DATABASE_BACKEND
    client = with_sudo(client_for(coordinator))

    response = release(client, approved)

    job = ReleaseJob.objects.get()
    page_url = reverse("disclosure:release_job", args=[approved.case_id, approved.pk, job.pk])
    assert response.status_code == 302 and response["Location"] == page_url
    assert (job.status, job.items, job.requested_by) == ("queued", ["summary:0"], coordinator)
    assert job.data_key_id == approved.case.data_key_id
    # Nothing released inside the request.
    approved.refresh_from_db()
    assert approved.state == State.APPROVED and not hasattr(approved, "release")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "disclosure.jobs.release_job_task"
    assert queued.args_kwargs["args"] == [job.pk, 0]
    page = client.get(page_url).content.decode()
    assert '<div id="job-announce" aria-live="polite">' in page
    assert "Waiting for the background worker" in page
    assert 'data-hx-trigger="every 3s"' in page and f'href="{page_url}">Refresh</a>' in page
    # A second click while it waits finds the same job.
    assert release(client, approved)["Location"] == page_url
    assert ReleaseJob.objects.count() == 1

    run_worker_here()

    job.refresh_from_db()
    assert job.status == "released"
    released = DisclosureRequest.objects.get(pk=approved.pk)
    assert released.state == State.RELEASED
    assert released.release.pdf.startswith(b"%PDF")
    assert SharingEvent.objects.filter(kind="disclosure").count() == 1
    page = client.get(page_url).content.decode()
    assert "Released" in page and "data-hx-trigger" not in page
    download = client.get(url("pack_download", approved))
    assert download.content == released.release.pdf


def test_ops2_con7_consent_withdrawn_while_queued_refuses_the_release_in_the_worker(
    large, approved, staff, coordinator, client_for, settings
):
    settings.TASKS = DATABASE_BACKEND
    client = with_sudo(client_for(coordinator))
    release(client, approved)
    consent_withdraw(case=approved.case, by=staff, obtained_how="telephone", limits_explained=True)

    run_worker_here()

    job = ReleaseJob.objects.get()
    assert job.status == "refused" and "withdrew consent" in job.reason
    # The reason is case data: encrypted under the case's key at rest.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reason FROM {ReleaseJob._meta.db_table} WHERE id = %s", [job.pk])
        stored = bytes(cursor.fetchone()[0])
    assert b"withdrew" not in stored and job.data_key_id == approved.case.data_key_id
    approved.refresh_from_db()
    assert approved.state == State.APPROVED and not hasattr(approved, "release")
    assert not SharingEvent.objects.filter(kind="disclosure").exists()
    page = client.get(
        reverse("disclosure:release_job", args=[approved.case_id, approved.pk, job.pk])
    ).content.decode()
    assert "Nothing was released." in page and "withdrew consent" in page


def test_ops2_con7_a_pack_released_by_the_worker_is_not_downloaded_after_a_withdrawal(
    large, approved, staff, coordinator, client_for
):
    client = with_sudo(client_for(coordinator))
    release(client, approved)
    assert ReleaseJob.objects.get().status == "released"
    consent_withdraw(case=approved.case, by=staff, obtained_how="telephone", limits_explained=True)
    download = client.get(url("pack_download", approved))
    assert download.status_code == 302  # back to the request, with the reason


def test_ops2_a_small_pack_is_still_released_inside_the_request(
    monkeypatch, approved, coordinator, client_for
):
    monkeypatch.setattr(jobs, "TASK_FROM_ITEMS", 2)
    client = with_sudo(client_for(coordinator))
    response = release(client, approved)
    assert response["Location"] == url("detail", approved)
    assert not ReleaseJob.objects.exists()
    assert DisclosureRequest.objects.get(pk=approved.pk).state == State.RELEASED


def test_ops2_another_service_never_sees_a_release_job(
    large, approved, coordinator, other_service_staff, client_for
):
    release(with_sudo(client_for(coordinator)), approved)
    job = ReleaseJob.objects.get()
    response = client_for(other_service_staff).get(
        reverse("disclosure:release_job", args=[approved.case_id, approved.pk, job.pk])
    )
    assert response.status_code == 404


def test_ops2_a_stale_release_job_does_not_block_releasing_again(
    large, approved, coordinator, client_for, settings
):
    """A worker that never came (or died mid-release) left nothing released."""
    import datetime

    from django.utils import timezone

    settings.TASKS = DATABASE_BACKEND
    client = with_sudo(client_for(coordinator))
    first = release(client, approved)["Location"]
    old = timezone.now() - jobs.JOB_STALE_AFTER - datetime.timedelta(minutes=1)
    ReleaseJob.objects.update(updated_at=old)
    page = client.get(first).content.decode()
    assert "may have stopped" in page and "data-hx-trigger" not in page

    second = release(client, approved)["Location"]

    assert second != first and ReleaseJob.objects.count() == 2
    run_worker_here()
    statuses = dict(ReleaseJob.objects.values_list("pk", "status"))
    # Exactly one release; the older job finds the request moved on.
    assert sorted(statuses.values()) == ["refused", "released"]
    assert DisclosureRequest.objects.get(pk=approved.pk).state == State.RELEASED
