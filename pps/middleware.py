"""Session locking for unattended screens (ACC-8) and no-store on private pages."""

import time

from django.conf import settings
from django.contrib import auth
from django.shortcuts import redirect
from django.urls import reverse

LAST_SEEN_KEY = "pps_last_seen"
LAST_SEEN_RESOLUTION_SECONDS = 15


class IdleSessionLockMiddleware:
    """Sign the user out after PPS_IDLE_TIMEOUT_MINUTES without a request.

    The page's script locks the screen at the same moment on the client; this
    is the server-side guarantee for when the script did not run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.PPS_IDLE_TIMEOUT_MINUTES * 60:
                auth.logout(request)
                return redirect(f"{reverse('login')}?reason=idle")
            # Saving the session costs a write, so only every so often.
            if (
                now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS
                or LAST_SEEN_KEY not in request.session
            ):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for signed-in users must not be kept by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
