"""Child-protection overrides, their reviews, and decisions not to share (DIS-7, DIS-8).

Child protection comes before confidentiality: staff who believe a child is at
risk may pass information on without the parent's consent, even over a refusal.
Because that is the one path that deliberately ignores consent, every use of it
is recorded here for good: the records have no update path (services, admin or
``save()``) and refuse ``delete()``. Only the retention purge removes them, with
their case, through a set-based delete that does not go through ``delete()``.

Reasons, what was shared and who it went to are encrypted under the case's key;
the categories stay in clear so the list and the statistics can count them.
"""

from django.conf import settings
from django.db import models

from cases.models import Case, Child
from pps.constraints import one_of
from pps.fields import CaseKeyField, EncryptedCharField, EncryptedTextField
from pps.history import AuditHistory

__all__ = [
    "ChildProtectionOverride",
    "ConcernCategory",
    "ImmutableRecordError",
    "NonDisclosureDecision",
    "OverrideRecipient",
    "OverrideReview",
]


class ConcernCategory(models.TextChoices):
    """The four categories of abuse and neglect used in child-protection plans."""

    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    NEGLECT = "neglect", "Neglect"
    OTHER = "other", "Other concern for the child's safety"


class OverrideRecipient(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    LADO = "lado", "Local authority designated officer (LADO)"
    OTHER = "other", "Other (say who)"


class ImmutableRecordError(Exception):
    """A safeguarding record was about to be changed or deleted; it never may be."""


class ImmutableRecord(models.Model):
    """Written once: refuses to save over itself and to delete itself.

    ``QuerySet.delete`` (the purge's set-based delete) does not call
    ``Model.delete``, so the purge can still remove the record with its case.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError(f"A {self._meta.verbose_name} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(f"A {self._meta.verbose_name} cannot be deleted.")


def _recorded_by():
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class ChildProtectionOverride(ImmutableRecord):
    """Information shared without consent because a child was believed to be at risk."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cp_overrides")
    # The child the concern is about, when it is one child on the case. Children
    # are only ever deleted with their case (the purge), so this cascades like
    # every other row about the case.
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.CharField(max_length=20, choices=ConcernCategory.choices)
    reason = EncryptedTextField()
    recipient = models.CharField(max_length=20, choices=OverrideRecipient.choices)
    recipient_detail = EncryptedCharField(max_chars=200)
    what_was_shared = EncryptedTextField()
    shared_at = models.DateTimeField()
    # What the consent check would have answered at that moment: the override
    # does not obey it, but the record shows what was overridden.
    consent_refused = models.BooleanField()
    consent_at_the_time = models.CharField(max_length=300)
    recorded_by = _recorded_by()
    recorded_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-shared_at", "-id"]
        verbose_name = "child-protection override"
        indexes = [models.Index(fields=["case", "-shared_at"])]
        constraints = [
            # Empty encrypted values are stored as NULL, so these say "given".
            models.CheckConstraint(
                name="cp_override_has_reason_and_content",
                condition=models.Q(reason__isnull=False, what_was_shared__isnull=False),
            ),
            models.CheckConstraint(
                name="cp_override_other_recipient_is_named",
                condition=~models.Q(recipient="other") | models.Q(recipient_detail__isnull=False),
            ),
            one_of("category", ConcernCategory),
            one_of("recipient", OverrideRecipient),
        ]

    def __str__(self) -> str:
        return f"child-protection override {self.pk}"

    @property
    def recipient_label(self) -> str:
        label = self.get_recipient_display()
        if self.recipient == OverrideRecipient.OTHER:
            return self.recipient_detail
        return f"{label} ({self.recipient_detail})" if self.recipient_detail else label


class OverrideReview(ImmutableRecord):
    """A coordinator's review of an override, recorded once."""

    class Outcome(models.TextChoices):
        APPROPRIATE = "appropriate", "The override was appropriate"
        APPROPRIATE_WITH_LEARNING = "learning", "Appropriate, with points to learn from"
        NOT_APPROPRIATE = "not_appropriate", "The override was not appropriate"

    override = models.OneToOneField(
        ChildProtectionOverride, on_delete=models.CASCADE, related_name="review"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    notes = EncryptedTextField()
    reviewed_by = _recorded_by()
    reviewed_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        verbose_name = "override review"
        constraints = [
            models.CheckConstraint(
                name="override_review_has_notes", condition=models.Q(notes__isnull=False)
            ),
        ]

    # Nested choices are not visible inside Meta's body, hence added here.
    Meta.constraints = [*Meta.constraints, one_of("outcome", Outcome)]

    def __str__(self) -> str:
        return f"override review {self.pk}"


class NonDisclosureDecision(ImmutableRecord):
    """A concern was considered and the decision was not to share; kept as the override is."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="non_disclosures")
    category = models.CharField(max_length=20, choices=ConcernCategory.choices)
    reason = EncryptedTextField()
    decided_by = _recorded_by()
    decided_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = "decision not to share"
        constraints = [
            models.CheckConstraint(
                name="non_disclosure_has_reason", condition=models.Q(reason__isnull=False)
            ),
            one_of("category", ConcernCategory),
        ]

    def __str__(self) -> str:
        return f"decision not to share {self.pk}"
