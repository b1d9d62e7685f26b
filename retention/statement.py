"""How long a family's records are kept, in words, for "Why we keep information
about you" (COM-4), worked out from the service's own retention schedule (RET-1).

The statement names the rules that apply to the case as the schedule stands
today, so a change an administrator makes to a rule changes every statement
produced after it. Nothing is stored: the categories a new case would get and
its destruction date are computed without writing (``store=False``).
"""

import datetime

from django.utils.dateformat import format as date_format

from cases.models import Case
from retention.models import RetentionCategory
from retention.schedule import CLOSED_STATUSES, case_categories, case_retention_refresh


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _years(number: int) -> str:
    return f"{number} year{'s' if number != 1 else ''}"


def rule_in_words(category: RetentionCategory, *, children: int) -> str:
    """One rule of the schedule as the parent reads it: "for 12 years after ..."."""
    if category.anchor == RetentionCategory.Anchor.CLOSURE:
        return f"{category.name}: for {_years(category.years)} after your case is closed."
    child = "your youngest child" if children > 1 else "your child"
    if category.anchor_age_years:
        return (
            f"{category.name}: until {_years(category.years)} after {child}'s "
            f"{_ordinal(category.anchor_age_years)} birthday."
        )
    return f"{category.name}: until {child} is {category.years} years old."


def retention_statement(case: Case) -> dict:
    """``rules`` (one line per rule that applies) and ``when`` (the date, or why not yet)."""
    categories = sorted(case_categories(case), key=lambda c: (c.position, c.name))
    children = case.children.count()
    rules = [rule_in_words(category, children=children) for category in categories]
    destroy_on: datetime.date | None = case_retention_refresh(case, store=False).destroy_on
    if not rules:
        when = "No rule of our retention schedule applies to your records yet, so none is due."
    elif case.status not in CLOSED_STATUSES:
        when = "The dates count from when your case is closed, so we will work them out then."
    elif destroy_on is None:
        when = (
            "We cannot work out the date yet because it depends on information we do not "
            "have. Nothing is destroyed until it can be worked out."
        )
    else:
        when = (
            "Under these rules your records are due to be destroyed on "
            f"{date_format(destroy_on, 'j F Y')}."
        )
    return {
        "rules": rules,
        "several": len(rules) > 1,
        "when": when,
    }
