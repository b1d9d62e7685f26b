"""Every error status has the service's own page, DEBUG on or off (ASVS 16.5.1).

The demo runs with DEBUG on: a volunteer refused a case must see "Page not
found", not Django's technical 404 (what raised it, the URL patterns), and an
unexpected error must not show the stack with its local values. A 405 (a
POST-only address opened from the address bar) is a page, not an empty body.
"""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import make_case
from tests.security.conftest import sign_in_with_password
from tests.security.urls import SENTINEL

pytestmark = pytest.mark.urls("tests.security.urls")

# What Django's technical pages say and the service's pages never do.
TECHNICAL = (
    "DEBUG = True",
    "URLconf",
    "Raised by",
    "Traceback",
    "Request Method",
    SENTINEL,
)


def assert_service_page(response, status: int, heading: str) -> None:
    page = response.content.decode()
    assert response.status_code == status
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page, page[:500]
    assert "govuk-template" in page
    for words in TECHNICAL:
        assert words not in page, words


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request):
    with override_settings(DEBUG=request.param):
        yield request.param


def test_asvs_16_5_1_403_is_the_service_page(debug, staff, client_for):
    response = client_for(staff).get(reverse("retention:dashboard"))
    assert_service_page(response, 403, "You do not have access to this page")


def test_asvs_16_5_1_acc2_404_for_a_case_refused_to_a_volunteer(
    debug, service, staff, volunteer, client_for
):
    case = make_case(service, staff)
    response = client_for(volunteer).get(reverse("cases:detail", args=[case.pk]))
    assert_service_page(response, 404, "Page not found")


def test_asvs_16_5_1_404_for_an_address_that_does_not_exist(debug, staff, client_for):
    response = client_for(staff).get("/no-such-page/")
    assert_service_page(response, 404, "Page not found")


def test_asvs_16_5_1_405_for_a_post_only_address_opened_by_get(debug, admin_user, client_for):
    response = client_for(admin_user).get(reverse("retention:archive_now"))
    assert_service_page(response, 405, "This page cannot be opened from its address")
    assert response["Allow"] == "POST"


def test_asvs_16_5_1_500_never_shows_the_stack(debug, staff, client_for):
    client = client_for(staff)
    client.raise_request_exception = False
    response = client.get("/test/explode/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    for words in TECHNICAL:
        assert words not in page, words


@override_settings(AXES_FAILURE_LIMIT=3)
def test_asvs_16_5_1_429_when_signing_in_is_paused(debug, staff):
    client = Client()
    for number in range(3):
        client.post(
            reverse("login"),
            {"username": "staff", "password": "not the password at all"},
            REMOTE_ADDR=f"10.0.0.{number + 1}",
        )
    response = sign_in_with_password(client, staff, REMOTE_ADDR="10.9.9.9")
    page = response.content.decode()
    assert response.status_code == 429 and "paused" in page and "govuk-template" in page
    for words in TECHNICAL:
        assert words not in page, words


def test_a_forms_save_address_opened_by_get_leads_back_to_the_form(
    debug, service, staff, client_for
):
    """What the address bar holds after a form came back with its errors: reloading
    or sharing it opens the form's page, not a dead end (a 405)."""
    case = make_case(service, staff)
    save = reverse("consent:record_save", args=[case.pk])
    assert save.endswith("/save/")
    response = client_for(staff).get(save)
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:record", args=[case.pk])


def test_every_save_address_has_its_form_page_beside_it():
    """The convention the redirect above rests on: ``…/save/`` answers the form at ``…/``."""
    import re

    from django.urls import Resolver404, get_resolver, resolve
    from django.urls.resolvers import URLResolver

    def routes(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    saves = [route for route in routes(get_resolver("pps.urls")) if route.endswith("/save/")]
    assert len(saves) >= 10
    missing = []
    for route in saves:
        form_page = "/" + re.sub(r"<[^>]+>", "1", route[: -len("save/")])
        try:
            resolve(form_page, urlconf="pps.urls")
        except Resolver404:
            missing.append(route)
    assert missing == []
