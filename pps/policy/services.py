"""The service's confidentiality policy: versions, the one in force, acknowledgements (ACC-9).

Staff, coordinators and volunteers must acknowledge the version in force
before they open any case; ``pps.policy.gate`` enforces that on every request.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.formats import date_format

from pps.dates import add_months
from pps.history import save_as
from pps.models import ConfidentialityPolicy, PolicyAcknowledgement, Service, User
from pps.roles import CASE_READER_ROLES


class PolicyRuleError(ValueError):
    """A request the policy rules do not allow; the message is safe to show."""


def _in_force(service_id, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return ConfidentialityPolicy.objects.filter(
        service_id=service_id, effective_from__lte=today
    ).order_by("-version")


def current_policy(service_id, *, today: datetime.date | None = None):
    """The version in force: the newest whose effective date has come, or None."""
    if service_id is None:
        return None
    return _in_force(service_id, today).first()


def must_acknowledge_policy(user: User) -> bool:
    """Whether the user may not open cases until they acknowledge the policy in force.

    Fails closed: a case reader whose service has published no policy yet is
    held too (there is nothing they could have agreed to). One query, since it
    runs on every request.
    """
    if not (user.is_authenticated and user.role in CASE_READER_ROLES):
        return False
    in_force = _in_force(user.service_id).values("pk")[:1]
    return not PolicyAcknowledgement.objects.filter(
        user=user, policy_id=Subquery(in_force)
    ).exists()


@transaction.atomic
def policy_publish(
    *,
    service: Service,
    by: User | None,
    title: str,
    text: str,
    effective_from: datetime.date,
    review_cycle_months: int = ConfidentialityPolicy.ReviewCycle.TWO_YEARLY,
) -> ConfidentialityPolicy:
    """Publish a new version; from its effective date everyone must acknowledge it again."""
    if by is not None and (by.service_id != service.pk or not by.is_coordinator):
        raise PolicyRuleError("Only a coordinator of this service can publish its policy.")
    if review_cycle_months not in ConfidentialityPolicy.ReviewCycle.values:
        raise PolicyRuleError("Choose an annual or two-yearly review.")
    if not title.strip() or not text.strip():
        raise PolicyRuleError("Give the policy a title and its text.")
    latest = (
        ConfidentialityPolicy.objects.select_for_update()
        .filter(service=service)
        .order_by("-version")
        .first()
    )
    if latest is not None and effective_from < latest.effective_from:
        raise PolicyRuleError(
            f"A new version cannot take effect before version {latest.version} "
            f"({date_format(latest.effective_from, 'j F Y')})."
        )
    policy = ConfidentialityPolicy(
        service=service,
        version=(latest.version + 1) if latest else 1,
        title=title.strip(),
        text=text.strip(),
        effective_from=effective_from,
        review_cycle_months=review_cycle_months,
        review_due_on=add_months(effective_from, review_cycle_months),
        published_by=by,
    )
    return save_as(policy, by)


@transaction.atomic
def policy_acknowledge(*, user: User, policy: ConfidentialityPolicy) -> PolicyAcknowledgement:
    """Record that ``user`` read and will follow ``policy``. Idempotent (double submits)."""
    if user.service_id != policy.service_id:
        raise PolicyRuleError("That policy belongs to another service.")
    existing = PolicyAcknowledgement.objects.filter(policy=policy, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return save_as(PolicyAcknowledgement(policy=policy, user=user), user)
    except IntegrityError:  # the same form submitted twice at once
        return PolicyAcknowledgement.objects.get(policy=policy, user=user)


def policy_readers(service_id):
    """Everyone who must acknowledge the policy: active staff, coordinators, volunteers."""
    return User.objects.filter(
        service_id=service_id, is_active=True, role__in=CASE_READER_ROLES
    ).order_by("last_name", "first_name", "username")


def acknowledgement_overview(policy: ConfidentialityPolicy):
    """(acknowledgements by current readers, readers who have not acknowledged)."""
    readers = policy_readers(policy.service_id)
    acknowledged = list(
        policy.acknowledgements.filter(user__in=readers)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    outstanding = list(readers.exclude(policy_acknowledgements__policy=policy))
    return acknowledged, outstanding
