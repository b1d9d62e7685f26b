"""Hypothesis fuzzing of every form (SEC-4): never a 500, never a partial write.

Generic on purpose, so forms added by any app are covered without new tests:

- Every page in the authorisation matrix is opened as each persona in turn
  (including a password-only session and an account still setting up
  two-factor) until one sees a POST form; the form is read from the HTML as a
  browser would, and Hypothesis posts random strings, control characters,
  markup, huge values, dates, numbers and missing fields at its target.
  Pages with no form are passed over.
- Every POST-only URL in the matrix gets random fields.
- Every Form class in the project's ``forms`` modules is validated directly.

A response below 500 is required every time. A request that was not accepted
(anything but a redirect) must leave the case data exactly as it was.

Marked slow (about half the suite's time): ``make test`` runs it, ``make
test-fast`` leaves it out.
"""

import datetime

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import router
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pps.models import Service, User
from tests.access_world import build_world
from tests.factories import make_user
from tests.pps.test_authorization_matrix import MATRIX
from tests.security.forms_in_html import post_forms
from tests.security.project_forms import all_project_form_classes, build_form
from tests.two_factor import authenticator, force_login_password_only, with_sudo

pytestmark = pytest.mark.slow

FORM_PAGES = {name for name, row in MATRIX.items() if row[0] == "get+post"}
FINGERPRINTED_APPS = {"cases", "consent", "disclosure", "retention", "keystore"}
PERSONA_ORDER = [
    "staff",
    "coordinator",
    "admin",
    "volunteer",
    "anonymous",
    "password_only",
    "enrolling",
    "unacknowledged",
]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x1b[31m",
    "\r\n\r\n",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE cases_case; --",
    "' OR '1'='1",
    "../../../../etc/passwd",
    "%s%s%s%n",
    "{{ settings.SECRET_KEY }}",
    "\u202eevil",
    "😀" * 50,
    "０１２３",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "31/12/1899",
    "9999-12-31",
    "x" * 100_000,
]
text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(NASTY),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
)


def value_strategy(field):
    if field.kind == "select":
        return st.one_of(st.sampled_from(field.options or [""]), text)
    if field.kind in {"checkbox", "radio"}:
        return st.one_of(st.just(field.value or "on"), text)
    if field.kind == "hidden":
        return st.one_of(st.just(field.value), text)
    if field.kind == "file":
        return st.binary(max_size=4096).map(
            lambda content: SimpleUploadedFile("upload.pdf", content, "application/pdf")
        )
    return text


def form_data(form):
    return st.fixed_dictionaries(
        {}, optional={f.name: value_strategy(f) for f in form.fields if f.kind != "file"}
    ).flatmap(
        lambda data: st.fixed_dictionaries(
            {}, optional={f.name: value_strategy(f) for f in form.fields if f.kind == "file"}
        ).map(lambda files: {**data, **files})
    )


def fingerprint() -> dict:
    """Every column of every case-data row (and users, services): any write changes it."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label not in FINGERPRINTED_APPS and model not in (User, Service):
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        rows = (
            model._base_manager.using(router.db_for_read(model))
            .order_by("pk")
            .values_list(*columns)
        )
        state[model._meta.label] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows
        ]
    return state


@pytest.fixture
def world():
    """The authorisation matrix's records, built for each test: unlike the matrix,
    this module also builds its own services and cases around them, so a world
    kept for the whole module would collide with them. Sign-in is by
    force_login, so the ten users' passwords use the quick hasher."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return build_world()


@pytest.fixture
def clients(world):
    service = world["service"]

    def make(persona: str):
        if persona in world["users"]:
            user = world["users"][persona]
            client = Client()
            if user is not None:
                client.force_login(user)
        elif persona == "password_only":
            user = make_user(service, "staff")
            authenticator(user)
            client = Client()
            force_login_password_only(client, user)
        elif persona == "unacknowledged":  # has not yet accepted the policy in force
            client = Client()
            client.force_login(make_user(service, "staff", acknowledge_policy=False))
        else:  # enrolling: signed in with a password, no authenticator yet
            client = Client()
            force_login_password_only(client, make_user(service, "volunteer"))
        if persona != "anonymous":  # dangerous actions are fuzzed past their sudo step
            with_sudo(client)
        return client

    return make


def _valid_reset_link(world):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world["users"]["staff"]
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


# Pages whose matrix row uses placeholder arguments that show no form, and which
# reach their form through a redirect of their own, or only on another record.
def _closed_case(world):
    """Reopening has a form only on a closed case (CAS-3); the matrix's case is open."""
    from cases.services import case_close
    from tests.factories import make_case

    staff = world["users"]["staff"]
    return {"case_id": case_close(case=make_case(world["service"], staff), by=staff).pk}


REAL_ARGUMENTS = {
    "security:password_reset_confirm": _valid_reset_link,
    "closing:reopen": _closed_case,
}


def url_for(name, world):
    kwargs = REAL_ARGUMENTS.get(name, MATRIX[name][1])
    return reverse(name, kwargs=kwargs(world) if kwargs else None)


def reach_form(name, world, clients):
    """The first persona who sees a POST form there (after redirects): client, target, form."""
    ignore = {reverse("logout"), reverse("admin:logout")}
    for persona in PERSONA_ORDER:
        client = clients(persona)
        # After signing in: a reset link is void once its user has signed in since.
        response = client.get(url_for(name, world), follow=name in REAL_ARGUMENTS)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found = post_forms(response.content.decode(), ignore_actions=ignore)
            if found:
                return client, found[0].action or response.request["PATH_INFO"], found[0]
    if name in FORM_PAGES:
        pytest.fail(f"No persona reaches the form on {name}; add one to PERSONA_ORDER.")
    return None


def assert_safe(client, url, data):
    before = fingerprint()
    response = client.post(url, data)
    assert response.status_code < 500, (url, response.status_code)
    # Accepted forms redirect (Post/Redirect/Get) or hand over a download.
    accepted = 300 <= response.status_code < 400 or response.has_header("Content-Disposition")
    if not accepted:
        assert fingerprint() == before, f"{url} refused the form but changed data"


# Sign-in throttling would end the fuzzing session after ten tries; it is tested
# on its own (test_asvs_authentication.py).
@override_settings(AXES_ENABLED=False)
@pytest.mark.parametrize("name", sorted(n for n, row in MATRIX.items() if "get" in row[0]))
def test_sec4_fuzz_every_form_page(name, world, clients):
    reached = reach_form(name, world, clients)
    if reached is None:
        return  # a page without a form
    client, target, form = reached

    @FUZZ
    @given(data=form_data(form))
    def fuzz(data):
        assert_safe(client, target, data)

    fuzz()


@override_settings(AXES_ENABLED=False)
@pytest.mark.parametrize("name", sorted(n for n, row in MATRIX.items() if row[0] == "post"))
def test_sec4_fuzz_every_post_only_url(name, world, clients):
    url = url_for(name, world)
    client = clients("staff")

    @FUZZ
    @given(data=st.dictionaries(st.text(min_size=1, max_size=30), text, max_size=6))
    def fuzz(data):
        assert_safe(client, url, data)

    fuzz()


@pytest.mark.parametrize("form_class", all_project_form_classes(), ids=lambda c: c.__qualname__)
def test_sec4_fuzz_every_form_class(form_class, case, staff):
    fields = list(form_class.base_fields)

    @FUZZ
    @given(data=st.fixed_dictionaries({}, optional={name: text for name in fields}))
    def fuzz(data):
        before = fingerprint()
        form = build_form(form_class, data, case=case, user=staff)
        form.is_valid()  # must not raise, whatever the input
        assert fingerprint() == before

    fuzz()
