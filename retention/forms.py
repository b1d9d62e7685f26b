import datetime
import re

from django import forms

from pps.date_fields import DateField
from pps.form_fields import ModelMultipleChoiceField, PlainTextForm
from retention.models import LegalHold, RetentionCategory
from retention.record_rules import KIND_RULES, MAX_MONTHS
from retention.services import validate_rule

REFERENCE_PATTERN = re.compile(r"^PPS-\d{4}-\d{5,12}$")


class CategoryForm(PlainTextForm):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=300, required=False)
    anchor = forms.ChoiceField(
        label="Counted from",
        choices=RetentionCategory.Anchor.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the period is counted from."},
    )
    anchor_age_years = forms.IntegerField(
        label="Birthday to count from",
        min_value=0,
        max_value=120,
        initial=0,
        help_text="Only for periods counted from the child's date of birth: 0 counts from the "
        "date of birth itself, 18 from the 18th birthday.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    years = forms.IntegerField(
        label="Years to keep",
        min_value=1,
        max_value=150,
        error_messages={"required": "Enter how many years to keep these records."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    applies_to_every_case = forms.BooleanField(
        label="Every new case carries this category", required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("anchor") == RetentionCategory.Anchor.CLOSURE and cleaned.get(
            "anchor_age_years"
        ):
            self.add_error(
                "anchor_age_years", "A period counted from closure cannot start at a birthday."
            )
        elif {"anchor", "anchor_age_years", "years"} <= cleaned.keys():
            try:
                validate_rule(
                    anchor=cleaned["anchor"],
                    anchor_age_years=cleaned["anchor_age_years"],
                    years=cleaned["years"],
                )
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return cleaned


class SettingsForm(PlainTextForm):
    archive_after_days = forms.IntegerField(
        label="Archive closed cases after (days)",
        min_value=0,
        max_value=3650,
        help_text="Closed cases leave everyday lists and become read-only after this many days.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    anonymous_contact_years = forms.IntegerField(
        label="Keep anonymous contacts for (years)",
        min_value=1,
        max_value=100,
        help_text="Anonymous contacts hold no personal data; they count in statistics until then.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class RecordRuleForm(PlainTextForm):
    """How many months one kind of record not about families is kept (GOV-7)."""

    months = forms.IntegerField(
        label="Months to keep",
        min_value=1,
        max_value=MAX_MONTHS,
        error_messages={"required": "Enter how many months to keep these records."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The service checks the floor again; the form says it first, in words.
        self.floor = KIND_RULES[kind].floor_months if kind else 1
        if kind:
            self.fields["months"].help_text = (
                f"Counted from {KIND_RULES[kind].event}. "
                f"At least {self.floor} months, at most {MAX_MONTHS}."
            )

    def clean_months(self):
        months = self.cleaned_data["months"]
        if not self.floor <= months <= MAX_MONTHS:
            raise forms.ValidationError(
                f"Enter a number of months between {self.floor} and {MAX_MONTHS}."
            )
        return months


class CaseCategoriesForm(PlainTextForm):
    categories = ModelMultipleChoiceField(
        label="Retention categories",
        queryset=RetentionCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every category that applies; the longest period wins.",
        error_messages={"required": "Choose at least one retention category."},
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        field.queryset = RetentionCategory.objects.filter(service=service)
        field.label_from_instance = lambda category: f"{category.name}: {category.rule_text}"


class HoldForm(PlainTextForm):
    reason = forms.ChoiceField(
        choices=LegalHold.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason for the hold."},
    )
    details = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=300,
        help_text="A reference such as a tribunal or complaint number. No names.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HoldByReferenceForm(HoldForm):
    reference = forms.CharField(
        label="Case reference",
        max_length=20,
        help_text="For example PPS-2026-00042.",
        error_messages={"required": "Enter the case reference."},
    )
    field_order = ["reference", "reason", "details"]

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        if not REFERENCE_PATTERN.match(reference):
            raise forms.ValidationError("Enter a case reference like PPS-2026-00042.")
        return reference


class PurgeConfirmForm(PlainTextForm):
    case_ids = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label="I confirm these records are due for destruction and may be destroyed for good",
        error_messages={"required": "Confirm that these records may be destroyed."},
    )

    def clean_case_ids(self):
        raw = self.cleaned_data["case_ids"]
        if raw and not re.fullmatch(r"\d{1,12}(,\d{1,12})*", raw):
            raise forms.ValidationError("The list of cases was altered; start again.")
        return [int(part) for part in raw.split(",")] if raw else []


class PurgePreviewDateForm(PlainTextForm):
    """The day a planning preview answers for; never part of the purge's own form."""

    as_of = DateField(
        label="Preview as of",
        not_past=True,
        help_text="To plan: what would be due on a later day. For example, 31 3 2027",
        error_messages={"required": "Enter the date to preview."},
    )


class CertificateForm(PlainTextForm):
    start = DateField(label="First day")
    end = DateField(label="Last day")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last day must be the same as or after the first day.")
            elif (end - start) > datetime.timedelta(days=3660):
                self.add_error("end", "Choose a range of at most ten years.")
        return cleaned
