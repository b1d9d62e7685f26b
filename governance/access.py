"""Loading breaches and the cases they name (GOV-6).

A breach is read only by a coordinator or administrator of its own service;
anyone else, and another service's staff, get 404 (logged, ACC-7). A case is
named by its reference when the breach is recorded; the look-up is logged like
a legal hold's, and an administrator gets its bookkeeping columns only.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cases.access import get_case_for_user
from cases.models import Case
from governance.models import ICO_DEADLINE, ICO_WARNING, Breach, Decision
from governance.services import REGISTER_ROLES
from pps.access_log import logged_or_404
from pps.form_fields import as_id
from pps.models import AccessLogEntry, User
from pps.roles import CASE_WORKER_ROLES


def breaches_for(user: User) -> QuerySet[Breach]:
    if user.role not in REGISTER_ROLES or not user.service_id:
        return Breach.objects.none()
    return Breach.objects.filter(service_id=user.service_id)


def get_breach_for_user(user: User, breach_id) -> Breach:
    pk = as_id(breach_id)
    breach = breaches_for(user).filter(pk=pk).first() if pk else None
    return logged_or_404(
        user,
        breach,
        object_type="breach",
        object_id=breach_id,
        case_id=None,
        message="No such breach.",
        owner=Breach.objects.filter(pk=pk).values_list("service_id", flat=True) if pk else None,
    )


def openable_case(user: User, breach: Breach) -> Case | None:
    """The breach's case if the viewer may open it (the case's own access helper
    decides), else None. Administrators never read cases (ACC-1): they are not
    asked, so no refused read is logged against a case they did not try to open."""
    if breach.case_id is None or user.role not in CASE_WORKER_ROLES:
        return None
    try:
        return get_case_for_user(user, breach.case_id, action=AccessLogEntry.Action.LIST)
    except Http404:
        return None


@dataclass(frozen=True)
class IcoClock:
    """Where a breach stands against the ICO's 72 hours."""

    deadline: datetime.datetime
    running: bool
    hours_left: int  # negative once overdue

    @property
    def overdue(self) -> bool:
        return self.running and self.hours_left < 0

    @property
    def label(self) -> str:
        if not self.running:
            return "Not running"
        if self.overdue:
            return f"Overdue by {_hours(-self.hours_left)}"
        return f"Due in {_hours(self.hours_left)}"


def _hours(hours: int) -> str:
    return "1 hour" if hours == 1 else f"{hours} hours"


def ico_clock(breach: Breach, now: datetime.datetime | None = None) -> IcoClock:
    now = now or timezone.now()
    seconds = (breach.ico_deadline - now).total_seconds()
    # Whole hours started: "due in 1 hour" in the last hour, "overdue by 1 hour" just after.
    hours = math.ceil(abs(seconds) / 3600) * (1 if seconds >= 0 else -1)
    running = breach.status == Breach.Status.OPEN and breach.awaiting_ico
    return IcoClock(deadline=breach.ico_deadline, running=running, hours_left=hours)


def breaches_due(user: User, now: datetime.datetime | None = None) -> list[tuple[Breach, IcoClock]]:
    """Open breaches still waiting for the ICO decision whose deadline is past or
    within 24 hours, oldest deadline first (the coordinators' home page)."""
    now = now or timezone.now()
    rows = (
        breaches_for(user)
        .filter(status=Breach.Status.OPEN, aware_at__lte=now - (ICO_DEADLINE - ICO_WARNING))
        .exclude(ico_decision=Decision.NO)
        .exclude(ico_decision=Decision.YES, ico_notified_at__isnull=False)
        .order_by("aware_at", "id")
    )
    return [(breach, ico_clock(breach, now)) for breach in rows]
