"""Session rotation and ending (ASVS 7.2.4, 7.4): who is signed in where, and stopping it.

Django already ends every session of a user whose password changes (the
session carries a hash of it) or who is deactivated (the auth backend refuses
inactive users on every request). What is added here: a new session key each
time the user proves who they are again, and a record of each user's sessions
so that they, or an administrator, can end them.
"""

import time

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from pps.security.models import UserSession

SIGNED_IN_AT_KEY = "pps_signed_in_at"
PASSWORD_AT_KEY = "pps_password_at"


def rotate_session(request) -> None:
    """New session key for the same session data, and keep the record in step."""
    old_key = request.session.session_key
    request.session.cycle_key()
    new_key = request.session.session_key
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def start_tracking(request, user) -> None:
    """Record the (already rotated) session as belonging to ``user``."""
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )
    request.session[SIGNED_IN_AT_KEY] = int(time.time())


def active_sessions(user):
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live)


@transaction.atomic
def end_sessions(user, *, keep_session_key: str | None = None) -> int:
    """End every session of ``user`` except, optionally, the current one."""
    tracked = UserSession.objects.filter(user=user)
    if keep_session_key:
        tracked = tracked.exclude(session_key=keep_session_key)
    keys = list(tracked.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    tracked.delete()
    return len(keys)


def forget_session(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def sessions_clear_expired() -> int:
    """Delete ended sessions (Django's ``clearsessions``) and our records of them.

    An expired row is unusable but still in the table, with whatever the
    session held; the daily retention run calls this so none outlives a day.
    """
    expired = Session.objects.filter(expire_date__lte=timezone.now())
    count = expired.count()
    expired.delete()
    UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return count
