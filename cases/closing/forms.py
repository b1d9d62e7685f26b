"""Forms for closing and reopening a case (CAS-3)."""

from django import forms
from django.utils import timezone

from cases.models import ClosureReason
from pps.date_fields import DateField
from pps.form_fields import PlainTextForm

REOPEN_REASON_MAX_CHARS = 1000


class _VersionedForm(PlainTextForm):
    # The case's version when the page was shown: a change since is a conflict (SEC-4).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647)


class CaseCloseForm(_VersionedForm):
    closed_on = DateField(
        label="Date the case closed",
        not_future=True,
        initial=timezone.localdate,
        error_messages={"required": "Enter the date the case closed."},
        help_text="Today or earlier, for example 27 3 2026",
    )
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why the case is closing.",
            "invalid_choice": "Choose why the case is closing.",
        },
    )


class CaseReopenForm(_VersionedForm):
    reason = forms.CharField(
        label="Why is the case being reopened?",
        max_length=REOPEN_REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="For example: the parent called back about the annual review.",
        error_messages={
            "required": "Enter why the case is being reopened.",
            "max_length": f"The reason must be {REOPEN_REASON_MAX_CHARS:,} characters or fewer.",
        },
    )
