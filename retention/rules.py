"""Date arithmetic of the retention schedule (RET-1), free of the database.

A case's destruction date is the latest date any of its categories gives;
date-of-birth rules are worked out for every child. If a rule cannot be worked
out (the case is open, or a child's date of birth is unknown) there is no
date at all: a case is never destroyed on a guess.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` plus whole years; 29 February lands on 1 March in a common year.

    1 March rather than 28 February because it is the later of the two: a
    record kept one day longer breaks no rule, one destroyed a day early does.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


@dataclass(frozen=True)
class Rule:
    name: str
    anchor: str  # "closure" or "date_of_birth"
    years: int
    anchor_age_years: int = 0


@dataclass(frozen=True)
class Outcome:
    destroy_on: datetime.date | None
    problems: tuple[str, ...] = field(default=())


def rule_date(
    rule: Rule, *, closed_on: datetime.date | None, birth_date: datetime.date | None
) -> datetime.date | None:
    """The date one rule gives for one child (or for the case, for closure rules)."""
    if rule.anchor == "closure":
        return None if closed_on is None else add_years(closed_on, rule.years)
    if birth_date is None:
        return None
    return add_years(birth_date, rule.anchor_age_years + rule.years)


def destruction_date(
    rules: Iterable[Rule],
    *,
    closed_on: datetime.date | None,
    birth_dates: Iterable[datetime.date | None],
) -> Outcome:
    """The latest date any rule gives, or no date with the reasons why."""
    rules = list(rules)
    birth_dates = list(birth_dates)
    if not rules:
        return Outcome(None, ("The case carries no retention category.",))
    if closed_on is None:
        return Outcome(None, ("The case is open.",))
    dates: list[datetime.date] = []
    problems: list[str] = []
    for rule in rules:
        if rule.anchor == "closure":
            dates.append(rule_date(rule, closed_on=closed_on, birth_date=None))
            continue
        if not birth_dates:
            problems.append(f"{rule.name}: no child is recorded on the case.")
        elif any(born is None for born in birth_dates):
            problems.append(f"{rule.name}: a child's date of birth is not recorded.")
        else:
            dates.extend(
                rule_date(rule, closed_on=closed_on, birth_date=born) for born in birth_dates
            )
    if problems:
        return Outcome(None, tuple(problems))
    # A date-of-birth rule may already have run out when the case closes; the
    # case is still kept until it has closed (closed_on is the floor).
    return Outcome(max([*dates, closed_on]))
