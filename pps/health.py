"""The health endpoint, ``/healthz``, for the proxy, the load balancer and monitoring (OPS-4).

It answers before the session, sign-in, two-factor, idle-lock and policy
middleware run (``HealthCheckMiddleware`` sits right after SecurityMiddleware,
WhiteNoise and the CSP): no sign-in, no session read or written, no cookie, no redirect, and
the same answer for everyone. It holds no personal data, only which check
passed: ``{"status": "ok", "checks": {"database": "ok", "keystore": "ok",
"worker": "ok"}}``, or 503 naming the check that failed, never the error's text
(which can name a host or a user).

The background worker (OPS-2) is reported but does not make the answer 503: a
web server with both databases serves people even when the worker is down, and
a load balancer must not take it out for that. With no heartbeat in
``WORKER_STALE_AFTER`` the answer is 200 with ``"status": "degraded"`` and
``"worker": "stale"``, for monitoring to alert on.
"""

import datetime
import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from pps.security.decorators import two_factor_not_required
from pps.security.middleware import SecurityHeadersMiddleware

logger = logging.getLogger("pps.health")

HEALTH_PATH = "/healthz"
# A database that takes longer than this to answer `SELECT 1` counts as down.
STATEMENT_TIMEOUT_MS = 2000


# The worker writes a heartbeat every 30 s (pps/management/commands/db_worker.py).
WORKER_STALE_AFTER = datetime.timedelta(minutes=3)


def _with_timeout(alias: str, query: Callable[[], None]) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        # SET LOCAL needs a transaction, and ends with it.
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
            query()
    else:
        # No transaction on SQLite: ours are IMMEDIATE and would take the write lock.
        query()


def database_check(alias: str) -> Callable[[], None]:
    def select_one() -> None:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")

    return lambda: _with_timeout(alias, select_one)


class WorkerStale(Exception):
    """No background worker has written a heartbeat recently."""


def worker_check() -> None:
    from pps.models import WorkerHeartbeat

    def recent() -> None:
        since = timezone.now() - WORKER_STALE_AFTER
        if not WorkerHeartbeat.objects.filter(seen_at__gte=since).exists():
            raise WorkerStale()

    _with_timeout("default", recent)


# Each check: a name for the JSON answer and a callable that raises when unhealthy.
CHECKS: list[tuple[str, Callable[[], None]]] = [
    ("database", database_check("default")),
    ("keystore", database_check("keystore")),
]
# Reported as "stale", never 503 (see above).
ADVISORY_CHECKS: list[tuple[str, Callable[[], None]]] = [("worker", worker_check)]


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS + ADVISORY_CHECKS:
        try:
            check()
        except WorkerStale:
            results[name] = "stale"
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
            # The type only: the message can name a host, a database or a user.
            logger.warning("Health check %s failed (%s)", name, type(error).__name__)
            results[name] = "failed"
        else:
            results[name] = "ok"
    return results


@require_safe
@login_not_required
@two_factor_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    checks = run_checks()
    serving = all(checks[name] == "ok" for name, _ in CHECKS)
    status = "ok" if all(result == "ok" for result in checks.values()) else "degraded"
    response = JsonResponse(
        {"status": status if serving else "unavailable", "checks": checks},
        status=200 if serving else 503,
    )
    add_never_cache_headers(response)
    # The headers of the middleware it answers before (the rest come from
    # SecurityMiddleware and the CSP middleware, which run first).
    response["X-Frame-Options"] = "DENY"
    response["Permissions-Policy"] = SecurityHeadersMiddleware.PERMISSIONS_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


class HealthCheckMiddleware:
    """Answer ``/healthz`` before any middleware that would touch a session or redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
