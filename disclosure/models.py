"""Requests for information about a case, their approval and release (DIS-1 to DIS-6, DIS-8).

A request moves through explicit states (``disclosure.workflow``); every step
adds a ``DisclosureEvent``, the case's disclosure log (DIS-8), which the
application never edits or deletes. Who asked, what they asked and every note
or reason are encrypted under the case's data key; types, states and dates are
categories kept in clear so the database can refuse impossible rows and the
due-date lists can be queried.
"""

from django.conf import settings
from django.db import models

from cases.models import Case, Child, Parent

# Decisions on an older child in a parent's pack (DIS-6) live in their own module.
from disclosure.capacity.models import ChildCapacityDecision  # noqa: F401 (models of this app)

# The child-protection override (DIS-7) lives in its own module.
from disclosure.safeguarding.models import (  # noqa: F401 (models of this app)
    ChildProtectionOverride,
    ConcernCategory,
    ImmutableRecordError,
    NonDisclosureDecision,
    OverrideRecipient,
    OverrideReview,
)
from pps.constraints import one_of
from pps.fields import CaseKeyField, EncryptedBinaryField, EncryptedCharField, EncryptedTextField
from pps.history import AuditHistory
from pps.models import Service


class RequesterType(models.TextChoices):
    LA_OFFICER = "la_officer", "Local Authority officer"
    SCHOOL = "school", "School"
    OTHER_AGENCY = "other_agency", "Other agency"
    SOLICITOR = "solicitor", "Solicitor"
    COURT = "court", "Court or legal process (e.g. judicial review)"
    PARENT_SAR = "parent_subject_access", "Parent's subject access request"
    CHILD_SAR = "child_subject_access", "Child's own subject access request"
    FOI = "foi", "Freedom of Information request"


SUBJECT_ACCESS = frozenset({RequesterType.PARENT_SAR, RequesterType.CHILD_SAR})

# The recipient role (consent.models.DEFAULT_RECIPIENT_ROLES) a requester type
# most often is; staff may pick another of the service's roles when logging.
DEFAULT_RECIPIENT_ROLE = {
    RequesterType.LA_OFFICER: "la_sen_officer",
    RequesterType.SCHOOL: "school_senco",
    RequesterType.OTHER_AGENCY: "other",
    RequesterType.SOLICITOR: "other",
    RequesterType.COURT: "other",
    RequesterType.FOI: "other",
}


class Route(models.TextChoices):
    THIRD_PARTY = "third_party", "To the requester, with the parent's consent"
    SUBJECT_ACCESS = "subject_access", "Subject access: the requester's own data"
    WHOLE_RECORD = (
        "whole_record",
        "Whole record to the parent or their solicitor (at the parent's request)",
    )


class State(models.TextChoices):
    RECEIVED = "received", "Received"
    PARENT_NOTIFIED = "parent_notified", "Parent told"
    CONSENT_RECORDED = "consent_recorded", "Parent's answer recorded"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    RELEASED = "released", "Released"
    CLOSED = "closed", "Closed"


OPEN_STATES = (
    State.RECEIVED,
    State.PARENT_NOTIFIED,
    State.CONSENT_RECORDED,
    State.APPROVED,
)


class NotifiedHow(models.TextChoices):
    TELEPHONE = "telephone", "By telephone"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    IN_PERSON = "in_person", "In person"


class ParentAnswer(models.TextChoices):
    CONSENTED = "consented", "The parent consents to release"
    DECLINED = "declined", "The parent does not consent"
    WHOLE_RECORD = "whole_record", "The parent asks for the whole record to go to them instead"


class ConsentEvidence(models.TextChoices):
    SIGNED_FORM = "signed_form", "Signed consent form"
    LETTER = "letter", "Letter from the parent"


class WholeRecordTo(models.TextChoices):
    PARENT = "parent", "The parent"
    SOLICITOR = "solicitor", "The parent's solicitor"


class DisclosureRequest(models.Model):
    State = State
    Route = Route

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosure_requests")
    requester_type = models.CharField(max_length=30, choices=RequesterType.choices)
    route = models.CharField(max_length=20, choices=Route.choices)
    recipient_role = models.CharField(max_length=40, blank=True)
    requester_name = EncryptedCharField(max_chars=200)
    requester_organisation = EncryptedCharField(max_chars=200)
    what_asked = EncryptedTextField()
    received_on = models.DateField()
    due_on = models.DateField(db_index=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    # Subject access (DIS-6): the parent or the child whose own data is asked for.
    subject_parent = models.ForeignKey(
        Parent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A third-party request: the parent or carer on whose behalf information is
    # disclosed, who must hold parental responsibility (REF-5).
    on_behalf_of = models.ForeignKey(
        Parent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # For a child of 12 or over: recorded as having capacity (True) or not (False).
    child_has_capacity = models.BooleanField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField()
    # DIS-2: the parent was told, then their answer was recorded.
    parent_notified_on = models.DateField(null=True, blank=True)
    parent_notified_how = models.CharField(max_length=12, choices=NotifiedHow.choices, blank=True)
    parent_answer = models.CharField(max_length=12, choices=ParentAnswer.choices, blank=True)
    consent_evidence = models.CharField(max_length=12, choices=ConsentEvidence.choices, blank=True)
    parent_answered_on = models.DateField(null=True, blank=True)
    # DIS-3: where the whole record goes at the parent's request.
    whole_record_to = models.CharField(max_length=10, choices=WholeRecordTo.choices, blank=True)
    whole_record_recipient = EncryptedCharField(max_chars=200)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField()
    version = models.PositiveIntegerField(default=1)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            one_of("requester_type", RequesterType),
            one_of("route", Route),
            one_of("state", State),
            one_of("parent_notified_how", NotifiedHow, blank=True),
            one_of("parent_answer", ParentAnswer, blank=True),
            one_of("consent_evidence", ConsentEvidence, blank=True),
            one_of("whole_record_to", WholeRecordTo, blank=True),
            models.CheckConstraint(
                name="disclosure_due_after_received",
                condition=models.Q(due_on__gt=models.F("received_on")),
            ),
            # Subject access is the requester's own data; no other type takes that route.
            models.CheckConstraint(
                name="disclosure_subject_access_route",
                condition=(
                    models.Q(requester_type__in=sorted(SUBJECT_ACCESS), route="subject_access")
                    | (
                        ~models.Q(requester_type__in=sorted(SUBJECT_ACCESS))
                        & ~models.Q(route="subject_access")
                    )
                ),
            ),
            models.CheckConstraint(
                name="disclosure_parent_sar_names_parent",
                condition=~models.Q(requester_type="parent_subject_access")
                | models.Q(subject_parent__isnull=False),
            ),
            models.CheckConstraint(
                name="disclosure_child_sar_has_capacity",
                condition=~models.Q(requester_type="child_subject_access")
                | models.Q(subject_child__isnull=False, child_has_capacity=True),
            ),
            # Third-party release needs the parent's consent with its evidence (DIS-2).
            models.CheckConstraint(
                name="disclosure_consent_has_evidence",
                condition=~models.Q(parent_answer="consented") | ~models.Q(consent_evidence=""),
            ),
            models.CheckConstraint(
                name="disclosure_decision_is_recorded",
                condition=~models.Q(state__in=["approved", "refused", "released"])
                | models.Q(decided_by__isnull=False, decided_at__isnull=False),
            ),
            models.CheckConstraint(
                name="disclosure_version_positive", condition=models.Q(version__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"disclosure request {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_family_route(self) -> bool:
        """The family's own data going to the family: not third-party sharing."""
        return self.route in (Route.SUBJECT_ACCESS, Route.WHOLE_RECORD)


class DisclosureRelease(models.Model):
    """What went out, to whom, when and approved by whom (DIS-5), with the exact pack."""

    request = models.OneToOneField(
        DisclosureRequest, on_delete=models.CASCADE, related_name="release"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    recipient = EncryptedCharField(max_chars=200)
    # Item keys ("contact:12") of what the pack holds; ids only, nothing personal.
    items = models.JSONField(default=list)
    schedule = EncryptedTextField()
    withheld = EncryptedTextField()
    pdf = EncryptedBinaryField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField()
    sharing_event = models.ForeignKey(
        "consent.SharingEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    data_key_id = CaseKeyField()

    # Never edited; the history needs no second copy of the pack.
    history = AuditHistory(excluded_fields=["pdf"])

    class Meta:
        ordering = ["-released_at", "-id"]

    def __str__(self) -> str:
        return f"disclosure release {self.pk}"


class ReleaseJob(models.Model):
    """A large third-party release done by the background worker (OPS-2, DIS-5).

    From ``disclosure.jobs.TASK_FROM_ITEMS`` chosen items the release button
    records one of these and the worker runs ``disclosure_release`` itself: it
    checks consent then (``sharing_record``), renders the pack and keeps it on
    the ``DisclosureRelease``, encrypted under the case's key as before. This row
    holds the chosen item keys (ids only) and, if the release was refused, the
    reason, encrypted under the case's key; it cascades with the case (RET-3).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the background worker"
        RUNNING = "running", "Preparing the pack"
        RELEASED = "released", "Released"
        REFUSED = "refused", "Not released"
        FAILED = "failed", "Could not be prepared"

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="release_jobs"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField(default=list)
    expected_version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # A task of an older attempt stops (the pattern of retention.PurgeRun).
    attempt = models.PositiveSmallIntegerField(default=0)
    reason = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    data_key_id = CaseKeyField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"release job {self.pk}"


class ParentCopy(models.Model):
    """The copy of a released pack sent to a parent (DIS-5), by post or by email with permission."""

    class Method(models.TextChoices):
        POST = "post", "By post"
        EMAIL = "email", "By email"

    release = models.ForeignKey(DisclosureRelease, on_delete=models.CASCADE, related_name="copies")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(Parent, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10, choices=Method.choices)
    sent_at = models.DateTimeField()
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["release", "parent"], name="one_copy_per_parent"),
        ]

    Meta.constraints = [*Meta.constraints, one_of("method", Method)]

    def __str__(self) -> str:
        return f"parent copy {self.pk}"


class DisclosureEvent(models.Model):
    """One entry in a case's disclosure log (DIS-8): kept for the life of the case."""

    class Action(models.TextChoices):
        LOGGED = "logged", "Request logged"
        PARENT_NOTIFIED = "parent_notified", "Parent told"
        PARENT_ANSWERED = "parent_answered", "Parent's answer recorded"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        RELEASED = "released", "Released"
        CLOSED = "closed", "Closed"

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="events")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = EncryptedTextField()
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    Meta.constraints = [one_of("action", Action)]

    def __str__(self) -> str:
        return f"disclosure event {self.pk}"

    @property
    def line(self) -> str:
        """The entry as one sentence: "Approved: no objection", not "Approved: Approved. …".

        Summaries that already open with the action's words ("Released 3 item(s)",
        "Closed.", older rows' "Approved. …") are shown as they are.
        """
        label = self.get_action_display()
        if self.summary.startswith(label):
            return self.summary
        return f"{label}: {self.summary}"

    @property
    def details(self) -> str:
        """The summary without the action's own words, for a log that shows the action beside it."""
        label = self.get_action_display()
        if self.summary.startswith(label):
            return self.summary[len(label) :].lstrip(" :.;")
        return self.summary


class DisclosureApprovers(models.Model):
    """Who may approve or refuse disclosures in a service (DIS-4).

    The head of service (a coordinator) decides; their deputy (staff or
    coordinator) decides only while the head's absence is recorded. With no
    head recorded, any coordinator may decide.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="disclosure_approvers"
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    head_absent_from = models.DateField(null=True, blank=True)
    head_absent_until = models.DateField(null=True, blank=True)

    history = AuditHistory()

    class Meta:
        verbose_name_plural = "disclosure approvers"
        constraints = [
            models.CheckConstraint(
                name="disclosure_absence_is_a_period",
                condition=models.Q(head_absent_from__isnull=True, head_absent_until__isnull=True)
                | models.Q(
                    head_absent_from__isnull=False,
                    head_absent_until__isnull=False,
                    head_absent_until__gte=models.F("head_absent_from"),
                ),
            ),
            models.CheckConstraint(
                name="disclosure_deputy_is_not_head",
                condition=models.Q(deputy__isnull=True)
                | models.Q(head__isnull=True)
                | ~models.Q(deputy=models.F("head")),
            ),
        ]

    def __str__(self) -> str:
        return f"disclosure approvers for {self.service}"

    def head_absent_on(self, day) -> bool:
        return bool(
            self.head_absent_from and self.head_absent_from <= day <= self.head_absent_until
        )
