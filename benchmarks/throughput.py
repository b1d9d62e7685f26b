"""Throughput under the production stack: 20 signed-in sessions against gunicorn over HTTP.

The server is gunicorn with deploy/gunicorn.conf.py as deployed (its workers
and threads; DEBUG off) on 127.0.0.1, on a copy of the size's databases made
for it, so neither the cached build nor the in-process measurements see its
writes. Its settings (benchmarks/server_settings.py) add only the comparison
admin site. In the copy each session gets its own caseworker and its own
superuser, with a password and an authenticator (one device accepts a code
once, so twenty sessions cannot share one account's).

Each session signs in with password and code as both people, then for the
same number of seconds: first the staff mix (case list first and deep page,
surname search posted and followed to its results, case page, helpline save),
then only the stock admin changelist (first and deep page). Every request's
status and time are kept; a 5xx or a transport error is an error, any other
answer than the page's usual one is counted as unexpected.
"""

import json
import os
import random
import runpy
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import quote

from django.conf import settings
from django.db import connections
from django.urls import reverse

from benchmarks.browser import BrowserSession, free_port, sign_in, wait_until_up
from benchmarks.calls import helpline_call
from benchmarks.timing import summarise

SESSIONS = 20
DEFAULT_SECONDS = 60.0
PASSWORD = "throughput-passphrase-2026"
GUNICORN_CONFIG = "deploy/gunicorn.conf.py"
URLCONF = "benchmarks.urls"
# The staff mix: each step's share of a session's steps. A search step is two
# requests (the form's post, then its results page).
STAFF_MIX = (
    ("staff_list_first", 0.25),
    ("staff_list_deep", 0.10),
    ("surname_search", 0.25),
    ("case_detail", 0.25),
    ("helpline_save", 0.15),
)
STAFF_KINDS = (
    "staff_list_first",
    "staff_list_deep",
    "surname_search",
    "search_results",
    "case_detail",
    "helpline_save",
)
# The admin's pages in the same proportion as the staff list's.
ADMIN_DEEP_SHARE = 0.10 / 0.35
ADMIN_KINDS = ("admin_changelist_first", "admin_changelist_deep")


# --- the people, made in the copy (run there by ``manage.py shell``) ----------


def make_people(count: int) -> None:
    """``count`` caseworkers and ``count`` superusers of the bench service, each with
    the password and a confirmed authenticator; prints their keys as one JSON line."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from demo.accounts import seed_acknowledgements
    from pps.models import Service, User
    from pps.services import user_create

    service = Service.objects.get(code="bench")
    hashed = make_password(PASSWORD)  # Argon2id once, not once per account
    people: dict[str, list] = {"staff": [], "admin": []}
    users = []
    for n in range(1, count + 1):
        staff = user_create(
            username=f"throughput.staff{n}",
            password=PASSWORD,
            password_hash=hashed,
            service=service,
            role="staff",
            last_name=f"Throughput {n}",
        )
        admin = User.objects.create_superuser(
            username=f"throughput.admin{n}", password=None, email="", service=service
        )
        admin.password = hashed
        admin.save(update_fields=["password"])
        for kind, user in (("staff", staff), ("admin", admin)):
            device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
            people[kind].append({"username": user.username, "key": device.key})
            users.append(user)
    seed_acknowledgements(service, users, not_yet=set())
    print("PEOPLE" + json.dumps(people))


# --- a copy of the databases, and gunicorn on it -------------------------------


def _copy_sqlite(alias: str, target: Path) -> str:
    # SQLite's backup from the open connection: a consistent copy, the write-ahead
    # log included, of a file or of a test run's in-memory database alike.
    connection = connections[alias]
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{target}"


def _postgres_url(alias: str, database: str) -> str:
    config = connections[alias].settings_dict
    auth = quote(config["USER"] or "", safe="")
    if config.get("PASSWORD"):
        auth += ":" + quote(config["PASSWORD"], safe="")
    host = f"{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{database}"


@contextmanager
def database_copy(folder: Path):
    """DATABASE_URL and KEYSTORE_DATABASE_URL of a copy of this process's databases."""
    names = {"DATABASE_URL": "default", "KEYSTORE_DATABASE_URL": "keystore"}
    if connections["default"].vendor == "sqlite":
        env = {
            var: _copy_sqlite(alias, folder / f"{alias}.sqlite3") for var, alias in names.items()
        }
        os.sync()  # as SqliteTarget.copy_to: no pending pages written inside the run
        yield env
        return
    import psycopg

    sources = {var: connections[alias].settings_dict["NAME"] for var, alias in names.items()}
    copies = {var: f"{name}_throughput" for var, name in sources.items()}
    server = _postgres_url("default", "postgres")
    # A template may have no other connection while it is copied.
    connections.close_all()
    with psycopg.connect(server, autocommit=True) as admin:
        for var, source in sources.items():
            admin.execute(f'DROP DATABASE IF EXISTS "{copies[var]}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{copies[var]}" TEMPLATE "{source}"')
    try:
        yield {var: _postgres_url(names[var], copy) for var, copy in copies.items()}
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            for copy in copies.values():
                admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def _server_environment(databases: dict, folder: Path, bind: str) -> dict:
    # Only this machine's basics and the shapes a developer may try (workers,
    # threads): no other PPS_ or DJANGO_ setting of the calling process (its log
    # level among them: the server logs as deployed, into a file here).
    keep = ("PPS_WEB_WORKERS", "PPS_WEB_THREADS")
    env = {
        k: v
        for k, v in os.environ.items()
        if k in keep or not (k.startswith(("PPS_", "DJANGO_")) or k.endswith("DATABASE_URL"))
    }
    return {
        **env,
        **databases,
        "DJANGO_SETTINGS_MODULE": "benchmarks.server_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PPS_DATA_DIR": str(folder),
        "PPS_BIND": bind,
    }


def server_shape() -> dict:
    """The workers and threads deploy/gunicorn.conf.py gives on this machine."""
    config = runpy.run_path(str(Path(settings.BASE_DIR) / GUNICORN_CONFIG))
    return {"workers": config["workers"], "threads": config["threads"]}


@contextmanager
def gunicorn(env: dict, log: Path, base: str):
    with ExitStack() as stack:
        log_file = stack.enter_context(log.open("w"))
        server = subprocess.Popen(  # noqa: S603 - this program's own server
            [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(base, server)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _manage(env: dict, *args: str) -> str:
    completed = subprocess.run(  # noqa: S603 - this program
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "pps.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed: {completed.stderr[-3000:]}")
    return completed.stdout


# --- the load --------------------------------------------------------------------


class Plan:
    """What the sessions ask for, read from the built database before the copy."""

    def __init__(self, bench):
        from cases.models import Topic

        self.case_ids = bench.open_case_ids
        self.surnames = bench.surnames
        self.deep_page = bench.deep_page()
        self.topic = Topic.objects.filter(service=bench.service).order_by("pk").first().pk
        # The server's URLconf, whatever this process's is.
        self.list_url = reverse("cases:list", urlconf=URLCONF)
        self.search_url = reverse("cases:search", urlconf=URLCONF)
        self.helpline_url = reverse("helpline:caller", urlconf=URLCONF)
        self.admin_url = reverse("benchmark_admin:cases_case_changelist", urlconf=URLCONF)
        self.case_urls = [
            reverse("cases:detail", args=[pk], urlconf=URLCONF) for pk in self.case_ids
        ]

    def staff_step(self, session: BrowserSession, token: str, rnd: random.Random, record):
        roll, share = rnd.random(), 0.0
        step = STAFF_MIX[-1][0]
        for name, weight in STAFF_MIX:
            share += weight
            if roll < share:
                step = name
                break
        if step == "staff_list_first":
            record(step, 200, session.request, "GET", self.list_url)
        elif step == "staff_list_deep":
            record(step, 200, session.request, "GET", f"{self.list_url}?page={self.deep_page}")
        elif step == "surname_search":
            data = {"csrfmiddlewaretoken": token, "q": rnd.choice(self.surnames)}
            _, _, location = record(step, 302, session.request, "POST", self.search_url, data)
            if location and "search=" in location:
                record("search_results", 200, session.request, "GET", location)
        elif step == "case_detail":
            record(step, 200, session.request, "GET", rnd.choice(self.case_urls))
        else:
            data = {
                "csrfmiddlewaretoken": token,
                **helpline_call(topic_id=self.topic, case_id=rnd.choice(self.case_ids)),
            }
            record(step, 302, session.request, "POST", self.helpline_url, data)

    def admin_step(self, session: BrowserSession, token: str, rnd: random.Random, record):
        if rnd.random() < ADMIN_DEEP_SHARE:
            url = f"{self.admin_url}?p={self.deep_page}"
            record("admin_changelist_deep", 200, session.request, "GET", url)
        else:
            record("admin_changelist_first", 200, session.request, "GET", f"{self.admin_url}?p=1")


def _recorder(records: list):
    def record(kind: str, expected: int, send, *args):
        started = time.monotonic()
        status, text, location = send(*args)
        records.append((kind, status, time.monotonic() - started, status == expected))
        return status, text, location

    return record


def _phase(sessions: list, step, seconds: float) -> tuple[list, float]:
    """Every session runs ``step`` until the time is up; all its requests, and the time taken."""
    per_session: list[list] = [[] for _ in sessions]
    deadline = time.monotonic() + seconds

    def run(n: int, session: BrowserSession, token: str) -> None:
        rnd, record = random.Random(n), _recorder(per_session[n])
        while time.monotonic() < deadline:
            step(session, token, rnd, record)

    started = time.monotonic()
    threads = [
        threading.Thread(target=run, args=(n, session, token), daemon=True)
        for n, (session, token) in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("a session hung")
    return [r for records in per_session for r in records], time.monotonic() - started


def _signed_in(base: str, people: list[dict], first_page: str) -> list[tuple]:
    """A browser per person, signed in (in parallel), with a form token from ``first_page``."""
    sessions: list = [None] * len(people)
    failures: list = []

    def run(n: int, person: dict) -> None:
        try:
            session = BrowserSession(base, None)
            sign_in(session, username=person["username"], password=PASSWORD, key_hex=person["key"])
            token, _ = session.form(first_page)
            sessions[n] = (session, token)
        except Exception as error:  # noqa: BLE001 - reported below, with the others
            failures.append(f"{person['username']}: {error}")

    threads = [threading.Thread(target=run, args=item) for item in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if failures or None in sessions:
        raise RuntimeError("Signing in failed: " + "; ".join(failures))
    return sessions


def _figures(records: list, elapsed: float, kinds: tuple[str, ...]) -> dict:
    def errors(rows):
        return sum(1 for _, status, _, _ in rows if status == 0 or status >= 500)

    def unexpected(rows):
        return sum(1 for _, status, _, ok in rows if not ok and 0 < status < 500)

    by_kind = defaultdict(list)
    for row in records:
        by_kind[row[0]].append(row)
    figures = {
        "requests": len(records),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(records) / elapsed, 1),
        **summarise([seconds for _, _, seconds, _ in records] or [0.0]),
        "errors": errors(records),
        "unexpected": unexpected(records),
        "by_kind": {},
    }
    for kind in kinds:
        rows = by_kind.get(kind, [])
        figures["by_kind"][kind] = {
            "requests": len(rows),
            "requests_per_second": round(len(rows) / elapsed, 1),
            **summarise([seconds for _, _, seconds, _ in rows] or [0.0]),
            "errors": errors(rows),
            "unexpected": unexpected(rows),
        }
    return figures


def measure_throughput(bench, *, seconds: float, sessions: int = SESSIONS) -> dict:
    plan = Plan(bench)
    shape = server_shape()
    with TemporaryDirectory(prefix="pps-throughput-") as tmp:
        folder = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with database_copy(folder) as databases:
            env = _server_environment(databases, folder, f"127.0.0.1:{port}")
            output = _manage(
                env,
                "shell",
                "-c",
                f"from benchmarks.throughput import make_people as m; m({sessions})",
            )
            line = next(x for x in output.splitlines() if x.startswith("PEOPLE"))
            people = json.loads(line[len("PEOPLE") :])
            log = folder / "gunicorn.log"
            try:
                with gunicorn(env, log, base):
                    staff = _signed_in(base, people["staff"], plan.list_url)
                    admins = _signed_in(base, people["admin"], plan.admin_url)
                    staff_records, staff_elapsed = _phase(staff, plan.staff_step, seconds)
                    admin_records, admin_elapsed = _phase(admins, plan.admin_step, seconds)
            except RuntimeError as error:
                tail = log.read_text()[-3000:] if log.exists() else ""
                raise RuntimeError(f"{error}\nServer log:\n{tail}") from error
    staff_mix = _figures(staff_records, staff_elapsed, STAFF_KINDS)
    admin = _figures(admin_records, admin_elapsed, ADMIN_KINDS)
    return {
        "server": {**shape, "sessions": sessions, "seconds": seconds},
        "staff_mix": staff_mix,
        "admin": admin,
        "ratio_median": round(staff_mix["median_ms"] / max(admin["median_ms"], 0.001), 2),
        "ratio_rps": round(
            staff_mix["requests_per_second"] / max(admin["requests_per_second"], 0.001), 2
        ),
    }


def throughput(bench) -> dict:
    result = measure_throughput(bench, seconds=bench.throughput_seconds)
    staff, admin = result["staff_mix"], result["admin"]
    print(
        f"  throughput, {result['server']['sessions']} sessions, "
        f"{result['server']['workers']} workers x {result['server']['threads']} threads: "
        f"staff mix {staff['requests_per_second']}/s, p50 {staff['median_ms']} ms, "
        f"p95 {staff['p95_ms']} ms, {staff['errors']} errors; "
        f"admin changelist {admin['requests_per_second']}/s, p50 {admin['median_ms']} ms, "
        f"p95 {admin['p95_ms']} ms, {admin['errors']} errors",
        flush=True,
    )
    return result
