"""When an authenticator code is accepted (ASVS 6.5.1, and its lifetime under 6.5):
the time step it belongs to and one 30-second step either side of the server's
clock, once only. docs/security.md says the same; these tests hold it to that."""

import pytest
from django_otp.oath import hotp
from django_otp.plugins.otp_totp import models as totp_models

from pps.security.two_factor import check_authenticator_code
from tests.two_factor import authenticator

# 15 seconds into a time step, so nothing here sits on a step boundary.
NOW = 1_800_000_015.0
STEP = int(NOW // 30)


@pytest.fixture
def device(staff, monkeypatch):
    monkeypatch.setattr(totp_models.time, "time", lambda: NOW)
    return authenticator(staff)


def code_for(device, step: int) -> str:
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def attempt(device, step: int) -> bool:
    device.refresh_from_db()
    device.throttle_reset()  # each refusal here must be the window's, not the back-off's
    return check_authenticator_code(device.user, code_for(device, step)) is not None


def test_the_window_is_one_step_either_side_of_the_server_clock(device):
    assert (device.step, device.tolerance, device.drift) == (30, 1, 0)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_asvs_6_5_a_code_within_one_step_of_the_server_clock_is_accepted(device, offset):
    assert attempt(device, STEP + offset)


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_asvs_6_5_a_code_further_out_is_refused(device, offset):
    assert not attempt(device, STEP + offset)


def test_asvs_6_5_1_a_code_is_accepted_once_only_and_never_an_older_one(device):
    assert attempt(device, STEP)
    assert not attempt(device, STEP)  # the same code again
    assert not attempt(device, STEP - 1)  # an earlier step, still inside the window
    assert attempt(device, STEP + 1)


def test_the_window_does_not_follow_a_fast_phone(device):
    """Codes from a phone one step ahead do not move the window a step further."""
    assert attempt(device, STEP + 1)
    device.refresh_from_db()
    assert device.drift == 0
    assert not attempt(device, STEP + 2)
