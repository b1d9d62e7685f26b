"""Requests for information in the demo: one in every state, one overdue, one due soon, a subject access.

Called by ``seed_demo`` after a service's cases and consent exist. Everything
goes through the services, with past dates, so the lists and logs look lived-in.
"""

import datetime

from django.utils import timezone

from cases.models import Case, ParentalResponsibility
from consent.sharing import sharing_check
from disclosure import services
from disclosure.due_dates import due_date, urgency
from disclosure.models import DisclosureRequest
from pps.models import Service, User

ASKED = [
    ("la_officer", "la_sen_officer", "SEN casework officer", "County Council SEN team",
     "Notes of the parent's calls about the draft EHC plan, for the annual review."),
    ("school", "school_senco", "The SENCO", "Oakfield Primary",
     "What the service advised the parent about the part-time timetable."),
    ("solicitor", "other", "Trainee solicitor", "Hart & Co Solicitors",
     "Copies of correspondence for a tribunal appeal."),
    ("court", "other", "Case officer", "First-tier Tribunal (SEND)",
     "Records relevant to the appeal against the refusal to assess."),
    ("foi", "other", "A member of the public", "",
     "How many calls about school transport the service took last year."),
    ("other_agency", "early_help", "Family support worker", "Early Help hub",
     "Whether the family has been in touch, and about what."),
]  # fmt: skip
# How far each demo request gets: the steps after logging.
STEPS = [
    [],  # received, and overdue
    ["notify"],  # parent told, due soon
    ["notify", "answer"],
    ["notify", "answer", "approve"],
    ["notify", "refuse"],
    ["notify", "answer", "approve", "release", "close"],
]


def _moment(day: datetime.date) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))
    return min(moment, timezone.now() - datetime.timedelta(minutes=5))


def _received_for(kind: str, wanted: str, today: datetime.date) -> datetime.date:
    """A receipt date whose due date is overdue, due soon or comfortably ahead."""
    day = today - datetime.timedelta(days=1)
    while urgency(due_date(kind, day), today) != wanted:
        day -= datetime.timedelta(days=1)
    return day


def _step(disclosure: DisclosureRequest, step: str, users: dict[str, User], on: datetime.date):
    staff, coordinator = users["staff"], users["coordinator"]
    at = _moment(on)
    common = {"disclosure": disclosure, "expected_version": disclosure.version, "at": at}
    if step == "notify":
        services.disclosure_parent_notified(by=staff, notified_on=on, method="telephone", **common)
    elif step == "answer":
        services.disclosure_consent_recorded(
            by=staff, answer="consented", answered_on=on, evidence="signed_form", **common
        )
    elif step == "approve":
        services.disclosure_approve(by=coordinator, **common)
    elif step == "refuse":
        services.disclosure_refuse(
            by=coordinator, reason="The request did not say why the records were needed.", **common
        )
    elif step == "release":
        services.disclosure_release(by=coordinator, items=["summary:0"], **common)
    elif step == "close":
        services.disclosure_close(by=staff, **common)


def _parent_with_responsibility(case: Case):
    return case.parents.filter(parental_responsibility=ParentalResponsibility.YES).first()


def seed_disclosure(*, service: Service, users: dict[str, User]) -> None:
    # The day of the latest moment _moment gives: seeded just after midnight,
    # five minutes ago is still yesterday, and nothing may be recorded later.
    today = timezone.localdate(timezone.now() - datetime.timedelta(minutes=5))
    services.disclosure_approvers_set(
        service=service, by=users["admin"], head=users["coordinator"], deputy=users["staff2"],
        absent_from=None, absent_until=None,
    )  # fmt: skip
    open_cases = list(Case.objects.filter(service=service, status=Case.Status.OPEN).order_by("pk"))
    used: list[Case] = []
    for number, (steps, asked) in enumerate(zip(STEPS, ASKED, strict=True)):
        kind, role, name, organisation, what = asked
        # A case whose parent's consent covers this requester, so it can go all
        # the way, asked on behalf of a parent who holds parental responsibility
        # (REF-5); a case already used when a small demo has no other.
        case = next(
            (
                c
                for c in [*open_cases, *used]
                if sharing_check(case=c, recipient_role=role, party=name).allowed
                and _parent_with_responsibility(c) is not None
            ),
            None,
        )
        if case is None:
            continue
        if case in open_cases:
            open_cases.remove(case)
            used.append(case)
        wanted = {0: "overdue", 1: "due soon"}.get(number, "")
        received = _received_for(kind, wanted, today)
        request = services.disclosure_request_log(
            case=case, by=users["staff"], requester_type=kind, recipient_role=role,
            requester_name=name, requester_organisation=organisation, what_asked=what,
            received_on=received, on_behalf_of=_parent_with_responsibility(case),
            at=_moment(received),
        )  # fmt: skip
        for offset, step in enumerate(steps, start=1):
            request.refresh_from_db()
            _step(request, step, users, min(received + datetime.timedelta(days=offset), today))
    _seed_subject_access(service, users, today)


def _seed_subject_access(service: Service, users: dict[str, User], today: datetime.date) -> None:
    case = (
        Case.objects.filter(
            service=service,
            status=Case.Status.OPEN,
            parents__parental_responsibility=ParentalResponsibility.YES,
        )
        .order_by("-pk")
        .first()
    )
    if case is None:
        return
    parent = case.parents.filter(parental_responsibility=ParentalResponsibility.YES).first()
    received = today - datetime.timedelta(days=10)
    request = services.disclosure_request_log(
        case=case, by=users["staff"], requester_type="parent_subject_access",
        requester_name=parent.full_name, what_asked="Everything the service holds about me.",
        received_on=received, subject_parent=parent, at=_moment(received),
    )  # fmt: skip
    request.refresh_from_db()
    _step(request, "approve", users, received + datetime.timedelta(days=2))
