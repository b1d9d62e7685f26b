"""Volunteer onboarding before casework (ACC-4).

A volunteer may be given a case only once a signed Volunteer Agreement with
the undertaking about home computers and remote working (GOV-2) and
data-protection training are recorded, and while their refresher training is
not overdue. An overdue volunteer keeps the cases they already hold (taking
them away mid-support would hurt the family, and unassignment is the
coordinator's call) but is given nothing new until they refresh. Without the
undertaking a volunteer opens no case at all (``casework_refusal``): the
undertaking is about where case data may be kept, so it applies to every case
they open, not only to new ones.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pps.crypto import create_data_key
from pps.history import save_as
from pps.models import User, VolunteerAgreement, VolunteerTraining
from pps.roles import Role
from pps.training.records import (
    TrainingError,
    TrainingStatus,
    check_training_date,
    latest_completed_on,
    refresher_due_on,
)
from pps.uploads import read_upload

NO_UNDERTAKING = (
    "The signed agreement does not record the undertaking not to keep case data on home "
    "computers and to follow the council's mobile and remote working policy."
)


class OnboardingError(TrainingError):
    """Bad onboarding input; the message is safe to show."""


@dataclass(frozen=True)
class OnboardingStatus(TrainingStatus):
    agreement_signed_on: datetime.date | None
    # GOV-2: the latest agreement records the undertaking (False with no agreement).
    undertaking: bool

    @property
    def volunteer(self) -> User:
        return self.person

    @property
    def _state(self) -> tuple[str, str | None]:
        """(short label for lists, why no new casework may be given or None)."""
        if self.agreement_signed_on is None:
            return "No signed agreement", "No signed Volunteer Agreement is recorded."
        if not self.undertaking:
            return "No remote working undertaking", NO_UNDERTAKING
        if self.trained_on is None:
            return "No training recorded", "No data-protection training is recorded."
        if self.refresher_overdue:
            return "Refresher overdue", "Their data-protection refresher training is overdue."
        if self.refresher_due_soon:
            return "Refresher due soon", None
        return "Ready for casework", None

    @property
    def label(self) -> str:
        return self._state[0]

    @property
    def problem(self) -> str | None:
        """Why this volunteer cannot be given new casework, or None if they can."""
        return self._state[1]

    @property
    def ready(self) -> bool:
        return self.problem is None


def _statuses(volunteers, today: datetime.date) -> list[OnboardingStatus]:
    # The latest agreement decides, the last recorded of a day (as in casework_refusal).
    latest_agreement = VolunteerAgreement.objects.filter(volunteer=OuterRef("pk")).order_by(
        "-signed_on", "-id"
    )
    rows = volunteers.select_related("service").annotate(
        agreement_signed_on=Subquery(latest_agreement.values("signed_on")[:1]),
        undertaking=Subquery(latest_agreement.values("remote_working_undertaking")[:1]),
        trained_on=latest_completed_on(VolunteerTraining, "volunteer"),
    )
    return [
        OnboardingStatus(
            person=row,
            agreement_signed_on=row.agreement_signed_on,
            undertaking=bool(row.undertaking),
            trained_on=row.trained_on,
            refresher_due_on=refresher_due_on(row.trained_on, row.service),
            today=today,
        )
        for row in rows
    ]


def service_volunteers(service_id):
    return User.objects.filter(service_id=service_id, role=Role.VOLUNTEER)


def onboarding_statuses(service_id, *, today: datetime.date | None = None):
    """Every active volunteer of the service, soonest refresher (or missing step) first."""
    statuses = _statuses(
        service_volunteers(service_id).filter(is_active=True), today or timezone.localdate()
    )
    return sorted(
        statuses,
        key=lambda s: (
            s.ready,
            s.refresher_due_on or datetime.date.min,
            s.volunteer.last_name,
            s.volunteer.username,
        ),
    )


def onboarding_status(volunteer: User, *, today: datetime.date | None = None) -> OnboardingStatus:
    return _statuses(User.objects.filter(pk=volunteer.pk), today or timezone.localdate())[0]


def assignment_refusal(volunteer: User) -> str | None:
    """Why ``volunteer`` may not be given a case now (ACC-4), or None if they may."""
    if volunteer.role != Role.VOLUNTEER:
        return None
    problem = onboarding_status(volunteer).problem
    if problem is None:
        return None
    return f"This volunteer cannot be assigned casework yet. {problem}"


def casework_refusal(user: User) -> str | None:
    """Why ``user``, a volunteer, may open no case at all (GOV-2), or None.

    Only the undertaking (and the agreement it is part of) counts here: an
    overdue refresher stops new assignments only (ACC-4).
    """
    if user.role != Role.VOLUNTEER:
        return None
    latest = (
        VolunteerAgreement.objects.filter(volunteer_id=user.pk)
        .order_by("-signed_on", "-id")
        .values_list("remote_working_undertaking", flat=True)
        .first()
    )
    if latest:
        return None
    return (
        "You cannot open case records until your coordinator has recorded your signed "
        "undertaking not to keep case data on a home computer and to follow the council's "
        "mobile and remote working policy."
    )


def _check_date(day: datetime.date, what: str) -> None:
    try:
        check_training_date(day, what)
    except TrainingError as error:
        raise OnboardingError(str(error)) from error


def _check_volunteer(volunteer: User, by: User | None) -> None:
    if volunteer.role != Role.VOLUNTEER:
        raise OnboardingError("Agreements and training are recorded for volunteers only.")
    if by is not None and (not by.is_coordinator or by.service_id != volunteer.service_id):
        raise OnboardingError("Only a coordinator of the volunteer's service can record this.")


@transaction.atomic
def volunteer_agreement_record(
    *,
    volunteer: User,
    by: User | None,
    signed_on: datetime.date,
    uploaded_file,
    remote_working_undertaking: bool,
) -> VolunteerAgreement:
    """Store a signed agreement, encrypted under a data key of its own, and
    whether it includes the undertaking about home computers and remote working
    (GOV-2: an agreement on an older form may not)."""
    _check_volunteer(volunteer, by)
    _check_date(signed_on, "the agreement was signed")
    try:
        content, content_type = read_upload(uploaded_file)
    except ValidationError as error:
        raise OnboardingError(" ".join(error.messages)) from error
    agreement = VolunteerAgreement(
        volunteer=volunteer,
        signed_on=signed_on,
        remote_working_undertaking=remote_working_undertaking,
        document=content,
        content_type=content_type,
        data_key_id=create_data_key(),
        recorded_by=by,
    )
    return save_as(agreement, by)


@transaction.atomic
def volunteer_training_record(
    *, volunteer: User, by: User | None, completed_on: datetime.date
) -> VolunteerTraining:
    _check_volunteer(volunteer, by)
    _check_date(completed_on, "of the training")
    return save_as(
        VolunteerTraining(volunteer=volunteer, completed_on=completed_on, recorded_by=by), by
    )
