from django import forms

from governance.models import Breach, Decision
from pps.date_fields import DateField, DateTimeField
from pps.form_fields import PlainTextForm

REFERENCE_HELP = "Optional: only if the breach is about one case, for example PPS-2026-00042."


def _text(label, *, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class BreachFactsForm(PlainTextForm):
    title = forms.CharField(
        label="Short title",
        max_length=120,
        help_text="A few words to find it by. Do not name anyone.",
    )
    description = _text("What happened")
    occurred_at = DateTimeField(
        label="When it happened",
        required=False,
        not_future=True,
        help_text="Leave empty if not known. For example, 27 3 2025 and 14:30",
    )
    aware_at = DateTimeField(
        label="When the service became aware",
        not_future=True,
        help_text="The ICO must be told within 72 hours of this. For example, 27 3 2025 and 14:30",
    )


class BreachNewForm(BreachFactsForm):
    case_reference = forms.CharField(
        label="Case reference", required=False, max_length=30, help_text=REFERENCE_HELP
    )


class BreachEditForm(BreachFactsForm):
    likelihood = forms.ChoiceField(
        label="Likelihood of risk to people's rights and freedoms",
        choices=[("", "Not yet assessed"), *Breach.Likelihood.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    severity = forms.ChoiceField(
        label="Severity of that risk",
        choices=[("", "Not yet assessed"), *Breach.Severity.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    risk_notes = _text("Risk assessment notes", required=False)


class IcoDecisionForm(PlainTextForm):
    decision = forms.ChoiceField(
        label="Notify the ICO?", choices=Decision.choices, widget=forms.RadioSelect
    )
    reasons = _text(
        "Reasons",
        required=False,
        help_text="Why; if the ICO was told after 72 hours, the reasons for the delay.",
    )
    notified_at = DateTimeField(label="When the ICO was notified", required=False, not_future=True)
    reference = forms.CharField(label="ICO reference", required=False, max_length=50)


class FamiliesDecisionForm(PlainTextForm):
    decision = forms.ChoiceField(
        label="Tell the families affected?", choices=Decision.choices, widget=forms.RadioSelect
    )
    reasons = _text("Reasons", required=False)
    told_on = DateField(label="When the families were told", required=False, not_future=True)


class BreachActionForm(PlainTextForm):
    taken_on = DateField(label="Date", not_future=True)
    text = _text("What was done")
