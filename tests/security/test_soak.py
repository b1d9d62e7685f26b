"""Soak: 20 signed-in sessions drive the real server on 127.0.0.1 for 60 seconds (SEC-4).

The server is the production WSGI stack (gunicorn, 2 processes x 8 threads,
DEBUG off) on fresh databases: SQLite files, or PostgreSQL on the PostgreSQL
run. On PostgreSQL there are two such servers on two ports, sharing the
databases as two machines behind the proxy would (OPS-3), and every session
sends each request to the other server than the last one: its sign-in, session,
form tokens and double-submission guard must all hold across servers. Each
session signs in with its password and authenticator code, then mixes
reads (list, search, case page) with writes (editing its own case, and now and
then a case every session edits). Afterwards: no 5xx, no transport error, and
no lost write: every case's version and text match the writes the server
accepted. PPS_SOAK_SECONDS shortens the run for local debugging.
"""

import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager

import pytest
from django.db import connection

from benchmarks.browser import (  # noqa: F401 - CSRF and free_port: for the tests that import them from here
    CSRF,
    BrowserSession,
    free_port,
    totp_code,
    wait_until_up,
)
from benchmarks.browser import sign_in as browser_sign_in
from tests.security.scratch import ROOT, clean_environment, manage, scratch_databases

SESSIONS = 20
SECONDS = float(os.environ.get("PPS_SOAK_SECONDS", "60"))
PASSWORD = "soak-passphrase-for-testing"
VERSION = re.compile(r'name="version" value="(\d+)"')

pytestmark = [pytest.mark.soak, pytest.mark.django_db(transaction=True)]

SETUP = f"""
import datetime, json
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from cases import services
from pps.models import Service
from pps.policy.services import policy_acknowledge, policy_publish
from pps.services import user_create

service = Service.objects.create(code="soak", name="Soak SENDIASS")
services.topics_create_defaults(service=service)
policy = policy_publish(service=service, by=None, title="Confidentiality policy",
                        text="What we are told stays here.", effective_from=timezone.localdate())

def parent():
    return {{"given_name": "Sam", "family_name": "Soakwell", "relationship": "mother",
            "parental_responsibility": "yes", "phone": "01234 567890",
            "email": "sam@example.com", "address": "1 Test Street", "postcode": "AB1 2CD",
            "storage_agreed_on": datetime.date.today(), "storage_agreed_how": "telephone"}}

people = []
for n in range({SESSIONS}):
    user = user_create(username=f"soak{{n}}", password="{PASSWORD}", service=service,
                       role="staff", first_name="Soak", last_name=str(n))
    policy_acknowledge(user=user, policy=policy)
    device = TOTPDevice.objects.create(user=user, name="soak", confirmed=True)
    case = services.case_open(service=service, by=user, parent=parent(), summary="start")
    people.append({{"username": user.username, "key": device.key, "case": case.pk}})
shared = services.case_open(service=service, by=user, parent=parent(), summary="start")
print("SOAK" + json.dumps({{"people": people, "shared": shared.pk}}))
"""

CHECK = """
import json
from cases.models import Case
print("SOAK" + json.dumps({c.pk: [c.version, c.summary] for c in Case.objects.all()}))
"""


def soak_json(output: str):
    return json.loads(next(line[4:] for line in output.splitlines() if line.startswith("SOAK")))


def code_for(person: dict, steps_ahead: int = 0) -> str:
    """The authenticator's code now (or for a later 30-second step)."""
    return totp_code(person["key"], steps_ahead)


def sign_in(session: BrowserSession, person: dict) -> None:
    browser_sign_in(session, username=person["username"], password=PASSWORD, key_hex=person["key"])


def edit(session: BrowserSession, case_pk: int, summary: str) -> int:
    token, page = session.form(f"/cases/{case_pk}/edit/")
    status, _, _ = session.request(
        "POST",
        f"/cases/{case_pk}/edit/",
        {
            "csrfmiddlewaretoken": token,
            "version": VERSION.search(page).group(1),
            "summary": summary,
            "assigned_staff": "",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    return status


def drive(session, person, shared_pk, clock, seed, outcome):
    rnd = random.Random(seed)
    sign_in(session, person)
    clock["all_signed_in"].wait(timeout=300)  # the 60 seconds start when everyone is in
    writes = 0
    while time.monotonic() < clock["deadline"]:
        roll = rnd.random()
        if roll < 0.35:
            session.request("GET", "/cases/")
        elif roll < 0.60:
            session.request("GET", f"/cases/{person['case']}/")
        elif roll < 0.70:
            session.request("GET", "/cases/?q=Soakwell")
        elif roll < 0.92:
            summary = f"{person['username']} write {writes + 1}"
            status = edit(session, person["case"], summary)
            if status == 302:
                writes += 1
                outcome["last"] = summary
            else:
                outcome.setdefault("unexpected", []).append(status)
        elif roll < 0.97:
            status = edit(session, shared_pk, f"{person['username']} shared")
            outcome["shared_ok"] = outcome.get("shared_ok", 0) + (status == 302)
            if status not in (302, 409):
                outcome.setdefault("unexpected", []).append(status)
        else:
            token, _ = session.form("/accounts/security/")
            session.request("POST", "/accounts/keepalive/", {"csrfmiddlewaretoken": token})
    outcome["writes"] = writes


@contextmanager
def gunicorn_servers(env: dict, log_dir, count: int, *, workers: int = 2, threads: int = 8):
    """``count`` gunicorn instances on their own ports, all on the databases in ``env``;
    yields their base addresses. Each writes its log to ``log_dir/server-<n>.log``."""
    with ExitStack() as stack:
        started = []
        for n in range(count):
            port = free_port()
            log_file = stack.enter_context((log_dir / f"server-{n}.log").open("w"))
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "pps.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                    "--timeout",
                    "120",
                    "--graceful-timeout",
                    "5",
                ],
                cwd=ROOT,
                env=clean_environment(**env, DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="127.0.0.1"),
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
            stack.callback(server.wait, timeout=30)
            stack.callback(server.terminate)
            started.append((f"http://127.0.0.1:{port}", server))
        for base, server in started:
            wait_until_up(base, server)
        yield [base for base, _ in started]


def server_logs(log_dir) -> str:
    return "".join(path.read_text()[-3000:] for path in sorted(log_dir.glob("server-*.log")))


def test_sec4_soak_20_sessions_for_60_seconds_no_5xx_no_lost_writes(tmp_path, capsys):
    """SEC-4; on PostgreSQL also OPS-3: two app servers on one database behave as one."""
    servers = 2 if connection.vendor == "postgresql" else 1
    # On PostgreSQL the scratch databases start as copies of the migrated test databases.
    with scratch_databases(tmp_path, copy_test_databases=True) as env:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "migrate", "--database", "keystore", "--noinput", "-v0")
        world = soak_json(manage(env, "shell", "-c", SETUP).stdout)

        with gunicorn_servers(env, tmp_path, servers) as bases:
            log: list = []
            outcomes = [{} for _ in range(SESSIONS)]
            clock: dict = {}

            def start_the_clock():
                clock["started"] = time.monotonic()
                clock["deadline"] = clock["started"] + SECONDS
                log.clear()  # measure the mixed load, not the sign-ins

            clock["all_signed_in"] = threading.Barrier(SESSIONS, action=start_the_clock)
            threads = [
                threading.Thread(
                    target=drive,
                    args=(
                        # Each session starts on another server, then alternates.
                        BrowserSession(bases[n % servers :] + bases[: n % servers], log),
                        person,
                        world["shared"],
                        clock,
                        n,
                        outcomes[n],
                    ),
                )
                for n, person in enumerate(world["people"])
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=SECONDS + 300)
            elapsed = time.monotonic() - clock["started"]
            assert not any(thread.is_alive() for thread in threads), "a session hung"
        stored = soak_json(manage(env, "shell", "-c", CHECK).stdout)

    statuses = [status for status, _, _ in log]
    errors = [s for s in statuses if s == 0 or s >= 500]
    server_tail = server_logs(tmp_path)
    assert errors == [], f"{len(errors)} failed responses; server log:\n{server_tail}"
    assert all("writes" in o for o in outcomes), "a session stopped early"
    assert not any(o.get("unexpected") for o in outcomes), outcomes
    for person, outcome in zip(world["people"], outcomes, strict=True):
        version, summary = stored[str(person["case"])]
        assert version == 1 + outcome["writes"], (person["username"], version, outcome)
        assert summary == outcome.get("last", "start")
    shared_version, _ = stored[str(world["shared"])]
    assert shared_version == 1 + sum(o.get("shared_ok", 0) for o in outcomes)

    latencies = sorted(seconds for _, seconds, _ in log)
    with capsys.disabled():
        print(
            f"\nsoak: {len(log)} requests to {servers} server(s) in {elapsed:.0f}s "
            f"from {SESSIONS} sessions "
            f"({len(log) / elapsed:.0f}/s), {sum(o['writes'] for o in outcomes)} case writes, "
            f"{sum(o.get('shared_ok', 0) for o in outcomes)} shared writes accepted, "
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms, 5xx: 0"
        )
