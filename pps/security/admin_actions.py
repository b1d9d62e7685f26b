"""User actions for administrators; both need a recent re-authentication (sudo)."""

from django.contrib import admin, messages

from pps.security import two_factor
from pps.security.events import record_event
from pps.security.models import SecurityEvent
from pps.security.sessions import end_sessions
from pps.security.sudo import redirect_to_sudo, sudo_is_active


def _needs_sudo(request):
    if sudo_is_active(request):
        return None
    messages.warning(request, "Confirm it is you, then choose the action again.")
    return redirect_to_sudo(request, next_url=request.get_full_path())


@admin.action(description="Reset two-factor authentication (they set it up again at next sign-in)")
def reset_two_factor(modeladmin, request, queryset):
    refused = _needs_sudo(request)
    if refused:
        return refused
    for user in queryset:
        two_factor.reset_two_factor(user)
        end_sessions(user)
        record_event(SecurityEvent.Kind.TWO_FACTOR_RESET, user=user, request=request)
    modeladmin.message_user(request, f"Two-factor authentication reset for {queryset.count()}.")
    return None


@admin.action(description="Sign out of every session")
def sign_out_everywhere(modeladmin, request, queryset):
    refused = _needs_sudo(request)
    if refused:
        return refused
    ended = sum(end_sessions(user) for user in queryset)
    for user in queryset:
        record_event(SecurityEvent.Kind.SESSIONS_ENDED, user=user, request=request)
    modeladmin.message_user(request, f"{ended} session(s) ended.")
    return None
