"""The administration screen's purge as a background task (OPS-2, RET-3, RET-5)."""

import datetime
import io
import json
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from cases.models import Case, Parent
from retention import erase, purge
from retention.models import PurgeRun
from retention.purge import purge_run_create
from retention.tasks import RUN_STALE_AFTER, purge_run_task
from tests.factories import make_user
from tests.retention.helpers import case_footprint, make_expired_case
from tests.retention.test_no_trace import PostgresScratch, SQLiteFiles
from tests.security.conftest import confirm_identity

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker_here() -> None:
    """django-tasks-db's worker loop, in this process, until the queue is empty.

    Its check for stale connections would close the test's own connection (which
    is inside the test's transaction) on PostgreSQL, so it is left out here.
    """
    with mock.patch(f"{Worker.__module__}.close_old_connections", lambda: None):
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()


def confirm_purge(client, cases):
    return client.post(
        "/retention/purge/confirm/",
        {"case_ids": ",".join(str(case.pk) for case in cases), "confirm": "on"},
    )


def age(run: PurgeRun) -> None:
    """As if the run's worker had died more than RUN_STALE_AFTER ago."""
    old = timezone.now() - RUN_STALE_AFTER - datetime.timedelta(minutes=1)
    PurgeRun.objects.filter(pk=run.pk).update(updated_at=old)


def test_ops2_confirming_queues_the_purge_and_the_page_follows_the_worker(
    service, staff, admin_user, client_for, settings
):
    settings.TASKS = DATABASE_BACKEND
    due = make_expired_case(service, staff)
    client = client_for(admin_user)
    confirm_identity(client, admin_user)

    response = confirm_purge(client, [due])
    run = PurgeRun.objects.get()
    assert response["Location"] == f"/retention/purge/runs/{run.pk}/"
    # Nothing destroyed inside the request: the worker has it.
    assert Case.objects.filter(pk=due.pk).exists()
    assert (run.status, run.selected, run.case_ids) == ("queued", 1, [due.pk])
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "retention.tasks.purge_run_task"
    assert queued.args_kwargs["args"] == [run.pk, 0]

    page = client.get(response["Location"]).content.decode()
    assert '<div id="run-announce" aria-live="polite">' in page
    assert "0 of 1 cases purged: waiting for the background worker" in page
    assert 'data-hx-trigger="every 3s"' in page and "vendor/htmx.min.js" in page
    # Without JavaScript: a plain link that reloads the page, no meta refresh.
    assert f'href="/retention/purge/runs/{run.pk}/">Refresh</a>' in page
    assert "http-equiv" not in page

    run_worker_here()

    assert not Case.objects.filter(pk=due.pk).exists()
    run.refresh_from_db()
    assert (run.status, run.purged, run.position) == ("finished", 1, 1)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get(response["Location"]).content.decode()
    assert "1 of 1 cases purged" in page and due.reference in page
    assert "data-hx-trigger" not in page and ">Refresh</a>" not in page


def test_ops2_a_second_purge_of_the_same_service_is_refused_while_one_runs(
    service, other_service, staff, other_service_staff, admin_user, client_for
):
    due = make_expired_case(service, staff)
    theirs = make_expired_case(other_service, other_service_staff)
    running = purge_run_create(case_ids=[], by=None, method="command", service=service)
    assert running.status == "running"
    client = client_for(admin_user)
    confirm_identity(client, admin_user)

    response = confirm_purge(client, [due])

    second = PurgeRun.objects.get(method="screen")
    assert second.status == "refused"
    assert Case.objects.filter(pk=due.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "did not start: another purge of your service was running" in page
    assert "Restart the purge" in page
    # Another service's purge is not held up by it.
    theirs_run = purge_run_create(
        case_ids=[theirs.pk], by=None, method="command", service=other_service, status="queued"
    )
    purge_run_task.enqueue(theirs_run.pk, 0)
    assert not Case.objects.filter(pk=theirs.pk).exists()

    # Once the other run has finished, the refused one can be restarted.
    PurgeRun.objects.filter(pk=running.pk).update(status="finished")
    restarted = client.post(f"/retention/purge/runs/{second.pk}/restart/")
    assert restarted["Location"] == f"/retention/purge/runs/{second.pk}/"
    second.refresh_from_db()
    assert (second.status, second.purged, second.attempt) == ("finished", 1, 1)
    assert not Case.objects.filter(pk=due.pk).exists()


def test_ops2_ret5_a_worker_killed_mid_purge_leaves_cases_whole_and_the_run_restarts(
    service, staff, admin_user, client_for, monkeypatch
):
    monkeypatch.setattr(purge, "CHUNK", 1)
    first, middle, last = [make_expired_case(service, staff, family_name=f"F{n}") for n in range(3)]
    middle_before = case_footprint(middle)
    real_erase = erase.erase_cases

    def killed_on_the_middle_case(cases):
        touched = real_erase(cases)
        if any(case.pk == middle.pk for case in cases):
            raise SystemExit("killed")  # the worker's process dies mid-chunk
        return touched

    monkeypatch.setattr(purge, "erase_cases", killed_on_the_middle_case)
    client = client_for(admin_user)
    confirm_identity(client, admin_user)
    confirm_purge(client, [first, middle, last])

    run = PurgeRun.objects.get()
    assert (run.status, run.position, run.purged) == ("running", 1, 1)
    assert case_footprint(middle) == middle_before  # whole, key included
    assert Parent.objects.get(case=middle).family_name == "F1"
    assert Case.objects.filter(pk=last.pk).exists()

    # While it may still be moving, it cannot be restarted.
    page = client.get(f"/retention/purge/runs/{run.pk}/").content.decode()
    assert "Restart the purge" not in page
    client.post(f"/retention/purge/runs/{run.pk}/restart/")
    run.refresh_from_db()
    assert (run.attempt, run.status) == (0, "running")

    age(run)
    page = client.get(f"/retention/purge/runs/{run.pk}/").content.decode()
    assert "may have stopped" in page and "Restart the purge" in page

    monkeypatch.setattr(purge, "erase_cases", real_erase)
    client.post(f"/retention/purge/runs/{run.pk}/restart/")

    run.refresh_from_db()
    assert (run.status, run.attempt, run.selected, run.purged, run.skipped) == (
        "finished", 1, 3, 3, 0
    )  # fmt: skip
    assert not Case.objects.filter(pk__in=[first.pk, middle.pk, last.pk]).exists()
    assert run.entries.count() == 3
    # A task of the earlier attempt that starts late does nothing.
    assert purge_run_task.call(run.pk, 0) == {"run": run.pk, "started": False}


def test_ops2_restart_needs_an_administrator_of_the_runs_service(
    service, other_service, staff, admin_user, client_for
):
    other_admin = make_user(other_service, "admin", "admin-south")
    run = purge_run_create(
        case_ids=[make_expired_case(service, staff).pk],
        by=admin_user,
        method="screen",
        service=service,
        status="failed",
    )
    client = client_for(other_admin)
    confirm_identity(client, other_admin)
    assert client.get(f"/retention/purge/runs/{run.pk}/").status_code == 404
    assert client.post(f"/retention/purge/runs/{run.pk}/restart/").status_code == 404
    run.refresh_from_db()
    assert (run.status, run.attempt) == ("failed", 0)


def test_ops2_the_daily_purge_leaves_a_service_whose_screen_purge_is_running(
    service, other_service, staff, other_service_staff
):
    ours = make_expired_case(service, staff)
    theirs = make_expired_case(other_service, other_service_staff)
    screen = purge_run_create(case_ids=[ours.pk], by=None, method="screen", service=service)
    assert screen.status == "running"
    out = io.StringIO()

    call_command("purge_expired", "--no-input", stdout=out)

    assert "Left for the next run: 1 due cases" in out.getvalue(), out.getvalue()
    assert f"(run {screen.pk})" in out.getvalue()
    assert Case.objects.filter(pk=ours.pk).exists()
    assert not Case.objects.filter(pk=theirs.pk).exists()

    # A screen run that stopped moving no longer holds its service's cases back.
    age(screen)
    out = io.StringIO()
    call_command("purge_expired", "--no-input", stdout=out)
    assert "Left for the next run" not in out.getvalue()
    assert not Case.objects.filter(pk=ours.pk).exists()


# --- the real worker, in its own process ------------------------------------


@pytest.fixture
def scratch(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    databases = PostgresScratch(url) if url.startswith("postgres") else SQLiteFiles(tmp_path)
    yield databases
    databases.cleanup()


def run_in(workdir, database_url, keystore_url, *command) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pps.settings",
        "DATABASE_URL": database_url,
        "KEYSTORE_DATABASE_URL": keystore_url,
        "PPS_DATA_DIR": str(workdir),
    }
    result = subprocess.run(
        [sys.executable, *command],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def test_ops2_ops4_manage_db_worker_runs_the_queued_purge_and_records_a_heartbeat(
    scratch, tmp_path
):
    urls = scratch.urls()
    scenario = ("-m", "tests.retention.worker_scenario")
    run_in(tmp_path, *urls, *scenario, "prepare", str(tmp_path))
    prepared = json.loads((tmp_path / "prepare.json").read_text())

    run_in(
        tmp_path, *urls,
        "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload",
    )  # fmt: skip

    run_in(tmp_path, *urls, *scenario, "read", str(tmp_path))
    read = json.loads((tmp_path / "read.json").read_text())
    assert (read["status"], read["selected"], read["purged"]) == ("finished", 2, 2)
    assert read["cases"] == [prepared["kept"]]
    assert read["tasks"] == ["SUCCESSFUL"]
    assert read["heartbeats"] == 1
