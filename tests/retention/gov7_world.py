"""Records not about families, made through the services and then aged (GOV-7).

Each builder makes the record as the product does and moves its clock back,
so the purge can be asked about records from any time.
"""

import datetime

from django.utils import timezone

from cases.statistics.models import StatisticsExport, StatisticsExportJob
from governance.models import Breach
from governance.services import (
    breach_action_add,
    breach_close,
    breach_decide_families,
    breach_decide_ico,
    breach_record,
)
from pps.history import history_erasure
from pps.models import User
from pps.security.models import SecurityEvent
from retention.records_purge import subtract_months
from tests.factories import make_user


def months_ago(months: int) -> datetime.datetime:
    """Midday, ``months`` calendar months before today."""
    day = subtract_months(timezone.localdate(), months)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def departed_account(service, role: str, *, left: datetime.datetime, **fields) -> User:
    """An account deactivated at ``left``, not active since (its history aged too)."""
    user = make_user(service, role, **fields)
    User.objects.filter(pk=user.pk).update(is_active=False, date_joined=left, last_login=left)
    with history_erasure(purpose="test"):
        User.history.model.objects.filter(id=user.pk).update(history_date=left)
    user.refresh_from_db()
    return user


def security_event(user, *, ip_address: str, at: datetime.datetime) -> SecurityEvent:
    return SecurityEvent.objects.create(
        user=user, kind=SecurityEvent.Kind.SIGN_IN_FAILED, ip_address=ip_address, at=at
    )


def export_log(service, by, *, at: datetime.datetime, content: bytes = b"month,count\n"):
    """A logged export and a finished background export with its file, both from ``at``."""
    export = StatisticsExport.objects.create(
        service=service, period="2020-01", format="csv", threshold=5, via="web", exported_by=by
    )
    job = StatisticsExportJob.objects.create(
        service=service,
        requested_by=by,
        period="2020-01",
        format="csv",
        status=StatisticsExportJob.Status.FINISHED,
        content=content,
        finished_at=at,
    )
    StatisticsExport.objects.filter(pk=export.pk).update(exported_at=at)
    return export, job


def closed_breach(service, by, *, closed_at: datetime.datetime | None, title: str) -> Breach:
    """A breach with one action, closed at ``closed_at`` (left open when None)."""
    aware = (closed_at or timezone.now()) - datetime.timedelta(days=10)
    breach = breach_record(
        service=service, by=by, title=title, description=f"{title} happened", aware_at=aware
    )
    breach_action_add(breach=breach, by=by, taken_on=aware.date(), text=f"{title} contained")
    if closed_at is None:
        return breach
    breach_decide_ico(breach=breach, by=by, decision="no", reasons="No risk to anyone.")
    breach_decide_families(breach=breach, by=by, decision="no", reasons="No risk to anyone.")
    breach_close(breach=breach, by=by)
    Breach.objects.filter(pk=breach.pk).update(closed_at=closed_at)
    breach.refresh_from_db()
    return breach
