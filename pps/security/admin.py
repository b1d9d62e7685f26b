"""Admin-site hooks: one way to sign in, no TOTP secrets on screen, the sign-in log.

The admin site's own login form would skip the second factor, so it sends
people to the application's sign-in instead. django-otp's device admin shows
TOTP secrets and is removed; administrators reset a user's two-factor
authentication with a user action (pps/security/admin_actions.py).
"""

import contextlib

from django.contrib import admin
from django.contrib.admin.sites import NotRegistered
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pps.admin import ServiceScopedAdmin
from pps.security.decorators import two_factor_not_required
from pps.security.models import SecurityEvent


@login_not_required
@two_factor_not_required
def admin_sign_in(request, extra_context=None):
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("login")
    )


admin.site.login = admin_sign_in

with contextlib.suppress(NotRegistered):
    admin.site.unregister(TOTPDevice)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ServiceScopedAdmin):
    """The sign-in log of the administrator's own service, read-only."""

    service_field = "user__service"
    list_display = ["at", "kind", "factor", "user", "ip_address"]
    list_filter = ["kind", "factor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
