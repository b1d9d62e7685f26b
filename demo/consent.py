"""Consent in the demo data: every state a case's consent can be in.

Called by ``seed_demo`` after a service's cases exist. Decisions are recorded
through the services with ``at`` in the past, so the timelines, reviews due and
incomplete in-person consents look like a service that has been running.
"""

import datetime
import random

from django.utils import timezone

from cases.models import Case
from consent import services
from consent.documents import consent_form_pdf
from consent.models import ConsentDecision, SharingEvent
from consent.sharing import sharing_check, sharing_record
from pps.models import Service, User

Kind = ConsentDecision.Kind
Method = ConsentDecision.Method
SCHOOLS = ["Oakfield Primary", "Riverside Academy", "St Anne's C of E Primary", "Hillcrest High"]
SENCOS = ["Mrs Patel", "Mr Douglas", "Ms Kowalski", "Mrs Adeyemi"]


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return min(moment, timezone.now() - datetime.timedelta(minutes=5))


def _scan(decision: ConsentDecision) -> bytes:
    """Stands in for a scan of the signed form: the form itself, as printed."""
    return consent_form_pdf(decision)


def seed_consent(*, service: Service, users: dict[str, User], rnd: random.Random) -> None:
    staff = [users["staff"], users["staff2"], users["coordinator"]]
    cases = list(Case.objects.filter(service=service, status=Case.Status.OPEN).order_by("pk"))
    scan = b""
    today = timezone.localdate()
    for number, case in enumerate(cases):
        by = rnd.choice(staff)
        at = _moment(case.opened_on)
        state = number % 10
        if state == 9:
            continue  # no consent recorded yet
        record = {"case": case, "by": by, "decided_on": at.date(), "at": at}
        if state in (0, 1, 2, 7, 8):
            decision = services.consent_record(
                kind=Kind.FULL, obtained_how=Method.TELEPHONE, **record
            )
        elif state == 3:
            school = rnd.randrange(len(SCHOOLS))
            decision = services.consent_record(
                kind=Kind.RESTRICTED,
                obtained_how=Method.LETTER,
                roles=["school_senco", "la_sen_officer", "volunteer"],
                parties=[("school_senco", f"{SENCOS[school]}, SENCO at {SCHOOLS[school]}")],
                **record,
            )
            scan = scan or _scan(decision)
            services.signed_form_attach(
                decision=decision, content=scan, content_type="application/pdf", by=by, at=at
            )
        elif state == 4:
            services.consent_record(
                kind=Kind.REFUSED,
                obtained_how=Method.TELEPHONE,
                limits_explained=True,
                note="Parent does not want the school contacted at this stage.",
                **record,
            )
        else:
            decision = services.consent_record(
                kind=Kind.FULL if state == 5 else Kind.RESTRICTED,
                obtained_how=Method.IN_PERSON,
                roles=[] if state == 5 else ["school_senco", "educational_psychologist"],
                **record,
            )
            if state == 5:  # state 6 stays incomplete: the signed form never came back
                scan = scan or _scan(decision)
                services.signed_form_attach(
                    decision=decision,
                    content=scan,
                    content_type="application/pdf",
                    by=by,
                    at=min(at + datetime.timedelta(days=2), timezone.now()),
                )
        if state == 7:
            later = _moment(min(today, case.opened_on + datetime.timedelta(days=30)), hour=15)
            services.consent_withdraw(
                case=case,
                by=by,
                obtained_how=Method.TELEPHONE,
                limits_explained=True,
                at=max(later, at + datetime.timedelta(minutes=1)),
            )
        if state == 8 and (today - case.opened_on).days > 200:
            reviewed = _moment(case.opened_on + datetime.timedelta(days=190), hour=11)
            services.consent_record(
                case=case,
                by=by,
                kind=Kind.RESTRICTED,
                obtained_how=Method.TELEPHONE,
                roles=["school_senco", "health", "volunteer"],
                decided_on=reviewed.date(),
                review_of=decision,
                at=reviewed,
            )
        if state in (0, 3) and number % 20 == state:
            _seed_sharing(case, by, rnd)


def _seed_sharing(case: Case, by: User, rnd: random.Random) -> None:
    role = "school_senco"
    party = "SENCO at the child's school"
    for decision in case.consent_decisions.all()[:1]:
        named = [p.name for p in decision.parties.all() if p.role == role]
        party = named[0] if named else party
    if not sharing_check(case=case, recipient_role=role, party=party).allowed:
        return
    sharing_record(
        case=case,
        kind=rnd.choice([SharingEvent.Kind.DISCUSSION, SharingEvent.Kind.CONSULTATION]),
        recipient_role=role,
        party=party,
        what="Discussed the support in the child's plan and the parent's concerns about it.",
        by=by,
    )


def agree_to_volunteer(*, case: Case, by: User) -> None:
    """The parent asks for a volunteer: make sure their consent covers one (CON-8)."""
    if sharing_check(case=case, recipient_role="volunteer").allowed:
        return
    services.consent_record(
        case=case,
        by=by,
        kind=Kind.RESTRICTED,
        obtained_how=Method.TELEPHONE,
        roles=["volunteer"],
        decided_on=timezone.localdate(),
        note="Parent asked for a volunteer to come to the annual review meeting.",
    )
