"""Demo data for need-to-know access (ACC-4, ACC-7, ACC-9), called by ``seed_demo``.

Shows every state: a policy with a superseded and a current version, people
who have and have not acknowledged it, volunteers ready, due soon, overdue
and not yet onboarded, and reads and refused attempts in the access log.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from pps.dates import add_months
from pps.models import ConfidentialityPolicy, Service, User
from pps.policy import services as policy
from pps.roles import CASE_READER_ROLES
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


def tiny_pdf(text: str) -> bytes:
    """A minimal valid one-page PDF (stands in for a scanned, signed document)."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


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
    volunteer: User, *, by: User | None, signed_on: datetime.date, trained_on: datetime.date
) -> None:
    onboarding.volunteer_agreement_record(
        volunteer=volunteer,
        by=by,
        signed_on=signed_on,
        uploaded_file=signed_agreement_upload(volunteer),
    )
    onboarding.volunteer_training_record(volunteer=volunteer, by=by, completed_on=trained_on)


def seed_volunteers(
    *, ready: User, due_soon: User, overdue: User, by: User, today: datetime.date
) -> None:
    """Ready, refresher due soon, refresher overdue; any other volunteer stays un-onboarded."""
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
