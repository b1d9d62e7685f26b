from django import forms
from django.utils import timezone

from pps.date_fields import DateField
from pps.form_fields import IdField, PlainTextForm
from pps.models import ConfidentialityPolicy

POLICY_TEXT_MAX_CHARS = 50_000


class PolicyPublishForm(PlainTextForm):
    title = forms.CharField(max_length=120, label="Title")
    text = forms.CharField(
        max_length=POLICY_TEXT_MAX_CHARS,
        label="Policy text",
        help_text="Everyone who opens cases will be asked to read and acknowledge this version.",
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    effective_from = DateField(
        label="Takes effect on",
        help_text="Today or later, for example 27 3 2025. From this date nobody can open a "
        "case until they acknowledge it.",
    )
    review_cycle_months = forms.TypedChoiceField(
        label="Review",
        choices=ConfidentialityPolicy.ReviewCycle.choices,
        coerce=int,
        initial=ConfidentialityPolicy.ReviewCycle.TWO_YEARLY,
        widget=forms.RadioSelect,
    )

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if day < timezone.localdate():
            raise forms.ValidationError("The date it takes effect must be today or in the future.")
        return day


class PolicyAcknowledgeForm(PlainTextForm):
    policy_id = IdField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I have read this policy and will follow it",
        error_messages={"required": "Confirm that you have read the policy and will follow it."},
    )
