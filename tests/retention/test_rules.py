"""The date rules of the retention schedule (RET-1), as properties."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention.rules import Rule, add_years, destruction_date, rule_date

PARENT_SUPPORT = Rule("Parent support", "closure", 12)
CHILDREN_IN_CARE = Rule("Children in care", "date_of_birth", 75, anchor_age_years=18)
SUPERVISION_ORDER = Rule("Supervision orders", "date_of_birth", 21)

days = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2060, 12, 31))
rules = st.builds(
    Rule,
    name=st.just("rule"),
    anchor=st.sampled_from(["closure", "date_of_birth"]),
    years=st.integers(min_value=1, max_value=90),
    anchor_age_years=st.integers(min_value=0, max_value=25),
).map(lambda r: r if r.anchor == "date_of_birth" else Rule(r.name, r.anchor, r.years))


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (datetime.date(2008, 2, 29), 21, datetime.date(2029, 3, 1)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2036, 2, 29)),
        (datetime.date(2024, 2, 29), 1, datetime.date(2025, 3, 1)),
        (datetime.date(2023, 2, 28), 1, datetime.date(2024, 2, 28)),
        (datetime.date(2026, 12, 31), 12, datetime.date(2038, 12, 31)),
    ],
)
def test_ret1_leap_days_roll_to_the_later_day(day, years, expected):
    assert add_years(day, years) == expected


def test_ret1_the_schedule_of_the_policy():
    closed = datetime.date(2020, 7, 31)
    born = datetime.date(2012, 2, 29)
    assert rule_date(PARENT_SUPPORT, closed_on=closed, birth_date=born) == datetime.date(
        2032, 7, 31
    )
    # 75 years from the 18th birthday; the 18th birthday of a leap-day child is 1 March 2030.
    assert rule_date(CHILDREN_IN_CARE, closed_on=closed, birth_date=born) == datetime.date(
        2105, 3, 1
    )
    assert rule_date(SUPERVISION_ORDER, closed_on=closed, birth_date=born) == datetime.date(
        2033, 3, 1
    )


def test_ret1_longest_rule_and_oldest_child_do_not_win_youngest_child_does():
    closed = datetime.date(2020, 1, 1)
    outcome = destruction_date(
        [PARENT_SUPPORT, SUPERVISION_ORDER],
        closed_on=closed,
        birth_dates=[datetime.date(2005, 5, 5), datetime.date(2015, 6, 6)],
    )
    assert outcome.destroy_on == datetime.date(2036, 6, 6)


def test_ret1_unknown_date_of_birth_means_no_date_not_a_guess():
    outcome = destruction_date(
        [PARENT_SUPPORT, SUPERVISION_ORDER],
        closed_on=datetime.date(2020, 1, 1),
        birth_dates=[datetime.date(2010, 1, 1), None],
    )
    assert outcome.destroy_on is None
    assert "date of birth" in outcome.problems[0]
    no_child = destruction_date(
        [CHILDREN_IN_CARE], closed_on=datetime.date(2020, 1, 1), birth_dates=[]
    )
    assert no_child.destroy_on is None and no_child.problems


def test_ret1_open_case_has_no_date():
    assert destruction_date([PARENT_SUPPORT], closed_on=None, birth_dates=[]).destroy_on is None


@given(
    case_rules=st.lists(rules, min_size=1, max_size=4),
    closed_on=days,
    birth_dates=st.lists(days, min_size=1, max_size=4),
)
def test_ret1_destruction_date_is_never_before_any_applicable_rule(
    case_rules, closed_on, birth_dates
):
    outcome = destruction_date(case_rules, closed_on=closed_on, birth_dates=birth_dates)
    assert outcome.destroy_on is not None
    assert outcome.destroy_on >= closed_on
    for rule in case_rules:
        for born in birth_dates:
            assert outcome.destroy_on >= rule_date(rule, closed_on=closed_on, birth_date=born)
    # ...and it is exactly one of those dates (or the closure itself), not later.
    candidates = {
        rule_date(rule, closed_on=closed_on, birth_date=born)
        for rule in case_rules
        for born in birth_dates
    } | {closed_on}
    assert outcome.destroy_on in candidates


@given(rule=rules, closed_on=days, later=st.integers(min_value=0, max_value=4000), born=days)
def test_ret1_a_later_closure_never_gives_an_earlier_date(rule, closed_on, later, born):
    first = destruction_date([rule], closed_on=closed_on, birth_dates=[born]).destroy_on
    second = destruction_date(
        [rule], closed_on=closed_on + datetime.timedelta(days=later), birth_dates=[born]
    ).destroy_on
    assert second >= first


@given(day=days, years=st.integers(min_value=0, max_value=120))
def test_ret1_add_years_never_lands_early(day, years):
    result = add_years(day, years)
    assert result.year == day.year + years
    assert (result.month, result.day) >= (day.month, day.day)
    assert result >= day
