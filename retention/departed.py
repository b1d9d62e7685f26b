"""Accounts of staff and volunteers who left, and anonymising them (GOV-7).

An account is never deleted: every history row it wrote points at it as the
acting user, and history refuses to be rewritten (SEC-3; ``pps.admin`` offers
no delete). So when its retention runs out it is anonymised in place: a coded
username, no names or email, no usable password, and nothing left that could
sign in (devices, recovery codes, sessions) or place the person (their
security events, throttling records). Its own history rows are scrubbed of the
old values too, so "who did this" then reads as the coded name.
"""

import datetime

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django_otp.models import Device

from pps.history import history_erasure
from pps.models import Service, User
from pps.security.models import FormSubmission, SecurityEvent, UserSession

ANONYMISED_PREFIX = "former-"


def coded_username_expression():
    """``former-<id>``: unique, and says nothing about the person."""
    return Concat(Value(ANONYMISED_PREFIX), Cast("id", CharField()))


def _history_model():
    return User.history.model


def departed_before(service: Service, cutoff: datetime.datetime):
    """Deactivated accounts of the service not active since ``cutoff``.

    "Active" is the latest of joining, the last sign-in and the last change to
    the account (deactivating it writes one): the later of them, so the clock
    never starts early. Includes accounts already anonymised.
    """
    last_change = (
        _history_model()
        .objects.filter(id=OuterRef("pk"))
        .values("id")
        .annotate(latest=Max("history_date"))
        .values("latest")
    )
    return (
        User.objects.filter(service=service, is_active=False)
        .annotate(
            last_active=Greatest(
                F("date_joined"),
                Coalesce(F("last_login"), F("date_joined")),
                Coalesce(Subquery(last_change, output_field=DateTimeField()), F("date_joined")),
            )
        )
        .filter(last_active__lt=cutoff)
    )


def not_anonymised(users):
    return users.exclude(username=coded_username_expression())


def accounts_anonymise(user_ids: list[int]) -> set[str]:
    """Anonymise these accounts; call inside a transaction. Returns the tables touched."""
    users = User.objects.filter(pk__in=user_ids)
    usernames = list(users.values_list("username", flat=True))
    touched = {User._meta.db_table, _history_model()._meta.db_table}
    # Nothing that could sign in or says where the person was.
    for model in apps.get_models():
        if issubclass(model, Device) and not model._meta.abstract:
            # Recovery codes go with their device (cascade).
            model.objects.filter(user_id__in=user_ids).delete()
            touched.add(model._meta.db_table)
    tracked = UserSession.objects.filter(user_id__in=user_ids)
    Session.objects.filter(session_key__in=tracked.values("session_key")).delete()
    tracked.delete()
    SecurityEvent.objects.filter(user_id__in=user_ids).delete()
    FormSubmission.objects.filter(user_id__in=user_ids).delete()
    touched |= {
        Session._meta.db_table,
        UserSession._meta.db_table,
        SecurityEvent._meta.db_table,
        FormSubmission._meta.db_table,
    }
    touched |= _forget_throttling(usernames)
    # The admin's log names the object it changed by its str(), the username.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id__in=[str(pk) for pk in user_ids],
    ).update(object_repr=coded_username_expression_for_log())
    touched.add(LogEntry._meta.db_table)

    scrubbed = {
        "username": coded_username_expression(),
        "first_name": "",
        "last_name": "",
        "email": "",
    }
    # No history row for this change: the scrub below rewrites the old ones, so
    # the account's history holds the coded name only.
    users.update(**scrubbed, password=make_password(None), is_active=False)
    with history_erasure(purpose="retention"):
        _history_model().objects.filter(id__in=user_ids).update(**scrubbed)
    return touched


def coded_username_expression_for_log():
    return Concat(Value(ANONYMISED_PREFIX), F("object_id"))


def _forget_throttling(usernames: list[str]) -> set[str]:
    """django-axes keeps usernames with addresses of sign-in attempts."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    touched = set()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(Q(username__in=usernames)).delete()
        touched.add(model._meta.db_table)
    return touched
