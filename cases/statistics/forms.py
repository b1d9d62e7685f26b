from django import forms
from django.utils import timezone

from cases.statistics.models import StatisticsExport
from cases.statistics.report import Period, PeriodError, recent_periods
from cases.statistics.trend import TREND_KINDS
from pps.form_fields import PlainTextForm


class PeriodForm(PlainTextForm):
    period = forms.CharField(
        label="Period",
        help_text="A calendar quarter or a month.",
        widget=forms.Select,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        periods = recent_periods(self.today)
        asked = self.data.get("period", "")
        try:
            extra = Period.parse(asked)
        except PeriodError:
            extra = None
        if extra and extra not in periods:
            periods.insert(0, extra)
        self.fields["period"].widget.choices = [(p.code, p.label) for p in periods]

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"]).check_reportable(self.today)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


SINGLE, TREND = "period", "trend"


class ExportForm(PeriodForm):
    """A period's report, or the trend of the periods ending with it (``view=trend``)."""

    format = forms.ChoiceField(choices=StatisticsExport.Format.choices)
    view = forms.ChoiceField(
        choices=[(SINGLE, "One period"), (TREND, "The last eight periods")],
        required=False,
        error_messages={"invalid_choice": "Choose statistics over time or one period."},
    )

    def clean_view(self) -> str:
        return self.cleaned_data["view"] or SINGLE


class TrendForm(PlainTextForm):
    """Statistics over time: the last eight months or quarters (``view=trend``)."""

    view = forms.ChoiceField(
        choices=[(TREND, "Over time")],
        widget=forms.HiddenInput,
        initial=TREND,
        error_messages={"invalid_choice": "Choose statistics over time or one period."},
    )
    kind = forms.ChoiceField(
        label="Statistics over time: the last eight",
        choices=TREND_KINDS,
        widget=forms.RadioSelect,
        initial=TREND_KINDS[0][0],
        error_messages={
            "required": "Select months or quarters.",
            "invalid_choice": "Select months or quarters.",
        },
    )
