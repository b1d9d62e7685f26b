"""Production refuses dev keys (SEC-1, SEC-2); unattended sessions lock (ACC-8)."""

import base64
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from pps.middleware import LAST_SEEN_KEY

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PPS_", "DJANGO_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**overrides):
    env = {
        "PPS_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "PPS_MASTER_KEYS": "p1:" + base64.b64encode(os.urandom(32)).decode(),
        "PPS_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": "pps.example.org",
    }
    env.update(overrides)
    return env


def test_sec2_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_install_neither_the_demo_data_nor_the_benchmark():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(','.join(settings.INSTALLED_APPS))",
        **production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    installed = result.stdout.strip().split(",")
    assert "retention" in installed
    assert not {"demo", "benchmarks"} & set(installed)


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "PPS_MASTER_KEYS", "PPS_BLIND_INDEX_KEY"])
def test_sec1_production_refuses_to_start_without_real_keys(missing):
    env = production_env()
    del env[missing]
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_sec1_keys_can_come_from_files(tmp_path):
    env = production_env()
    key_file = tmp_path / "master"
    key_file.write_text(env.pop("PPS_MASTER_KEYS") + "\n")
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", PPS_MASTER_KEYS_FILE=str(key_file), **env
    )
    assert result.returncode == 0, result.stderr


def test_settings_import_without_any_environment():
    result = manage("check")
    assert result.returncode == 0, result.stderr


def test_acc8_idle_session_is_signed_out(staff, client_for):
    client = client_for(staff)
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 16 * 60
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].endswith("?reason=idle")
    assert client.get(reverse("cases:list"))["Location"].startswith(reverse("login"))


@override_settings(PPS_IDLE_TIMEOUT_MINUTES=60)
def test_acc8_idle_period_is_configurable(staff, client_for):
    client = client_for(staff)
    client.get(reverse("cases:list"))
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 16 * 60
    session.save()
    assert client.get(reverse("cases:list")).status_code == 200


def test_acc8_page_tells_the_browser_when_to_lock(staff, client_for):
    page = client_for(staff).get(reverse("cases:list")).content.decode()
    assert 'data-idle-seconds="900"' in page and 'id="idle-lock-form"' in page


def test_sec2_private_pages_are_not_cached_and_have_csp(staff, client_for):
    response = client_for(staff).get(reverse("cases:list"))
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp
    )


def test_sec2_passwords_are_hashed_with_argon2(staff):
    assert staff.password.startswith("argon2")


def test_login_and_logout(staff, client):
    from tests.factories import PASSWORD
    from tests.two_factor import authenticator, next_code

    device = authenticator(staff)
    response = client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("security:verify")
    response = client.post(reverse("security:verify"), {"code": next_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("cases:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("cases:list")).status_code == 302
