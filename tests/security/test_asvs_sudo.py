"""Re-authentication ("sudo") before dangerous actions: ASVS 5.0 7.5.1, 7.5.3, 3.7.2."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pps.security import two_factor
from pps.security.models import SecurityEvent
from pps.security.sudo import SUDO_UNTIL_KEY
from tests.security.conftest import confirm_identity, sign_in_fully
from tests.two_factor import authenticator, next_code

pytestmark = pytest.mark.urls("tests.security.urls")


@pytest.fixture
def signed_in(staff):
    client = Client()
    sign_in_fully(client, staff)
    return client


def test_asvs_7_5_3_a_dangerous_page_asks_who_you_are_then_returns(signed_in, staff):
    response = signed_in.get("/test/dangerous/?tab=2")
    assert (
        response["Location"] == reverse("security:sudo") + "?next=%2Ftest%2Fdangerous%2F%3Ftab%3D2"
    )
    assert "Confirm it is you" in signed_in.get(response["Location"]).content.decode()
    confirmed = confirm_identity(signed_in, staff, next_url="/test/dangerous/?tab=2")
    assert confirmed["Location"] == "/test/dangerous/?tab=2"
    assert signed_in.get("/test/dangerous/").content == b"dangerous action done"
    assert SecurityEvent.objects.filter(user=staff, kind="reauthenticated").count() == 1


def test_asvs_7_5_3_a_dangerous_post_is_not_done_without_sudo(signed_in):
    response = signed_in.post("/test/dangerous/", {"next": "/cases/"})
    assert response["Location"] == reverse("security:sudo") + "?next=%2Fcases%2F"


def test_asvs_7_5_3_the_confirmation_lapses(signed_in, staff, settings):
    confirm_identity(signed_in, staff)
    session = signed_in.session
    session[SUDO_UNTIL_KEY] = int(time.time()) - 1
    session.save()
    assert signed_in.get("/test/dangerous/").status_code == 302


@pytest.mark.parametrize("wrong", ["password", "code"])
def test_asvs_7_5_3_both_password_and_code_are_needed(signed_in, staff, wrong):
    device = authenticator(staff)
    data = {
        "password": "not my password at all"
        if wrong == "password"
        else "correct-horse-battery-staple",
        "code": "000000" if wrong == "code" else next_code(device),
    }
    response = signed_in.post(reverse("security:sudo"), data)
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert signed_in.get("/test/dangerous/").status_code == 302


def test_asvs_3_7_2_confirmation_only_returns_to_this_site(signed_in, staff):
    response = confirm_identity(signed_in, staff, next_url="https://evil.example/steal")
    assert response["Location"] == reverse("home")


def test_asvs_7_5_1_replacing_the_authenticator_needs_sudo_and_a_new_setup(signed_in, staff):
    old = authenticator(staff)
    refused = signed_in.post(reverse("security:reset_authenticator"))
    assert refused["Location"].startswith(reverse("security:sudo"))
    assert TOTPDevice.objects.filter(pk=old.pk).exists()

    confirm_identity(signed_in, staff)
    assert signed_in.post(reverse("security:reset_authenticator"))["Location"] == reverse(
        "security:setup"
    )
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    # Nothing else opens until the new phone is set up.
    assert signed_in.get(reverse("cases:list"))["Location"].startswith(reverse("security:verify"))
    assert signed_in.get(reverse("security:setup")).status_code == 200
    pending = TOTPDevice.objects.get(user=staff, confirmed=False)
    done = signed_in.post(reverse("security:setup"), {"code": two_factor.current_code(pending)})
    assert done["Location"] == reverse("security:recovery_codes")
    assert signed_in.get(reverse("cases:list")).status_code == 200


def test_asvs_7_5_1_new_recovery_codes_need_sudo_and_replace_the_old_ones(signed_in, staff):
    old_codes = two_factor.issue_recovery_codes(staff)
    assert signed_in.post(reverse("security:new_recovery_codes"))["Location"].startswith(
        reverse("security:sudo")
    )
    confirm_identity(signed_in, staff)
    signed_in.post(reverse("security:new_recovery_codes"))
    page = signed_in.get(reverse("security:recovery_codes")).content.decode()
    assert page.count("<code>") == 10 and old_codes[0] not in page
    assert two_factor.check_recovery_code(staff, old_codes[0]) is None
