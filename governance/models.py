"""The personal data breach register (GOV-6; UK GDPR Art. 33-34).

A breach belongs to a service, not to a case: it must outlive any case it is
about. Its free text (title, what happened, the reasons for each decision, the
actions) could name a family, so it is encrypted like case data, but under a
data key of the breach's own (as a volunteer agreement is), never the case's:
the purge destroys the case's key, and the register must stay readable.

A breach may name a case. It keeps the case's coded reference as plain text
(a reference is not personal) and a link that the purge sets to NULL, so after
the purge the breach survives with the reference alone. The link is left out
of the history on purpose: the purge deletes every history row carrying the
case's id, and the breach's history must survive with the breach.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import Case
from pps.fields import CaseKeyField, EncryptedCharField, EncryptedTextField
from pps.history import AuditHistory
from pps.models import Service

# Art. 33(1): notify the ICO without undue delay and, where feasible, within
# 72 hours of becoming aware of the breach.
ICO_DEADLINE = datetime.timedelta(hours=72)
# The home page warns this long before the deadline.
ICO_WARNING = datetime.timedelta(hours=24)


class Decision(models.TextChoices):
    UNDECIDED = "undecided", "Not yet decided"
    YES = "yes", "Yes"
    NO = "no", "No"


class Breach(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Likelihood(models.TextChoices):
        UNLIKELY = "unlikely", "Unlikely"
        POSSIBLE = "possible", "Possible"
        LIKELY = "likely", "Likely"

    class Severity(models.TextChoices):
        MINIMAL = "minimal", "Minimal"
        SIGNIFICANT = "significant", "Significant"
        SEVERE = "severe", "Severe"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="breaches")
    title = EncryptedCharField(max_chars=120)
    description = EncryptedTextField(verbose_name="what happened")
    occurred_at = models.DateTimeField(null=True, blank=True, verbose_name="when it happened")
    aware_at = models.DateTimeField(verbose_name="when the service became aware")
    likelihood = models.CharField(
        max_length=20, choices=Likelihood.choices, blank=True, verbose_name="likelihood of risk"
    )
    severity = models.CharField(
        max_length=20, choices=Severity.choices, blank=True, verbose_name="severity of risk"
    )
    risk_notes = EncryptedTextField(verbose_name="risk assessment notes")
    ico_decision = models.CharField(
        max_length=20,
        choices=Decision.choices,
        default=Decision.UNDECIDED,
        verbose_name="decision to notify the ICO",
    )
    ico_reasons = EncryptedTextField(verbose_name="reasons for the ICO decision")
    ico_decided_at = models.DateTimeField(null=True, blank=True)
    ico_notified_at = models.DateTimeField(
        null=True, blank=True, verbose_name="when the ICO was notified"
    )
    ico_reference = models.CharField(max_length=50, blank=True, verbose_name="ICO reference")
    families_decision = models.CharField(
        max_length=20,
        choices=Decision.choices,
        default=Decision.UNDECIDED,
        verbose_name="decision to tell the families",
    )
    families_reasons = EncryptedTextField(verbose_name="reasons for the families decision")
    families_told_on = models.DateField(
        null=True, blank=True, verbose_name="when the families were told"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Never changed after creation; the reference is what survives the purge.
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case_reference = models.CharField(max_length=30, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()

    history = AuditHistory(excluded_fields=["case"])

    class Meta:
        ordering = ["-aware_at", "-id"]
        verbose_name = "personal data breach"
        verbose_name_plural = "personal data breaches"
        constraints = [
            models.CheckConstraint(
                name="breach_closed_at_when_closed",
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"breach {self.pk}"

    @property
    def ico_deadline(self) -> datetime.datetime:
        return self.aware_at + ICO_DEADLINE

    @property
    def awaiting_ico(self) -> bool:
        """The 72-hour clock runs until the ICO is notified or the service decides not to."""
        if self.ico_decision == Decision.NO:
            return False
        return not (self.ico_decision == Decision.YES and self.ico_notified_at)


class BreachAction(models.Model):
    """One thing done about a breach, dated (containment, recovery, lessons)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="actions")
    taken_on = models.DateField(verbose_name="date")
    text = EncryptedTextField(verbose_name="action")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["taken_on", "id"]

    def __str__(self) -> str:
        return f"breach action {self.pk}"


# The register of system maintainers (GOV-3) lives in its own module; imported
# here so Django registers it with the app.
from governance.maintainers.models import Maintainer  # noqa: E402, F401
