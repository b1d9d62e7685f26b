"""Static files and the deploy check under production settings (OPS-1, OPS-4, SEC-2).

Production serves collectstatic's hashed, compressed files through WhiteNoise
from the app's own origin; development and tests serve the source folders, so
neither needs collectstatic.
"""

import json
import re

import pytest
from django.test import Client

from tests.pps.test_settings_and_sessions import manage, production_env


def complete_production_env(tmp_path, **overrides):
    """Every setting production needs, as deploy/'s environment file names them."""
    env = {
        "DATABASE_URL": "postgres://pps:secret@cases.db.invalid:5432/pps",
        "KEYSTORE_DATABASE_URL": "postgres://keys:secret@keys.db.invalid:5432/keystore",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://pps.example.org",
        "PPS_DATA_DIR": str(tmp_path / "data"),
        "PPS_STATIC_ROOT": str(tmp_path / "static"),
    }
    return production_env(**{**env, **overrides})


def test_ops1_static_files_are_served_without_collectstatic_in_tests():
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


@pytest.mark.slow
def test_ops1_check_deploy_is_clean_with_a_complete_production_environment(tmp_path):
    env = complete_production_env(tmp_path)
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr

    script = (
        "import json; from django.conf import settings as s;"
        "print('SETTINGS' + json.dumps({'storage': s.STORAGES['staticfiles']['BACKEND'],"
        " 'middleware': s.MIDDLEWARE[:2], 'root': str(s.STATIC_ROOT),"
        " 'connect_timeouts': [s.DATABASES[a]['OPTIONS'].get('connect_timeout')"
        " for a in ('default', 'keystore')]}))"
    )
    result = manage("shell", "-c", script, **env)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("SETTINGS"))
    found = json.loads(line[len("SETTINGS") :])
    assert found == {
        "storage": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "middleware": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
        ],
        "root": str(tmp_path / "static"),
        # Seconds: a database server that does not answer fails /healthz quickly.
        "connect_timeouts": [5, 5],
    }


# Run inside `manage.py shell` under production settings after collectstatic:
# the sign-in page's own CSS, script and icons, by their hashed names, from WhiteNoise.
SERVE = r"""
import json, re
from django.test import Client
client = Client()
page = client.get("/accounts/login/", HTTP_HOST="pps.example.org", secure=True)
found = {"page": page.status_code, "csp": page["Content-Security-Policy"], "files": {}}
for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.content.decode()):
    response = client.get(url, HTTP_HOST="pps.example.org", secure=True,
                          HTTP_ACCEPT_ENCODING="gzip")
    found["files"][url] = [response.status_code, response.get("Cache-Control"),
                           response.get("Content-Encoding"),
                           response.get("Access-Control-Allow-Origin")]
health = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
found["health"] = [health.status_code, json.loads(health.content)["checks"]]
print("SERVED" + json.dumps(found))
"""


@pytest.mark.slow
def test_ops1_production_serves_hashed_compressed_static_files_from_its_own_origin(tmp_path):
    env = complete_production_env(
        tmp_path,
        # Local SQLite files: the sign-in page and the health check need a database.
        DATABASE_URL=f"sqlite:///{tmp_path / 'pps.sqlite3'}",
        KEYSTORE_DATABASE_URL=f"sqlite:///{tmp_path / 'keystore.sqlite3'}",
    )
    result = manage("collectstatic", "--noinput", "-v0", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    result = manage("shell", "-c", SERVE, **env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("SERVED"))
    found = json.loads(line[len("SERVED") :])

    assert found["page"] == 200
    # Same origin only: the CSP's 'self' is what lets the page use its files.
    assert "style-src 'self'" in found["csp"] and "script-src 'self'" in found["csp"]
    files = found["files"]
    assert any(url.endswith(".css") for url in files) and any(url.endswith(".js") for url in files)
    assert any(url.endswith(".ico") for url in files) and any(url.endswith(".svg") for url in files)
    for url, (status, cache, encoding, cross_origin) in files.items():
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|ico|svg)$", url), url
        assert status == 200, url
        assert "immutable" in cache, (url, cache)
        # Text is served compressed; the tiny icon is kept as it is (WhiteNoise keeps a
        # compressed copy only when it is smaller).
        if url.endswith((".css", ".js")):
            assert encoding == "gzip", url
        assert cross_origin is None, url
    # Plain HTTP from the machine itself, with its own Host: not redirected to HTTPS.
    # Both databases answer. No worker runs here (nor are its tables migrated):
    # that is reported, but the web server still answers 200.
    status, checks = found["health"]
    assert status == 200 and checks["database"] == checks["keystore"] == "ok", checks
    assert checks["worker"] != "ok"
