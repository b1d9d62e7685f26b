"""Forms for the helpline screens: plain forms, explicit fields, checks in ``clean_*``.

The anonymous form declares no field that could hold a name, number, address or
free text (REF-2): whatever else is posted to it is never read.
"""

import datetime
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.helpline.services import REFERRAL_WITHOUT_AGREEMENT
from cases.models import (
    AgreementMethod,
    Channel,
    Child,
    Outcome,
    Parent,
    ParentalResponsibility,
    Referral,
    Topic,
)
from cases.rules import PURPOSE_NOT_EXPLAINED
from cases.tasks.forms import CallbackFields
from pps.date_fields import DateField, DateTimeField
from pps.form_fields import ModelChoiceField, PlainTextForm, as_id

NOTES_MAX_CHARS = 10_000
SUMMARY_MAX_CHARS = 2_000
# SEND support runs from birth to 25, so an older date of birth is a typing slip.
OLDEST_CHILD_YEARS = 26
# Clocks differ a little between the caseworker's PC and the server.
CLOCK_SLACK = datetime.timedelta(minutes=5)
EARLIEST_CONTACT = datetime.date(2000, 1, 1)
NEW_CASE = "new"
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")


def _now_to_the_minute() -> datetime.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _private(attrs: dict | None = None) -> dict:
    # Browsers' cloud spelling services would send what is typed off the machine.
    return {"spellcheck": "false", **(attrs or {})}


def _date_field(label: str, *, required: bool = True, initial=None, not_future: bool = False):
    """A date in day, month and year boxes; ``not_future`` for things that have happened."""
    return DateField(label=label, required=required, initial=initial, not_future=not_future)


def check_not_future_date(value: datetime.date | None, what: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(f"{what} cannot be in the future.")


def check_date_of_birth(value: datetime.date | None) -> None:
    if value is None:
        return
    today = timezone.localdate()
    if value > today:
        raise ValidationError("The date of birth must be in the past.")
    if value < today - datetime.timedelta(days=366 * OLDEST_CHILD_YEARS):
        raise ValidationError(
            f"Check the date of birth: the service supports children and young people up to "
            f"25, so it must be within the last {OLDEST_CHILD_YEARS} years."
        )


PURPOSE_EXPLAINED_LABEL = (
    "I told them why the service keeps their information and that nothing is shared "
    "without their permission, on a need-to-know basis"
)


class ServiceForm(PlainTextForm):
    """A form whose topic list is the signed-in user's service's."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        if "topic" in self.fields:
            self.fields["topic"].queryset = Topic.objects.filter(service=service, active=True)

    def show_without_errors(self) -> None:
        """Redisplay what was typed (a search step) without judging it yet."""
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}


def _topic_field() -> ModelChoiceField:
    return ModelChoiceField(
        label="Topic",
        queryset=Topic.objects.none(),  # the service's list, set by ServiceForm
        empty_label="Choose a topic",
        error_messages={
            "required": "Choose the topic of the contact.",
            "invalid_choice": "Choose a topic from the list.",
        },
    )


def _outcome_field(*, anonymous: bool = False) -> forms.ChoiceField:
    # Casework needs a case, so an anonymous contact cannot record it; nor a
    # callback, which needs a number kept and a task on a case (CAS-5).
    needs_a_case = (Outcome.CASEWORK, Outcome.CALLBACK)
    choices = [c for c in Outcome.choices if not (anonymous and c[0] in needs_a_case)]
    return forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose an outcome"), *choices],
        error_messages={
            "required": "Choose the outcome of the contact.",
            "invalid_choice": "Choose an outcome from the list"
            + (
                ": casework needs a case (so does a callback), not an anonymous contact."
                if anonymous
                else "."
            ),
        },
    )


class ContactForm(ServiceForm):
    """What every contact records (REF-1): channel, when, topic, outcome."""

    channel = forms.ChoiceField(
        label="How did they contact us?",
        choices=Channel.choices,
        initial=Channel.HELPLINE,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
        error_messages={
            "required": "Choose how they contacted the service.",
            "invalid_choice": "Choose how they contacted the service.",
        },
    )
    occurred_at = DateTimeField(
        label="Date and time",
        initial=_now_to_the_minute,
        error_messages={"required": "Enter the date and time of the contact."},
    )
    topic = _topic_field()
    outcome = _outcome_field()

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + CLOCK_SLACK:
            raise ValidationError("The date and time of the contact cannot be in the future.")
        if value.date() < EARLIEST_CONTACT:
            raise ValidationError("Check the date of the contact: it is too long ago.")
        return value

    def contact_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ("channel", "topic", "outcome")}
        data["occurred_at"] = self.cleaned_data["occurred_at"]
        if "notes" in self.fields:
            data["notes"] = self.cleaned_data["notes"]
        return data


class AnonymousContactForm(ContactForm):
    """An anonymous contact (REF-2): no name, number, address or free text, by construction."""

    outcome = _outcome_field(anonymous=True)


class CaseContactForm(ContactForm, CallbackFields):
    """A contact on a known case: the same, plus notes (encrypted when saved), and
    the callback task when the outcome is "callback arranged" (CAS-5)."""

    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was asked and what advice was given. Confidential.",
        error_messages={
            "max_length": f"Notes must be {NOTES_MAX_CHARS:,} characters or fewer "
            "(%(show_value)d entered): summarise, or add a second contact."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_callback_owners(self.service)

    def clean_notes(self):
        return self.cleaned_data["notes"].strip()

    def contact_data(self) -> dict:
        data = super().contact_data()
        if callback := self.callback_data():
            data["callback"] = callback
        return data


class FindForm(PlainTextForm):
    """What the caller tells us that can find them: exact match on encrypted data."""

    family_name = forms.CharField(
        label="Parent or carer's surname",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=_private({"class": "app-find-field"})),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        error_messages={"max_length": "Enter a phone number using digits, like 01632 960 001."},
        widget=forms.TextInput(
            attrs=_private(
                {"type": "tel", "inputmode": "tel", "class": "app-find-field govuk-input--width-20"}
            )
        ),
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a real postcode, like NE1 4ST."},
        widget=forms.TextInput(attrs=_private({"class": "app-find-field govuk-input--width-10"})),
    )
    child_date_of_birth = _date_field("Child's date of birth", required=False)
    # Shown with the new case's details; searched too, for a child whose surname
    # differs from the caller's (separate enquiries, REF-6).
    child_family_name = forms.CharField(
        label="Child's surname",
        required=False,
        max_length=100,
        help_text="Leave blank if it is the same as the parent's.",
        widget=forms.TextInput(attrs=_private({"class": "app-find-field"})),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child_date_of_birth"].widget.attrs["class"] = "app-find-field"

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

    def clean_child_date_of_birth(self):
        value = self.cleaned_data["child_date_of_birth"]
        check_date_of_birth(value)
        return value

    def search_terms(self) -> dict:
        """Terms to search by; a value that is not valid is simply not searched."""
        self.is_valid()
        terms = {}
        for name in (
            "family_name",
            "phone",
            "postcode",
            "child_date_of_birth",
            "child_family_name",
        ):
            value = self.cleaned_data.get(name)
            if value:
                terms[name] = value
        return terms


class CallerContactForm(FindForm, CaseContactForm):
    """A call from a parent who agreed to storage: attach to their case, or open one.

    ``case_choice`` is "new" or the id of a case offered by the search; the view
    loads an id through the access helper, so a forged one answers 404.
    """

    case_choice = forms.CharField(required=False, initial=NEW_CASE)
    # Posted with the list of matching cases: then one of them, or "new case",
    # must be chosen; nothing is chosen for the caseworker (CAS-7).
    matches_offered = forms.BooleanField(required=False, widget=forms.HiddenInput)
    given_name = forms.CharField(
        label="First name", required=False, max_length=100, widget=forms.TextInput(attrs=_private())
    )
    relationship = forms.ChoiceField(
        label="Relationship to the child",
        required=False,
        choices=[("", "Choose"), *Parent.Relationship.choices],
    )
    parental_responsibility = forms.ChoiceField(
        label="Do they hold parental responsibility for the child?",
        required=False,
        choices=ParentalResponsibility.choices,
        initial=ParentalResponsibility.UNKNOWN,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
        help_text="Without it the service can give general information only.",
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs=_private()),
    )
    email_permission = forms.BooleanField(
        label="They agree to receive personal information by email", required=False
    )
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs=_private({"rows": 3})),
    )
    storage_agreed_on = _date_field(
        "Date they agreed", required=False, initial=timezone.localdate, not_future=True
    )
    storage_agreed_how = forms.ChoiceField(
        label="How they agreed",
        required=False,
        choices=AgreementMethod.choices,
        initial=AgreementMethod.TELEPHONE,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small govuk-radios--inline"}),
    )
    purpose_explained = forms.BooleanField(label=PURPOSE_EXPLAINED_LABEL, required=False)
    child_given_name = forms.CharField(
        label="Child's first name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=_private()),
    )
    school_phase = forms.ChoiceField(
        label="School phase",
        required=False,
        choices=[("", "Not known"), *Child.SchoolPhase.choices],
    )
    summary = forms.CharField(
        label="What the enquiry is about",
        required=False,
        max_length=SUMMARY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    caller_knows_other_contact = forms.BooleanField(
        label="The caller says they know the child's other parent or carer has contacted us",
        required=False,
        help_text="Only if they say so. Otherwise the two enquiries stay separate and unlinked.",
    )

    # Fields a new case needs, with the message shown when one is missing.
    NEW_CASE_REQUIRED = {
        "given_name": "Enter the parent's first name.",
        "family_name": "Enter the parent's surname.",
        "relationship": "Choose their relationship to the child.",
        "parental_responsibility": "Say whether they hold parental responsibility.",
        "storage_agreed_on": "Enter the date the parent agreed to their details being stored.",
        "storage_agreed_how": "Choose how the parent agreed to their details being stored.",
        "purpose_explained": PURPOSE_NOT_EXPLAINED,
    }

    def clean_case_choice(self):
        value = self.cleaned_data["case_choice"].strip()
        self.case_chosen = bool(value)
        value = value or NEW_CASE
        # An id the database cannot hold is no case at all (SEC-4), not a 500 later.
        if value != NEW_CASE and as_id(value) is None:
            raise ValidationError("Choose a case from the list, or open a new case.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("matches_offered") and not getattr(self, "case_chosen", True):
            self.add_error(
                "case_choice",
                "Choose the case to log this contact on, or choose “None of these: open a "
                "new case”.",
            )
            return cleaned
        if not self.opens_new_case:
            return cleaned
        for name, message in self.NEW_CASE_REQUIRED.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        child_given = any(
            cleaned.get(n) for n in ("child_given_name", "child_family_name", "school_phase")
        ) or cleaned.get("child_date_of_birth")
        if child_given and not cleaned.get("child_given_name"):
            self.add_error(
                "child_given_name",
                "Enter the child's first name, or leave all the child's details blank.",
            )
        return cleaned

    @property
    def opens_new_case(self) -> bool:
        return self.cleaned_data.get("case_choice", NEW_CASE) == NEW_CASE

    def parent_data(self) -> dict:
        c = self.cleaned_data
        return {
            "given_name": c["given_name"].strip(),
            "family_name": c["family_name"].strip(),
            "relationship": c["relationship"],
            "parental_responsibility": c["parental_responsibility"],
            "phone": c["phone"],
            "email": c["email"],
            "email_permission": c["email_permission"] and bool(c["email"]),
            "address": c["address"].strip(),
            "postcode": c["postcode"],
            "storage_agreed_on": c.get("storage_agreed_on"),
            "storage_agreed_how": c.get("storage_agreed_how", ""),
            "purpose_explained": c.get("purpose_explained", False),
        }

    def child_data(self) -> dict | None:
        c = self.cleaned_data
        if not c.get("child_given_name"):
            return None
        return {
            "given_name": c["child_given_name"].strip(),
            "family_name": (c["child_family_name"] or c["family_name"]).strip(),
            "date_of_birth": c["child_date_of_birth"],
            "school_phase": c["school_phase"],
        }


class ReferralContactForm(CallerContactForm):
    """A referral by a school, professional or CAF / Team Around the Child (REF-4).

    The parent's agreement to the referral is also their agreement to the service
    holding their details (REF-3), so it is recorded as both.
    """

    referrer_type = forms.ChoiceField(
        label="Who is referring the family?",
        choices=Referral.ReferrerType.choices,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
        error_messages={"required": "Choose who is referring the family."},
    )
    referrer_name = forms.CharField(
        label="Referrer's name",
        max_length=100,
        widget=forms.TextInput(attrs=_private()),
        error_messages={"required": "Enter the referrer's name."},
    )
    organisation = forms.CharField(
        label="Organisation",
        max_length=150,
        error_messages={"required": "Enter the referrer's organisation."},
    )
    referrer_role = forms.CharField(
        label="Their role",
        max_length=100,
        help_text="For example SENCO, health visitor, family support worker.",
        error_messages={"required": "Enter the referrer's role."},
    )
    referred_on = _date_field("Date of referral", initial=timezone.localdate, not_future=True)
    parent_agreed = forms.ChoiceField(
        label="Has the parent agreed to this referral?",
        choices=[("yes", "Yes, and there is evidence of it"), ("no", "No, or not known")],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
        error_messages={"required": "Say whether the parent agreed to the referral."},
    )
    parent_agreed_on = _date_field("Date the parent agreed", required=False, not_future=True)
    parent_agreed_how = forms.ChoiceField(
        label="How the parent agreed",
        required=False,
        choices=[("", "Choose"), *AgreementMethod.choices],
    )
    agreement_evidence = forms.CharField(
        label="Evidence of the parent's agreement",
        required=False,
        max_length=SUMMARY_MAX_CHARS,
        help_text="For example: signed parental consent section of the CAF form, dated 3 March.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    NEW_CASE_REQUIRED = {
        key: message
        for key, message in CallerContactForm.NEW_CASE_REQUIRED.items()
        # The parent is told at the service's first call with them (GOV-4).
        if not key.startswith("storage_") and key != "purpose_explained"
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Referrals usually arrive in writing.
        self.fields["channel"].initial = Channel.EMAIL
        for name in ("storage_agreed_on", "storage_agreed_how", "purpose_explained"):
            del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("parent_agreed") == "no":
            self.add_error("parent_agreed", REFERRAL_WITHOUT_AGREEMENT)
        elif cleaned.get("parent_agreed") == "yes":
            for name, message in {
                "parent_agreed_on": "Enter the date the parent agreed to the referral.",
                "parent_agreed_how": "Choose how the parent agreed to the referral.",
                "agreement_evidence": "Describe the evidence that the parent agreed.",
            }.items():
                value = cleaned.get(name)
                if isinstance(value, str):
                    value = value.strip()
                if not value and name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    def parent_data(self) -> dict:
        data = super().parent_data()
        data["storage_agreed_on"] = self.cleaned_data["parent_agreed_on"]
        data["storage_agreed_how"] = self.cleaned_data["parent_agreed_how"]
        return data

    def referral_data(self) -> dict:
        c = self.cleaned_data
        return {
            name: c[name]
            for name in (
                "referrer_type",
                "referrer_name",
                "organisation",
                "referrer_role",
                "referred_on",
                "parent_agreed_on",
                "parent_agreed_how",
                "agreement_evidence",
            )
        }


class VoicemailForm(ServiceForm):
    """A message retrieved from the helpline (REF-7): as little as will do."""

    received_at = DateTimeField(label="When the message was left", initial=_now_to_the_minute)
    caller_number = forms.CharField(
        label="Number left by the caller",
        required=False,
        max_length=40,
        help_text="Leave blank if the number was withheld.",
        widget=forms.TextInput(
            attrs=_private({"type": "tel", "inputmode": "tel", "class": "govuk-input--width-20"})
        ),
    )
    summary = forms.CharField(
        label="Summary of the message",
        max_length=SUMMARY_MAX_CHARS,
        help_text="Only what is needed to return the call.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Summarise the message."},
    )
    action_taken = forms.CharField(
        label="Action taken",
        required=False,
        max_length=SUMMARY_MAX_CHARS,
        help_text="For example: called back, no answer, will try again tomorrow morning.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + CLOCK_SLACK:
            raise ValidationError("The time of the message cannot be in the future.")
        return value

    def clean_caller_number(self):
        value = self.cleaned_data["caller_number"].strip()
        if value and not PHONE.match(value):
            raise ValidationError("Enter the number using digits, like 01632 960 001.")
        return value


class VoicemailResolveForm(ServiceForm, CallbackFields):
    """Deal with a message: log it on the caller's case or anonymously, then clear it."""

    ON_CASE = "on_case"
    ANONYMOUS = "anonymous"

    resolution = forms.ChoiceField(
        label="How should this message be logged?",
        choices=[
            (ON_CASE, "On the caller's case (they agreed to their details being stored)"),
            (ANONYMOUS, "As an anonymous contact (anonymous, declined, or could not be reached)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to log the message."},
    )
    case_reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=20,
        help_text="For example PPS-2026-00042.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    topic = _topic_field()
    outcome = _outcome_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_callback_owners(self.service)

    def sets_callback(self, cleaned: dict) -> bool:
        return super().sets_callback(cleaned) and cleaned.get("resolution") == self.ON_CASE

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("resolution") == self.ANONYMOUS
            and cleaned.get("outcome") == Outcome.CALLBACK
        ):
            self.add_error(
                "outcome",
                "A callback needs a case: log the message on the caller's case, or choose "
                "another outcome.",
            )
        if cleaned.get("resolution") == self.ON_CASE and not cleaned.get("case_reference"):
            self.add_error("case_reference", "Enter the reference of the caller's case.")
        return cleaned
