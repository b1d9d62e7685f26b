"""Loading cases and holds for retention pages.

Case workers open a case's retention page through ``cases.access`` like any
other case page. Administrators manage holds and purges but never read case
content (ACC-1), so they find a case by its reference within their own service
and get its bookkeeping columns only; the encrypted summary is never loaded.
Every look-up is written to the access log, found or not (ACC-6, ACC-7).
"""

from django.utils import timezone

from cases.models import Case
from pps.access_log import logged_or_404
from pps.models import Service, User
from pps.roles import Role
from retention.models import CaseRetention, LegalHold
from retention.schedule import CLOSED_STATUSES


def holds_for(user: User):
    """Holds of the user's service; administrators do not get the details text."""
    holds = LegalHold.objects.filter(case__service_id=user.service_id).select_related(
        "case", "placed_by", "lifted_by"
    )
    holds = holds.defer("case__summary")
    return holds.defer("details") if user.role != Role.COORDINATOR else holds


def holds_on_case(case: Case):
    """The holds of a case already loaded through ``cases.access`` (its retention page)."""
    return LegalHold.objects.filter(case=case).select_related("placed_by", "lifted_by")


def stored_due_count(service: Service) -> int:
    """Closed cases of the service whose destruction date has come (the admin dashboard)."""
    return CaseRetention.objects.filter(
        case__service=service,
        case__status__in=CLOSED_STATUSES,
        destroy_on__lte=timezone.localdate(),
    ).count()


def active_holds_for(user: User):
    """The holds not yet lifted: the holds page's list, and the count the retention
    overview links to it with (one queryset, so the two always agree)."""
    return holds_for(user).filter(lifted_at__isnull=True)


def get_hold_for_user(user: User, hold_id: int) -> LegalHold:
    hold = holds_for(user).filter(pk=hold_id).first() if user.service_id else None
    return logged_or_404(
        user,
        hold,
        object_type="legalhold",
        object_id=hold_id,
        case_id=hold.case_id if hold else None,
        message="No such hold.",
        owner=LegalHold.objects.filter(pk=hold_id).values_list("case__service_id", flat=True),
    )
