"""Sessions against OWASP ASVS 5.0 V7 (and cookies, V3.3). ACC-8 is in tests/pps."""

import time

from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse

from pps.security.models import SecurityEvent, UserSession
from pps.security.sessions import SIGNED_IN_AT_KEY
from tests.factories import PASSWORD
from tests.security.conftest import (
    confirm_identity,
    give_code,
    sign_in_fully,
    sign_in_with_password,
)
from tests.security.scratch import production_settings
from tests.two_factor import authenticator


def session_key(client) -> str:
    return client.cookies["sessionid"].value


def test_asvs_7_2_4_a_new_session_key_at_each_step_of_proving_who_you_are(staff):
    authenticator(staff)
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    anonymous_key = client.session.session_key
    sign_in_with_password(client, staff)
    after_password = session_key(client)
    give_code(client, staff)
    after_code = session_key(client)
    confirm_identity(client, staff)
    after_sudo = session_key(client)
    assert len({anonymous_key, after_password, after_code, after_sudo}) == 4
    for old in (anonymous_key, after_password, after_code):
        assert not Session.objects.filter(session_key=old).exists()
    assert UserSession.objects.get(user=staff).session_key == after_sudo


def test_asvs_7_3_2_a_session_ends_after_its_absolute_lifetime_even_when_busy(
    staff, client_for, settings
):
    client = client_for(staff)
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    session[SIGNED_IN_AT_KEY] = int(time.time()) - settings.SESSION_COOKIE_AGE - 1
    session.save()
    response = client.get(reverse("cases:list"))
    assert response["Location"] == f"{reverse('login')}?reason=expired"
    assert client.get(reverse("cases:list"))["Location"].startswith(reverse("login"))
    assert SecurityEvent.objects.filter(user=staff, kind="session_expired").exists()


def test_asvs_7_3_2_the_second_step_must_follow_the_password_promptly(staff, settings):
    authenticator(staff)
    client = Client()
    sign_in_with_password(client, staff)
    session = client.session
    session["pps_password_at"] = int(time.time()) - settings.PPS_TWO_FACTOR_STEP_MINUTES * 60 - 1
    session.save()
    assert client.get(reverse("security:verify"))["Location"].endswith("?reason=expired")


def test_asvs_7_4_1_sign_out_ends_the_session_on_the_server(staff):
    client = Client()
    sign_in_fully(client, staff)
    key = session_key(client)
    response = client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert not Session.objects.filter(session_key=key).exists()
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get(reverse("cases:list"))["Location"].startswith(reverse("login"))


def test_asvs_7_4_2_deactivating_an_account_ends_its_sessions(staff, client_for):
    client = client_for(staff)
    assert client.get(reverse("cases:list")).status_code == 200
    staff.is_active = False
    staff.save()
    assert client.get(reverse("cases:list"))["Location"].startswith(reverse("login"))


def test_asvs_7_4_3_changing_the_password_ends_every_other_session(staff):
    here, elsewhere = Client(), Client()
    sign_in_fully(here, staff)
    sign_in_fully(elsewhere, staff)
    new = "a new and rather long passphrase"
    here.post(
        reverse("security:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert here.get(reverse("cases:list")).status_code == 200
    assert elsewhere.get(reverse("cases:list"))["Location"].startswith(reverse("login"))


def test_asvs_7_4_4_sign_out_is_on_every_signed_in_page(staff, client_for):
    client = client_for(staff)
    for url in [reverse("cases:list"), reverse("security:account")]:
        assert f'action="{reverse("logout")}"' in client.get(url).content.decode()


def test_asvs_7_5_2_users_see_their_sessions_and_end_the_others_after_reauthenticating(staff):
    here, elsewhere = Client(), Client()
    sign_in_fully(here, staff)
    sign_in_fully(elsewhere, staff)
    page = here.get(reverse("security:account")).content.decode()
    assert page.count("govuk-table__row") == 3  # header and two sessions

    # Needs re-authentication first.
    refused = here.post(reverse("security:end_other_sessions"))
    assert refused["Location"].startswith(reverse("security:sudo"))
    assert elsewhere.get(reverse("cases:list")).status_code == 200

    confirm_identity(here, staff)
    here.post(reverse("security:end_other_sessions"))
    assert here.get(reverse("cases:list")).status_code == 200
    assert elsewhere.get(reverse("cases:list"))["Location"].startswith(reverse("login"))


def test_asvs_7_4_5_administrators_end_a_users_sessions(staff, admin_user):
    user_client, admin_client = Client(), Client()
    sign_in_fully(user_client, staff)
    sign_in_fully(admin_client, admin_user)
    changelist = reverse("admin:pps_user_changelist")
    action = {"action": "sign_out_everywhere", "_selected_action": [staff.pk]}

    first = admin_client.post(changelist, action)
    assert first["Location"].startswith(reverse("security:sudo"))
    assert user_client.get(reverse("cases:list")).status_code == 200

    confirm_identity(admin_client, admin_user)
    admin_client.post(changelist, action)
    assert user_client.get(reverse("cases:list"))["Location"].startswith(reverse("login"))


def test_asvs_3_3_production_cookies_are_secure_httponly_samesite_and_host_prefixed():
    assert production_settings(
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "CSRF_COOKIE_NAME",
    ) == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
    }


@override_settings(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-sessionid")
def test_asvs_3_3_4_the_session_cookie_is_httponly_and_only_in_set_cookie(staff):
    authenticator(staff)
    client = Client()
    response = sign_in_with_password(client, staff, secure=True)
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie.value not in response.content.decode()
