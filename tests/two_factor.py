"""Two-factor helpers for tests: every signed-in test client is fully signed in.

Two-factor authentication is mandatory, so a client that only carried a
password session would be sent to the code step on every page. Tests sign in
the way the product does: ``client_for`` and any ``client.force_login`` also
mark the session as verified with the user's authenticator (exactly what
``django_otp.login`` stores), and the browser fixture ``sign_in`` types a real
code computed from the user's device. Nothing here changes the product; it
only lives in the test process.
"""

import time

from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

_force_login_password_only = ClientMixin.force_login


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    return device


def next_code(device: TOTPDevice) -> str:
    """A code the server will accept now: the current time step, or the next unused one.

    Codes are accepted once only, so a second sign-in within the same 30
    seconds uses the next step (within the one-step tolerance). When those are
    used too, the test device's clock origin moves back one step instead of the
    test waiting up to 30 seconds: for this device alone that is the same as
    the time passing, and codes still only ever move forward.
    """
    device.refresh_from_db()
    while True:
        step = int((time.time() - device.t0) // device.step)
        centre = step + device.drift
        candidate = max(step, device.last_t + 1)
        if centre - device.tolerance <= candidate <= centre + device.tolerance:
            return f"{hotp(device.bin_key, candidate, digits=device.digits):0{device.digits}d}"
        device.t0 -= device.step
        device.save(update_fields=["t0"])


def mark_verified(client, user) -> None:
    """Record in the client's session that the second factor was given, as django_otp.login does."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def force_login_password_only(client, user, backend=None) -> None:
    """A session after the password step only (for tests of the two-factor step itself)."""
    _force_login_password_only(client, user, backend)


def _force_login_with_second_factor(self, user, backend=None):
    _force_login_password_only(self, user, backend)
    mark_verified(self, user)


def install() -> None:
    """Make ``Client.force_login`` a full (two-factor) sign-in for the whole test run."""
    ClientMixin.force_login = _force_login_with_second_factor


def with_sudo(client):
    """As if the user had just re-authenticated (``pps.security.sudo``): dangerous
    actions are exercised past their confirmation step, which has its own tests."""
    from pps.security.sudo import SUDO_UNTIL_KEY

    session = client.session
    session[SUDO_UNTIL_KEY] = int(time.time()) + 3600
    session.save()
    return client
