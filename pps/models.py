from django.contrib.auth.models import AbstractUser
from django.db import models

from pps.fields import CaseKeyField, EncryptedBinaryField
from pps.history import AuditHistory
from pps.roles import CASE_WORKER_ROLES, Role


class Service(models.Model):
    """One SEND Information, Advice and Support Service.

    An installation may host several (a regional consortium); every case, user
    and setting belongs to exactly one, and nobody sees another service's data.
    """

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. 'north'.")
    created_at = models.DateTimeField(auto_now_add=True)
    volunteer_refresher_months = models.PositiveSmallIntegerField(
        default=12,
        help_text="How often volunteers and staff must refresh their data-protection and FOI "
        "training (ACC-4, GOV-1).",
    )
    history = AuditHistory()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="service_refresher_interval_sensible",
                condition=models.Q(volunteer_refresher_months__gte=1)
                & models.Q(volunteer_refresher_months__lte=60),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    # Who may see what follows from role, service and whether the account is
    # active (SEC-3). The password hash stays out of the history (an old hash
    # is still a secret), and so does the time of the last sign-in.
    history = AuditHistory(excluded_fields=["password", "last_login"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_role_valid",
                condition=models.Q(role__in=[*Role.values, ""]),
            ),
        ]

    def save(self, *args, **kwargs):
        # A sign-in saves only last_login, which the history leaves out: no
        # history row that changes nothing for every sign-in.
        if set(kwargs.get("update_fields") or ()) == {"last_login"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

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
    # Not indexed on its own: the (service, allowed, -at) index below starts
    # with it, and this table takes a write on every page view.
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, db_index=False
    )
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    allowed = models.BooleanField()
    # On a refused attempt at a record that exists: the service it belongs to,
    # so that service's coordinators see who tried it from elsewhere (ACC-7).
    owner_service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["service", "allowed", "-at"]),
            models.Index(fields=["owner_service", "-at"], name="pps_access_owner_at"),
            # The purge finds the rows naming each removed record by these two.
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        verdict = "allowed" if self.allowed else "denied"
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id} ({verdict})"


class ConfidentialityPolicy(models.Model):
    """One published version of a service's confidentiality policy (ACC-9).

    Versions are never edited: a change is a new version, which everyone must
    acknowledge again. The version in force is the newest whose date has come.
    """

    class ReviewCycle(models.IntegerChoices):
        ANNUAL = 12, "Every year"
        TWO_YEARLY = 24, "Every two years"

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="confidentiality_policies"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    text = models.TextField()
    effective_from = models.DateField()
    review_cycle_months = models.PositiveSmallIntegerField(
        choices=ReviewCycle.choices, default=ReviewCycle.TWO_YEARLY
    )
    review_due_on = models.DateField()
    published_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    history = AuditHistory()

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "confidentiality policies"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "version"], name="policy_version_unique_per_service"
            ),
            models.CheckConstraint(
                name="policy_review_after_effective",
                condition=models.Q(review_due_on__gt=models.F("effective_from")),
            ),
            models.CheckConstraint(
                name="policy_review_cycle_valid",
                condition=models.Q(review_cycle_months__in=[12, 24]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class PolicyAcknowledgement(models.Model):
    """A user confirmed they have read and will follow one policy version (ACC-9)."""

    policy = models.ForeignKey(
        ConfidentialityPolicy, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="policy_acknowledgements")
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    history = AuditHistory()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "user"], name="one_acknowledgement_per_policy"
            )
        ]

    def __str__(self) -> str:
        return f"acknowledgement {self.pk}"


class VolunteerAgreement(models.Model):
    """A signed Volunteer Agreement, scanned and uploaded (ACC-4).

    Not case data, but personal and signed, so the file is encrypted under a
    data key of its own (made for this document, not borrowed from a case) and
    is only ever served to coordinators through an authorised view. Records are
    append-only: a new signature is a new row, so each row is its own audit.
    """

    volunteer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="volunteer_agreements"
    )
    signed_on = models.DateField()
    # GOV-2: the volunteer also undertook not to keep case data on a home
    # computer and to follow the council's mobile and remote working policy.
    # Agreements recorded before this was asked for say False: nobody can
    # vouch for an undertaking the service never recorded.
    remote_working_undertaking = models.BooleanField(
        default=False,
        help_text="The volunteer signed the undertaking not to keep case data on home "
        "computers and to follow the council's mobile and remote working policy (GOV-2).",
    )
    document = EncryptedBinaryField()
    content_type = models.CharField(max_length=100)
    data_key_id = CaseKeyField()
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The scanned document stays out of the history: it is encrypted under its
    # own key and the row is never edited, so a copy would add nothing.
    history = AuditHistory(excluded_fields=["document"])

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"volunteer agreement {self.pk}"


class TrainingRecord(models.Model):
    """Data-protection and FOI training (first or refresher) someone completed.

    Append-only in use (a correction changes the date, and the history keeps
    the old one); the latest date decides when the next refresher is due.
    Volunteers' and staff's records are separate tables because a volunteer's
    belongs with their onboarding (ACC-4) and a staff member's with their job
    (GOV-1); the rules on them are the same (``pps.training``).
    """

    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"training {self.pk}"


class VolunteerTraining(TrainingRecord):
    """Data-protection training a volunteer completed (ACC-4)."""

    volunteer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="volunteer_trainings"
    )
    # Shorter than "historical volunteer data-protection training": Django's
    # permission names for it must fit auth's original 50 characters, or auth's
    # migrations cannot be unapplied.
    history = AuditHistory(verbose_name="historical volunteer training")

    class Meta(TrainingRecord.Meta):
        verbose_name = "volunteer data-protection training"


class StaffTraining(TrainingRecord):
    """Data-protection and FOI training a staff member or coordinator completed (GOV-1)."""

    staff_member = models.ForeignKey(User, on_delete=models.PROTECT, related_name="staff_trainings")
    history = AuditHistory(verbose_name="historical staff training")

    class Meta(TrainingRecord.Meta):
        verbose_name = "staff data-protection training"


class WorkerHeartbeat(models.Model):
    """When a background worker last said it was alive (OPS-2, OPS-4).

    Written every few seconds by a thread of ``manage.py db_worker`` (even while a
    long task runs) and read by ``/healthz``. Holds a random worker id and a
    time, nothing else.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id}"
