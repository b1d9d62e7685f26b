"""Forms for the child-protection override, its review and decisions not to share.

The services check every rule again; these give the clear message first.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from disclosure.safeguarding.models import ConcernCategory, OverrideRecipient, OverrideReview
from disclosure.safeguarding.services import CLOCK_SLACK, MIN_REASON_CHARS
from pps.date_fields import DateTimeField
from pps.form_fields import ModelChoiceField, PlainTextForm

TEXT_LIMIT = 5000
PRIVATE = {"spellcheck": "false", "rows": 5}


def _radio_field(label: str, choices, message: str):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


def _category_field():
    return _radio_field(
        "Category of concern", ConcernCategory.choices, "Choose the category of concern."
    )


def _reason_field(label: str, help_text: str, required_message: str):
    return forms.CharField(
        label=label,
        help_text=help_text,
        min_length=MIN_REASON_CHARS,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs=PRIVATE),
        error_messages={
            "required": required_message,
            "min_length": f"Write at least {MIN_REASON_CHARS} characters, so it can be reviewed.",
        },
    )


def _now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class OverrideForm(PlainTextForm):
    category = _category_field()
    child = ModelChoiceField(
        label="Which child is the concern about? (optional)",
        queryset=None,
        required=False,
        empty_label="The concern is not about one child on the case",
    )
    reason = _reason_field(
        "Why do you believe a child is at risk?",
        "This is why consent was not asked for or was overridden.",
        "Give the reason you believe a child is at risk.",
    )
    recipient = _radio_field(
        "Who was the information shared with?",
        OverrideRecipient.choices,
        "Choose who the information was shared with.",
    )
    recipient_detail = forms.CharField(
        label="Name, team or reference of the recipient",
        help_text="Required for 'Other'.",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    what_was_shared = forms.CharField(
        label="What information was shared?",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs=PRIVATE),
        error_messages={"required": "Say what information was shared."},
    )
    shared_at = DateTimeField(
        label="When was it shared?",
        initial=_now_to_the_minute,
        error_messages={"required": "Enter the date and time the information was shared."},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["child"].queryset = case.children.all()
        self.fields["child"].label_from_instance = lambda child: child.full_name

    def clean_shared_at(self):
        value = self.cleaned_data["shared_at"]
        if value > timezone.now() + CLOCK_SLACK:
            raise ValidationError("The time the information was shared cannot be in the future.")
        if timezone.localtime(value).date() < self.case.opened_on:
            raise ValidationError(
                "The time the information was shared cannot be before the case opened."
            )
        return value

    def clean(self):
        data = super().clean()
        if (
            data.get("recipient") == OverrideRecipient.OTHER
            and not (data.get("recipient_detail") or "").strip()
        ):
            self.add_error("recipient_detail", "Say who the information was shared with.")
        return data


class ReviewForm(PlainTextForm):
    outcome = _radio_field(
        "Outcome of the review",
        OverrideReview.Outcome.choices,
        "Choose the outcome of the review.",
    )
    notes = _reason_field(
        "Review notes",
        "What you checked and concluded, and anything to follow up.",
        "Write your review notes.",
    )


class NonDisclosureForm(PlainTextForm):
    category = _category_field()
    reason = _reason_field(
        "Why was the decision not to share?",
        "For example: the concern was discussed with the coordinator and did not meet the threshold.",
        "Give the reason for the decision not to share.",
    )
