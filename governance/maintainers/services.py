"""Writes to the register of system maintainers (GOV-3): the service's administrators."""

import datetime

from django.db import transaction
from django.utils import timezone

from governance.maintainers.models import Maintainer
from pps.crypto import create_data_key
from pps.history import save_as
from pps.models import Service, User
from pps.roles import Role
from pps.rules import RuleError


def _check(by: User, service_id: int) -> None:
    if by.role != Role.ADMIN or by.service_id != service_id:
        raise RuleError("Only an administrator of this service can do this.")


def _check_dates(
    access_from: datetime.date,
    undertaking_signed_on: datetime.date | None,
    access_ended_on: datetime.date | None,
) -> None:
    today = timezone.localdate()
    if any(day and day > today for day in (undertaking_signed_on, access_ended_on)):
        raise RuleError("The undertaking and the end of access cannot be dated in the future.")
    if access_ended_on and access_ended_on < access_from:
        raise RuleError("Access cannot end before it started.")


def _fields(name: str, organisation: str, work: str) -> tuple[str, str, str]:
    name, organisation, work = name.strip(), organisation.strip(), work.strip()
    if not (name and organisation and work):
        raise RuleError("Enter the name, the organisation and what they do.")
    return name, organisation, work


@transaction.atomic
def maintainer_record(
    *,
    service: Service,
    by: User,
    name: str,
    organisation: str,
    work: str,
    access_from: datetime.date,
    undertaking_signed_on: datetime.date | None = None,
    access_ended_on: datetime.date | None = None,
) -> Maintainer:
    """Add someone who maintains the system, with the date of their signed undertaking."""
    _check(by, service.pk)
    name, organisation, work = _fields(name, organisation, work)
    _check_dates(access_from, undertaking_signed_on, access_ended_on)
    maintainer = Maintainer(
        service=service,
        name=name,
        organisation=organisation,
        work=work,
        access_from=access_from,
        undertaking_signed_on=undertaking_signed_on,
        access_ended_on=access_ended_on,
        recorded_by=by,
        # Its own key: a service's record, never under a case's.
        data_key_id=create_data_key(),
    )
    return save_as(maintainer, by)


@transaction.atomic
def maintainer_update(
    *,
    maintainer: Maintainer,
    by: User,
    name: str,
    organisation: str,
    work: str,
    access_from: datetime.date,
    undertaking_signed_on: datetime.date | None,
    access_ended_on: datetime.date | None,
) -> Maintainer:
    """Correct an entry, record the undertaking once signed, or end the access."""
    _check(by, maintainer.service_id)
    name, organisation, work = _fields(name, organisation, work)
    _check_dates(access_from, undertaking_signed_on, access_ended_on)
    maintainer.name, maintainer.organisation, maintainer.work = name, organisation, work
    maintainer.access_from = access_from
    maintainer.undertaking_signed_on = undertaking_signed_on
    maintainer.access_ended_on = access_ended_on
    return save_as(maintainer, by)
