"""Recording a coordinator's decision on an older child in a parent's pack (DIS-6).

Until a decision is recorded, ``disclosure.subject_access.family_pack`` leaves
a brother or sister of 12 or over out of a parent's pack and lists them under
what was withheld. The decision changes what the pack holds, so it moves the
request's version on: a release page reviewed before the decision is stale.
"""

from django.db import transaction
from django.utils import timezone

from cases.models import Child
from disclosure.models import ChildCapacityDecision, DisclosureRequest, RequesterType
from disclosure.subject_access import older_children_to_decide
from pps.history import save_as
from pps.locking import bump_version, lock_for_change
from pps.models import User
from pps.roles import Role
from pps.rules import RuleError

REASON_MAX = 4000


@transaction.atomic
def child_capacity_decide(
    *,
    disclosure: DisclosureRequest,
    child: Child,
    has_capacity: bool,
    child_agrees: bool | None,
    reason: str,
    by: User,
    at=None,
) -> ChildCapacityDecision:
    lock_for_change(disclosure)
    if by.role != Role.COORDINATOR or by.service_id != disclosure.case.service_id:
        raise RuleError("Only a coordinator of the service may record this decision.")
    if disclosure.requester_type == RequesterType.CHILD_SAR or not disclosure.is_family_route:
        raise RuleError("Only a parent's pack needs a decision about an older child.")
    if not disclosure.is_open:
        raise RuleError("This request is no longer open: its pack cannot change.")
    if child.pk not in {c.pk for c in older_children_to_decide(disclosure)}:
        raise RuleError("Choose a child of 12 or over on this case.")
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("Enter the reason for the decision.")
    if len(reason) > REASON_MAX:
        raise RuleError(f"Keep the reason under {REASON_MAX} characters.")
    if has_capacity and child_agrees is None:
        raise RuleError("Record whether the child agrees to their information going out.")
    decision = ChildCapacityDecision.objects.filter(request=disclosure, child=child).first()
    decision = decision or ChildCapacityDecision(
        request=disclosure, case=disclosure.case, child=child
    )
    decision.has_capacity = has_capacity
    decision.child_agrees = child_agrees if has_capacity else None
    decision.reason = reason
    decision.decided_by = by
    decision.decided_at = at or timezone.now()
    save_as(decision, by)
    bump_version(disclosure)
    save_as(disclosure, by, update_fields=["version"])
    return decision
