"""Day/month/year and hour/minute boxes (CAS-7): what they accept and how they refuse."""

import datetime

import pytest

from pps.form_fields import PlainTextForm
from pps.govuk_dates import DateInputField, TimeInputField


class DatesForm(PlainTextForm):
    day = DateInputField(label="Date of the meeting", required_message="Enter the date.")
    past = DateInputField(label="Date it happened", required=False, not_future=True)
    at = TimeInputField(label="Time of the meeting", required=False)


def clean(**data):
    form = DatesForm(data={"day_day": "6", "day_month": "12", "day_year": "2026", **data})
    form.is_valid()
    return form


def test_cas7_day_month_year_in_that_order_whatever_the_locale():
    form = clean()
    assert form.cleaned_data["day"] == datetime.date(2026, 12, 6)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day_day": "", "day_month": "", "day_year": ""}, "Enter the date."),
        ({"day_month": ""}, "Date of the meeting must include a month."),
        ({"day_day": "", "day_year": ""}, "Date of the meeting must include a day and a year."),
        ({"day_day": "30", "day_month": "2"}, "Date of the meeting must be a real date"),
        ({"day_day": "six"}, "Date of the meeting must be a real date"),
        ({"day_day": "1" * 5000}, "Date of the meeting must be a real date"),
        ({"day_year": "26"}, "The year must include 4 numbers"),
    ],
)
def test_cas7_errors_name_the_field_and_say_what_to_do(data, message):
    errors = clean(**data).errors["day"]
    assert any(error.startswith(message) for error in errors), errors


def test_cas7_a_date_that_has_happened_cannot_be_in_the_future():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    form = clean(
        past_day=str(tomorrow.day), past_month=str(tomorrow.month), past_year=str(tomorrow.year)
    )
    assert form.errors["past"] == ["Date it happened must be today or in the past."]


def test_cas7_time_is_hours_and_minutes_on_the_24_hour_clock():
    assert clean(at_hour="14", at_minute="05").cleaned_data["at"] == datetime.time(14, 5)
    assert "Time of the meeting must include the minute." in clean(at_hour="9").errors["at"]
    assert (
        clean(at_hour="25", at_minute="00")
        .errors["at"][0]
        .startswith("Time of the meeting must be a real time on the 24-hour clock")
    )
