"""/healthz (OPS-4): both databases checked, no sign-in, no session, no personal data."""

import datetime
import json
import logging
import time
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pps.management.commands.db_worker import heartbeat_write
from pps.middleware import LAST_SEEN_KEY
from pps.models import WorkerHeartbeat

# What a failed connection's message can hold: a host name, a database, a user.
LEAKY_ERROR = 'connection to server at "keys.internal.example" (10.0.0.7), port 5432 failed'


def test_ops4_healthz_checks_both_databases_for_a_signed_out_caller():
    heartbeat_write("worker-1")
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "keystore": "ok", "worker": "ok"},
    }
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert reverse("health") == "/healthz"


def test_ops4_healthz_sets_no_cookie_and_leaves_a_signed_in_session_alone(staff, client_for):
    """A browser that opens it is neither redirected nor kept from the idle lock."""
    client = client_for(staff)
    session = client.session
    seen = int(time.time()) - 60
    session[LAST_SEEN_KEY] = seen
    session.save()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies
    assert client.session[LAST_SEEN_KEY] == seen


@pytest.mark.parametrize("failing", ["keystore", "default"])
def test_ops4_healthz_names_the_failed_database_without_the_error(failing):
    broken = mock.patch.object(
        connections[failing], "cursor", side_effect=OperationalError(LEAKY_ERROR)
    )
    heartbeat_write("worker-1")
    with broken:
        response = Client().get("/healthz")
    assert response.status_code == 503
    name = "keystore" if failing == "keystore" else "database"
    other = "database" if failing == "keystore" else "keystore"
    # The heartbeat is read from the case database: it fails with it.
    worker = "failed" if failing == "default" else "ok"
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {name: "failed", other: "ok", "worker": worker},
    }
    assert "no-store" in response["Cache-Control"]
    for leak in ("internal.example", "10.0.0.7", "5432", "OperationalError"):
        assert leak not in response.content.decode()


def test_ops2_ops4_healthz_reports_a_worker_without_a_recent_heartbeat_as_stale():
    """The web tier still answers 200 (a load balancer must not drop it for that),
    but monitoring sees "degraded"; no worker id or time is shown."""
    stale = {
        "status": "degraded",
        "checks": {"database": "ok", "keystore": "ok", "worker": "stale"},
    }
    response = Client().get("/healthz")
    assert (response.status_code, json.loads(response.content)) == (200, stale)

    heartbeat_write("worker-7f3a")
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=4))
    response = Client().get("/healthz")
    assert (response.status_code, json.loads(response.content)) == (200, stale)

    heartbeat_write("worker-7f3a")  # the worker's thread beats again
    response = Client().get("/healthz")
    assert json.loads(response.content)["checks"]["worker"] == "ok"
    assert json.loads(response.content)["status"] == "ok"
    assert "7f3a" not in response.content.decode()
    assert WorkerHeartbeat.objects.count() == 1


def test_ops4_a_failed_check_is_logged_without_the_error_text(caplog):
    with mock.patch.object(
        connections["keystore"], "cursor", side_effect=OperationalError(LEAKY_ERROR)
    ):
        Client().get("/healthz")
    logged = caplog.text
    assert "Health check keystore failed (OperationalError)" in logged
    assert "internal.example" not in logged


def test_ops4_healthz_bounds_each_query_on_postgresql():
    """A database that hangs is reported as down within the statement timeout."""
    for alias in ("default", "keystore"):
        if connections[alias].vendor != "postgresql":
            pytest.skip("statement_timeout is PostgreSQL's; SQLite runs in-process.")
        with CaptureQueriesContext(connections[alias]) as queries:
            assert Client().get("/healthz").status_code == 200
        executed = [query["sql"] for query in queries.captured_queries]
        assert any("SET LOCAL statement_timeout = 2000" in sql for sql in executed), executed
        assert any(sql.strip() == "SELECT 1" for sql in executed), executed


def test_ops4_healthz_answers_nothing_but_get_and_head():
    client = Client()
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def _request_line(path):
    # As the development server logs a request (gunicorn's access log quotes it the same way).
    return logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET {path} HTTP/1.1", 200, 64),
        None,
    )


def test_ops4_health_checks_are_not_in_the_request_log():
    handlers = logging.getLogger("django.server").handlers
    console = next(handler for handler in handlers if handler.get_name() == "console")
    assert not console.filter(_request_line("/healthz"))
    assert not console.filter(_request_line("/healthz?probe=1"))
    assert console.filter(_request_line("/cases/"))
    assert console.filter(_request_line("/healthzz"))
