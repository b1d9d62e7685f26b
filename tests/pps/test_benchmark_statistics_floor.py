"""The statistics' raw SQL floor counts what the report counts (the benchmark's comparison).

A small database with a row for every table of a quarter's report, and rows
just outside it (the day before the quarter, another service), so a floor that
filtered or grouped differently from the report's tallies would not match.
"""

import datetime
from collections import Counter

from django.utils import timezone

from benchmarks import floors
from cases import services
from cases.models import Channel, Child, ClosureReason, Outcome, Topic
from cases.statistics.report import Period, build_tables, registered_tables
from cases.statistics.tables import children_by_age_and_phase
from consent.models import ConsentKind
from disclosure.models import RequesterType
from disclosure.safeguarding.models import ConcernCategory, OverrideRecipient
from disclosure.safeguarding.services import override_review
from disclosure.statistics import OUTCOMES
from pps.dates import start_of_day
from retention.models import PurgeRun
from retention.purge import purge_execute
from tests.cases.test_statistics import log_anonymous, log_contacts
from tests.consent.helpers import record
from tests.disclosure.helpers import approved_request, log_request, refuse, release
from tests.disclosure.override_helpers import record_override, refused_a_while_ago
from tests.factories import parent_fields
from tests.retention.helpers import make_expired_case


def _this_quarter() -> Period:
    today = timezone.localdate()
    return Period(year=today.year, first_month=(today.month - 1) // 3 * 3 + 1, months=3)


def _open(service, staff, opened_on: datetime.date | None = None):
    opened_on = opened_on or timezone.localdate()
    return services.case_open(
        service=service,
        by=staff,
        opened_on=opened_on,
        summary="The parent asked about the annual review.",
        parent=parent_fields(storage_agreed_on=opened_on),
    )


def _fill(service, staff, coordinator, admin_user, *, quarter: Period, other: bool = False):
    """Rows for every table; ``other``: fewer, for the service that must not be counted."""
    first, second = service.topics.order_by("pk")[:2]
    opened = quarter.start - datetime.timedelta(days=40)
    before = start_of_day(quarter.start) - datetime.timedelta(seconds=1)
    for n, phase in enumerate(["primary", "secondary", ""][: 1 if other else 3]):
        case = _open(service, staff, opened)
        services.child_add(
            case=case,
            by=staff,
            given_name=f"Kid{n}",
            family_name="Floor",
            date_of_birth=datetime.date(2012 + n, 3, 1),
            school_phase=phase,
        )
        log_contacts(case, staff, count=n + 1, channel="email", topic=second, day=quarter.start)
        log_contacts(case, staff, count=1, outcome="signposted", day=quarter.start)
        # At the very first moment of the quarter.
        services.contact_log(
            case=case,
            by=staff,
            channel="in_person",
            topic=first,
            outcome="advice",
            occurred_at=start_of_day(quarter.start),
        )
    # Contacted only before the quarter: neither its contacts nor its child count.
    early = _open(service, staff, opened)
    services.child_add(
        case=early, by=staff, given_name="Early", family_name="Floor", school_phase="primary"
    )
    services.contact_log(
        case=early, by=staff, channel="helpline", topic=first, outcome="advice", occurred_at=before
    )
    log_anonymous(service, staff, count=2 if other else 3, channel="letter", day=quarter.start)
    log_anonymous(service, staff, count=1, day=before.date())
    if other:
        return
    # Opened in the quarter (its child counts without a contact), closed with a
    # reason, reopened; another closed and left closed.
    reopened = _open(service, staff)
    services.child_add(case=reopened, by=staff, given_name="New", family_name="Floor")
    services.case_close(case=reopened, by=staff, reason=ClosureReason.choices[0][0])
    services.case_reopen(case=reopened, by=coordinator, reason="The parent called back.")
    services.case_close(case=_open(service, staff), by=staff)
    record(reopened, staff, "full")
    refused_a_while_ago(early, staff)
    # Requests: one open, one refused, one released.
    log_request(reopened, staff)
    refuse(log_request(reopened, staff, requester_type=RequesterType.choices[-1][0]), coordinator)
    release(approved_request(reopened, staff, coordinator), coordinator)
    # Overrides: one reviewed, one waiting.
    reviewed = record_override(early, staff)
    record_override(early, staff, category=ConcernCategory.choices[-1][0])
    override_review(
        override=reviewed,
        by=coordinator,
        outcome="appropriate",
        notes="Sharing without consent was the right call.",
    )
    due = [make_expired_case(service, staff) for _ in range(2)]
    purge_execute(
        case_ids=[case.pk for case in due], by=admin_user, method="screen", service=service
    )


def _column(counter: Counter, position: int) -> Counter:
    totals = Counter()
    for values, n in counter.items():
        totals[values[position]] += n
    return totals


def _expected_tables(floor: dict, service) -> dict[str, tuple]:
    """Each table's grid as the floor's counts lay it out (children: by phase only)."""
    contacts = floor["contacts"] + floor["anonymous"]
    topics = Topic.objects.filter(service=service)

    def one_column(counter: Counter, values) -> tuple:
        return tuple((counter.get(value, 0),) for value in values)

    requests, overrides = floor["disclosure_requests"], floor["overrides"]
    return {
        "contacts_by_channel": one_column(_column(contacts, 0), Channel.values),
        "contacts_by_topic": one_column(_column(contacts, 1), [t.pk for t in topics]),
        "contacts_by_outcome": one_column(_column(contacts, 2), Outcome.values),
        "contacts_by_kind": ((floor["contacts"].total(),), (floor["anonymous"].total(),)),
        "cases": tuple(
            (floor.get(part, Counter()).total(),)
            for part in ("opened_on", "closed_on", "archived_on", "reopened_on")
        ),
        "closures": one_column(floor.get("closures", Counter()), [*ClosureReason.values, ""]),
        "consent_decisions": one_column(
            floor.get("consent_decisions", Counter()), ConsentKind.values
        ),
        "disclosure_requests": tuple(
            tuple(requests.get((outcome, requester), 0) for outcome, _ in OUTCOMES)
            for requester in RequesterType.values
        ),
        "overrides": tuple(
            tuple(
                overrides.get((category, recipient, "0"), 0)
                + overrides.get((category, recipient, "1"), 0)
                for recipient in OverrideRecipient.values
            )
            for category in ConcernCategory.values
        ),
        "overrides_review": (
            (sum(n for key, n in overrides.items() if key[2] == "1"),),
            (sum(n for key, n in overrides.items() if key[2] == "0"),),
        ),
        "purges": one_column(floor.get("purges", Counter()), PurgeRun.Method.values),
        "children": tuple(
            floor["children"].get(phase, 0) for phase in [*Child.SchoolPhase.values, ""]
        ),
    }


def test_statistics_floor_counts_what_the_report_counts(
    service, other_service, staff, other_service_staff, coordinator, admin_user
):
    quarter = _this_quarter()
    _fill(service, staff, coordinator, admin_user, quarter=quarter)
    _fill(other_service, other_service_staff, None, None, quarter=quarter, other=True)

    floor = floors.quarter_statistics(service_id=service.pk, start=quarter.start, end=quarter.end)
    tables = {t.key: t for t in build_tables(service=service, periods=[quarter])[quarter]}
    expected = _expected_tables(floor, service)

    assert set(tables) == set(expected), "a table the floor does not count: add it to the floor"
    assert len(registered_tables()) == len(expected)
    for key, grid in expected.items():
        counts = tables[key].counts
        if key == "children":
            # By the plain school phase only: the age bands need the decrypted dates.
            counts = tuple(sum(column) for column in zip(*counts, strict=True))
        assert counts == grid, key
    # Every table has something to compare, so a wrong filter shows.
    assert all(
        sum(map(sum, grid)) if key != "children" else sum(grid) for key, grid in expected.items()
    )
    assert floor["contacts"].total() == 3 * 2 + (1 + 2 + 3)  # not the day before, nor theirs
    assert floor["anonymous"].total() == 3
    assert floor["children"] == {"primary": 1, "secondary": 1, "": 2}
    # The same children, read whole, as the report's own builder reads them.
    by_age = children_by_age_and_phase(service, quarter)
    assert sum(map(sum, by_age.counts)) == floor["children"].total()
