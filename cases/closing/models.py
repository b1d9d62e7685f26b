"""Each time a case is closed, and reopened, with the reasons (CAS-3).

The case itself holds its status and closure date; a ``CaseClosure`` keeps why
and by whom, for the case's history and the statistics (closures by reason,
reopenings). The reason for reopening is free text, so it is encrypted under
the case's key; the row goes with the case in a purge.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models.case import Case
from pps.constraints import one_of
from pps.fields import CaseKeyField, EncryptedTextField
from pps.history import AuditHistory


class ClosureReason(models.TextChoices):
    SUPPORT_COMPLETE = "support_complete", "Support complete: the family's questions are answered"
    NO_CONTACT = "no_contact", "No contact from the family after follow-up"
    FAMILY_WITHDREW = "family_withdrew", "The family asked to stop"
    REFERRED_ON = "referred_on", "Referred on to another service"
    OUT_OF_AREA = "out_of_area", "Moved out of the area"
    OTHER = "other", "Other"


class CaseClosure(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    closed_on = models.DateField()
    # Blank only on closures recorded before reasons were asked for.
    reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)
    reopened_on = models.DateField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = EncryptedTextField()
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-closed_at", "-id"]
        indexes = [
            # Statistics count a period's closures and reopenings.
            models.Index(fields=["closed_on"]),
            models.Index(fields=["reopened_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(reopened_on__isnull=True),
                name="one_current_closure_per_case",
            ),
            models.CheckConstraint(
                name="closure_reopened_by_and_on_together",
                condition=Q(reopened_on__isnull=True, reopened_by__isnull=True)
                | Q(reopened_on__isnull=False, reopened_by__isnull=False),
            ),
            one_of("reason", ClosureReason, blank=True),
        ]

    def __str__(self) -> str:
        return f"closure {self.pk} of case {self.case_id}"
