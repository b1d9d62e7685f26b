"""The recipient roles a service shares with, and how they are named (CON-1)."""

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from consent.models import (
    DEFAULT_RECIPIENT_ROLES,
    VOLUNTEER_ROLE,
    VOLUNTEER_ROLE_LABEL,
    RecipientRole,
)
from pps.models import Service


@transaction.atomic
def recipient_roles_ensure(*, service: Service) -> None:
    """Give a service the usual list the first time it records consent (admins can edit it)."""
    if RecipientRole.objects.filter(service=service).exists():
        return
    # With history (SEC-3): the roles decide who consent can cover.
    bulk_create_with_history(
        [
            RecipientRole(service=service, code=code, name=name, position=position)
            for position, (code, name) in enumerate(DEFAULT_RECIPIENT_ROLES)
        ],
        RecipientRole,
    )


def role_labels(service_id: int) -> dict[str, str]:
    """Every role code this service has used, inactive ones included, with its name."""
    labels = dict(RecipientRole.objects.filter(service_id=service_id).values_list("code", "name"))
    labels[VOLUNTEER_ROLE] = VOLUNTEER_ROLE_LABEL
    return labels


def choosable_role_codes(service_id: int) -> set[str]:
    """Codes a new decision or share may use: active roles, and the volunteer."""
    codes = RecipientRole.objects.filter(service_id=service_id, active=True).values_list(
        "code", flat=True
    )
    return {*codes, VOLUNTEER_ROLE}


def role_choices(
    service: Service, *, include_volunteer: bool, ensure_defaults: bool = True
) -> list[tuple[str, str]]:
    """Roles that can be chosen now, in the service's order.

    A page load may give the service its default list; a submitted form never
    writes (a refused form changes nothing), so it passes ``ensure_defaults=False``.
    """
    if ensure_defaults:
        recipient_roles_ensure(service=service)
    choices = list(
        RecipientRole.objects.filter(service=service, active=True).values_list("code", "name")
    )
    if not choices and not RecipientRole.objects.filter(service=service).exists():
        # Nothing stored yet: the defaults the first page load will store.
        choices = list(DEFAULT_RECIPIENT_ROLES)
    if include_volunteer:
        choices.append((VOLUNTEER_ROLE, VOLUNTEER_ROLE_LABEL))
    return choices


def describe_roles(codes, labels: dict[str, str]) -> str:
    names = [labels.get(code, code) for code in codes]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
