"""Personas shared by the whole suite (DESIGN.md, Tests).

A staff member, a coordinator, a volunteer with one assigned case, a second
volunteer with none, an admin, and a staff member of another service.
"""

import datetime

import pytest
from django.test import Client

from cases import services as case_services
from consent import services as consent_services
from pps import crypto
from tests import db_template, two_factor
from tests.chromium import session_browser  # noqa: F401 (the fixture "browser", one per session)
from tests.factories import ServiceFactory, make_case, make_user

# Two-factor authentication is mandatory: a force-logged-in test client is also
# verified with the user's authenticator (tests/two_factor.py).
two_factor.install()


def pytest_collection_modifyitems(items):
    # Every test may touch both databases: case data and the key store.
    for item in items:
        existing = item.get_closest_marker("django_db")
        transaction = bool(existing and existing.kwargs.get("transaction"))
        if item.get_closest_marker("browser"):
            transaction = True
        item.add_marker(
            pytest.mark.django_db(databases="__all__", transaction=transaction), append=False
        )


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """pytest-django's set-up, except that on SQLite the migrated databases are
    copied from a saved template when one is current (tests/db_template.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if db_template.enabled():
            db_cfg = db_template.setup(
                aliases=aliases, serialized_aliases=serialized_aliases, verbosity=verbosity
            )
        else:
            db_cfg = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
            )
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(settings):
    settings.PASSWORD_HASHERS = [
        "tests.fast_hashing.CheapArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run inside the enqueueing call, so tests are deterministic.

    The tests of the worker itself (tests/retention/test_purge_task.py) switch
    back to the database backend and run `manage.py db_worker`.
    """
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    crypto.forget_cached_keys()
    yield
    crypto.forget_cached_keys()


@pytest.fixture
def service():
    return ServiceFactory(name="Northshire SENDIASS", code="north")


@pytest.fixture
def other_service():
    return ServiceFactory(name="Southvale SENDIASS", code="south")


@pytest.fixture
def staff(service):
    return make_user(service, "staff", "staff")


@pytest.fixture
def coordinator(service):
    return make_user(service, "coordinator", "coordinator")


@pytest.fixture
def volunteer(service):
    return make_user(service, "volunteer", "volunteer")


@pytest.fixture
def volunteer_unassigned(service):
    return make_user(service, "volunteer", "volunteer2")


@pytest.fixture
def admin_user(service):
    return make_user(service, "admin", "admin")


@pytest.fixture
def other_service_staff(other_service):
    return make_user(other_service, "staff", "staff-south")


@pytest.fixture
def case(service, staff):
    return make_case(service, staff, summary="Enquiry about an EHC needs assessment.")


@pytest.fixture
def assigned_case(case, volunteer, coordinator):
    # The parent asked for a volunteer and agreed to information being shared (CON-8).
    consent_services.consent_record(
        case=case,
        by=coordinator,
        kind="full",
        obtained_how="telephone",
        decided_on=datetime.date.today(),
    )
    case_services.volunteer_assign(case=case, volunteer=volunteer, by=coordinator)
    return case


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)  # password and second factor (see two_factor.install)
        return client

    return make
