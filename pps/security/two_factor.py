"""Two-factor devices: the authenticator app (TOTP) and recovery codes.

Every account has both once enrolled. Verification always goes through
``django_otp.verify_token``, which loads the device with ``select_for_update``
inside a transaction, so a code cannot be accepted twice even by two requests
arriving together (ASVS 6.5.1): TOTP refuses any time step not after the last
one accepted, a recovery code is spent by a conditional UPDATE.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pps.security.models import (
    RECOVERY_CODES_PER_USER,
    RecoveryCode,
    RecoveryCodeDevice,
    new_recovery_code,
    recovery_code_digest,
)

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def authenticator_for(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device_for(user) -> RecoveryCodeDevice | None:
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return authenticator_for(user) is not None


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed device shown during set-up; the same one until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it when typed in by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code an authenticator app would show now (demo and tests only)."""
    import time

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():0{device.digits}d}"


def check_authenticator_code(user, token: str) -> TOTPDevice | None:
    device = authenticator_for(user)
    if device is None or not str(token or "").strip().isdigit():
        return None
    return verify_token(user, device.persistent_id, str(token).strip())


def check_recovery_code(user, code: str) -> RecoveryCodeDevice | None:
    device = recovery_device_for(user)
    if device is None or not str(code or "").strip():
        return None
    return verify_token(user, device.persistent_id, code)


@transaction.atomic
def confirm_authenticator(user, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending device with a first code; return it and new recovery codes.

    Any earlier authenticator is removed: one app per account, so a lost phone
    is replaced rather than left working.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not str(token or "").strip().isdigit():
        return None
    if not device.verify_token(str(token).strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, issue_recovery_codes(user)


@transaction.atomic
def issue_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes; the plain codes are returned once, never stored."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES_PER_USER)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes]
    )
    return codes


@transaction.atomic
def reset_two_factor(user) -> None:
    """Remove every device; the user sets up an authenticator again at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
