from django import forms
from django.utils import timezone

from cases.statistics.models import StatisticsExport
from cases.statistics.report import Period, PeriodError, recent_periods
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


class ExportForm(PeriodForm):
    format = forms.ChoiceField(choices=StatisticsExport.Format.choices)
