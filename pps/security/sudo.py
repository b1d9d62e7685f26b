"""Recent re-authentication ("sudo") before dangerous actions (ASVS 7.5.1, 7.5.3).

Put ``@sudo_required`` on every view of a dangerous action, both the page that
shows the form and the POST that acts on it::

    from pps.security.sudo import sudo_required

    @require_POST
    @role_required(Role.COORDINATOR)
    @sudo_required
    def disclosure_approve(request, request_id): ...

It must be used for: approving a disclosure, a child-protection override, a
purge, a subject access pack, and any change to two-factor authentication.

Without a password and authenticator code entered in the last
``PPS_SUDO_MINUTES`` minutes, a GET is sent to the confirmation page and comes
back afterwards; a POST is refused the same way and the user returns to the
page they were on (``next`` in the form, or the same-site referrer), because a
POST cannot be replayed safely. Nothing is done until the user confirms.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SUDO_UNTIL_KEY = "pps_sudo_until"


def sudo_is_active(request) -> bool:
    return request.session.get(SUDO_UNTIL_KEY, 0) > time.time()


def grant_sudo(request) -> None:
    request.session[SUDO_UNTIL_KEY] = int(time.time()) + settings.PPS_SUDO_MINUTES * 60


def end_sudo(request) -> None:
    request.session.pop(SUDO_UNTIL_KEY, None)


def safe_next(request, candidate: str | None, default: str) -> str:
    """Only same-site paths are followed after a confirmation (ASVS 3.7.2)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def redirect_to_sudo(request, *, next_url: str):
    return redirect(f"{reverse('security:sudo')}?{urlencode({'next': next_url})}")


def sudo_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if sudo_is_active(request):
            return view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            return redirect_to_sudo(request, next_url=request.get_full_path())
        messages.info(request, "Confirm it is you, then do that again.")
        back = safe_next(
            request,
            request.POST.get("next") or request.META.get("HTTP_REFERER"),
            reverse("home"),
        )
        return redirect_to_sudo(request, next_url=back)

    wrapped.sudo_required = True
    return wrapped
