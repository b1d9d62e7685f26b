"""A person's browser over real HTTP: cookies, form tokens, sign-in with both factors.

Shared by the throughput measurement (benchmarks/throughput.py) and the tests
that drive real gunicorn servers (tests/security/test_soak.py and its
neighbours). It needs no Django settings, so it runs in any process.
"""

import re
import socket
import subprocess
import time
from http.cookiejar import CookieJar
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from django_otp.oath import hotp

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class BrowserSession:
    """One person's browser: cookies, no automatic redirects, every response recorded
    in ``log`` as (status, seconds, method) unless ``log`` is None.

    Given several servers' addresses it sends each request to the next one in
    turn, as a proxy spreading requests over app servers may. A status of 0
    is a transport error (refused, reset, timed out)."""

    def __init__(self, base: str | list[str], log: list | None, cookies: CookieJar | None = None):
        self.bases = [base] if isinstance(base, str) else list(base)
        self.turn = 0
        self.log = log
        jar = CookieJar() if cookies is None else cookies  # an empty jar is falsy
        self.opener = build_opener(HTTPCookieProcessor(jar), _NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None):
        body = urlencode(data).encode() if data is not None else None
        base = self.bases[self.turn % len(self.bases)]
        self.turn += 1
        started = time.monotonic()
        try:
            with self.opener.open(Request(base + path, data=body, method=method), timeout=60) as r:
                status, text, location = r.status, r.read().decode(), r.headers.get("Location")
        except HTTPError as error:
            status, text, location = (
                error.code,
                error.read().decode(errors="replace"),
                error.headers.get("Location"),
            )
        except (URLError, OSError) as error:
            status, text, location = 0, str(error), None
        if self.log is not None:
            self.log.append((status, time.monotonic() - started, method))
        return status, text, location

    def form(self, path: str) -> tuple[str, str]:
        """The form token of the page at ``path``, and the page."""
        status, text, _ = self.request("GET", path)
        found = CSRF.search(text) if status == 200 else None
        if found is None:
            raise RuntimeError(f"GET {path} answered {status} without a form")
        return found.group(1), text

    def post(self, path: str, data: dict):
        token, _ = self.form(path)
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **data})


def totp_code(key_hex: str, steps_ahead: int = 0) -> str:
    """The authenticator's code now (or for a later 30-second step, which the
    server's tolerance of one step accepts once the current one is used)."""
    return f"{hotp(bytes.fromhex(key_hex), int(time.time() // 30) + steps_ahead):06d}"


def sign_in(session: BrowserSession, *, username: str, password: str, key_hex: str) -> None:
    """Password, then the authenticator's code, as a person signs in."""
    status, _, location = session.post(
        "/accounts/login/", {"username": username, "password": password}
    )
    if status != 302 or location != "/accounts/two-factor/":
        raise RuntimeError(f"{username}: the password step answered {status} ({location})")
    status, _, _ = session.post("/accounts/two-factor/", {"code": totp_code(key_hex)})
    if status != 302:
        raise RuntimeError(f"{username}: the code step answered {status}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, *, seconds: float = 60) -> None:
    """Until the server's health check answers; an error if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("The server exited while starting.")
        try:
            with build_opener().open(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"The server did not start within {seconds:g} seconds.")
