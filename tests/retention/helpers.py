"""Building cases at any point of their retention life, through the services."""

import datetime

from cases import services as case_services
from cases.models import Case
from tests.factories import parent_fields


def years_ago(years: int, today: datetime.date | None = None) -> datetime.date:
    today = today or datetime.date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def make_closed_case(
    service, by, *, closed_on: datetime.date, opened_on: datetime.date | None = None, **parent
) -> Case:
    opened_on = opened_on or closed_on - datetime.timedelta(days=90)
    case = case_services.case_open(
        service=service,
        by=by,
        opened_on=opened_on,
        summary="Retention test case.",
        parent=parent_fields(storage_agreed_on=opened_on, **parent),
    )
    return case_services.case_close(case=case, by=by, closed_on=closed_on)


def make_expired_case(service, by, *, years: int = 13, **parent) -> Case:
    """A case closed ``years`` ago: past the 12-year parent-support rule by default."""
    return make_closed_case(service, by, closed_on=years_ago(years), **parent)


def retention_world(service, case, coordinator, admin_user) -> dict:
    """Objects the authorisation matrix needs for the retention URLs.

    The hold is on a second case, so lifting it in one persona's request does
    not change what the next persona sees of the main case.
    """
    from retention.models import PurgeRun
    from retention.schedule import retention_categories_for
    from retention.services import legal_hold_place

    category = retention_categories_for(service)[0]
    held_case = make_closed_case(service, coordinator, closed_on=years_ago(1))
    hold = legal_hold_place(case=held_case, reason="complaint", by=coordinator)
    run = PurgeRun.objects.create(service=service, method="screen", authorised_by=admin_user)
    return {"category": category, "hold": hold, "run": run}
