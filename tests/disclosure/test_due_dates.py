"""Due dates for requests (DIS-1): subject access one calendar month, FOI 20 working days."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disclosure.due_dates import (
    add_working_days,
    bank_holidays,
    due_date,
    easter_sunday,
    is_working_day,
    urgency,
    working_days_between,
)

D = datetime.date
days = st.dates(min_value=D(1996, 1, 1), max_value=D(2090, 12, 31))


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 1, 31), D(2026, 2, 28)),
        (D(2024, 1, 31), D(2024, 2, 29)),  # leap year
        (D(2024, 1, 30), D(2024, 2, 29)),
        (D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 1, 15), D(2026, 2, 15)),
        (D(2026, 12, 31), D(2027, 1, 31)),
    ],
)
def test_dis1_subject_access_due_one_calendar_month_later(received, due):
    assert due_date("parent_subject_access", received) == due
    assert due_date("child_subject_access", received) == due


@given(days)
def test_dis1_subject_access_month_end_rule(received):
    due = due_date("parent_subject_access", received)
    next_month = (received.month % 12) + 1
    assert due.month == next_month
    assert due.day == received.day or (
        due.day < received.day and (due + datetime.timedelta(days=1)).day == 1
    )


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2020, {D(2020, 5, 8)}),  # VE day moved the early May holiday to a Friday
        (2022, {D(2022, 6, 2), D(2022, 6, 3), D(2022, 9, 19), D(2022, 12, 27)}),
        (2023, {D(2023, 5, 8), D(2023, 1, 2)}),
        (2027, {D(2027, 12, 27), D(2027, 12, 28), D(2027, 3, 26), D(2027, 3, 29)}),
    ],
)
def test_dis1_bank_holidays_include_moved_and_one_off_days(year, expected):
    assert expected <= bank_holidays(year)


def test_dis1_gov_uk_list_for_2025_and_2026():
    assert bank_holidays(2025) == {
        D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5),
        D(2025, 5, 26), D(2025, 8, 25), D(2025, 12, 25), D(2025, 12, 26),
    }  # fmt: skip
    assert bank_holidays(2026) == {
        D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4),
        D(2026, 5, 25), D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28),
    }  # fmt: skip
    assert D(2020, 5, 4) not in bank_holidays(2020)


@given(st.integers(min_value=1900, max_value=2199))
def test_dis1_easter_is_a_sunday_between_22_march_and_25_april(year):
    easter = easter_sunday(year)
    assert easter.weekday() == 6
    assert D(year, 3, 22) <= easter <= D(year, 4, 25)


@given(st.integers(min_value=1996, max_value=2099))
def test_dis1_eight_or_more_bank_holidays_none_at_a_weekend(year):
    holidays = bank_holidays(year)
    assert len(holidays) >= 8
    assert all(day.weekday() < 5 for day in holidays)


def test_dis1_foi_counts_twenty_working_days_from_the_day_after():
    # Friday 18 December 2026: Christmas (25th, Friday) and Boxing Day (Monday 28th) skipped.
    assert due_date("foi", D(2026, 12, 18)) == D(2027, 1, 20)
    # Monday 2 March 2026: no holidays, four weeks of weekdays.
    assert due_date("foi", D(2026, 3, 2)) == D(2026, 3, 30)
    # Around Easter 2026 (Good Friday 3 April, Easter Monday 6 April).
    assert due_date("foi", D(2026, 3, 31)) == D(2026, 4, 30)


@given(days)
def test_dis1_foi_due_date_is_exactly_twenty_working_days_on(received):
    due = due_date("foi", received)
    assert is_working_day(due)
    assert working_days_between(received, due) == 20
    assert working_days_between(received, due - datetime.timedelta(days=1)) == 19


@given(days, st.sampled_from(["la_officer", "school", "other_agency", "solicitor", "court"]))
def test_dis1_other_requests_have_the_services_own_twenty_working_days(received, kind):
    assert due_date(kind, received) == add_working_days(received, 20)


def test_dis1_urgency_tags():
    today = D(2026, 3, 2)  # a Monday
    assert urgency(D(2026, 3, 1), today) == "overdue"
    assert urgency(D(2026, 3, 2), today) == "due soon"
    assert urgency(D(2026, 3, 9), today) == "due soon"  # five working days on
    assert urgency(D(2026, 3, 10), today) == ""
