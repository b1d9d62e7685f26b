from django.contrib.auth.models import AbstractUser
from django.db import models

from pps.roles import CASE_WORKER_ROLES, Role


class Service(models.Model):
    """One SEND Information, Advice and Support Service.

    An installation may host several (a regional consortium); every case, user
    and setting belongs to exactly one, and nobody sees another service's data.
    """

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. 'north'.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_role_valid",
                condition=models.Q(role__in=[*Role.values, ""]),
            ),
        ]

    @property
    def is_case_worker(self) -> bool:
        return self.role in CASE_WORKER_ROLES

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_volunteer(self) -> bool:
        return self.role == Role.VOLUNTEER

    @property
    def is_service_admin(self) -> bool:
        return self.role == Role.ADMIN


class AccessLogEntry(models.Model):
    """One read of (or refused attempt at) a confidential record (ACC-6, ACC-7).

    Holds ids, never content. ``case_id`` is a plain integer, not a foreign key,
    so a refused attempt at a case that does not exist is logged too, and so the
    retention purge can remove the rows naming a purged case.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed in results"
        DOWNLOAD = "download", "Downloaded"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_log")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    allowed = models.BooleanField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["service", "allowed", "-at"])]

    def __str__(self) -> str:
        verdict = "allowed" if self.allowed else "denied"
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id} ({verdict})"
