"""When a request for information must be answered (DIS-1). Pure functions, no database.

- Subject access (a parent's or a child's own request): one calendar month from
  the day it was received; when the next month has no such day (31 January),
  the last day of that month (28 or 29 February).
- Freedom of Information: 20 working days, the day after receipt being day 1;
  weekends and England and Wales bank holidays are not working days.
- Every other requester (local authority, school, agency, solicitor, court):
  there is no statutory deadline, so the service answers within its own
  deadline of 20 working days, counted the same way as FOI.

Bank holidays are computed by rule (Banking and Financial Dealings Act 1971,
schedule 1, as listed at https://www.gov.uk/bank-holidays), with the one-off
and moved days proclaimed since 1995 in a small table below.
"""

import datetime
from functools import lru_cache

from pps.dates import add_months

DAY = datetime.timedelta(days=1)
FOI_WORKING_DAYS = 20
SERVICE_WORKING_DAYS = 20
DUE_SOON_WORKING_DAYS = 5

SUBJECT_ACCESS_TYPES = frozenset({"parent_subject_access", "child_subject_access"})
FOI_TYPE = "foi"

# Extra days proclaimed by royal proclamation (weddings, jubilees, coronation, funeral).
ONE_OFF_HOLIDAYS = {
    datetime.date(1999, 12, 31),  # millennium
    datetime.date(2002, 6, 3),  # golden jubilee
    datetime.date(2011, 4, 29),  # royal wedding
    datetime.date(2012, 6, 5),  # diamond jubilee
    datetime.date(2022, 6, 3),  # platinum jubilee
    datetime.date(2022, 9, 19),  # state funeral of Queen Elizabeth II
    datetime.date(2023, 5, 8),  # coronation of King Charles III
}
# Regular bank holidays moved to another day in one year: {year: {rule: date}}.
MOVED_HOLIDAYS = {
    1995: {"early_may": datetime.date(1995, 5, 8)},  # VE day 50th anniversary
    2002: {"spring": datetime.date(2002, 6, 4)},
    2012: {"spring": datetime.date(2012, 6, 4)},
    2020: {"early_may": datetime.date(2020, 5, 8)},  # VE day 75th anniversary
    2022: {"spring": datetime.date(2022, 6, 2)},
}


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return datetime.date(year, month, day)


def _first_monday(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> datetime.date:
    day = add_months(datetime.date(year, month, 1), 1) - DAY
    return day - datetime.timedelta(days=day.weekday())


def _new_year(year: int) -> datetime.date:
    day = datetime.date(year, 1, 1)
    # Saturday or Sunday: the next Monday is the holiday.
    return day + datetime.timedelta(days={5: 2, 6: 1}.get(day.weekday(), 0))


def _christmas_and_boxing_day(year: int) -> set[datetime.date]:
    christmas, boxing = datetime.date(year, 12, 25), datetime.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday 27 and Tuesday 28
        return {christmas + 2 * DAY, christmas + 3 * DAY}
    if christmas.weekday() == 6:  # Sunday: Boxing Day Monday, Christmas on Tuesday 27
        return {boxing, christmas + 2 * DAY}
    if boxing.weekday() == 5:  # Friday Christmas: Boxing Day on Monday 28
        return {christmas, boxing + 2 * DAY}
    return {christmas, boxing}


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """England and Wales bank holidays in ``year``."""
    easter = easter_sunday(year)
    moved = MOVED_HOLIDAYS.get(year, {})
    days = {
        _new_year(year),
        easter - 2 * DAY,  # Good Friday
        easter + DAY,  # Easter Monday
        moved.get("early_may", _first_monday(year, 5)),
        moved.get("spring", _last_monday(year, 5)),
        _last_monday(year, 8),
        *_christmas_and_boxing_day(year),
    }
    days |= {day for day in ONE_OFF_HOLIDAYS if day.year == year}
    return frozenset(days)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``start`` (the day after ``start`` can be day 1)."""
    day = start
    while count > 0:
        day += DAY
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
    count, day = 0, start
    while day < end:
        day += DAY
        count += is_working_day(day)
    return count


def due_date(requester_type: str, received_on: datetime.date) -> datetime.date:
    if requester_type in SUBJECT_ACCESS_TYPES:
        return add_months(received_on, 1)
    if requester_type == FOI_TYPE:
        return add_working_days(received_on, FOI_WORKING_DAYS)
    return add_working_days(received_on, SERVICE_WORKING_DAYS)


def deadline_basis(requester_type: str) -> str:
    """Where the deadline comes from, in words for staff."""
    if requester_type in SUBJECT_ACCESS_TYPES:
        return "Statutory: one calendar month from receipt (UK GDPR subject access)."
    if requester_type == FOI_TYPE:
        return "Statutory: 20 working days from receipt (Freedom of Information Act)."
    return "The service's own deadline of 20 working days; there is no statutory one."


def urgency(due_on: datetime.date, today: datetime.date) -> str:
    """ "overdue", "due soon" (within 5 working days) or ""."""
    if due_on < today:
        return "overdue"
    if working_days_between(today, due_on) <= DUE_SOON_WORKING_DAYS:
        return "due soon"
    return ""
