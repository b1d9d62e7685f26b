"""The case study record: the scrubbed text and its sign-off (COM-6)."""

from django.conf import settings
from django.db import models

from cases.models.case import Case
from pps.fields import CaseKeyField, EncryptedTextField
from pps.history import AuditHistory


class CaseStudy(models.Model):
    """A case with identifying details removed, for training (COM-6).

    Downloadable only once a coordinator has read and signed off the text.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Awaiting sign-off"
        SIGNED_OFF = "signed_off", "Signed off"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_studies")
    text = EncryptedTextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-prepared_at", "-id"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                name="case_study_sign_off_is_complete",
                condition=models.Q(
                    status="draft", signed_off_by__isnull=True, signed_off_at__isnull=True
                )
                | models.Q(
                    status="signed_off", signed_off_by__isnull=False, signed_off_at__isnull=False
                ),
            )
        ]

    def __str__(self) -> str:
        return f"case study {self.pk}"
