"""Breaches recorded through the service, at any point on the ICO clock."""

import datetime

from django.utils import timezone

from governance.services import breach_record


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def make_breach(
    service, by, *, aware_hours_ago: float = 1, case=None, title="Email to wrong address"
):
    return breach_record(
        service=service,
        by=by,
        title=title,
        description="A letter about a family was emailed to the wrong school.",
        aware_at=hours_ago(aware_hours_ago),
        occurred_at=hours_ago(aware_hours_ago + 2),
        case=case,
    )
