"""What sign-in security keeps: recovery codes, the authentication log, sessions, sent forms.

None of these rows hold case data; none needs encryption or history.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

# 24 characters from a 31-letter alphabet (no 0/o, 1/l/i) carry 118 bits, above
# the 112 bits at which a plain SHA-256 digest is a sufficient way to store them.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 24
RECOVERY_CODE_GROUP = 4
RECOVERY_CODES_PER_USER = 10


def normalise_recovery_code(code: str) -> str:
    """Forgive case, spaces and hyphens, which people add when copying a code."""
    return "".join(ch for ch in str(code).lower() if ch.isalnum())


def recovery_code_digest(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(
        raw[i : i + RECOVERY_CODE_GROUP]
        for i in range(0, RECOVERY_CODE_LENGTH, RECOVERY_CODE_GROUP)
    )


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A django-otp device holding a user's single-use recovery codes.

    Unlike django-otp's StaticDevice it never stores a code itself, only its
    digest, and spends a code with a conditional UPDATE so that two requests
    racing with the same code cannot both succeed.
    """

    class Meta(Device.Meta):
        verbose_name = "recovery code set"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        spent = self.codes.filter(
            digest=recovery_code_digest(token or ""), used_at__isnull=True
        ).update(used_at=timezone.now())
        if spent:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False

    def unused_count(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk} ({'used' if self.used_at else 'unused'})"


class EventKind(models.TextChoices):
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    PASSWORD_ACCEPTED = "password_accepted", "Password accepted"
    SIGNED_IN = "signed_in", "Signed in (second factor accepted)"
    SIGNED_OUT = "signed_out", "Signed out"
    LOCKED_OUT = "locked_out", "Sign-in paused after too many attempts"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Authenticator app set up"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor authentication reset"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", "New recovery codes issued"
    REAUTHENTICATED = "reauthenticated", "Identity confirmed for a sensitive action"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET = "password_reset", "Password reset"
    SESSIONS_ENDED = "sessions_ended", "Other sessions ended"
    SESSION_EXPIRED = "session_expired", "Session reached its maximum length"


class EventFactor(models.TextChoices):
    NONE = "", "None"
    PASSWORD = "password", "Password"
    TOTP = "totp", "Authenticator app code"
    RECOVERY_CODE = "recovery_code", "Recovery code"


class SecurityEvent(models.Model):
    """One authentication or session event (who, when, what, which factor, from where).

    Kept in the database rather than the text log so that it can carry the
    user and address without those ever reaching log files.
    """

    Kind = EventKind
    Factor = EventFactor

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="security_events",
    )
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    factor = models.CharField(max_length=20, choices=EventFactor.choices, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"])]
        constraints = [
            models.CheckConstraint(
                name="security_event_kind_valid",
                condition=models.Q(kind__in=EventKind.values),
            ),
            models.CheckConstraint(
                name="security_event_factor_valid",
                condition=models.Q(factor__in=EventFactor.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} user={self.user_id}"


class UserSession(models.Model):
    """A signed-in session of a user, so it can be listed and ended (ASVS 7.4.5, 7.5.2)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"session of user {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """One POST carrying an idempotency key, so that a second copy is not acted on.

    ``redirect_to`` is where the first copy sent the user (a path with ids
    only); the duplicate is sent there too.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    redirect_to = models.CharField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="form_submission_once_per_key")
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"form {self.key} by user {self.user_id}"
