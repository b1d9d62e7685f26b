"""Entry that cannot go wrong (CAS-7).

- Every date in every form is day, month and year boxes (no browser date
  picker, whose order follows the machine's locale), read the same way
  whatever the browser's language.
- Error messages name the field and say what to do, never Django's
  "This field is required." (the consent form showed it twice).
- The helpline's caller finder never pre-selects a case or "new case".
"""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Contact
from pps.date_fields import DateField, DateTimeField, TimeField
from tests.cases.helpline_helpers import contact_post, new_caller_post
from tests.security.project_forms import all_project_form_classes

DJANGO_REQUIRED = "This field is required"
CALLER = reverse("helpline:caller")


class PeriodForm(forms.Form):
    decided = DateField(label="Date the parent decided", not_future=True)
    shared = DateTimeField(label="When was it shared?", required=False)


def boxes(prefix: str, day="", month="", year="", time=None) -> dict:
    data = {f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year}
    if time is not None:
        data[f"{prefix}_time"] = time
    return data


def errors_of(data: dict) -> dict:
    form = PeriodForm(data)
    form.is_valid()
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def test_cas7_every_date_in_every_form_is_day_month_and_year_boxes():
    pickers = sorted(
        f"{form_class.__module__}.{form_class.__name__}.{name}"
        for form_class in all_project_form_classes()
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
        and not isinstance(field, DateField | DateTimeField)
    )
    assert pickers == []


def test_cas7_the_boxes_are_read_as_day_then_month_whatever_the_locale():
    form = PeriodForm(boxes("decided", "6", "12", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["decided"] == datetime.date(2026, 12, 6)


def test_cas7_a_date_and_time_takes_a_24_hour_time():
    data = {**boxes("decided", "1", "3", "2026"), **boxes("shared", "2", "3", "2026", "14:30")}
    form = PeriodForm(data)
    assert form.is_valid(), form.errors
    shared = timezone.localtime(form.cleaned_data["shared"])
    assert (shared.date(), shared.hour, shared.minute) == (datetime.date(2026, 3, 2), 14, 30)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the date the parent decided"),
        (boxes("decided", "6", "", "2026"), "Date the parent decided must include a month"),
        (
            boxes("decided", "", "", "2026"),
            "Date the parent decided must include a day and a month",
        ),
        (boxes("decided", "31", "2", "2026"), "Date the parent decided must be a real date"),
        (boxes("decided", "x", "2", "2026"), "Date the parent decided must be a real date"),
        # Past C's int: an overflow, not an out-of-range month (found by the form fuzzing).
        (
            boxes("decided", "1", "2147483648", "2026"),
            "Date the parent decided must be a real date",
        ),
        (
            boxes("decided", "９９９９９９９９９９９", "1", "2026"),
            "Date the parent decided must be a real date",
        ),
        (
            boxes("decided", "1", "2", "26"),
            "Date the parent decided must have a year with 4 numbers",
        ),
        (boxes("decided", "1", "1", "2999"), "Date the parent decided cannot be in the future"),
    ],
)
def test_cas7_a_wrong_date_gets_a_message_that_names_the_field(data, message):
    assert errors_of(data)["decided"] == [message]


@pytest.mark.parametrize(
    ("time", "message"),
    [
        ("", "When was it shared? must include a time"),
        ("25:00", "When was it shared? must have a time like 09:30 or 14:30"),
        ("2pm", "When was it shared? must have a time like 09:30 or 14:30"),
    ],
)
def test_cas7_a_wrong_time_gets_a_message_that_names_the_field(time, message):
    data = {**boxes("decided", "1", "3", "2026"), **boxes("shared", "2", "3", "2026", time)}
    assert errors_of(data)["shared"] == [message]


def test_cas7_a_page_redrawn_after_an_error_keeps_the_boxes_as_typed():
    form = PeriodForm(boxes("decided", "31", "2", "2026"))
    form.is_valid()
    html = str(form["decided"])
    for name, value in (("decided_day", "31"), ("decided_month", "2"), ("decided_year", "2026")):
        assert f'name="{name}"' in html and f'value="{value}"' in html


def test_cas7_no_form_page_offers_a_browser_date_picker(staff, client_for, case):
    client = client_for(staff)
    for url in (
        CALLER,
        reverse("consent:record", args=[case.pk]),
        reverse("disclosure:new", args=[case.pk]),
    ):
        body = client.get(url).content.decode()
        assert 'type="date"' not in body and 'type="datetime-local"' not in body
        assert 'class="govuk-date-input"' in body


def test_cas7_every_empty_required_field_is_named_in_its_message(staff, client_for, case):
    """The consent form showed "This field is required." twice, naming neither field."""
    body = (
        client_for(staff).post(reverse("consent:record_save", args=[case.pk]), {}).content.decode()
    )
    assert DJANGO_REQUIRED not in body
    assert "Answer “What did the parent decide?”" in body
    assert "Answer “How was the decision given?”" in body
    assert "Enter the date the parent decided" in body


def test_cas7_every_project_form_names_the_field_when_it_is_left_empty(case, staff):
    from tests.security.project_forms import build_form

    unnamed = []
    for form_class in all_project_form_classes():
        form = build_form(form_class, {}, case=case, user=staff)
        form.is_valid()
        unnamed += [
            f"{form_class.__name__}.{name}"
            for name, errors in form.errors.items()
            if name in form.fields
            and not form.fields[name].widget.is_hidden  # never shown: no message to read
            and any(DJANGO_REQUIRED in str(e) for e in errors)
        ]
    assert unnamed == []


def test_cas7_matches_on_screen_nothing_is_chosen_for_the_caseworker(
    service, staff, case, client_for
):
    client = client_for(staff)
    parent = case.parents.first()
    found = client.post(
        CALLER,
        # What the page posts before any match was shown: "new case", in a hidden field.
        new_caller_post(service, family_name=parent.family_name, case_choice="new", action="find"),
    )
    body = found.content.decode()
    assert 'name="matches_offered"' in body
    assert " checked" not in body.split("Log this contact on")[1].split("</fieldset>")[0]

    # Saving with the matches on screen and no choice is refused, and saves nothing.
    before = (Case.objects.count(), Contact.objects.count())
    refused = client.post(
        CALLER,
        {
            **new_caller_post(service, family_name=parent.family_name),
            "case_choice": "",
            "matches_offered": "1",
        },
    )
    assert refused.status_code == 200
    assert "Choose the case to log this contact on" in refused.content.decode()
    assert (Case.objects.count(), Contact.objects.count()) == before

    # "New case", chosen explicitly, opens one.
    opened = client.post(
        CALLER,
        {
            **new_caller_post(service, family_name=parent.family_name),
            "case_choice": "new",
            "matches_offered": "1",
        },
    )
    assert opened.status_code == 302
    assert Case.objects.count() == before[0] + 1


def test_cas7_with_no_match_on_screen_a_new_case_needs_no_choice(service, staff, client_for):
    post = contact_post(service, case_choice="", family_name="Nomatchington", notes="x")
    response = client_for(staff).post(CALLER, {**new_caller_post(service), **post})
    assert response.status_code == 302


class DueForm(forms.Form):
    due = TimeField(label="Time due")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:30", datetime.time(14, 30)),
        ("9.05", datetime.time(9, 5)),
        ("00:00", datetime.time(0, 0)),
    ],
)
def test_cas7_a_time_is_one_box_on_the_24_hour_clock(typed, expected):
    form = DueForm({"due": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Enter a time for “Time due”"), ("2pm", "Time due must have a time like 09:30 or 14:30")],
)
def test_cas7_a_wrong_time_of_day_names_the_field(typed, message):
    form = DueForm({"due": typed})
    assert not form.is_valid()
    assert form.errors["due"] == [message]
