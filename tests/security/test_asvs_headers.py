"""Security headers on every URL for every role (ASVS 5.0 3.4, 14.3.2; SEC-2).

Walks the authorisation matrix, which must name every URL in the resolver
(tests/pps/test_authorization_matrix.py fails otherwise), so a URL added by any
app is checked here without anyone writing a new test. Requests are made over
HTTPS with the production HSTS settings, read from production itself.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.access_world import rolled_back

# ``world`` is the authorisation matrix's fixture, shared so the same records are used.
from tests.pps.test_authorization_matrix import (  # noqa: F401
    MATRIX,
    NAMESPACE_ROWS,
    PERSONAS,
    built_world,
    signed_in_client,
    url_for,
    world,
)
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
    if "sandbox" in csp:  # a download: nothing in it may run or load (3.2.1)
        assert csp["default-src"] == "'none'", where
    else:
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


def requests_to_check():
    for name, (method, *_) in MATRIX.items():
        for each in ("get", "post") if method == "get+post" else (method,):
            yield name, each
    for _, (method, url_name, _) in NAMESPACE_ROWS.items():
        yield url_name, method


@pytest.mark.parametrize(("name", "method"), list(requests_to_check()))
def test_asvs_3_4_headers_on_every_url_for_every_role(
    world,  # noqa: F811 - the fixture imported above
    production_hsts,
    name,
    method,
):
    url = url_for(name, world) if name in MATRIX else reverse(name)
    with override_settings(**production_hsts):
        for persona in PERSONAS:
            with rolled_back():
                response = getattr(signed_in_client(world["users"][persona]), method)(
                    url, secure=True
                )
            assert_secure_headers(
                response, signed_in=persona in SIGNED_IN, where=f"{persona} {method} {url}"
            )


def test_asvs_3_4_headers_on_error_pages_too(world, production_hsts):  # noqa: F811
    with override_settings(**production_hsts):
        client = signed_in_client(world["users"]["staff"])
        for url in ["/no-such-page/", f"/cases/{10**9}/"]:
            response = client.get(url, secure=True)
            assert response.status_code == 404
            assert_secure_headers(response, signed_in=True, where=url)
