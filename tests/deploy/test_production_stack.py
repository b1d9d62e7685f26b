"""The production stack of deploy/, brought up on this machine and used through its proxy (OPS-1).

Two throwaway PostgreSQL clusters (case database and key store, each with its
own owning role, started by scripts/with-postgres), ``migrate`` on both,
``collectstatic``, gunicorn with deploy/gunicorn.conf.py and the production
settings from the variables deploy/pps.env.example names, and Caddy with the
real deploy/Caddyfile in front (its internal CA on a free high port, no admin
API, its state in a temporary directory: nothing needs the internet). Then:
``check --deploy`` is clean; the health endpoint and a hashed static file
answer through the proxy over verified HTTPS; Chromium signs in there with
password and authenticator code and opens a case; every security header comes
once, from the app; gunicorn's access log has neither query strings nor
health checks; a request body over the upload limit stops at Caddy.

Runs in the browser run of ``make test`` (marked ``browser``). Without
Chromium, Playwright, Caddy or PostgreSQL it skips loudly, or fails where
REQUIRE_BROWSER=1 (CI).
"""

import base64
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from http.client import HTTPResponse, HTTPSConnection
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import HTTPSHandler, Request, build_opener

import pytest
from django_otp.oath import hotp

from pps.backups import BackupError, pg_tool
from tests.chromium import CHROMIUM
from tests.security.scratch import ROOT, clean_environment
from tests.security.test_soak import free_port

pytestmark = pytest.mark.browser

CADDY = shutil.which("caddy") or "/usr/bin/caddy"
PASSWORD = "stack-passphrase-for-testing"
SURNAME = "Zebedee"  # typed in a query string: must never reach a log

# The headers the app sets itself; Caddy must add none of them again.
SECURITY_HEADERS = [
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Permissions-Policy",
    "Cache-Control",
]

SETUP = f"""
import datetime, json
from django_otp.plugins.otp_totp.models import TOTPDevice
from cases import services
from django.utils import timezone
from pps.models import Service
from pps.policy.services import policy_acknowledge, policy_publish
from pps.services import user_create

service = Service.objects.create(code="stack", name="Stack SENDIASS")
services.topics_create_defaults(service=service)
user = user_create(username="stack.staff", password="{PASSWORD}", service=service, role="staff",
                   first_name="Stack", last_name="Staff")
policy = policy_publish(service=service, by=None, title="Confidentiality policy",
                        text="What we are told stays here.", effective_from=timezone.localdate())
policy_acknowledge(user=user, policy=policy)
device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
case = services.case_open(service=service, by=user, summary="first contact", parent={{
    "given_name": "Imogen", "family_name": "{SURNAME}", "relationship": "mother",
    "parental_responsibility": "yes", "phone": "01234 567890", "email": "i@example.com",
    "address": "1 Test Street", "postcode": "AB1 2CD",
    "storage_agreed_on": datetime.date.today(), "storage_agreed_how": "telephone"}})
print("STACK" + json.dumps({{"key": device.key, "case": case.pk, "reference": case.reference}}))
"""


def missing_tools() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    if not os.path.exists(CADDY):
        return "caddy not found (apt-get install caddy)"
    try:
        pg_tool("initdb")
        pg_tool("pg_ctl")
    except BackupError:
        return "PostgreSQL's initdb/pg_ctl not found (apt-get install postgresql)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@contextmanager
def postgres_cluster():
    """A throwaway cluster from scripts/with-postgres, kept up while the block runs.

    The script runs a command against a new cluster and deletes it when the
    command ends; the command here prints the server's address and waits for
    its input to close.
    """
    wait = "import os, sys; print('URL' + os.environ['DATABASE_URL'], flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [str(ROOT / "scripts/with-postgres"), sys.executable, "-c", wait],
        cwd=ROOT,
        env=clean_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield holder
    finally:
        if not holder.stdin.closed:
            holder.stdin.close()
        try:
            holder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()


def cluster_url(holder: subprocess.Popen) -> str:
    for line in holder.stdout:
        if line.startswith("URL"):
            return line[3:].strip()
    pytest.fail("The PostgreSQL cluster did not start: " + holder.stderr.read()[-2000:])


def create_owned_database(superuser_url: str, role: str, database: str) -> str:
    """As docs/deploy.md does it: a login role (not a superuser) owning its database."""
    import psycopg

    password = secrets.token_urlsafe(16)
    server = re.match(r"postgres://(\w+)@([\d.]+):(\d+)/", superuser_url)
    user, host, port = server.groups()
    with psycopg.connect(
        host=host, port=port, user=user, dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        admin.execute(f"CREATE DATABASE {database} OWNER {role}")
        admin.execute(f"GRANT pg_read_all_stats TO {role}")
    return f"postgres://{role}:{password}@{host}:{port}/{database}"


def production_environment(tmp_path: Path, https_port: int, databases: dict) -> dict:
    """The settings of deploy/pps.env.example, for this machine."""
    origin = f"https://localhost:{https_port}"
    return {
        "PPS_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "PPS_MASTER_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "PPS_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": origin,
        **databases,
        "PPS_DATA_DIR": str(tmp_path / "data"),
        "PPS_STATIC_ROOT": str(tmp_path / "static"),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_USER": "pps",
        "SMTP_PASSWORD": "unused",
        "DJANGO_DEFAULT_FROM_EMAIL": "no-reply@localhost",
        "PPS_BIND": f"unix:{tmp_path / 'gunicorn.sock'}",
        "PPS_WEB_WORKERS": "2",
        "PPS_WEB_THREADS": "4",
    }


def caddy_environment(tmp_path: Path, https_port: int, http_port: int) -> dict:
    """deploy/caddy.env.example's values for a test: Caddy's internal CA, no admin API."""
    home = tmp_path / "caddy-home"
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "PPS_SITE_ADDRESS": "localhost",
        "PPS_TLS": "internal",
        "PPS_UPSTREAM": f"unix/{tmp_path / 'gunicorn.sock'}",
        "PPS_HTTPS_PORT": str(https_port),
        "PPS_HTTP_PORT": str(http_port),
        "PPS_CADDY_ADMIN": "off",
    }


def start(command: list, env: dict, log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
        )


def manage_async(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_environment(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, timeout: int = 180) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, (process.args, out[-2000:], err[-4000:])
    return out


def stop(process: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Site:
    """HTTPS requests to the stack, verified against Caddy's own root certificate."""

    def __init__(self, host: str, port: int, root_certificate: Path):
        self.host, self.port = host, port
        self.base = f"https://{host}:{port}"
        self.context = ssl.create_default_context(cafile=str(root_certificate))
        self.opener = build_opener(HTTPSHandler(context=self.context))

    def get(self, path: str, **headers) -> tuple[HTTPResponse, bytes]:
        try:
            with self.opener.open(Request(self.base + path, headers=headers), timeout=10) as r:
                return r, r.read()
        except HTTPError as error:
            return error, error.read()

    def status_of_post_announcing(self, path: str, length: int) -> int:
        """The answer to a POST whose headers declare ``length`` bytes, before any is sent."""
        connection = HTTPSConnection(self.host, self.port, context=self.context, timeout=10)
        try:
            connection.putrequest("POST", path)
            connection.putheader("Content-Type", "application/octet-stream")
            connection.putheader("Content-Length", str(length))
            connection.endheaders()
            return connection.getresponse().status
        finally:
            connection.close()


def wait_for_health(tmp_path: Path, https_port: int, processes: list, logs: list) -> Site:
    root = tmp_path / "caddy-home/data/caddy/pki/authorities/local/root.crt"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs, strict=True):
            if process.poll() is not None:
                pytest.fail(f"{process.args[:3]} exited:\n{log.read_text()[-3000:]}")
        if root.exists():
            try:
                site = Site("localhost", https_port, root)
                response, _ = site.get("/healthz")
                if response.status == 200:
                    return site
            except (URLError, OSError, ssl.SSLError):
                pass
        time.sleep(0.3)
    pytest.fail("The stack did not answer /healthz within a minute:\n" + logs_tail(logs))


def logs_tail(logs: list) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text()[-2000:]}" for log in logs)


def assert_headers_once(headers, where: str, required: list[str]) -> None:
    for name in SECURITY_HEADERS:
        values = headers.get_all(name) or []
        assert len(values) <= 1, (where, name, values)
    for name in required:
        assert headers.get_all(name), (where, name)
    # The proxy and the app server keep their names to themselves.
    assert headers.get_all("Server") is None, (where, headers.get_all("Server"))


def browser_signs_in_and_opens_the_case(browser, base: str, world: dict) -> list:
    from playwright.sync_api import expect

    # Caddy's internal CA is not in Chromium's store; the test's own
    # requests above verify the certificate against it.
    context = browser.new_context(base_url=base, ignore_https_errors=True, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("stack.staff")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/accounts/two-factor/$"))
        code = f"{hotp(bytes.fromhex(world['key']), int(time.time() // 30)):06d}"
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="What needs you today")).to_be_visible()

        response = page.goto(f"/cases/{world['case']}/")
        assert response.status == 200
        expect(page.get_by_role("heading", name=world["reference"])).to_be_visible()
        expect(page.get_by_text(f"Imogen {SURNAME} (Mother)")).to_be_visible()
        # The hashed CSS and script loaded under the CSP: the page script ran.
        assert page.evaluate("document.body.classList.contains('js-enabled')")
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["__Host-sessionid"]["secure"] is True
        return response.headers_array()
    finally:
        context.close()


def test_ops1_production_stack_through_caddy_serves_signs_in_and_opens_a_case(
    browser, tmp_path, capsys
):
    reason = missing_tools()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(f"!!! SKIPPING the production-stack test: {reason}")

    started = time.monotonic()
    timings = []

    def mark(phase: str) -> None:
        timings.append(f"{phase} {time.monotonic() - started:.0f}s")

    https_port, http_port = free_port(), free_port()
    logs = [tmp_path / "gunicorn.log", tmp_path / "caddy.log"]
    with ExitStack() as stack:
        # Two servers, never one: the case database and the key store.
        cases = stack.enter_context(postgres_cluster())
        keys = stack.enter_context(postgres_cluster())
        # At the end, after the servers: both clusters are told to stop at once.
        stack.callback(lambda: [holder.stdin.close() for holder in (cases, keys)])
        databases = {
            "DATABASE_URL": create_owned_database(cluster_url(cases), "pps_app", "pps_cases"),
            "KEYSTORE_DATABASE_URL": create_owned_database(
                cluster_url(keys), "pps_keys", "pps_keystore"
            ),
        }
        ports = {re.search(r":(\d+)/", url).group(1) for url in databases.values()}
        assert len(ports) == 2, databases
        env = production_environment(tmp_path, https_port, databases)

        # Caddy first: making its CA and certificate overlaps the migrations.
        caddy = start(
            [CADDY, "run", "--config", str(ROOT / "deploy/Caddyfile"), "--adapter", "caddyfile"],
            caddy_environment(tmp_path, https_port, http_port),
            logs[1],
            cwd=tmp_path,
        )
        stack.callback(stop, caddy)
        # As docs/deploy.md: migrate both databases (the key store holds only its
        # own app), collect the static files.
        steps = [
            manage_async(env, "migrate", "--noinput", "-v0"),
            manage_async(env, "migrate", "keystore", "--database", "keystore", "--noinput", "-v0"),
            manage_async(env, "collectstatic", "--noinput", "-v0"),
        ]
        for step in steps:
            finish(step)
        mark("migrated and collected")
        checks = manage_async(env, "check", "--deploy", "--fail-level", "WARNING")
        setup = manage_async(env, "shell", "-c", SETUP)
        gunicorn = start(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"],
            clean_environment(**env),
            logs[0],
        )
        stack.callback(stop, gunicorn, signal.SIGINT)  # quick shutdown

        deploy_check = finish(checks)
        world = json.loads(next(x[5:] for x in finish(setup).splitlines() if x.startswith("STACK")))
        site = wait_for_health(tmp_path, https_port, [gunicorn, caddy], logs)
        mark("serving")

        # The health endpoint, over HTTPS through the proxy.
        response, body = site.get("/healthz")
        assert response.status == 200
        # Both PostgreSQL servers answer. No background worker runs in this test:
        # reported as stale, which leaves the web server serving (200).
        assert json.loads(body) == {
            "status": "degraded",
            "checks": {"database": "ok", "keystore": "ok", "worker": "stale"},
        }
        assert_headers_once(response.headers, "/healthz", ["Strict-Transport-Security"])

        # The sign-in page names its hashed static files; one comes through, compressed.
        response, body = site.get(f"/accounts/login/?search={SURNAME}")
        assert response.status == 200
        assert_headers_once(
            response.headers,
            "sign-in page",
            [h for h in SECURITY_HEADERS if h != "Cache-Control"],
        )
        static = re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body.decode())
        assert static, "no hashed stylesheet on the sign-in page"
        response, css = site.get(static[0], **{"Accept-Encoding": "gzip"})
        assert response.status == 200, static[0]
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        assert_headers_once(response.headers, static[0], ["Strict-Transport-Security"])

        # A body over the upload limit (10 MB, plus 1 MB for the form) stops at the proxy.
        assert site.status_of_post_announcing("/upload-limit-probe/", 12 * 1024 * 1024) == 413

        # Chromium through Caddy: password, authenticator code, the case.
        headers = browser_signs_in_and_opens_the_case(
            browser, f"https://localhost:{https_port}", world
        )
        mark("signed in")
        names = [h["name"].lower() for h in headers]
        for name in SECURITY_HEADERS + ["Server"]:
            assert names.count(name.lower()) == (0 if name == "Server" else 1), (name, headers)
        values = {h["name"].lower(): h["value"] for h in headers}
        assert values["cache-control"] == "no-store, private"
        assert values["x-frame-options"] == "DENY"
        assert values["strict-transport-security"].startswith("max-age=31536000")

    mark("down")
    with capsys.disabled():
        print("\nproduction stack: " + ", ".join(timings))
    # After the stack is down: what the logs kept.
    assert "System check identified no issues" in deploy_check, deploy_check
    access_log = logs[0].read_text()
    assert '"GET /accounts/login/" 200' in access_log, access_log[-2000:]
    assert f'"GET /cases/{world["case"]}/" 200' in access_log, access_log[-2000:]
    assert "/healthz" not in access_log
    assert "/upload-limit-probe/" not in access_log  # never reached the app
    assert SURNAME not in access_log and "search=" not in access_log
