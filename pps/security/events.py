"""The authentication log (ASVS 16.3.1): every attempt, success or failure, and the factor.

Rows go to ``SecurityEvent`` in the database, with the user and address; the
text log gets only the event and a user id, never a username, an address or
what was typed.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

logger = logging.getLogger("pps.security")


def client_address(request) -> str | None:
    """The address django-axes decided on (proxy-aware), else the socket's."""
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return address or None


def record_event(kind: str, *, user=None, request=None, factor: str = "") -> None:
    from pps.security.models import SecurityEvent

    user_id = user.pk if user is not None and getattr(user, "pk", None) else None
    SecurityEvent.objects.create(
        kind=kind, user_id=user_id, factor=factor, ip_address=client_address(request)
    )
    logger.info("security event %s user_id=%s factor=%s", kind, user_id, factor or "-")


def report_failed_factor(request, user, *, factor: str) -> None:
    """A wrong second factor counts towards django-axes' throttle like a wrong password."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "factor": factor},
        request=request,
    )


def _on_login_failed(sender, credentials, request=None, **kwargs):
    from pps.security.models import SecurityEvent

    username = (credentials or {}).get("username")
    # Only a real account is linked; what was typed as a username is not kept
    # (people type passwords into that box).
    user = get_user_model().objects.filter(username=username).first() if username else None
    record_event(
        SecurityEvent.Kind.SIGN_IN_FAILED,
        user=user,
        request=request,
        factor=(credentials or {}).get("factor", SecurityEvent.Factor.PASSWORD),
    )


def _on_logged_in(sender, request, user, **kwargs):
    from pps.security.models import SecurityEvent

    record_event(
        SecurityEvent.Kind.PASSWORD_ACCEPTED,
        user=user,
        request=request,
        factor=SecurityEvent.Factor.PASSWORD,
    )


def _on_logged_out(sender, request, user, **kwargs):
    from pps.security.models import SecurityEvent

    if user is not None:
        record_event(SecurityEvent.Kind.SIGNED_OUT, user=user, request=request)


def connect_signals() -> None:
    user_login_failed.connect(_on_login_failed, dispatch_uid="pps-security-login-failed")
    user_logged_in.connect(_on_logged_in, dispatch_uid="pps-security-logged-in")
    user_logged_out.connect(_on_logged_out, dispatch_uid="pps-security-logged-out")
