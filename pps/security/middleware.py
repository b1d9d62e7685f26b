"""Request-wide guarantees: both factors, session lifetime, headers, clear 4xx pages."""

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.db import DataError, IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin

from pps.locking import ConflictError
from pps.security.events import record_event
from pps.security.sessions import PASSWORD_AT_KEY, SIGNED_IN_AT_KEY, forget_session

logger = logging.getLogger("pps.security")


def _redirect(request, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load instead of swapping it in."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class TwoFactorRequiredMiddleware(MiddlewareMixin):
    """A password alone opens nothing: every view needs the second factor too (ASVS 6.3.2).

    Runs after LoginRequiredMiddleware. Views that are part of signing in are
    marked with ``two_factor_not_required``; everything else, the admin site
    included, sends a password-only session to the code step.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "two_factor_required", True):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        target = reverse("security:verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return _redirect(request, target)


class SessionLifetimeMiddleware:
    """Absolute session lifetime and a time limit on the second step (ASVS 7.3.2).

    The idle lock (ACC-8) is pps.middleware.IdleSessionLockMiddleware; this one
    ends even a busy session after PPS_SESSION_MAX_HOURS, and a password-only
    session that has not given its code within PPS_TWO_FACTOR_STEP_MINUTES.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT_KEY, now)
            expired = now - signed_in_at > settings.SESSION_COOKIE_AGE
            if not user.is_verified():
                password_at = session.setdefault(PASSWORD_AT_KEY, now)
                expired = expired or now - password_at > settings.PPS_TWO_FACTOR_STEP_MINUTES * 60
            if expired:
                from pps.security.models import SecurityEvent

                record_event(SecurityEvent.Kind.SESSION_EXPIRED, user=user, request=request)
                forget_session(session.session_key)
                auth.logout(request)
                return _redirect(request, f"{reverse('login')}?reason=expired")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: no powerful browser features, no cross-site embedding."""

    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class ClearErrorPagesMiddleware(MiddlewareMixin):
    """Turn the errors a write can meet into clear 4xx pages instead of a 500 (SEC-4).

    - ConflictError (someone else saved first): 409 with its message.
    - IntegrityError (a database constraint refused the write): 409. The
      service's transaction has rolled back, so nothing was saved.
    - DataError (a value the database cannot hold): 400.
    The exception's own text is never shown or logged: it can quote values.
    """

    INTEGRITY_MESSAGE = (
        "This could not be saved because it conflicts with a record that already exists "
        "or breaks one of the rules for these records. Nothing was saved. Go back, check "
        "what you entered and try again."
    )
    DATA_MESSAGE = (
        "Something you entered is too long or not in a form this service can store. "
        "Nothing was saved. Go back, check what you entered and try again."
    )

    def process_exception(self, request, exception):
        if isinstance(exception, ConflictError):
            status, message = 409, str(exception)
        elif isinstance(exception, IntegrityError):
            status, message = 409, self.INTEGRITY_MESSAGE
        elif isinstance(exception, DataError):
            status, message = 400, self.DATA_MESSAGE
        else:
            return None
        logger.warning(
            "%s refused a request to %s (%s)", type(exception).__name__, request.path, status
        )
        return render(
            request,
            "security/refused.html",
            {"message": message, "status": status},
            status=status,
        )
