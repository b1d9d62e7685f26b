"""Referrals by others (REF-4), links between separate enquiries (REF-6), voicemail (REF-7).

Registered with the app through the ``cases.models`` package; import them from there.
"""

from django.conf import settings
from django.db import models

from cases.models.case import AgreementMethod, Case
from pps.fields import CaseKeyField, EncryptedCharField, EncryptedTextField
from pps.history import AuditHistory
from pps.models import Service


class Referral(models.Model):
    """A family referred by someone else, with the evidence that the parent agreed (REF-4).

    The service may not contact a referred parent without that agreement, so a
    referral without it is never saved: the evidence columns are required here
    and in the database.
    """

    class ReferrerType(models.TextChoices):
        SCHOOL = "school", "School or college"
        PROFESSIONAL = "professional", "Professional (health, social care, local authority)"
        CAF = "caf", "CAF / Team Around the Child"
        OTHER = "other", "Someone else"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    referrer_type = models.CharField(max_length=20, choices=ReferrerType.choices)
    referrer_name = EncryptedCharField(max_chars=100)
    organisation = EncryptedCharField(max_chars=150)
    referrer_role = EncryptedCharField(max_chars=100)
    referred_on = models.DateField()
    parent_agreed_on = models.DateField()
    parent_agreed_how = models.CharField(max_length=20, choices=AgreementMethod.choices)
    agreement_evidence = EncryptedTextField(
        help_text="What shows the parent agreed, e.g. the signed section of the referral form."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            # Empty encrypted values are stored as NULL, so these say "given".
            models.CheckConstraint(
                name="referral_has_evidence_of_parent_agreement",
                condition=models.Q(agreement_evidence__isnull=False)
                & ~models.Q(parent_agreed_how=""),
            ),
            models.CheckConstraint(
                name="referral_names_the_referrer",
                condition=models.Q(
                    referrer_name__isnull=False,
                    organisation__isnull=False,
                    referrer_role__isnull=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class CaseLink(models.Model):
    """Two separate enquiries about the same child, linked at a caller's word (REF-6).

    Parents who contact the service independently are separate cases. A link is
    only recorded when a caller states they know of the other parent's contact;
    it carries no content of either case, and screens show it as "linked to
    another enquiry" without a reference to anyone who cannot open the other case.
    The pair is stored once, lower case id first.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    other_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    caller_stated_knowledge = models.BooleanField(
        help_text="The caller said they know the other parent has contacted the service."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = AuditHistory()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="case_link_ordered_pair", condition=models.Q(case__lt=models.F("other_case"))
            ),
            models.CheckConstraint(
                name="case_link_only_on_callers_word",
                condition=models.Q(caller_stated_knowledge=True),
            ),
            models.UniqueConstraint(fields=["case", "other_case"], name="case_link_once"),
        ]

    def __str__(self) -> str:
        return f"case link {self.pk}"


class Voicemail(models.Model):
    """A message left on the helpline, kept for staff until someone acts on it (REF-7).

    The caller has not agreed to their details being stored (REF-3), yet a
    message cannot be returned without the number. The trade-off: the record
    holds only the number, the time, a short summary and the action taken, is
    shown to staff and coordinators only (never volunteers), and is encrypted
    under a data key of its own. Once it is dealt with (logged on a case when the
    caller agrees, or as an anonymous contact when they do not) its content is
    cleared and its key destroyed, so every copy of the number and message,
    history rows included, becomes unreadable; only the outcome remains.
    """

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting action"
        ON_CASE = "on_case", "Logged on a case"
        ANONYMOUS = "anonymous", "Logged as an anonymous contact"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="voicemails")
    received_at = models.DateTimeField()
    caller_number = EncryptedCharField(max_chars=40)
    summary = EncryptedTextField()
    action_taken = EncryptedTextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="voicemails"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The voicemail's own key, not a case's: destroyed once the message is dealt with.
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["service", "status", "-received_at"])]
        constraints = [
            models.CheckConstraint(
                name="voicemail_content_cleared_once_dealt_with",
                condition=models.Q(status="awaiting")
                | models.Q(
                    caller_number__isnull=True,
                    summary__isnull=True,
                    action_taken__isnull=True,
                    resolved_at__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="voicemail_on_case_names_the_case",
                condition=~models.Q(status="on_case") | models.Q(case__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"voicemail {self.pk}"
