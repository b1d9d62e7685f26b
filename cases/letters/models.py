"""Letters to families, privacy statements and training case studies (COM-1, COM-4, COM-6).

Each belongs to a case, is encrypted under its data key and has an audit
history, so a purge of the case removes them with it. The stored PDF is the
exact copy that was sent.
"""

from django.conf import settings
from django.db import models

from cases.models.case import Case, Parent
from pps.fields import CaseKeyField, EncryptedBinaryField, EncryptedTextField
from pps.history import AuditHistory


class DeliveryMethod(models.TextChoices):
    POST = "post", "By post"
    EMAIL = "email", "By email"


class Letter(models.Model):
    """A letter sent to a parent (COM-1): what was sent, how, when and by whom."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of your enquiry"
        APPOINTMENT = "appointment", "Appointment"
        CLOSURE = "closure", "Case closure"
        REQUEST_OUTCOME = "request_outcome", "Outcome of a request"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    parent = models.ForeignKey(Parent, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    method = models.CharField(max_length=10, choices=DeliveryMethod.choices)
    # The particulars typed for this letter (appointment time and place, the
    # request and its outcome), as JSON.
    details = EncryptedTextField()
    pdf = EncryptedBinaryField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data_key_id = CaseKeyField()

    # Letters are never edited; the history needs no second copy of the PDF.
    history = AuditHistory(excluded_fields=["pdf"])

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"letter {self.pk}"


class PrivacyStatementSent(models.Model):
    """A "Why we keep information about you" statement sent to a parent (COM-4)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="privacy_statements")
    parent = models.ForeignKey(Parent, on_delete=models.CASCADE, related_name="privacy_statements")
    sent_on = models.DateField()
    method = models.CharField(max_length=10, choices=DeliveryMethod.choices)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pdf = EncryptedBinaryField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()

    history = AuditHistory(excluded_fields=["pdf"])

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["parent", "-sent_on"])]

    def __str__(self) -> str:
        return f"privacy statement {self.pk}"
