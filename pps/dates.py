"""Calendar arithmetic for review and refresher dates, and where a local day starts."""

import calendar
import datetime

from django.utils import timezone


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day if it has no such day.

    31 January + 1 month is 28 (or 29) February; 29 February + 12 months is
    28 February.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the service's time zone, as an aware time.

    ``moment < start_of_day(day)`` is "on a local date before ``day``" in a form
    a database index can serve (a ``__date`` lookup converts every row first).
    """
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
