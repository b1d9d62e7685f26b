"""Demo breaches, one in each state the register shows (GOV-6); seed_demo calls this.

- an email sent to the wrong school, 80 hours ago, with no ICO decision: overdue
  on the coordinators' home page;
- a lost paper file about one of the demo cases, reported to the ICO, the
  family told, still open while the actions go on;
- a text message to the wrong number, judged unlikely to harm anyone: not
  reported, closed.
"""

import datetime

from django.utils import timezone

from governance.services import (
    breach_action_add,
    breach_close,
    breach_decide_families,
    breach_decide_ico,
    breach_record,
    breach_update,
)


def _ago(**delta) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(**delta)).replace(second=0, microsecond=0)


def seed_breaches(*, service, users: dict) -> None:
    coordinator, admin = users["coordinator"], users["admin"]
    today = timezone.localdate()

    overdue = breach_record(
        service=service,
        by=coordinator,
        title="Email sent to the wrong school",
        description="An email with a parent's request for an assessment went to another "
        "school with a similar name.",
        occurred_at=_ago(hours=82),
        aware_at=_ago(hours=80),
    )
    breach_action_add(
        breach=overdue,
        by=coordinator,
        taken_on=today - datetime.timedelta(days=3),
        text="Asked the school to delete the email and confirm in writing.",
    )

    case = service.cases.order_by("id").first()
    lost = breach_record(
        service=service,
        by=coordinator,
        title="Paper file left on a bus",
        description="A caseworker's bag with one family's paper file was lost on the way to "
        "a meeting. Not yet found.",
        occurred_at=_ago(days=6, hours=3),
        aware_at=_ago(days=6),
        case=case,
    )
    breach_update(
        breach=lost,
        by=coordinator,
        title=lost.title,
        description=lost.description,
        occurred_at=lost.occurred_at,
        aware_at=lost.aware_at,
        likelihood="likely",
        severity="significant",
        risk_notes="The file holds the child's diagnosis and school reports.",
    )
    breach_decide_ico(
        breach=lost,
        by=coordinator,
        decision="yes",
        reasons="Health information about a child: a risk to the family.",
        notified_at=_ago(days=5, hours=2),
        reference="IC-123456-A1B2",
    )
    breach_decide_families(
        breach=lost,
        by=coordinator,
        decision="yes",
        reasons="The parent can watch for misuse and needed to know.",
        told_on=today - datetime.timedelta(days=5),
    )
    breach_action_add(
        breach=lost,
        by=coordinator,
        taken_on=today - datetime.timedelta(days=6),
        text="Reported the loss to the bus company and the police.",
    )

    text = breach_record(
        service=service,
        by=admin,
        title="Appointment text to the wrong number",
        description="A reminder with a first name and a time went to an old number.",
        occurred_at=_ago(days=40, hours=1),
        aware_at=_ago(days=40),
    )
    breach_decide_ico(
        breach=text,
        by=coordinator,
        decision="no",
        reasons="A first name and a time only: unlikely to result in a risk.",
    )
    breach_decide_families(
        breach=text,
        by=coordinator,
        decision="no",
        reasons="No risk to the family; the number is now corrected.",
    )
    breach_action_add(
        breach=text,
        by=coordinator,
        taken_on=today - datetime.timedelta(days=39),
        text="Corrected the number on the case and checked the others.",
    )
    breach_close(breach=text, by=coordinator)
