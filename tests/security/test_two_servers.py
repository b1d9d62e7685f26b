"""Two app servers on one PostgreSQL behave as one (OPS-3).

Two gunicorn instances on two ports share the case database and the key store,
as two machines behind the proxy would. Each test sends some requests of one
person's browser (one cookie jar) to server A and others to server B, and
shows that what one server decided the other honours: the session, the sign-in
throttle (django-axes), the re-authentication window ("confirm it is you"), the
double-submission guard, and a data key destroyed elsewhere (the only state a
process keeps for itself, pps/crypto.py's key cache). The soak test
(tests/security/test_soak.py) drives the same two servers under load.
"""

import uuid
from http.cookiejar import CookieJar

import pytest
from django.db import connection

from pps.security.idempotency import ALREADY_SENT
from tests.security.scratch import manage, scratch_databases
from tests.security.test_soak import (
    CSRF,
    PASSWORD,
    VERSION,
    BrowserSession,
    code_for,
    gunicorn_servers,
    server_logs,
    soak_json,
)

pytestmark = pytest.mark.postgres_only  # the tests talk to the servers, not to the test database

FAILURE_LIMIT = 3
PEOPLE = ["session", "throttle", "sudo", "twice", "shred"]

SETUP = f"""
import datetime, json
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from cases import services
from pps.models import Service
from pps.policy.services import policy_acknowledge, policy_publish
from pps.services import user_create

service = Service.objects.create(code="two", name="Two servers SENDIASS")
services.topics_create_defaults(service=service)
policy = policy_publish(service=service, by=None, title="Confidentiality policy",
                        text="What we are told stays here.", effective_from=timezone.localdate())
people = {{}}
for name in {PEOPLE!r}:
    user = user_create(username=name, password="{PASSWORD}", service=service, role="staff",
                       first_name="Two", last_name=name)
    policy_acknowledge(user=user, policy=policy)
    device = TOTPDevice.objects.create(user=user, name="two", confirmed=True)
    case = services.case_open(service=service, by=user, summary="start", parent={{
        "given_name": "Sam", "family_name": "Servercheck" + name.capitalize(),
        "relationship": "mother", "parental_responsibility": "yes",
        "storage_agreed_on": datetime.date.today(), "storage_agreed_how": "telephone"}})
    people[name] = {{"username": name, "key": device.key, "case": case.pk,
                     "data_key": str(case.data_key_id),
                     "surname": "Servercheck" + name.capitalize()}}
print("SOAK" + json.dumps(people))
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory, django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("Two app servers share one PostgreSQL; SQLite is one machine's file.")
    tmp_path = tmp_path_factory.mktemp("two-servers")
    with django_db_blocker.unblock(), scratch_databases(tmp_path, copy_test_databases=True) as env:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "migrate", "--database", "keystore", "--noinput", "-v0")
        people = soak_json(manage(env, "shell", "-c", SETUP).stdout)
        env = {**env, "PPS_SIGN_IN_FAILURE_LIMIT": str(FAILURE_LIMIT)}
        # One process each: a key cached by server B is in the process B's next request uses.
        with gunicorn_servers(env, tmp_path, 2, workers=1, threads=4) as (a, b):
            yield {"env": env, "people": people, "a": a, "b": b, "logs": tmp_path}


def browser(world) -> tuple[BrowserSession, BrowserSession]:
    """One person's browser, seen through server A and through server B."""
    cookies, log = CookieJar(), []
    return BrowserSession(world["a"], log, cookies), BrowserSession(world["b"], log, cookies)


def sign_in_on(on_a: BrowserSession, on_b: BrowserSession, person: dict) -> None:
    """Password on A, the authenticator code on B: the half-signed-in state is shared too."""
    status, _, location = on_a.post(
        "/accounts/login/", {"username": person["username"], "password": PASSWORD}
    )
    assert status == 302 and location == "/accounts/two-factor/", status
    status, _, location = on_b.post("/accounts/two-factor/", {"code": code_for(person)})
    assert status == 302 and not location.startswith("/accounts/"), (status, location)


def test_ops3_a_session_started_on_one_server_works_and_ends_on_the_other(world):
    on_a, on_b = browser(world)
    person = world["people"]["session"]
    sign_in_on(on_a, on_b, person)

    status, page, _ = on_b.request("GET", f"/cases/{person['case']}/")
    assert status == 200 and person["surname"] in page

    token = CSRF.search(on_a.request("GET", "/cases/")[1]).group(1)
    status, _, location = on_b.request("POST", "/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert status == 302 and location.startswith("/accounts/login/")
    status, _, location = on_a.request("GET", "/cases/")
    assert status == 302 and location.startswith("/accounts/login/"), (status, location)


def test_ops3_sign_in_failures_on_both_servers_add_up_to_one_pause(world):
    on_a, on_b = browser(world)
    person = world["people"]["throttle"]
    try:
        for n in range(FAILURE_LIMIT):
            status, _, _ = (on_a if n % 2 == 0 else on_b).post(
                "/accounts/login/", {"username": person["username"], "password": "wrong guess"}
            )
            # The form again until the failures on both servers together reach the limit.
            assert status == (429 if n == FAILURE_LIMIT - 1 else 200), (n, status)
        # The right password is paused too, on either server.
        for server in (on_b, on_a):
            status, _, _ = server.post(
                "/accounts/login/", {"username": person["username"], "password": PASSWORD}
            )
            assert status == 429, status
    finally:
        # The pause is also kept for the address (every test's is 127.0.0.1).
        manage(world["env"], "axes_reset")


def test_ops3_confirming_it_is_you_on_one_server_counts_on_the_other(world):
    on_a, on_b = browser(world)
    person = world["people"]["sudo"]
    sign_in_on(on_a, on_b, person)
    end_others = "/accounts/security/sessions/end/"

    token = CSRF.search(on_b.request("GET", "/accounts/security/")[1]).group(1)
    status, _, location = on_b.request("POST", end_others, {"csrfmiddlewaretoken": token})
    assert status == 302 and location.startswith("/accounts/confirm/"), (status, location)

    status, _, location = on_a.post(
        "/accounts/confirm/",
        {"password": PASSWORD, "code": code_for(person, steps_ahead=1), "next": "/"},
    )
    assert status == 302 and location == "/", (status, location)

    token = CSRF.search(on_a.request("GET", "/accounts/security/")[1]).group(1)
    status, _, location = on_b.request("POST", end_others, {"csrfmiddlewaretoken": token})
    assert status == 302 and location == "/accounts/security/", (status, location)


def test_ops3_a_form_sent_to_both_servers_is_acted_on_once(world):
    on_a, on_b = browser(world)
    person = world["people"]["twice"]
    sign_in_on(on_a, on_b, person)
    path = f"/cases/{person['case']}/edit/"
    token, page = on_a.form(path)
    form = {
        "csrfmiddlewaretoken": token,
        "version": VERSION.search(page).group(1),
        "summary": "Sent twice",
        "assigned_staff": "",
        "idempotency_key": uuid.uuid4().hex,
    }

    first = on_a.request("POST", path, form)
    again = on_b.request("POST", path, form)  # a retry that the proxy sent elsewhere

    assert first[0] == 302 and again[0] == 302, (first[0], again[0], server_logs(world["logs"]))
    assert again[2] == first[2]
    status, page, _ = on_a.request("GET", again[2])  # B's note, shown by A
    assert ALREADY_SENT in page.replace("&#x27;", "'")
    _, page = on_a.form(path)
    assert VERSION.search(page).group(1) == str(int(form["version"]) + 1)  # saved once


def test_ops3_a_data_key_destroyed_elsewhere_is_not_used_from_a_servers_key_cache(world):
    """The key cache is the one thing a process keeps for itself: a key destroyed by
    another machine (here a management command, as the purge's worker) must not stay
    usable on server B, which had just used it."""
    on_a, on_b = browser(world)
    person = world["people"]["shred"]
    sign_in_on(on_a, on_b, person)
    case_page = f"/cases/{person['case']}/"
    status, page, _ = on_b.request("GET", case_page)
    assert status == 200 and person["surname"] in page  # B has the key cached now

    manage(
        world["env"],
        "shell",
        "-c",
        f"import uuid; from pps import crypto; "
        f"assert crypto.destroy_data_key(uuid.UUID({person['data_key']!r}))",
    )

    status, page, _ = on_b.request("GET", case_page)
    assert person["surname"] not in page
    assert status == 500, status
