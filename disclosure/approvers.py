"""Who may approve, refuse and release a disclosure (DIS-4).

The policy names the head of service as the one who decides, and their deputy
when they are away. So, per service:

- a head is recorded: the head decides; the deputy decides only on days the
  head's absence is recorded; no one else does;
- no head is recorded yet: any coordinator decides (the page says so), so a
  service that has not set this up is not left unable to answer requests;
- whoever logged a request never approves or refuses it (separation of duties).

The head, or an administrator, records the deputy and the head's absences.
"""

import datetime

from django.utils import timezone

from disclosure.models import DisclosureApprovers, DisclosureRequest
from pps.models import Service, User
from pps.roles import Role


def approvers_for(service: Service) -> DisclosureApprovers:
    """The service's record, unsaved and empty if none has been made."""
    return DisclosureApprovers.objects.filter(service=service).select_related(
        "head", "deputy"
    ).first() or DisclosureApprovers(service=service)


def may_decide(user: User, service: Service, on: datetime.date | None = None) -> bool:
    """May ``user`` approve, refuse or release this service's requests on ``on``?"""
    if not user.is_active or user.service_id != service.pk:
        return False
    on = on or timezone.localdate()
    approvers = approvers_for(service)
    if approvers.head_id is None:
        return user.role == Role.COORDINATOR
    if user.pk == approvers.head_id:
        return user.role == Role.COORDINATOR
    return (
        user.pk == approvers.deputy_id
        and user.role in (Role.STAFF, Role.COORDINATOR)
        and approvers.head_absent_on(on)
    )


def why_not(user: User, disclosure: DisclosureRequest) -> str:
    """Why ``user`` may not decide on ``request`` ("" when they may). Safe to show."""
    if disclosure.logged_by_id == user.pk:
        return "You logged this request, so someone else must approve or refuse it."
    if may_decide(user, disclosure.case.service):
        return ""
    approvers = approvers_for(disclosure.case.service)
    if approvers.head_id is None:
        return "Only a coordinator may approve or refuse a request."
    return (
        "Only the head of service may approve or refuse a request, or their deputy "
        "while the head's absence is recorded."
    )


def may_manage(user: User, service: Service) -> bool:
    """The head of service or an administrator records the deputy and absences."""
    if not user.is_active or user.service_id != service.pk:
        return False
    return user.role == Role.ADMIN or user.pk == approvers_for(service).head_id
