"""Loading cases and holds for retention pages.

Case workers open a case's retention page through ``cases.access`` like any
other case page. Administrators manage holds and purges but never read case
content (ACC-1), so they find a case by its reference within their own service
and get its bookkeeping columns only; the encrypted summary is never loaded.
Every look-up is written to the access log, found or not (ACC-6, ACC-7).
"""

from django.utils import timezone

from cases.access import visible_cases
from cases.models import Case
from pps.access_log import logged_or_404, record_access
from pps.models import AccessLogEntry, Service, User
from pps.roles import Role
from retention.models import CaseRetention, LegalHold
from retention.schedule import CLOSED_STATUSES

BOOKKEEPING_FIELDS = ("id", "reference", "service_id", "status", "opened_on", "closed_on")


def case_for_hold(user: User, reference: str) -> Case | None:
    """The case with this reference that ``user`` may put on hold, or None."""
    if user.role == Role.ADMIN and user.service_id:
        cases = Case.objects.filter(service_id=user.service_id)
    elif user.role == Role.COORDINATOR:
        cases = visible_cases(user)
    else:
        cases = Case.objects.none()
    case = cases.only(*BOOKKEEPING_FIELDS).filter(reference=reference).first()
    record_access(
        user,
        action=AccessLogEntry.Action.VIEW,
        object_type="case",
        object_id=case.pk if case else reference,
        case_id=case.pk if case else None,
        allowed=case is not None,
        # A reference of another service's case: that service sees the attempt (ACC-7).
        owner_service_id=None
        if case
        else Case.objects.filter(reference=reference).values_list("service_id", flat=True).first(),
    )
    return case


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


def held_case_count(service: Service) -> int:
    """Cases of the service under a hold not yet lifted (the admin dashboard)."""
    return (
        Case.objects.filter(service=service, legal_holds__lifted_at__isnull=True).distinct().count()
    )


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
