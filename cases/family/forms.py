"""Forms for the family screens: one screen and one save per person (CAS-1, CAS-2).

Each form's ``FIELDS`` are exactly what its service takes; an edit form also
carries the ``version`` the user was shown, so a concurrent edit is a conflict.
Dates are GOV.UK day/month/year boxes (CAS-7).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.family.models import DESCRIPTION_MAX_CHARS
from cases.family.services import (
    CHILD_FIELDS,
    INFORMATION_FIELDS,
    PARENT_FIELDS,
    DocumentRemovalReason,
    RemovalReason,
)
from cases.helpline.forms import OLDEST_CHILD_YEARS, PHONE, POSTCODE, PURPOSE_EXPLAINED_LABEL
from cases.models import AgreementMethod, Child, ChildInformation, Parent, ParentalResponsibility
from pps.date_fields import DateField
from pps.form_fields import PlainTextForm

TEXT_MAX_CHARS = 5000


def _private(attrs: dict | None = None) -> dict:
    # Browsers' cloud spelling services would send what is typed off the machine.
    return {"spellcheck": "false", **(attrs or {})}


def _name(label: str, message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=100,
        widget=forms.TextInput(attrs=_private()),
        error_messages={
            "required": message,
            "max_length": f"{label} must be 100 characters or fewer.",
        },
    )


def _radios(label: str, choices, message: str, *, inline: bool = False) -> forms.ChoiceField:
    classes = "govuk-radios--small" + (" govuk-radios--inline" if inline else "")
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect(attrs={"class": classes}),
        error_messages={"required": message, "invalid_choice": message},
    )


class VersionedForm(PlainTextForm):
    """An edit: ``version`` is the version of the record the user was shown."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2_147_483_647,
        error_messages={
            "required": "Reload the page and make your changes again.",
            "invalid": "Reload the page and make your changes again.",
            "min_value": "Reload the page and make your changes again.",
            "max_value": "Reload the page and make your changes again.",
        },
    )


class ParentForm(PlainTextForm):
    """Every field the case summary shows about a parent or carer."""

    FIELDS = PARENT_FIELDS

    given_name = _name("First name", "Enter their first name.")
    family_name = _name("Surname", "Enter their surname.")
    relationship = _radios(
        "Relationship to the child",
        Parent.Relationship.choices,
        "Choose their relationship to the child.",
    )
    parental_responsibility = _radios(
        "Do they hold parental responsibility for the child?",
        ParentalResponsibility.choices,
        "Say whether they hold parental responsibility.",
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs=_private({"type": "tel", "inputmode": "tel", "class": "govuk-input--width-20"})
        ),
        error_messages={"max_length": "Enter a phone number using digits, like 01632 960 001."},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs=_private()),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com.",
            "max_length": "Enter an email address of 254 characters or fewer.",
        },
    )
    email_permission = forms.BooleanField(
        label="They agree to receive personal information by email", required=False
    )
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs=_private({"rows": 3})),
        error_messages={"max_length": "The address must be 500 characters or fewer."},
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs=_private({"class": "govuk-input--width-10"})),
        error_messages={"max_length": "Enter a real postcode, like NE1 4ST."},
    )
    storage_agreed_on = DateField(
        label="Date they agreed to their details being stored",
        help_text="For example, 27 3 2026.",
        not_future=True,
    )
    storage_agreed_how = _radios(
        "How they agreed",
        AgreementMethod.choices,
        "Choose how they agreed to their details being stored.",
        inline=True,
    )
    # GOV-4: required when adding (the service refuses without it); a correction
    # may record it for a parent added before it was asked.
    purpose_explained = forms.BooleanField(label=PURPOSE_EXPLAINED_LABEL, required=False)

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE.match(value):
            raise ValidationError("Enter a phone number using digits, like 01632 960 001.")
        return value

    def clean_postcode(self):
        value = " ".join(self.cleaned_data["postcode"].upper().split())
        if value and not POSTCODE.match(value):
            raise ValidationError("Enter a real postcode, like NE1 4ST.")
        return value

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("email_permission")
            and not cleaned.get("email")
            and "email" not in self.errors
        ):
            self.add_error(
                "email",
                "Enter their email address, or untick permission to email personal information.",
            )
        return cleaned

    @staticmethod
    def initial_for(parent: Parent) -> dict:
        return {name: getattr(parent, name) for name in PARENT_FIELDS} | {"version": parent.version}


class ParentEditForm(VersionedForm, ParentForm):
    pass


def _check_born(value: datetime.date | None) -> None:
    if value and value < timezone.localdate() - datetime.timedelta(days=366 * OLDEST_CHILD_YEARS):
        raise ValidationError(
            "Check the date of birth: the service supports children and young people up to "
            f"25, so it must be within the last {OLDEST_CHILD_YEARS} years."
        )


class ChildForm(PlainTextForm):
    FIELDS = CHILD_FIELDS

    given_name = _name("First name", "Enter the child's first name.")
    family_name = _name("Surname", "Enter the child's surname.")
    date_of_birth = DateField(
        label="Date of birth",
        required=False,
        not_future=True,
        help_text="For example, 27 3 2015. Leave blank if not known.",
    )
    school_phase = forms.ChoiceField(
        label="School phase",
        required=False,
        choices=[("", "Not known"), *Child.SchoolPhase.choices],
        error_messages={"invalid_choice": "Choose a school phase from the list."},
    )

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        _check_born(value)
        return value

    @staticmethod
    def initial_for(child: Child) -> dict:
        return {name: getattr(child, name) for name in CHILD_FIELDS} | {"version": child.version}


class ChildEditForm(VersionedForm, ChildForm):
    pass


class ChildInformationForm(PlainTextForm):
    """One item of what is known about a child, with its source (CAS-2, ACC-3)."""

    FIELDS = INFORMATION_FIELDS

    kind = _radios(
        "What kind of information is it?",
        ChildInformation.Kind.choices,
        "Choose what kind of information this is.",
    )
    source = _radios(
        "Where did it come from?",
        ChildInformation.Source.choices,
        "Choose where the information came from.",
    )
    text = forms.CharField(
        label="What is known",
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter what is known.",
            "max_length": f"What is known must be {TEXT_MAX_CHARS:,} characters or fewer.",
        },
    )
    started_on = DateField(
        label="Date the EHC plan started",
        required=False,
        help_text="For an EHC needs assessment or plan only. For example, 1 9 2025.",
    )
    review_on = DateField(
        label="Date of the next annual review",
        required=False,
        help_text="For an EHC needs assessment or plan only. For example, 1 9 2026.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].help_text = (
            "Volunteers see only what the parent supplied. School records, professional "
            "reports and assessments are always case-file information."
        )

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def clean(self):
        cleaned = super().clean()
        kind, source = cleaned.get("kind"), cleaned.get("source")
        if kind in ChildInformation.CASE_FILE_KINDS and source == ChildInformation.Source.PARENT:
            self.add_error(
                "source",
                "A school record, professional report or assessment is case-file information: "
                "choose the case file as its source.",
            )
        if kind and kind not in ChildInformation.DATED_KINDS:
            for name in ("started_on", "review_on"):
                if cleaned.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        "Only an EHC needs assessment or plan has this date: remove it, or "
                        "choose that kind.",
                    )
        started, review = cleaned.get("started_on"), cleaned.get("review_on")
        if started and review and review < started and "review_on" not in self.errors:
            self.add_error(
                "review_on", "The date of the next annual review must be after the start date."
            )
        return cleaned

    @staticmethod
    def initial_for(item: ChildInformation) -> dict:
        return {name: getattr(item, name) for name in INFORMATION_FIELDS} | {
            "version": item.version
        }


class ChildInformationEditForm(VersionedForm, ChildInformationForm):
    pass


class ChildInformationEndForm(VersionedForm):
    ended_on = DateField(
        label="Date it ended",
        not_future=True,
        help_text="For example, 31 8 2026.",
    )


class RemoveForm(VersionedForm):
    """A coordinator removing a person added in error gives the reason (CAS-1)."""

    reason = _radios(
        "Why are they being removed?", RemovalReason.choices, "Choose why they are being removed."
    )


class DocumentForm(PlainTextForm):
    """A document on an item of child information (CAS-2). The file is checked by
    the service (``read_upload``: type by content, size), which names what is wrong."""

    document = forms.FileField(
        label="Upload a file",
        help_text="A PDF, or a PNG or JPEG scan or photo.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        # Django's own check of an empty file would run before the service's:
        # ``allow_empty_file`` leaves it to ``read_upload``, one message for both.
        allow_empty_file=True,
        error_messages={
            "required": "Select a file to upload.",
            "invalid": "Select a file to upload.",
            "missing": "Select a file to upload.",
        },
    )
    description = forms.CharField(
        label="Title (optional)",
        help_text="For example, educational psychologist's report, May 2026.",
        required=False,
        max_length=DESCRIPTION_MAX_CHARS,
        widget=forms.TextInput(attrs=_private()),
        error_messages={
            "max_length": f"The title must be {DESCRIPTION_MAX_CHARS} characters or fewer.",
        },
    )


class DocumentRemoveForm(PlainTextForm):
    """A coordinator removing a document attached in error gives the reason (CAS-2)."""

    reason = _radios(
        "Why is it being removed?",
        DocumentRemovalReason.choices,
        "Choose why the document is being removed.",
    )
