"""The disclosure app's part of ``manage.py benchmark`` (docs/performance.md).

- build step "disclosures": about one case in eight has had a request for
  information, a few two; most are long finished (released or refused, then
  closed), a few still open. Every request has the log rows its states imply
  and history rows, written set-based like the rest of the build;
- measurement "release_pack_pdf": rendering a 50-item release pack, the slow
  part of a release (the download serves the stored PDF).
"""

import datetime

from django.db import connection

from benchmarks.builder import World, _days_between, register_step
from benchmarks.history import _history_insert
from benchmarks.measurements import Bench, Measurement, compare, register_measurement
from cases.models import Case, ParentalResponsibility
from disclosure.due_dates import due_date
from disclosure.models import (
    DisclosureEvent,
    DisclosureRequest,
    NotifiedHow,
    ParentAnswer,
    RequesterType,
    Route,
    State,
)

EVERY_NTH_CASE = 8  # cases with at least one request: one in eight, even in a tiny build
PACK_ITEMS = 50

# Third-party requesters and the recipient role each usually is.
REQUESTERS = (
    (RequesterType.LA_OFFICER, "la_sen_officer", "SEN casework officer", "County Hall"),
    (RequesterType.SCHOOL, "school_senco", "SENCo", "Local primary school"),
)

# Where a request got to, with how often: most are finished.
OUTCOMES = (
    ("released_closed", 55),
    ("released", 15),
    ("refused_closed", 15),
    ("received", 5),
    ("parent_notified", 5),
    ("approved", 5),
)

# The log rows each outcome implies, in order (action, days after receipt).
STEPS_OF = {
    "received": [("logged", 0)],
    "parent_notified": [("logged", 0), ("parent_notified", 2)],
    "approved": [("logged", 0), ("parent_notified", 2), ("parent_answered", 6), ("approved", 8)],
    "released": [
        ("logged", 0), ("parent_notified", 2), ("parent_answered", 6), ("approved", 8),
        ("released", 10),
    ],
    "released_closed": [
        ("logged", 0), ("parent_notified", 2), ("parent_answered", 6), ("approved", 8),
        ("released", 10), ("closed", 20),
    ],
    "refused_closed": [("logged", 0), ("parent_notified", 2), ("refused", 5), ("closed", 12)],
}  # fmt: skip
STATE_OF = {
    "received": State.RECEIVED,
    "parent_notified": State.PARENT_NOTIFIED,
    "approved": State.APPROVED,
    "released": State.RELEASED,
    "released_closed": State.CLOSED,
    "refused_closed": State.CLOSED,
}
SUMMARIES = {
    "logged": "Request received; due date set.",
    "parent_notified": "Parent told by telephone.",
    "parent_answered": "Parent consents; signed form on file.",
    "approved": "Approved by the head of service.",
    "refused": "Refused: the request did not say what was needed.",
    "released": "Released the chosen items; copy to the parent.",
    "closed": "Closed.",
}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _request(world: World, case: Case, outcome: str) -> tuple[DisclosureRequest, list]:
    rnd = world.rnd
    requester_type, role, name, organisation = rnd.choice(REQUESTERS)
    steps = STEPS_OF[outcome]
    last_day = case.closed_on or world.today
    # Received early enough that every step it reached lies in the case's life.
    latest = last_day - datetime.timedelta(days=steps[-1][1])
    received = (
        _days_between(rnd, case.opened_on, latest) if latest > case.opened_on else case.opened_on
    )
    days = {action: received + datetime.timedelta(days=after) for action, after in steps}
    logger, decider = rnd.choice(world.staff), world.coordinator
    decided = days.get("approved") or days.get("refused")
    answered = days.get("parent_answered")
    request = DisclosureRequest(
        case=case,
        requester_type=requester_type,
        route=Route.THIRD_PARTY,
        recipient_role=role,
        requester_name=f"{name} {case.pk}",
        requester_organisation=organisation,
        what_asked="Notes of the parent's calls about the EHC needs assessment.",
        received_on=received,
        due_on=due_date(requester_type, received),
        state=STATE_OF[outcome],
        logged_by=logger,
        logged_at=_at(received),
        parent_notified_on=days.get("parent_notified"),
        parent_notified_how=NotifiedHow.TELEPHONE if "parent_notified" in days else "",
        parent_answer=ParentAnswer.CONSENTED if answered else "",
        consent_evidence="signed_form" if answered else "",
        parent_answered_on=answered,
        decided_by=decider if decided else None,
        decided_at=_at(decided) if decided else None,
        decision_reason="Refused: the request did not say what was needed."
        if "refused" in days
        else "",
        version=len(steps),
    )
    events = [
        (action, _at(day, 11), decider if action in ("approved", "refused", "released") else logger)
        for action, day in days.items()
    ]
    return request, events


def disclosure_requests(world: World, cases: list[Case]) -> None:
    """Some requests per case in realistic states, with their log and history rows."""
    rnd = world.rnd
    outcomes, weights = zip(*OUTCOMES, strict=True)
    made = []
    for case in cases:
        if case.pk % EVERY_NTH_CASE != 1:
            continue
        for _ in range(rnd.choice((1, 1, 1, 2))):
            outcome = rnd.choices(outcomes, weights)[0]
            if case.status != "open" and outcome in ("received", "parent_notified", "approved"):
                outcome = "released_closed"  # a closed case has no request left open
            made.append(_request(world, case, outcome))
    requests = DisclosureRequest.objects.bulk_create(request for request, _ in made)
    events = DisclosureEvent.objects.bulk_create(
        DisclosureEvent(
            request=request, case_id=request.case_id, data_key_id=request.data_key_id,
            action=action, at=at, by=by, summary=SUMMARIES[action],
        )
        for request, (_, steps) in zip(requests, made, strict=True)
        for action, at, by in steps
    )  # fmt: skip
    first, last = cases[0].pk, cases[-1].pk
    by_case = f"{connection.ops.quote_name('case_id')} BETWEEN %s AND %s"
    history = 0
    for model, user in ((DisclosureRequest, "logged_by_id"), (DisclosureEvent, "by_id")):
        history += _history_insert(model, by_case, [first, last], kind="+", age_days=200, user=user)
    # Each later step saved the request again: one change row per request moved on.
    moved = f"{by_case} AND {connection.ops.quote_name('version')} > 1"
    history += _history_insert(
        DisclosureRequest, moved, [first, last], kind="~", age_days=150, user="logged_by_id"
    )
    world.add("disclosure requests", len(requests))
    world.add("disclosure log rows", len(events))
    world.add("history rows", history)


register_step("disclosures", disclosure_requests)


# --- the measurement ----------------------------------------------------------


def _pack_case(bench: Bench, coordinator) -> Case:
    """An open case with at least PACK_ITEMS items, contacts added through the service."""
    from cases.models import Topic
    from cases.services import contact_log
    from disclosure.items import case_items

    case = Case.objects.get(pk=bench.open_case_ids[-1])
    topic = Topic.objects.filter(service=bench.service).order_by("pk").first()
    for n in range(PACK_ITEMS - len(case_items(case))):
        contact_log(
            case=case, by=coordinator, channel="helpline", topic=topic, outcome="advice",
            notes=f"Call {n}: talked through the draft EHC plan section by section.\n" * 3,
        )  # fmt: skip
    return case


def _approved_request(case: Case, staff, coordinator) -> DisclosureRequest:
    """A third-party request taken to approval, the parent's consent recorded first."""
    from consent.services import consent_record
    from disclosure import services

    consent_record(
        case=case, by=staff, kind="full", obtained_how="telephone", decided_on=bench_today()
    )
    request = services.disclosure_request_log(
        case=case, by=staff, requester_type=RequesterType.LA_OFFICER,
        requester_name="SEN casework officer", requester_organisation="County Hall",
        what_asked="Everything about the parent's calls this year.",
        received_on=bench_today(), recipient_role="la_sen_officer",
        on_behalf_of=case.parents.filter(
            parental_responsibility=ParentalResponsibility.YES
        ).first(),
    )  # fmt: skip
    request = services.disclosure_parent_notified(
        disclosure=request, by=staff, notified_on=bench_today(),
        method="telephone", expected_version=request.version,
    )  # fmt: skip
    request = services.disclosure_consent_recorded(
        disclosure=request, by=staff, answer="consented", evidence="signed_form",
        answered_on=bench_today(), expected_version=request.version,
    )  # fmt: skip
    return services.disclosure_approve(
        disclosure=request, by=coordinator, expected_version=request.version
    )


def bench_today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def release_pack_pdf(bench: Bench) -> dict:
    """Choosing and rendering a 50-item pack as ``disclosure_release`` does."""
    from disclosure.items import case_items
    from disclosure.release_pack import chosen_pack, render_pack

    coordinator, staff = bench.user("coordinator"), bench.user("staff1")
    case = _pack_case(bench, coordinator)
    request = _approved_request(case, staff, coordinator)
    keys = [item.key for item in case_items(case)][:PACK_ITEMS]

    def send(_: int) -> None:
        pdf = render_pack(request, chosen_pack(request, keys), approved_by=coordinator)
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError("the release pack is not a PDF")

    return {**compare(bench.times(send)), "items": len(keys)}


register_measurement(
    Measurement("release_pack_pdf", "50-item release pack PDF", release_pack_pdf, kind="call")
)
