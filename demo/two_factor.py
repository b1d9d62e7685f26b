"""Two-factor sign-in for the demo accounts: each gets an authenticator secret to type in.

Two-factor authentication stays on in the demo. ``seed_demo`` prints, for each
demo account, the TOTP secret (add it to any authenticator app as a
time-based key) and the code valid right now; ``manage.py demo_code USERNAME``
prints a fresh code at any time. Both refuse to run in production.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from pps.security.two_factor import (
    AUTHENTICATOR_NAME,
    authenticator_for,
    base32_secret,
    current_code,
)


def refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise CommandError("Demo sign-in helpers are not available in production.")


def demo_authenticator(user) -> TOTPDevice:
    refuse_in_production()
    device = authenticator_for(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    return device


def demo_sign_in_lines(users) -> list[str]:
    lines = [
        "",
        "Two-factor authentication is on. After the password, enter the code from an",
        "authenticator app set up with the account's secret below (time-based, 6 digits),",
        "or run: python manage.py demo_code USERNAME",
    ]
    for user in users:
        device = demo_authenticator(user)
        lines.append(
            f"  {user.username:<24} secret {base32_secret(device)}   code now {current_code(device)}"
        )
    return lines
