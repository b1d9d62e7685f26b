"""Consent decisions, signed consent forms and the record of what left the service.

A case's consent is a sequence of decisions, never edited: recording, reviewing
or withdrawing consent adds a decision, so the timeline of what the parent
agreed to, and when, stays visible (CON-5). The decision in force at a moment
is the most recently recorded one that had taken effect by then (see
``consent.sharing``). Named parties and staff notes are encrypted under the
case's data key; the professional roles are categories, kept in clear so the
database can refuse a restricted decision that names none (CON-1).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cases.models import Case
from pps.fields import (
    CaseKeyField,
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedTextField,
)
from pps.history import AuditHistory
from pps.models import Service

# Volunteers (Independent Parental Supporters) belong to the service, but what
# the parent told staff is shared with them only with the parent's agreement
# (CON-8), so the volunteer is a recipient role a decision can cover.
VOLUNTEER_ROLE = "volunteer"
VOLUNTEER_ROLE_LABEL = "Independent Parental Supporter (volunteer)"

DEFAULT_RECIPIENT_ROLES = [
    ("school_senco", "School SENCO"),
    ("la_sen_officer", "Local authority SEN officer"),
    ("educational_psychologist", "Educational psychologist"),
    ("health", "Health professional"),
    ("social_care", "Social care"),
    ("early_help", "Early help"),
    ("other", "Other professional"),
]


class RecipientRole(models.Model):
    """A professional role information may be shared with; each service keeps its list."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="recipient_roles")
    code = models.SlugField(max_length=40, help_text="Short identifier, e.g. 'school_senco'.")
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(
        default=True, help_text="Inactive roles stay on earlier decisions but cannot be chosen."
    )

    history = AuditHistory()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], name="recipient_role_unique_per_service"
            ),
            models.CheckConstraint(
                name="recipient_role_not_volunteer", condition=~models.Q(code=VOLUNTEER_ROLE)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ConsentSettings(models.Model):
    """Per-service consent settings (CON-5)."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="consent_settings"
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text="How long after it takes effect a consent decision is due for review.",
    )

    history = AuditHistory()

    class Meta:
        verbose_name_plural = "consent settings"
        constraints = [
            models.CheckConstraint(
                name="consent_review_interval_range",
                condition=models.Q(review_interval_months__gte=1, review_interval_months__lte=36),
            )
        ]

    def __str__(self) -> str:
        return f"Consent settings for {self.service}"


class ConsentKind(models.TextChoices):
    FULL = "full", "Full consent"
    RESTRICTED = "restricted", "Restricted consent"
    REFUSED = "refused", "Consent refused"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class ConsentMethod(models.TextChoices):
    TELEPHONE = "telephone", "By telephone"
    IN_PERSON = "in_person", "In person (signed form)"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"


class ConsentDecision(models.Model):
    Kind = ConsentKind
    Method = ConsentMethod

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_decisions")
    kind = models.CharField(max_length=12, choices=ConsentKind.choices)
    # Recipient role codes (RecipientRole.code or VOLUNTEER_ROLE); only a
    # restricted decision has any.
    roles = models.JSONField(default=list, blank=True)
    obtained_how = models.CharField(max_length=12, choices=ConsentMethod.choices)
    decided_on = models.DateField(help_text="When the parent gave (or refused) consent.")
    effective_from = models.DateTimeField(db_index=True)
    limits_explained = models.BooleanField(
        default=False,
        help_text="The parent was told the limits of what the service can do without consent.",
    )
    note = EncryptedTextField()
    review_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["case", "effective_from", "id"])]
        constraints = [
            models.CheckConstraint(
                name="consent_kind_valid", condition=models.Q(kind__in=ConsentKind.values)
            ),
            models.CheckConstraint(
                name="consent_method_valid",
                condition=models.Q(obtained_how__in=ConsentMethod.values),
            ),
            # CON-1: a restricted decision names at least one role; no other kind names any.
            models.CheckConstraint(
                name="consent_restricted_has_roles",
                condition=(models.Q(kind="restricted") & ~models.Q(roles=[]))
                | (~models.Q(kind="restricted") & models.Q(roles=[])),
            ),
            # CON-4: a refusal (or withdrawal) records that the limits were explained.
            models.CheckConstraint(
                name="consent_refusal_limits_explained",
                condition=~models.Q(kind__in=["refused", "withdrawn"])
                | models.Q(limits_explained=True),
            ),
            models.CheckConstraint(
                name="consent_effective_not_before_recorded",
                condition=models.Q(effective_from__gte=models.F("recorded_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"consent decision {self.pk}"

    @property
    def permits_sharing(self) -> bool:
        return self.kind in (self.Kind.FULL, self.Kind.RESTRICTED)

    @property
    def needs_signed_form(self) -> bool:
        """In-person consent counts only once the signed form is attached (CON-2)."""
        return self.permits_sharing and self.obtained_how == self.Method.IN_PERSON

    @property
    def accepts_documents(self) -> bool:
        return self.obtained_how != self.Method.TELEPHONE and self.kind != self.Kind.WITHDRAWN


class ConsentParty(models.Model):
    """A named person or organisation the parent was told about (CON-3)."""

    decision = models.ForeignKey(ConsentDecision, on_delete=models.CASCADE, related_name="parties")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=40)
    name = EncryptedCharField(max_chars=200)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "consent parties"

    def __str__(self) -> str:
        return f"consent party {self.pk}"


class SignedConsentForm(models.Model):
    """The signed consent form (or letter, or email) as scanned or saved: encrypted bytes."""

    decision = models.ForeignKey(
        ConsentDecision, on_delete=models.CASCADE, related_name="signed_forms"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    content = EncryptedBinaryField()
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"signed consent form {self.pk}"


class SharingKind(models.TextChoices):
    REFERRAL = "referral_to_agency", "Referral to another agency"
    LETTER = "letter_to_third_party", "Letter to a third party"
    CONSULTATION = "consultation_with_la_or_school", "Consulting LA or school files"
    DISCUSSION = "discussion_with_la_or_school", "Discussion with LA or school staff"
    VOLUNTEER = "volunteer_sharing", "Shared with a volunteer"
    DISCLOSURE = "disclosure", "Disclosure"


class SharingEvent(models.Model):
    """One act of sharing case information outside the service (CON-6, CON-8).

    Written only by ``consent.sharing.sharing_record``, after the sharing check
    has allowed it; ``consent_decision`` is the decision that allowed it.
    """

    Kind = SharingKind

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sharing_events")
    kind = models.CharField(max_length=40, choices=SharingKind.choices)
    recipient_role = models.CharField(max_length=40)
    party = EncryptedCharField(max_chars=200)
    what = EncryptedTextField()
    shared_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent_decision = models.ForeignKey(
        ConsentDecision, on_delete=models.CASCADE, related_name="sharing_events"
    )
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-shared_at", "-id"]
        indexes = [models.Index(fields=["case", "-shared_at"])]
        constraints = [
            models.CheckConstraint(
                name="sharing_event_kind_valid", condition=models.Q(kind__in=SharingKind.values)
            )
        ]

    def __str__(self) -> str:
        return f"sharing event {self.pk}"
