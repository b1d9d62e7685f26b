"""A coordinator's decision on an older brother or sister in a parent's pack (DIS-6).

A child of 12 or over with capacity has a right of their own over their data,
so a parent's pack (subject access or the whole record) leaves such a child out
until a coordinator has recorded whether the child has capacity and, if so,
what the child wants. One decision per child per request; a change of mind is
an update, and the history keeps every earlier version with who made it.
"""

from django.conf import settings
from django.db import models

from cases.models import Case, Child
from pps.fields import CaseKeyField, EncryptedTextField
from pps.history import AuditHistory


class ChildCapacityDecision(models.Model):
    request = models.ForeignKey(
        "disclosure.DisclosureRequest", on_delete=models.CASCADE, related_name="capacity_decisions"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    has_capacity = models.BooleanField()
    # Asked only of a child with capacity: do they agree to the parent having it?
    child_agrees = models.BooleanField(null=True, blank=True)
    reason = EncryptedTextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["request", "child"]
        constraints = [
            models.UniqueConstraint(fields=["request", "child"], name="capacity_decision_once"),
            models.CheckConstraint(
                name="capacity_decision_wishes_when_capable",
                condition=models.Q(has_capacity=False, child_agrees__isnull=True)
                | models.Q(has_capacity=True, child_agrees__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"capacity decision {self.pk}"

    @property
    def includes_child(self) -> bool:
        """Without capacity the parent acts for the child; with it, the child's wish decides."""
        return not self.has_capacity or bool(self.child_agrees)
