"""gunicorn for the case-management app (OPS-1): `gunicorn -c deploy/gunicorn.conf.py pps.wsgi`.

Everything a server may need to change comes from the environment (the same
file as the app's settings, deploy/pps.env.example), so this file is used as it
is, by systemd (deploy/systemd/pps-web.service) and by the production-stack test.

Logs hold nothing personal: the access log records method, path (ids only,
never a query string such as a search), status, size and time; no client
address, referrer, user agent or cookie; and the health checks that monitoring
makes every few seconds are left out.
"""

import os

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


wsgi_app = "pps.wsgi:application"
# Where the reverse proxy (Caddy) reaches the app: a unix socket by default, so
# no other local user can talk to gunicorn directly and claim to be the proxy;
# or host:port (`127.0.0.1:8000`).
bind = [os.environ.get("PPS_BIND", "unix:/run/pps/gunicorn.sock")]
# The socket is the proxy's way in: the group (which the caddy user joins) may use it.
umask = 0o007
# Worker processes x threads: each thread serves one request at a time. Pages
# wait mostly on the database, so a few threads per process pay off; two
# processes per core is a good start (measure with the soak test, SEC-4).
workers = _int("PPS_WEB_WORKERS", 2 * (os.cpu_count() or 1))
threads = _int("PPS_WEB_THREADS", 4)
# A request still running after this many seconds is killed (the worker
# restarts). Long jobs (the purge, big exports) belong to the background worker.
timeout = _int("PPS_WEB_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Caddy in front sets X-Forwarded-Proto; Django reads it (SECURE_PROXY_SSL_HEADER).
# gunicorn only needs to accept it from the local proxy.
forwarded_allow_ips = os.environ.get("PPS_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("PPS_WEB_LOG_LEVEL", "info")
# %(U)s is the path without its query string; no %(h)s, %(r)s, %(f)s, %(a)s.
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# Let Django's own logging (pps/settings.py LOGGING) handle the app's records.
capture_output = False
proc_name = "pps-web"
# gunicorn's control socket (for `gunicornc`) is not used: systemd starts,
# reloads and stops the server. Left on, it would write under $HOME.
control_socket_disable = True


HEALTH_PATH = "/healthz"


class PrivacyLogger(Logger):
    """gunicorn's logger, minus the access lines for the health check."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") == HEALTH_PATH:
            return
        super().access(resp, req, environ, request_time)


logger_class = PrivacyLogger
