"""Demo data for letters, privacy statements, case studies and statistics (called by seed_demo).

Leaves every state visible: letters of each kind (posted and emailed), cases
with and without a "Why we keep information about you" statement (the
reminder list), a draft and a signed-off case study, a statistics export in the
log, and a service with a non-default suppression threshold. Demo email goes to
an in-memory outbox, never to the console or the network.
"""

import datetime
import random

from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from cases.case_studies.services import case_study_prepare, case_study_sign_off
from cases.letters.models import DeliveryMethod
from cases.letters.services import letter_send, privacy_statement_send
from cases.models import Case
from cases.statistics.export import statistics_export_record
from cases.statistics.models import StatisticsExport, StatisticsSettings
from cases.statistics.report import build_report, recent_periods
from pps.models import Service, User

IN_MEMORY_EMAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# The newest open cases are left without a statement, so the reminders show.
WAITING_FOR_A_STATEMENT = 3


def seed_communications(
    *, service: Service, users: dict[str, User], rnd: random.Random, threshold: int | None = None
) -> None:
    today = timezone.localdate()
    staff, coordinator = users["staff"], users["coordinator"]
    if threshold:
        StatisticsSettings.objects.create(service=service, suppression_threshold=threshold)
    with override_settings(MAILERS=IN_MEMORY_EMAIL):
        _statements(service, staff, today)
        _letters(service, staff, rnd, today)
    _case_studies(service, coordinator)
    last_quarter = recent_periods(today, quarters=2, months=0)[1]
    statistics_export_record(
        service=service,
        report=build_report(service=service, period=last_quarter, threshold=threshold or 5),
        fmt=StatisticsExport.Format.CSV,
        via=StatisticsExport.Via.COMMAND,
        operator="seed_demo",
    )


def _statements(service, staff, today):
    """Every parent on an open case gets one a few days after opening, except the newest cases."""
    open_cases = Case.objects.filter(service=service, status=Case.Status.OPEN).order_by(
        "-opened_on", "-id"
    )
    for case in open_cases.prefetch_related("parents")[WAITING_FOR_A_STATEMENT:]:
        for parent in case.parents.all():
            method = DeliveryMethod.EMAIL if parent.email_permission and parent.email else "post"
            sent_on = min(case.opened_on + datetime.timedelta(days=3), today)
            privacy_statement_send(parent=parent, method=method, by=staff, sent_on=sent_on)


def _letters(service, staff, rnd, today):
    cases = Case.objects.filter(service=service).annotate(n=Count("parents")).order_by("-opened_on")
    open_cases = [case for case in cases if case.status == Case.Status.OPEN][:8]
    closed = [case for case in cases if case.status == Case.Status.CLOSED][:3]
    for case in open_cases[:4]:
        _send(case, staff, "acknowledgement", {})
    for case in open_cases[2:5]:
        when = today + datetime.timedelta(days=rnd.randint(3, 20))
        details = {
            "appointment_date": when.isoformat(),
            "appointment_time": rnd.choice(["10:00", "13:30", "15:15"]),
            "appointment_place": rnd.choice(
                ["Our office, Room 2", "Your child's school", "By video call"]
            ),
        }
        _send(case, staff, "appointment", details)
    for case in open_cases[5:6]:
        details = {
            "request": "A copy of everything we hold about you and your child.",
            "outcome": "Enclosed with this letter, as you asked.",
        }
        _send(case, staff, "request_outcome", details)
    for case in closed:
        _send(case, staff, "closure", {"note": "Thank you for letting us help."})


def _send(case, by, kind, details):
    parent = case.parents.first()
    email_ok = parent.email_permission and parent.email
    letter_send(
        case=case,
        parent=parent,
        kind=kind,
        method=DeliveryMethod.EMAIL if email_ok else DeliveryMethod.POST,
        details=details,
        by=by,
    )


def _case_studies(service, coordinator):
    # Closed cases make the best training material; any case will do in a small demo.
    with_contacts = Case.objects.filter(service=service, contacts__isnull=False).distinct()
    chosen = list(with_contacts.filter(status=Case.Status.CLOSED).order_by("-closed_on")[:2])
    chosen += list(with_contacts.exclude(pk__in=[c.pk for c in chosen])[: 2 - len(chosen)])
    for index, case in enumerate(chosen):
        study = case_study_prepare(case=case, by=coordinator)
        if index == 0:
            case_study_sign_off(study=study, by=coordinator)
