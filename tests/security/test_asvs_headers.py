"""Security headers on every URL for every role (ASVS 5.0 3.4, 14.3.2; SEC-2).

Walks the authorisation matrix, which must name every URL in the resolver
(tests/pps/test_authorization_matrix.py fails otherwise), so a URL added by any
app is checked here without anyone writing a new test. Requests are made over
HTTPS with the production HSTS settings, read from production itself.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

# ``world`` is the authorisation matrix's fixture, shared so the same records are used.
from tests.pps.test_authorization_matrix import PERSONAS, rows, world  # noqa: F401
from tests.security.scratch import production_settings

SIGNED_IN = set(PERSONAS) - {"anonymous", "inactive"}


@pytest.fixture(scope="module")
def production_hsts():
    hsts = production_settings(
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"
    )
    # ASVS 3.4.1: at least a year, all subdomains (L2).
    assert hsts["SECURE_HSTS_SECONDS"] >= 31536000 and hsts["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    return hsts


def directives(csp: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in csp.split(";")
        if part.strip()
    }


def assert_secure_headers(response, *, signed_in: bool, where: str) -> None:
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == "'self'", where
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'", where
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'", where  # 3.4.3
    assert csp["frame-ancestors"] == "'none'", where  # 3.4.6
    assert "unsafe-inline" not in response["Content-Security-Policy"], where
    assert "unsafe-eval" not in response["Content-Security-Policy"], where
    assert response["X-Content-Type-Options"] == "nosniff", where  # 3.4.4
    assert response["Referrer-Policy"] == "same-origin", where  # 3.4.5
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert "camera=()" in response["Permissions-Policy"], where
    assert response["Strict-Transport-Security"].startswith("max-age=31536000"), where  # 3.4.1
    assert "includeSubDomains" in response["Strict-Transport-Security"], where
    assert "Access-Control-Allow-Origin" not in response, where  # 3.4.2: no CORS at all
    if signed_in:
        assert "no-store" in response.get("Cache-Control", ""), where  # 14.3.2


@pytest.mark.parametrize(
    ("name", "method", "kwargs"),
    [(name, method, kwargs) for name, method, kwargs, _ in rows()],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_asvs_3_4_headers_on_every_url_for_every_role(
    world,  # noqa: F811 - the fixture imported above
    client_for,
    production_hsts,
    name,
    method,
    kwargs,
):
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    with override_settings(**production_hsts):
        for persona in PERSONAS:
            client = client_for(world["users"][persona])
            response = getattr(client, method)(url, secure=True)
            assert_secure_headers(
                response, signed_in=persona in SIGNED_IN, where=f"{persona} {method} {url}"
            )


def test_asvs_3_4_headers_on_error_pages_too(world, client_for, production_hsts):  # noqa: F811
    with override_settings(**production_hsts):
        client = client_for(world["users"]["staff"])
        for url in ["/no-such-page/", f"/cases/{10**9}/"]:
            response = client.get(url, secure=True)
            assert response.status_code == 404
            assert_secure_headers(response, signed_in=True, where=url)
