"""Retention schedule, legal holds and the record of what was destroyed.

Rules are data, not code (RET-1): each service keeps its own categories, which
its administrators edit. A case carries one or more categories through
``CaseCategory``; ``CaseRetention`` holds the destruction date computed from
them. ``LegalHold`` stops a purge (RET-4). ``DestructionLogEntry`` and
``PurgeRun`` are what remain after a purge (RET-3, RET-5): references, dates,
counts and who authorised it, never a name. ``RecordRetentionRule`` is the
schedule of the records that are not about families (GOV-7): security events,
departed staff's accounts, agreement scans, export logs, breaches.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import Case
from pps.fields import CaseKeyField, EncryptedTextField
from pps.history import AuditHistory
from pps.models import Service


class RetentionCategory(models.Model):
    """One line of the retention schedule, e.g. "destroy 12 years from closure"."""

    class Anchor(models.TextChoices):
        CLOSURE = "closure", "Date the case closed"
        DATE_OF_BIRTH = "date_of_birth", "Child's date of birth"

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="retention_categories"
    )
    code = models.SlugField(max_length=40, help_text="Short fixed name, e.g. parent_support.")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    anchor = models.CharField(max_length=20, choices=Anchor.choices)
    anchor_age_years = models.PositiveSmallIntegerField(
        default=0,
        help_text="For a date-of-birth rule: count from this birthday (0 = the date of birth, "
        "18 = the 18th birthday).",
    )
    years = models.PositiveSmallIntegerField(help_text="Destroy this many years after the anchor.")
    applies_to_every_case = models.BooleanField(
        default=False, help_text="Every case carries this category unless staff change it."
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = AuditHistory()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "retention categories"
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="retention_code_per_service"),
            models.UniqueConstraint(fields=["service", "name"], name="retention_name_per_service"),
            models.CheckConstraint(
                name="retention_closure_rule_has_no_age",
                condition=Q(anchor="date_of_birth") | Q(anchor_age_years=0),
            ),
            models.CheckConstraint(
                name="retention_anchor_valid",
                condition=Q(anchor__in=["closure", "date_of_birth"]),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rule_text(self) -> str:
        if self.anchor == self.Anchor.CLOSURE:
            return f"Destroy {self.years} years from closure"
        if self.anchor_age_years:
            return f"Destroy {self.years} years from the child's {ordinal(self.anchor_age_years)} birthday"
        return f"Destroy {self.years} years from the child's date of birth"


def ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


class ServiceRetentionSettings(models.Model):
    """Per-service periods that are not part of a case's schedule (RET-2, RET-7)."""

    service = models.OneToOneField(
        Service, on_delete=models.PROTECT, related_name="retention_settings"
    )
    archive_after_days = models.PositiveIntegerField(
        default=365, help_text="Closed cases are archived this many days after closure."
    )
    anonymous_contact_years = models.PositiveSmallIntegerField(
        default=6, help_text="Anonymous contacts older than this many years are deleted."
    )

    history = AuditHistory()

    class Meta:
        verbose_name_plural = "service retention settings"
        constraints = [
            models.CheckConstraint(
                name="retention_anonymous_years_positive",
                condition=Q(anonymous_contact_years__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"retention settings for service {self.service_id}"


class RecordKind(models.TextChoices):
    """Kinds of record, not about a family, that the purge also destroys (GOV-7)."""

    SECURITY_EVENTS = "security_events", "Security events"
    DEPARTED_ACCOUNTS = "departed_accounts", "Accounts of staff and volunteers who left"
    AGREEMENT_SCANS = "agreement_scans", "Volunteer agreement scans"
    EXPORT_LOGS = "export_logs", "Statistics export logs"
    BREACHES = "breaches", "Closed breach records"


class RecordRetentionRule(models.Model):
    """ "Keep this kind of record for N months after its event", per service (GOV-7).

    What the event is, the default and the shortest period allowed are in
    ``retention.record_rules``; the purge reads the months from here.
    """

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="record_rules")
    kind = models.CharField(max_length=30, choices=RecordKind.choices)
    months = models.PositiveSmallIntegerField()

    history = AuditHistory()

    class Meta:
        ordering = ["service", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["service", "kind"], name="record_rule_once_per_kind"),
            models.CheckConstraint(
                name="record_rule_kind_valid", condition=Q(kind__in=RecordKind.values)
            ),
            models.CheckConstraint(name="record_rule_months_positive", condition=Q(months__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} rule of service {self.service_id}"


class CaseCategory(models.Model):
    """A category a case carries (a case may carry several; the longest wins)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="retention_categories")
    category = models.ForeignKey(RetentionCategory, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = AuditHistory()

    class Meta:
        ordering = ["category__position", "category__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "category"], name="case_category_once"),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.category_id}"


class CaseRetention(models.Model):
    """A case's computed destruction date.

    While the case stays closed, ``destroy_on`` only ever moves later for the
    case's own reasons (a category removed, a date corrected): purging earlier
    than once computed is the mistake that cannot be undone. Only an
    administrator's change to a rule recomputes from scratch. ``None`` means
    "not due": the case is open (reopening clears the date, CAS-3; the latest
    closure is kept in ``last_closed_on``), or a rule it carries cannot be
    worked out yet (``review_reason`` says why).
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="retention")
    last_closed_on = models.DateField(null=True, blank=True)
    destroy_on = models.DateField(null=True, blank=True, db_index=True)
    review_reason = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    history = AuditHistory()

    def __str__(self) -> str:
        return f"retention of case {self.case_id}"


class LegalHold(models.Model):
    """Stops a case being purged until lifted (RET-4)."""

    class Reason(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        TRIBUNAL = "tribunal", "Tribunal"
        LITIGATION = "litigation", "Litigation"
        SUBJECT_ACCESS = "subject_access", "Open subject access request"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = EncryptedTextField(
        help_text="Optional: a reference such as a tribunal or complaint number."
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reason"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_hold_per_reason",
            ),
            models.CheckConstraint(
                name="hold_lifted_by_and_at_together",
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} hold on case {self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class PurgeRun(models.Model):
    """One confirmed purge, from the command or the screen; counts only (RET-5)."""

    class Method(models.TextChoices):
        COMMAND = "command", "Scheduled command"
        SCREEN = "screen", "Administration screen"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the background worker"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Finished with failures"
        REFUSED = "refused", "Not started: another purge of this service was running"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    selected = models.PositiveIntegerField(default=0)
    purged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(
        default=0, help_text="No longer due or blocked when its turn came."
    )
    failed = models.PositiveIntegerField(default=0)
    keys_destroyed = models.PositiveIntegerField(default=0)
    anonymous_contacts_deleted = models.PositiveIntegerField(default=0)
    # Records not about a family (GOV-7), every kind together; the log has each kind.
    records_destroyed = models.PositiveIntegerField(default=0)
    # The background task's bookkeeping (OPS-2): the case ids the administrator
    # confirmed (ids only), how many of them have been worked through (chunks
    # commit one by one), which restart this is (a task of an older attempt
    # stops), and when the run last moved, to tell a live run from a dead one.
    case_ids = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    attempt = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"purge run {self.pk}"

    @property
    def processed(self) -> int:
        return self.purged + self.skipped + self.failed


class DestructionLogEntry(models.Model):
    """What was destroyed, when, under which rule and on whose authority (RET-3).

    Deliberately holds no personal data: the case reference, the names of its
    categories, dates and the authorising user. ``data_key_id`` lets a re-run
    finish destroying the key if the process stopped between deleting the rows
    and shredding the key; it is cleared as soon as the key is gone.

    Records not about a family (GOV-7) are logged by kind and number, one entry
    per kind and run: no reference, ``categories`` holds the rule in words and
    ``destroy_due_on`` the day the run worked from.
    """

    class Kind(models.TextChoices):
        CASE = "case", "Case"
        SECURITY_EVENTS = RecordKind.SECURITY_EVENTS.value, RecordKind.SECURITY_EVENTS.label
        DEPARTED_ACCOUNTS = RecordKind.DEPARTED_ACCOUNTS.value, RecordKind.DEPARTED_ACCOUNTS.label
        AGREEMENT_SCANS = RecordKind.AGREEMENT_SCANS.value, RecordKind.AGREEMENT_SCANS.label
        EXPORT_LOGS = RecordKind.EXPORT_LOGS.value, RecordKind.EXPORT_LOGS.label
        BREACHES = RecordKind.BREACHES.value, RecordKind.BREACHES.label

    # Empty only for sign-in events of no account (an unknown username), which
    # belong to no service and are destroyed by the scheduled run (GOV-7).
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    run = models.ForeignKey(PurgeRun, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.CASE)
    count = models.PositiveIntegerField(default=1, help_text="Records destroyed.")
    # Unique among cases; empty (NULL) for the other kinds.
    case_reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    categories = models.CharField(max_length=400)
    closed_on = models.DateField(null=True)
    destroy_due_on = models.DateField()
    destroyed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data_key_id = models.UUIDField(null=True, blank=True)
    key_destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-destroyed_at", "-id"]
        verbose_name_plural = "destruction log entries"
        constraints = [
            # The key id is kept only until the key is gone, then forgotten.
            models.CheckConstraint(
                name="destruction_key_id_until_destroyed",
                condition=Q(data_key_id__isnull=True, key_destroyed_at__isnull=False)
                | Q(data_key_id__isnull=False, key_destroyed_at__isnull=True),
            ),
            models.CheckConstraint(
                name="destruction_reference_only_for_cases",
                condition=Q(kind="case", case_reference__isnull=False)
                | (~Q(kind="case") & Q(case_reference__isnull=True)),
            ),
        ]
        indexes = [
            models.Index(
                fields=["key_destroyed_at"],
                name="destruction_key_pending",
                condition=Q(key_destroyed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        what = self.case_reference if self.kind == self.Kind.CASE else self.get_kind_display()
        return f"{what} destroyed {self.destroyed_at:%Y-%m-%d}"

    @property
    def is_case(self) -> bool:
        return self.kind == self.Kind.CASE

    @property
    def description(self) -> str:
        """The entry in words, for the log page and the certificate."""
        if self.is_case:
            return self.case_reference
        noun = "record" if self.count == 1 else "records"
        return f"{self.get_kind_display()}: {self.count} {noun}"

    @property
    def authorised_by_label(self) -> str:
        if self.authorised_by_id is None:
            return "Retention schedule (scheduled purge)"
        return self.authorised_by.get_full_name() or self.authorised_by.username
