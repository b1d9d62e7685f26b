import datetime

from django import forms
from django.utils import timezone

from cases.letters.models import DeliveryMethod, Letter
from cases.letters.services import REQUIRED_DETAILS
from pps.date_fields import DateField
from pps.form_fields import ModelChoiceField, PlainTextForm

EMAIL_REFUSED = (
    "This parent has not agreed to receive personal information by email, or has no "
    "email address. Send it by post."
)

MISSING = {
    "appointment_date": "Enter the date of the appointment.",
    "appointment_time": "Enter the time of the appointment.",
    "appointment_place": "Enter where the appointment is.",
    "request": "Enter what was asked for.",
    "outcome": "Enter the outcome of the request.",
}


def _email_allowed(parent) -> bool:
    return bool(parent and parent.email_permission and parent.email)


class LetterForm(PlainTextForm):
    parent = ModelChoiceField(
        queryset=None, label="Who is the letter to?", empty_label=None, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(
        label="Which letter?", choices=Letter.Kind.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label="How will it be sent?",
        choices=DeliveryMethod.choices,
        widget=forms.RadioSelect,
        help_text="By email only if the parent agreed to receive personal information by email.",
    )
    appointment_date = DateField(
        required=False,
        label="Appointment date",
        help_text="Appointment letters only, for example 27 3 2025.",
    )
    appointment_time = forms.TimeField(
        required=False,
        label="Appointment time",
        help_text="Appointment letters only.",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    appointment_place = forms.CharField(
        required=False,
        max_length=200,
        label="Appointment place",
        help_text="Appointment letters only.",
    )
    request = forms.CharField(
        required=False,
        max_length=500,
        label="What was asked for",
        help_text="Outcome-of-a-request letters only.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcome = forms.CharField(
        required=False,
        max_length=2000,
        label="The outcome",
        help_text="Outcome-of-a-request letters only.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="Anything else to say (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        field.queryset = case.parents.order_by("id")
        field.label_from_instance = lambda p: f"{p.full_name} ({p.get_relationship_display()})"

    def clean_appointment_date(self):
        day = self.cleaned_data.get("appointment_date")
        if day and day < timezone.localdate():
            raise forms.ValidationError("The appointment date must be today or in the future.")
        return day

    def clean(self):
        data = super().clean()
        for name in REQUIRED_DETAILS.get(data.get("kind"), ()):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, MISSING[name])
        if data.get("method") == DeliveryMethod.EMAIL and not _email_allowed(data.get("parent")):
            self.add_error("method", EMAIL_REFUSED)
        return data

    def details(self) -> dict:
        return {
            name: value.isoformat() if isinstance(value, (datetime.date, datetime.time)) else value
            for name, value in self.cleaned_data.items()
            if name not in ("parent", "kind", "method") and value
        }


class StatementForm(PlainTextForm):
    method = forms.ChoiceField(
        label="How will it be sent?", choices=DeliveryMethod.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent

    def clean_method(self):
        method = self.cleaned_data["method"]
        if method == DeliveryMethod.EMAIL and not _email_allowed(self.parent):
            raise forms.ValidationError(EMAIL_REFUSED)
        return method
