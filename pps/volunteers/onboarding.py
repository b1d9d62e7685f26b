"""Volunteer onboarding before casework (ACC-4).

A volunteer may be given a case only once a signed Volunteer Agreement and
data-protection training are recorded, and while their refresher training is
not overdue. An overdue volunteer keeps the cases they already hold (taking
them away mid-support would hurt the family, and unassignment is the
coordinator's call) but is given nothing new until they refresh.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pps.crypto import create_data_key
from pps.dates import add_months
from pps.history import save_as
from pps.models import User, VolunteerAgreement, VolunteerTraining
from pps.roles import Role
from pps.uploads import read_upload

# Refreshers falling due within this many days are flagged to coordinators.
DUE_SOON_DAYS = 30


class OnboardingError(ValueError):
    """Bad onboarding input; the message is safe to show."""


@dataclass(frozen=True)
class OnboardingStatus:
    volunteer: User
    agreement_signed_on: datetime.date | None
    trained_on: datetime.date | None
    refresher_due_on: datetime.date | None
    today: datetime.date

    @property
    def refresher_overdue(self) -> bool:
        return self.refresher_due_on is not None and self.refresher_due_on < self.today

    @property
    def refresher_due_soon(self) -> bool:
        return (
            self.refresher_due_on is not None
            and not self.refresher_overdue
            and (self.refresher_due_on - self.today).days <= DUE_SOON_DAYS
        )

    @property
    def _state(self) -> tuple[str, str | None]:
        """(short label for lists, why no new casework may be given or None)."""
        if self.agreement_signed_on is None:
            return "No signed agreement", "No signed Volunteer Agreement is recorded."
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
    latest_agreement = VolunteerAgreement.objects.filter(volunteer=OuterRef("pk")).order_by(
        "-signed_on"
    )
    latest_training = VolunteerTraining.objects.filter(volunteer=OuterRef("pk")).order_by(
        "-completed_on"
    )
    rows = volunteers.select_related("service").annotate(
        agreement_signed_on=Subquery(latest_agreement.values("signed_on")[:1]),
        trained_on=Subquery(latest_training.values("completed_on")[:1]),
    )
    return [
        OnboardingStatus(
            volunteer=row,
            agreement_signed_on=row.agreement_signed_on,
            trained_on=row.trained_on,
            refresher_due_on=(
                add_months(row.trained_on, row.service.volunteer_refresher_months)
                if row.trained_on
                else None
            ),
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


def _check_date(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise OnboardingError(f"The date {what} cannot be in the future.")
    if day.year < 1990:
        raise OnboardingError(f"Enter the real date {what}.")


def _check_volunteer(volunteer: User, by: User | None) -> None:
    if volunteer.role != Role.VOLUNTEER:
        raise OnboardingError("Agreements and training are recorded for volunteers only.")
    if by is not None and (not by.is_coordinator or by.service_id != volunteer.service_id):
        raise OnboardingError("Only a coordinator of the volunteer's service can record this.")


@transaction.atomic
def volunteer_agreement_record(
    *, volunteer: User, by: User | None, signed_on: datetime.date, uploaded_file
) -> VolunteerAgreement:
    """Store a signed agreement, encrypted under a data key of its own."""
    _check_volunteer(volunteer, by)
    _check_date(signed_on, "the agreement was signed")
    try:
        content, content_type = read_upload(uploaded_file)
    except ValidationError as error:
        raise OnboardingError(" ".join(error.messages)) from error
    agreement = VolunteerAgreement(
        volunteer=volunteer,
        signed_on=signed_on,
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
