"""OPS-5: a quick first run that prints the accounts, not the demo's emails."""

import copy

import pytest
from django.contrib.auth import authenticate
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import RequestFactory, override_settings

import pps.settings as development_settings
from demo.management.commands.seed_demo import DEMO_PASSWORD
from pps.models import User


def development_mailers(folder) -> dict:
    """The development mail settings (the module's own, not the tests' memory backend)."""
    mailers = copy.deepcopy(development_settings.MAILERS)
    options = mailers["default"].get("OPTIONS", {})
    if "file_path" in options:
        options["file_path"] = str(folder)
    return mailers


@pytest.mark.slow
def test_ops5_seed_demo_prints_no_email_and_accounts_sign_in(capsys, tmp_path):
    """OPS-5: the demo's emails (with their PDFs) go to a folder, summarised in one line; every
    demo account signs in with the documented password, hashed once for all of them."""
    with override_settings(MAILERS=development_mailers(tmp_path)):
        call_command("seed_demo", "--cases", "6")
        # A small demo may happen to email nobody: any development email stays off the console.
        attachment = ("pack.pdf", b"%PDF-1.7 " + b"x" * 600, "application/pdf")
        EmailMessage("Pack", "A body", to=["a@example.org"], attachments=[attachment]).send()
    out = capsys.readouterr().out
    assert "A body" not in out
    assert any("A body" in file.read_text() for file in tmp_path.iterdir())
    assert "Content-Transfer-Encoding" not in out
    assert "base64" not in out and "Subject:" not in out
    assert f"Demo emails are written to {tmp_path}/ (" in out
    assert "staff.north" in out and DEMO_PASSWORD in out

    users = list(User.objects.all())
    assert len(users) == 18  # volunteer5 of each service: no undertaking (GOV-2)
    assert len({user.password for user in users}) == 1
    for user in users:
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=user.username, password=DEMO_PASSWORD) == user
