"""Authentication against OWASP ASVS 5.0 (V6, V11.4) and SEC-2.

Each test names the ASVS requirement it proves.
"""

import datetime
import math
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pps.security import two_factor
from pps.security.models import (
    RECOVERY_CODE_ALPHABET,
    RECOVERY_CODE_LENGTH,
    RecoveryCode,
    SecurityEvent,
)
from pps.security.passwords import SERVICE_WORDS
from tests.factories import PASSWORD, make_user
from tests.security.conftest import give_code, sign_in_fully, sign_in_with_password
from tests.two_factor import authenticator, next_code

Kind = SecurityEvent.Kind


def refused(password, user=None) -> bool:
    try:
        validate_password(password, user)
    except ValidationError:
        return True
    return False


# --- V11.4.2 / SEC-2: Argon2id ----------------------------------------------------


def test_asvs_11_4_2_passwords_are_hashed_with_argon2id_at_production_cost():
    from pps import settings as project_settings  # the tests swap in a cheaper hasher

    assert (
        project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    encoded = Argon2PasswordHasher().encode("a long enough passphrase", "somesaltvalue123")
    assert encoded.startswith("argon2$argon2id$")
    memory = int(re.search(r"m=(\d+)", encoded).group(1))
    time_cost = int(re.search(r"t=(\d+)", encoded).group(1))
    assert memory >= 19 * 1024 and time_cost >= 2  # OWASP's minimum for Argon2id


def test_sec2_stored_passwords_are_argon2id(staff):
    assert identify_hasher(staff.password).algorithm == "argon2"
    assert "$argon2id$" in staff.password


# --- V6.2 password rules ------------------------------------------------------------


def test_asvs_6_2_1_passwords_need_at_least_12_characters():
    assert refused("short words")  # 11 characters
    assert not refused("twelve chars")  # 12 characters, nothing else asked


def test_asvs_6_2_9_passphrases_of_64_characters_are_accepted():
    passphrase = "walrus ferry lantern " * 3 + "quietly"
    assert len(passphrase) == 70
    assert not refused(passphrase)
    assert refused("x" * 129)  # only a generous cap against abuse of the hash


def test_asvs_6_2_5_any_composition_without_character_rules():
    for password in ["all lower case words", "ÄÖÜ ünïcödé pässwörd", "🦊🦊🦊🦊 fox emoji lantern"]:
        assert not refused(password), password


def test_asvs_6_2_4_common_passwords_are_refused():
    for password in ["password1234", "qwerty123456", "1q2w3e4r5t6y"]:
        assert refused(password), password


def test_asvs_6_2_11_the_documented_service_words_are_refused(service):
    user = make_user(service, "staff")
    assert "sendiass" in SERVICE_WORDS  # the documented list (ASVS 6.1.2)
    for password in [
        "SENDIASS-2026-pw",
        "Northshire SENDIASS!",
        "parentpartnership1",
        "north-helpline-1",
    ]:
        assert refused(password, user), password
    # A long passphrase that merely mentions a service word is fine.
    assert not refused("my helpline is a quiet lighthouse by the sea", user)


def test_asvs_6_2_8_the_password_is_checked_exactly_as_typed(staff):
    client = Client()
    assert sign_in_with_password(client, staff, PASSWORD.upper()).status_code == 200
    assert sign_in_with_password(client, staff, PASSWORD[:-1]).status_code == 200
    assert sign_in_with_password(client, staff, PASSWORD + " ").status_code == 200
    assert sign_in_with_password(client, staff, PASSWORD).status_code == 302


def test_asvs_6_2_2_and_6_2_3_changing_the_password_needs_the_current_one(staff, client_for):
    client = client_for(staff)
    new = "a completely different passphrase"
    response = client.post(
        reverse("security:password_change"),
        {"old_password": "wrong current password", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200 and "incorrectly" in response.content.decode()
    response = client.post(
        reverse("security:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new)


def test_asvs_6_2_6_and_6_2_7_password_fields_are_masked_and_allow_password_managers(client):
    page = client.get(reverse("login")).content.decode()
    assert 'type="password"' in page and 'autocomplete="current-password"' in page
    assert "onpaste" not in page


# --- V6.3 multi-factor for everyone ------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "coordinator", "volunteer", "admin"])
def test_asvs_6_3_2_a_password_alone_opens_nothing_for_any_role(
    role, service, case, password_only_client
):
    user = make_user(service, role)
    authenticator(user)
    client = password_only_client(user)
    for url in [
        reverse("home"),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("security:account"),
        reverse("admin:index"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("security:verify")), url


def test_asvs_6_3_2_a_new_account_sets_up_its_authenticator_at_first_sign_in(service):
    volunteer = make_user(service, "volunteer")
    client = Client()
    assert sign_in_with_password(client, volunteer)["Location"] == reverse("security:verify")
    assert client.get(reverse("security:verify"))["Location"] == reverse("security:setup")
    page = client.get(reverse("security:setup"))
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=volunteer, confirmed=False)
    assert two_factor.base32_secret(device) in html

    wrong = client.post(reverse("security:setup"), {"code": "000000"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    time.sleep(1.1)  # django-otp's back-off after a wrong code (1 s, doubling)
    done = client.post(reverse("security:setup"), {"code": two_factor.current_code(device)})
    assert done["Location"] == reverse("security:recovery_codes")
    codes_page = client.get(reverse("security:recovery_codes")).content.decode()
    assert len(re.findall(r"<code>[a-z0-9-]{29}</code>", codes_page)) == 10
    # Shown once only.
    assert client.get(reverse("security:recovery_codes"))["Location"] == reverse("security:account")
    assert client.get(reverse("cases:list")).status_code == 200


def test_asvs_6_3_3_a_password_only_session_cannot_replace_the_authenticator(
    staff, password_only_client
):
    authenticator(staff)
    client = password_only_client(staff)
    assert client.get(reverse("security:setup"))["Location"] == reverse("security:verify")
    assert client.post(reverse("security:setup"), {"code": "123456"})["Location"] == reverse(
        "security:verify"
    )
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_asvs_6_3_3_the_admin_site_login_leads_to_the_two_factor_sign_in(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- V6.5 one-time codes ----------------------------------------------------------------


def test_asvs_6_5_1_a_totp_code_is_accepted_once_only(staff):
    device = authenticator(staff)
    code = next_code(device)
    first, second = Client(), Client()
    sign_in_with_password(first, staff)
    sign_in_with_password(second, staff)
    assert first.post(reverse("security:verify"), {"code": code}).status_code == 302
    replay = second.post(reverse("security:verify"), {"code": code})
    assert replay.status_code == 200 and "used already" in replay.content.decode()
    assert second.get(reverse("cases:list")).status_code == 302


def test_asvs_6_5_1_a_recovery_code_works_once_only(staff):
    authenticator(staff)
    codes = two_factor.issue_recovery_codes(staff)
    first, second = Client(), Client()
    sign_in_with_password(first, staff)
    assert first.post(reverse("security:recover"), {"code": codes[0].upper()}).status_code == 302
    assert first.get(reverse("cases:list")).status_code == 200
    sign_in_with_password(second, staff)
    reused = second.post(reverse("security:recover"), {"code": codes[0]})
    assert reused.status_code == 200 and "used already" in reused.content.decode()


def test_asvs_6_5_2_and_6_5_4_recovery_codes_have_112_bits_and_only_digests_are_stored(staff):
    codes = two_factor.issue_recovery_codes(staff)
    assert RECOVERY_CODE_LENGTH * math.log2(len(RECOVERY_CODE_ALPHABET)) >= 112
    stored = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10 and all(len(d) == 64 for d in stored)
    for code in codes:
        assert all(code.replace("-", "") not in d for d in stored)


def test_asvs_6_5_3_totp_seeds_are_random_and_160_bits(staff, coordinator):
    first, second = authenticator(staff), authenticator(coordinator)
    assert len(first.bin_key) == 20 and first.key != second.key


def test_asvs_6_5_5_totp_codes_expire(staff):
    device = authenticator(staff)
    old = two_factor.current_code(device, at=datetime.datetime.now().timestamp() - 300)
    client = Client()
    sign_in_with_password(client, staff)
    assert client.post(reverse("security:verify"), {"code": old}).status_code == 200


# --- V6.4 recovery ---------------------------------------------------------------------


@override_settings(
    MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
)
def test_asvs_6_4_3_a_password_reset_does_not_bypass_two_factor(staff):
    staff.email = "staff@example.org"
    staff.save()
    authenticator(staff)
    client = Client()
    client.post(reverse("security:password_reset"), {"email": "staff@example.org"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert staff.first_name not in message.body and staff.last_name not in message.body
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    form_url = client.get(link)["Location"]
    new = "brand new passphrase after reset"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("security:password_reset_complete")
    # The reset did not sign anyone in, and signing in still needs the code.
    assert client.get(reverse("cases:list")).status_code == 302
    assert sign_in_with_password(client, staff, new)["Location"] == reverse("security:verify")
    assert client.get(reverse("cases:list"))["Location"].startswith(reverse("security:verify"))
    assert give_code(client, staff).status_code == 302
    assert client.get(reverse("cases:list")).status_code == 200


def test_asvs_6_4_3_an_administrator_reset_password_still_needs_two_factor(staff):
    staff.set_password("administrator set passphrase")
    staff.save()
    client = Client()
    assert sign_in_with_password(client, staff, "administrator set passphrase")[
        "Location"
    ] == reverse("security:verify")
    assert client.get(reverse("cases:list")).status_code == 302


def test_asvs_6_4_2_no_password_hints_or_secret_questions(client):
    pages = (
        client.get(reverse("login")).content.decode()
        + client.get(reverse("security:password_reset")).content.decode()
    )
    assert "hint" not in pages.lower().replace("govuk-hint", "") and "question" not in pages.lower()


# --- V6.3.1 throttling ------------------------------------------------------------------


def _fail(client, username, address="10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": "not the password at all"},
        REMOTE_ADDR=address,
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_asvs_6_3_1_sign_in_is_paused_per_account_from_any_address(staff):
    client = Client()
    for number in range(3):
        _fail(client, "staff", address=f"10.0.0.{number + 1}")
    # Even the right password, from yet another address, is paused now.
    paused = sign_in_with_password(client, staff, REMOTE_ADDR="10.9.9.9")
    assert paused.status_code == 429 and "paused" in paused.content.decode()
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT, user=staff).exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_asvs_6_3_1_sign_in_is_paused_per_address_across_accounts(staff):
    client = Client()
    for name in ["alice", "bob", "carol"]:
        _fail(client, name, address="10.0.0.7")
    assert sign_in_with_password(client, staff, REMOTE_ADDR="10.0.0.7").status_code == 429
    assert sign_in_with_password(client, staff, REMOTE_ADDR="10.0.0.8").status_code == 302


def _behind_caddy(proxies=1):
    from pps.proxies import throttle_address_settings

    count, order = throttle_address_settings(proxies)
    return override_settings(
        AXES_FAILURE_LIMIT=3,
        AXES_IPWARE_PROXY_COUNT=count,
        AXES_IPWARE_META_PRECEDENCE_ORDER=order,
    )


def test_ops1_asvs_6_3_1_behind_the_proxy_one_clients_failures_pause_only_that_client(staff):
    """Through Caddy every request reaches gunicorn over its unix socket (no
    REMOTE_ADDR); the client's address is the X-Forwarded-For Caddy sets."""
    client = Client()
    with _behind_caddy():
        for name in ["alice", "bob", "carol"]:
            client.post(
                reverse("login"),
                {"username": name, "password": "not the password at all"},
                REMOTE_ADDR="",
                HTTP_X_FORWARDED_FOR="203.0.113.7",
            )
        elsewhere = {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
        assert sign_in_with_password(Client(), staff, **elsewhere).status_code == 302
        paused = {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
        assert sign_in_with_password(Client(), staff, **paused).status_code == 429


def test_ops1_asvs_6_3_1_without_a_proxy_a_forged_forwarded_header_changes_nothing(staff):
    client = Client()
    with _behind_caddy(proxies=0):
        for number, name in enumerate(["alice", "bob", "carol"]):
            client.post(
                reverse("login"),
                {"username": name, "password": "not the password at all"},
                REMOTE_ADDR="10.0.0.7",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
            )
        forged = {"REMOTE_ADDR": "10.0.0.7", "HTTP_X_FORWARDED_FOR": "198.51.100.200"}
        assert sign_in_with_password(Client(), staff, **forged).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_asvs_6_1_1_the_pause_ends_by_itself_and_is_not_extended(staff):
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(5):  # attempts during the pause do not extend it
        _fail(client, "staff")
    assert sign_in_with_password(client, staff).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME
    )
    assert sign_in_with_password(client, staff).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_asvs_6_3_1_wrong_codes_count_towards_the_pause(staff):
    authenticator(staff)
    client = Client()
    sign_in_with_password(client, staff, REMOTE_ADDR="10.0.0.5")
    statuses = [
        client.post(
            reverse("security:verify"), {"code": "000000"}, REMOTE_ADDR="10.0.0.5"
        ).status_code
        for _ in range(3)
    ]
    assert statuses[-1] == 429
    # The password-only session has been ended.
    assert client.get(reverse("security:verify"))["Location"].startswith(reverse("login"))


# --- V16.3.1 every attempt logged -------------------------------------------------------


def test_asvs_16_3_1_every_authentication_attempt_is_logged_with_its_factor(staff):
    from axes.models import AccessFailureLog, AccessLog

    authenticator(staff)
    client = Client()
    _fail(client, "staff")
    sign_in_with_password(client, staff)
    client.post(reverse("security:verify"), {"code": "000000"})
    time.sleep(1.1)  # django-otp's back-off after a wrong code
    give_code(client, staff)
    events = list(
        SecurityEvent.objects.filter(user=staff).order_by("at", "id").values_list("kind", "factor")
    )
    assert events == [
        (Kind.SIGN_IN_FAILED, "password"),
        (Kind.PASSWORD_ACCEPTED, "password"),
        (Kind.SIGN_IN_FAILED, "totp"),
        (Kind.SIGNED_IN, "totp"),
    ]
    addresses = set(SecurityEvent.objects.filter(user=staff).values_list("ip_address", flat=True))
    assert addresses == {"10.0.0.1", "127.0.0.1"}, addresses
    assert AccessFailureLog.objects.filter(username="staff").count() == 2
    assert AccessLog.objects.filter(username="staff").count() == 1


def test_asvs_16_3_1_an_unknown_username_is_logged_without_keeping_what_was_typed(db):
    _fail(Client(), "Maybe-a-password-typed-in-the-wrong-box")
    event = SecurityEvent.objects.get()
    assert event.kind == Kind.SIGN_IN_FAILED and event.user is None


def test_asvs_6_3_2_signing_in_fully_works_end_to_end(staff):
    client = Client()
    sign_in_fully(client, staff)
    assert client.get(reverse("cases:list")).status_code == 200


def test_sec4_an_over_long_username_is_a_failed_sign_in_not_a_database_error(client):
    """A 300-character name never reaches the attempt log (whose column holds 255)."""
    from axes.models import AccessAttempt, AccessFailureLog

    response = client.post(reverse("login"), {"username": "x" * 300, "password": PASSWORD})
    assert response.status_code == 200
    assert "Enter a correct username and password." in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
