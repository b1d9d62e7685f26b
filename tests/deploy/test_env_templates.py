"""deploy/'s environment templates name every variable the app, gunicorn and Caddy read (OPS-1)."""

import re

from tests.security.scratch import ROOT

DEPLOY = ROOT / "deploy"


def names_in_template(path) -> set[str]:
    """Variables set or shown commented out (``NAME=...`` / ``#NAME=...``) in an env file."""
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", path.read_text(), flags=re.MULTILINE))


def test_ops1_the_app_environment_template_names_every_setting_the_app_reads():
    settings = (ROOT / "pps/settings.py").read_text()
    read = set(
        re.findall(r"(?:env_(?:str|bool|int|list|secret)|_database)\(\s*\"([A-Z0-9_]+)\"", settings)
    )
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r"(?:_int|os\.environ\.get)\(\"(PPS_[A-Z0-9_]+)\"", gunicorn))
    assert {"DATABASE_URL", "KEYSTORE_DATABASE_URL", "PPS_MASTER_KEYS", "PPS_BIND"} <= read
    assert read - names_in_template(DEPLOY / "pps.env.example") == set()


def test_ops1_the_caddy_environment_template_names_every_variable_the_caddyfile_reads():
    lines = (DEPLOY / "Caddyfile").read_text().splitlines()
    config = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    read = set(re.findall(r"\{\$([A-Z0-9_]+)", config))
    assert {"PPS_SITE_ADDRESS", "PPS_TLS", "PPS_UPSTREAM"} <= read
    assert read - names_in_template(DEPLOY / "caddy.env.example") == set()


def test_ops1_gunicorn_and_caddy_meet_at_the_same_default_socket():
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    caddy = (DEPLOY / "Caddyfile").read_text()
    socket = re.search(r'"PPS_BIND", "unix:([^"]+)"', gunicorn).group(1)
    assert "{$PPS_UPSTREAM:unix/" + socket + "}" in caddy
    unit = (DEPLOY / "systemd/pps-web.service").read_text()
    assert "RuntimeDirectory=" + socket.split("/")[2] in unit
