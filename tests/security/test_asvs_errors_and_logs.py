"""Errors that leak nothing, and logs without personal data (ASVS 5.0 16.5.1, 16.2.5, 14.2.4).

The console handler configured in settings.LOGGING is what production writes;
these tests capture its formatted output rather than raw log records.
"""

import io
import logging
from contextlib import contextmanager

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import make_case
from tests.security.conftest import sign_in_with_password
from tests.security.urls import SENTINEL

pytestmark = pytest.mark.urls("tests.security.urls")


@contextmanager
def console_output():
    """What the configured console handler writes, formatted, while the block runs."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


@override_settings(DEBUG=False)
def test_asvs_16_5_1_an_unexpected_error_shows_a_generic_page_and_leaks_nothing(staff, client_for):
    client = client_for(staff)
    client.raise_request_exception = False
    with console_output() as log:
        response = client.get("/test/explode/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert SENTINEL not in page and "Traceback" not in page and "ValueError" not in page
    # The log has the fault's location but not the message that quoted a value.
    written = log.getvalue()
    assert "ValueError" in written and "explode" in written
    assert SENTINEL not in written


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/test/integrity/", 409, "conflicts with a record that already exists"),
        ("/test/data/", 400, "too long or not in a form"),
        ("/test/conflict/", 409, "Someone else saved changes"),
    ],
)
def test_sec4_database_refusals_are_clear_4xx_pages(staff, client_for, url, status, words):
    client = client_for(staff)
    with console_output() as log:
        response = client.get(url)
    assert response.status_code == status
    page = response.content.decode()
    assert words in page and SENTINEL not in page
    assert SENTINEL not in log.getvalue()


def test_asvs_16_2_5_sign_in_logs_hold_no_username_password_or_address(staff):
    client = Client()
    with console_output() as log:
        client.post(
            reverse("login"),
            {"username": "staff", "password": SENTINEL},
            REMOTE_ADDR="203.0.113.77",
        )
        sign_in_with_password(client, staff, REMOTE_ADDR="203.0.113.77")
    written = log.getvalue()
    assert "security event sign_in_failed" in written
    for secret in [SENTINEL, "203.0.113.77", '"staff"', 'username: "staff']:
        assert secret not in written, secret


def test_sec4_case_reads_and_searches_log_no_personal_data(service, staff, client_for):
    case = make_case(service, staff, family_name=SENTINEL, summary=f"Worried about {SENTINEL}")
    client = client_for(staff)
    with console_output() as log:
        # A search as the form makes it (the words go in the session), and the
        # same words typed into a URL by hand (the list ignores them).
        client.post(reverse("cases:search"), {"q": SENTINEL}, follow=True)
        client.get(reverse("cases:list"), {"q": SENTINEL})
        client.get(reverse("cases:detail", args=[case.pk]))
        client.get(reverse("cases:detail", args=[10**9]))  # a 404 is logged with its path
        # The development server's request line carries the query string; it is dropped.
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /cases/?q={SENTINEL} HTTP/1.1", "200", "512"
        )
    written = log.getvalue()
    assert "Not Found: /cases/1000000000/" in written
    assert '"GET /cases/?… HTTP/1.1" 200 512' in written
    assert SENTINEL not in written
