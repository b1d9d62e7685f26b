"""Forms for a case's paper file (GOV-8)."""

from django import forms
from django.utils import timezone

from pps.date_fields import DateField
from pps.form_fields import PlainTextForm


class PaperFileLocationForm(PlainTextForm):
    location = forms.CharField(
        label="Where is the paper file kept?",
        max_length=200,
        help_text="For example, Cabinet 2, drawer B. Do not name the family.",
        error_messages={"required": "Enter where the paper file is kept."},
    )


class PaperFileShreddedForm(PlainTextForm):
    shredded_on = DateField(
        label="Date the paper file was shredded",
        not_future=True,
        initial=timezone.localdate,
        error_messages={"required": "Enter the date the paper file was shredded."},
        help_text="Record it yourself once you have shredded it. For example, 27 3 2026",
    )
