"""Demo data for need-to-know access (ACC-4, ACC-7, ACC-9), called by ``seed_demo``.

Shows every state: a policy with a superseded and a current version, people
who have and have not acknowledged it, volunteers ready, due soon, overdue
and not yet onboarded, and reads and refused attempts in the access log.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from demo.documents import tiny_pdf
from pps.dates import add_months
from pps.models import ConfidentialityPolicy, Service, User
from pps.policy import services as policy
from pps.roles import CASE_READER_ROLES
from pps.training import records as training
from pps.volunteers import onboarding

DEMO_POLICY_TEXT = """\
This service gives parents and carers confidential, impartial information, advice and support.

1. What parents tell us stays within the service. We share it outside the service only with the \
parent's agreement, or where the law requires it to keep a child safe.
2. Open a case only when you need to for your work with that family. Every time a case is opened \
is recorded and the coordinator can see it.
3. Volunteers see only the cases they are assigned to and only what the parent has told us. They \
do not see case-file information or school records, and they do not download or print case data.
4. Do not store case information on personal devices, in personal email or on paper you take home.
5. If you think information has gone to the wrong person, tell the coordinator the same day."""


def signed_agreement_upload(volunteer: User) -> SimpleUploadedFile:
    content = tiny_pdf(f"Volunteer Agreement signed by volunteer {volunteer.pk} (demo)")
    return SimpleUploadedFile("agreement.pdf", content, content_type="application/pdf")


def seed_policy(service: Service, coordinator: User, today: datetime.date) -> None:
    """Version 1 superseded, version 2 in force; ``seed_acknowledgements`` does the rest."""
    for version_start in (
        today - datetime.timedelta(days=800),
        today - datetime.timedelta(days=60),
    ):
        policy.policy_publish(
            service=service,
            by=coordinator,
            title="Confidentiality policy",
            text=DEMO_POLICY_TEXT,
            effective_from=version_start,
            review_cycle_months=ConfidentialityPolicy.ReviewCycle.TWO_YEARLY,
        )


def seed_acknowledgements(service: Service, users: list[User], *, not_yet: set[str]) -> None:
    """Everyone acknowledges the version in force except the usernames in ``not_yet``."""
    versions = list(service.confidentiality_policies.order_by("version"))
    for user in users:
        if user.role not in CASE_READER_ROLES:
            continue
        policy.policy_acknowledge(user=user, policy=versions[0])
        if user.username not in not_yet:
            policy.policy_acknowledge(user=user, policy=versions[-1])


def onboard_volunteer(
    volunteer: User,
    *,
    by: User | None,
    signed_on: datetime.date,
    trained_on: datetime.date,
    undertaking: bool = True,
) -> None:
    onboarding.volunteer_agreement_record(
        volunteer=volunteer,
        by=by,
        signed_on=signed_on,
        uploaded_file=signed_agreement_upload(volunteer),
        remote_working_undertaking=undertaking,
    )
    onboarding.volunteer_training_record(volunteer=volunteer, by=by, completed_on=trained_on)


def seed_volunteers(
    *,
    ready: User,
    due_soon: User,
    overdue: User,
    no_undertaking: User,
    by: User,
    today: datetime.date,
) -> None:
    """Ready, refresher due soon, refresher overdue, an agreement on the old form
    without the remote working undertaking (GOV-2); any other volunteer stays
    un-onboarded."""
    months = ready.service.volunteer_refresher_months
    onboard_volunteer(
        ready,
        by=by,
        signed_on=today - datetime.timedelta(days=400),
        trained_on=today - datetime.timedelta(days=60),
    )
    soon = add_months(today, -months) + datetime.timedelta(days=14)
    onboard_volunteer(due_soon, by=by, signed_on=soon, trained_on=soon)
    late = add_months(today, -months) - datetime.timedelta(days=45)
    onboard_volunteer(overdue, by=by, signed_on=late, trained_on=late)
    old_form = today - datetime.timedelta(days=20)
    onboard_volunteer(
        no_undertaking, by=by, signed_on=old_form, trained_on=old_form, undertaking=False
    )


def seed_staff_training(
    *, up_to_date: User, due_soon: User, overdue: User, by: User, today: datetime.date
) -> None:
    """Staff data-protection and FOI training (GOV-1) in each state; the overdue
    one is told on their home page, and the coordinator sees both on theirs."""
    months = up_to_date.service.volunteer_refresher_months
    trained = [
        (up_to_date, today - datetime.timedelta(days=90)),
        (due_soon, add_months(today, -months) + datetime.timedelta(days=10)),
        (overdue, add_months(today, -months) - datetime.timedelta(days=60)),
    ]
    for person, day in trained:
        training.staff_training_record(staff_member=person, by=by, completed_on=day)
