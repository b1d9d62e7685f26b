"""Parents, children, cases and contacts.

A case is one parent's (or carer's) enquiry. The people it records belong to
that case and to no other, which keeps separate enquiries separate (REF-6),
lets one data key encrypt the whole case, and lets a purge remove it cleanly.
Names, contact details, dates of birth, notes and SEN details are encrypted
under the case's data key; searchable values also get a blind index.
"""

from django.conf import settings
from django.db import models
from guardian.models import UserObjectPermissionBase

from cases.search.indexing import SearchIndexed
from pps.constraints import one_of
from pps.fields import (
    BlindIndexField,
    CaseKeyField,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedTextField,
)
from pps.history import AuditHistory
from pps.models import Service


class Channel(models.TextChoices):
    HELPLINE = "helpline", "Helpline call"
    VOICEMAIL = "voicemail", "Voicemail"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "Letter"
    WEB_FORM = "web_form", "Web form"


class Outcome(models.TextChoices):
    INFORMATION = "information", "Information given"
    ADVICE = "advice", "Advice given"
    SIGNPOSTED = "signposted", "Signposted to another service"
    CASEWORK = "casework", "Casework opened or continued"
    REFERRED = "referred", "Referred to another agency"
    CALLBACK = "callback", "Callback arranged"
    NO_FURTHER_ACTION = "nfa", "No further action"


class Topic(models.Model):
    """A subject of enquiry; each service keeps its own list (REF-1)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    history = AuditHistory()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="topic_unique_per_service"),
            models.CheckConstraint(name="topic_name_not_blank", condition=~models.Q(name="")),
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        ARCHIVED = "archived", "Archived"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=20, unique=True, null=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    archived_on = models.DateField(null=True, blank=True)
    assigned_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    summary = EncryptedTextField(help_text="What the enquiry is about, in the parent's words.")
    data_key_id = CaseKeyField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: two people editing at once get a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=1)

    history = AuditHistory()

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["service", "status", "-opened_on", "-id"]),
            # The everyday list (every status but archived) walks this in order
            # and stops after a page, instead of sorting the whole service.
            models.Index(fields=["service", "-opened_on", "-id", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_closed_after_opened",
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
            ),
            models.CheckConstraint(
                name="case_closed_has_date",
                condition=models.Q(status="open") | models.Q(closed_on__isnull=False),
            ),
            models.CheckConstraint(
                name="case_archived_has_date",
                condition=~models.Q(status="archived") | models.Q(archived_on__isnull=False),
            ),
            models.CheckConstraint(
                name="case_version_positive", condition=models.Q(version__gte=1)
            ),
        ]

    # Nested choices are not visible inside Meta's body, hence added here.
    Meta.constraints = [*Meta.constraints, one_of("status", Status)]

    def __str__(self) -> str:
        return self.reference or "new case"

    @staticmethod
    def reference_for(pk: int, opened_on) -> str:
        return f"PPS-{opened_on.year}-{pk:05d}"


class ParentalResponsibility(models.TextChoices):
    YES = "yes", "Holds parental responsibility"
    NO = "no", "Does not hold parental responsibility"
    UNKNOWN = "unknown", "Not yet established"


class AgreementMethod(models.TextChoices):
    TELEPHONE = "telephone", "By telephone"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    WEB_FORM = "web_form", "Web form"


class Parent(SearchIndexed, models.Model):
    """A parent or carer whose details are stored with their agreement (REF-3).

    Found by surname, its beginning and its sound (``SearchIndexed`` keeps the
    digests in step with every save), phone and postcode (CAS-6).
    """

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        CARER = "carer", "Carer"
        GUARDIAN = "guardian", "Special guardian"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parents")
    given_name = EncryptedCharField(max_chars=100)
    family_name = EncryptedCharField(max_chars=100)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.CharField(
        max_length=10,
        choices=ParentalResponsibility.choices,
        default=ParentalResponsibility.UNKNOWN,
    )
    phone = EncryptedCharField(max_chars=40)
    email = EncryptedCharField(max_chars=254)
    address = EncryptedTextField()
    postcode = EncryptedCharField(max_chars=10)
    storage_agreed_on = models.DateField(
        help_text="When the parent agreed to their details being stored."
    )
    storage_agreed_how = models.CharField(max_length=20, choices=AgreementMethod.choices)
    email_permission = models.BooleanField(
        default=False, help_text="The parent agreed to receive personal information by email."
    )
    # GOV-4: recorded at the first contact with this parent. False on the records
    # made before it was asked for; correcting the parent's details can record it.
    purpose_explained = models.BooleanField(
        default=False,
        db_default=False,
        help_text="The parent was told why their information is kept and that nothing is "
        "shared without their permission, on a need-to-know basis.",
    )
    # The (family_name_bidx, case) index in Meta serves every lookup by name.
    family_name_bidx = BlindIndexField(source="family_name", normaliser="name", db_index=False)
    phone_bidx = BlindIndexField(source="phone", normaliser="phone")
    postcode_bidx = BlindIndexField(source="postcode", normaliser="postcode")
    email_bidx = BlindIndexField(source="email", normaliser="email")
    data_key_id = CaseKeyField()
    # Optimistic locking (CAS-1): two people correcting the same parent at once
    # get a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=1)

    history = AuditHistory()

    class Meta:
        ordering = ["id"]
        # The case list's surname search reads only the matching cases' ids: with
        # the case id in the index it never visits the parents' rows (a common
        # surname matches thousands at 100,000 cases).
        indexes = [models.Index(fields=["family_name_bidx", "case"])]
        constraints = [
            one_of("parental_responsibility", ParentalResponsibility),
            # No agreement, no record (REF-3): how it was given is always one of these.
            one_of("storage_agreed_how", AgreementMethod),
            models.CheckConstraint(
                name="parent_version_positive", condition=models.Q(version__gte=1)
            ),
        ]

    # Nested choices are not visible inside Meta's body, hence added here.
    Meta.constraints = [*Meta.constraints, one_of("relationship", Relationship)]

    def __str__(self) -> str:
        return f"parent {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Child(SearchIndexed, models.Model):
    """Found as a parent is by surname, and by first name with date of birth (CAS-6)."""

    search_sources = ("family_name", "given_name", "date_of_birth")

    class SchoolPhase(models.TextChoices):
        EARLY_YEARS = "early_years", "Early years"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        POST_16 = "post_16", "Post-16"
        NOT_IN_EDUCATION = "none", "Not in education"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    given_name = EncryptedCharField(max_chars=100)
    family_name = EncryptedCharField(max_chars=100)
    date_of_birth = EncryptedDateField(null=True)
    school_phase = models.CharField(max_length=20, choices=SchoolPhase.choices, blank=True)
    # The (family_name_bidx, case) index in Meta serves every lookup by name.
    family_name_bidx = BlindIndexField(source="family_name", normaliser="name", db_index=False)
    date_of_birth_bidx = BlindIndexField(source="date_of_birth", normaliser="date")
    data_key_id = CaseKeyField()
    # Optimistic locking, as for parents (CAS-1).
    version = models.PositiveIntegerField(default=1)

    history = AuditHistory()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "children"
        # As for parents: the surname search reads the ids from the index alone.
        indexes = [models.Index(fields=["family_name_bidx", "case"])]

    # Nested choices are not visible inside Meta's body, hence added here.
    Meta.constraints = [
        one_of("school_phase", SchoolPhase, blank=True),
        models.CheckConstraint(name="child_version_positive", condition=models.Q(version__gte=1)),
    ]

    def __str__(self) -> str:
        return f"child {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class ChildInformation(models.Model):
    """One piece of school or SEN information about a child, with where it came from.

    Volunteers see only what the parent supplied, never case-file information or
    school records (ACC-3), so every piece is marked. Staff correct an item in
    place (the history keeps what it said before) and end it when it no longer
    holds (a school left, support withdrawn, a plan ceased): ``ended_on``.
    """

    class Kind(models.TextChoices):
        SCHOOL = "school", "School attended"
        SEN_NEED = "sen_need", "Special educational needs"
        SUPPORT = "support", "Support in place"
        EHC_PLAN = "ehc_plan", "EHC needs assessment or plan"
        SCHOOL_RECORD = "school_record", "School record"
        PROFESSIONAL_REPORT = "professional_report", "Professional report"
        ASSESSMENT = "assessment", "Assessment"

    class Source(models.TextChoices):
        PARENT = "parent", "Supplied by the parent"
        CASE_FILE = "case_file", "Case file (school, LA or professional)"

    # Documents from the school, the LA or a professional: case-file information
    # by definition, whoever handed them over (ACC-3). What the parent tells us
    # about them is recorded under the other kinds, as parent-supplied.
    CASE_FILE_KINDS = (Kind.SCHOOL_RECORD, Kind.PROFESSIONAL_REPORT, Kind.ASSESSMENT)
    # Only an EHC plan has a start and a review date.
    DATED_KINDS = (Kind.EHC_PLAN,)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="child_information")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="information")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    text = EncryptedTextField()
    # SEN details, so encrypted like the text (nothing searches by them).
    started_on = EncryptedDateField(null=True)
    review_on = EncryptedDateField(null=True)
    # When it stopped being true; the item stays on the record, marked ended.
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    data_key_id = CaseKeyField()
    # Optimistic locking, as for the child (CAS-2).
    version = models.PositiveIntegerField(default=1)

    history = AuditHistory()

    class Meta:
        ordering = ["child_id", "kind", "id"]
        verbose_name_plural = "child information"
        constraints = [
            # A school record, a professional report or an assessment is by
            # definition not parent-supplied.
            models.CheckConstraint(
                name="case_file_kinds_are_case_file",
                condition=~models.Q(
                    kind__in=["school_record", "professional_report", "assessment"],
                    source="parent",
                ),
            ),
            models.CheckConstraint(
                name="child_information_version_positive", condition=models.Q(version__gte=1)
            ),
        ]

    # Nested choices are not visible inside Meta's body, hence added here.
    Meta.constraints = [*Meta.constraints, one_of("kind", Kind), one_of("source", Source)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_source_display()})"


class Contact(models.Model):
    """A logged contact with a known parent (REF-1)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Random id carried by the form that created the contact: a double submit
    # (two clicks, a resent POST) hits the unique constraint and saves once.
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    data_key_id = CaseKeyField()

    history = AuditHistory()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-occurred_at"]),
            # Statistics count one period's contacts across every case.
            models.Index(fields=["occurred_at"]),
        ]
        constraints = [one_of("channel", Channel), one_of("outcome", Outcome)]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class AnonymousContact(models.Model):
    """A contact from someone who stayed anonymous or declined storage (REF-2).

    Deliberately has no field that could hold a name, number, address or free
    text; it still counts in the statistics (RET-7: kept apart from case data).
    """

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="anonymous_contacts"
    )
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A random form id against double submits (see Contact); it says nothing about the caller.
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["service", "-occurred_at"])]
        constraints = [one_of("channel", Channel), one_of("outcome", Outcome)]

    def __str__(self) -> str:
        return f"anonymous {self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"


class VolunteerAssignment(models.Model):
    """A volunteer (IPS) working on a case; access is granted while it is open."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="volunteer_assignments")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The parent or carer the volunteer supports: in-depth support is only for
    # a parent who holds parental responsibility (REF-5). Empty on assignments
    # made before it was recorded.
    parent = models.ForeignKey(
        Parent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Why the assignment ended when the coordinator did not end it themselves
    # (consent no longer covering volunteers, the case closed): shown to
    # coordinators. Dates and role names only, never a person's details.
    end_reason = models.TextField(blank=True, default="")

    history = AuditHistory()

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "volunteer"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_assignment_per_volunteer_and_case",
            ),
            models.CheckConstraint(
                name="assignment_ends_after_it_starts",
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("assigned_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"assignment {self.pk}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian object permission with a direct foreign key to the case.

    Direct keys keep "cases this volunteer may see" a plain indexed join instead
    of guardian's generic (content type, text id) lookup.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass
