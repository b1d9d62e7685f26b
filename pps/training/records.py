"""Training dates and refresher reminders, one rule for everyone who handles case data.

Volunteers' training is part of their onboarding (``pps.volunteers.onboarding``,
ACC-4); staff and coordinators' is recorded here (GOV-1, policy 004 3.1). Both
fall due every ``Service.volunteer_refresher_months`` after the latest
training, and are flagged to coordinators ``DUE_SOON_DAYS`` before.
A staff member whose refresher is overdue is told on their own home page; it
does not stop their casework (their job is casework: the coordinator follows up).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from pps.dates import add_months
from pps.history import save_as
from pps.models import StaffTraining, TrainingRecord, User
from pps.roles import CASE_WORKER_ROLES

# Refreshers falling due within this many days are flagged to coordinators.
DUE_SOON_DAYS = 30


class TrainingError(ValueError):
    """Bad training input; the message is safe to show."""


@dataclass(frozen=True)
class TrainingStatus:
    person: User
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
    def training_label(self) -> str:
        if self.trained_on is None:
            return "No training recorded"
        if self.refresher_overdue:
            return "Refresher overdue"
        if self.refresher_due_soon:
            return "Refresher due soon"
        return "Up to date"

    @property
    def needs_follow_up(self) -> bool:
        """No training, or a refresher overdue or due soon: the coordinator acts."""
        return self.trained_on is None or self.refresher_overdue or self.refresher_due_soon


def refresher_due_on(trained_on: datetime.date | None, service) -> datetime.date | None:
    return add_months(trained_on, service.volunteer_refresher_months) if trained_on else None


def latest_completed_on(model: type[TrainingRecord], person_field: str) -> Subquery:
    """The latest training date of the user in the outer query, for ``annotate``."""
    latest = model.objects.filter(**{person_field: OuterRef("pk")}).order_by("-completed_on")
    return Subquery(latest.values("completed_on")[:1])


def check_training_date(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise TrainingError(f"The date {what} cannot be in the future.")
    if day.year < 1990:
        raise TrainingError(f"Enter the real date {what}.")


def service_staff(service_id) -> QuerySet[User]:
    """Everyone of the service who handles case data and is not a volunteer."""
    return User.objects.filter(service_id=service_id, role__in=CASE_WORKER_ROLES)


def _staff_statuses(users: QuerySet[User], today: datetime.date) -> list[TrainingStatus]:
    rows = users.select_related("service").annotate(
        trained_on=latest_completed_on(StaffTraining, "staff_member")
    )
    return [
        TrainingStatus(
            person=row,
            trained_on=row.trained_on,
            refresher_due_on=refresher_due_on(row.trained_on, row.service),
            today=today,
        )
        for row in rows
    ]


def staff_training_statuses(service_id, *, today: datetime.date | None = None):
    """Every active staff member and coordinator of the service, soonest refresher
    (or no training at all) first."""
    statuses = _staff_statuses(
        service_staff(service_id).filter(is_active=True), today or timezone.localdate()
    )
    return sorted(
        statuses,
        key=lambda s: (
            s.refresher_due_on or datetime.date.min,
            s.person.last_name,
            s.person.username,
        ),
    )


def staff_training_status(user: User, *, today: datetime.date | None = None) -> TrainingStatus:
    return _staff_statuses(User.objects.filter(pk=user.pk), today or timezone.localdate())[0]


def _check_staff_member(staff_member: User, by: User | None) -> None:
    if staff_member.role not in CASE_WORKER_ROLES:
        raise TrainingError("Staff training is recorded for staff and coordinators only.")
    if by is not None and (not by.is_coordinator or by.service_id != staff_member.service_id):
        raise TrainingError("Only a coordinator of the same service can record this.")


@transaction.atomic
def staff_training_record(
    *, staff_member: User, by: User | None, completed_on: datetime.date
) -> StaffTraining:
    """A staff member or coordinator completed data-protection and FOI training (GOV-1)."""
    _check_staff_member(staff_member, by)
    check_training_date(completed_on, "of the training")
    return save_as(
        StaffTraining(staff_member=staff_member, completed_on=completed_on, recorded_by=by), by
    )


@transaction.atomic
def staff_training_correct(
    *, training: StaffTraining, by: User, completed_on: datetime.date
) -> StaffTraining:
    """Correct the date of a training entered wrongly; the history keeps the old date."""
    _check_staff_member(training.staff_member, by)
    check_training_date(completed_on, "of the training")
    training.completed_on = completed_on
    return save_as(training, by, update_fields=["completed_on"])
