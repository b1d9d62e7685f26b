"""The statistics table the disclosure app contributes (STA-1): requests by type and outcome.

Counts only, read through ``cases.statistics.Tally`` by requester type (a fixed
list of choices); the outcome is decided by which of three filters a request
falls in, never by anything written on it.
"""

from django.db.models import Q

from cases.statistics import Period, StatTable, TableRecipe, Tally, register_table
from disclosure.models import OPEN_STATES, DisclosureRequest, RequesterType
from pps.models import Service

OUTCOMES = (
    ("Still open", Q(state__in=OPEN_STATES)),
    ("Released", Q(release__isnull=False)),
    ("Refused", Q(release__isnull=True) & Q(state__in=["refused", "closed"])),
)


def requests_by_type_and_outcome(service: Service, period: Period) -> TableRecipe:
    received = DisclosureRequest.objects.filter(
        case__service=service, received_on__gte=period.start, received_on__lt=period.end
    )
    return TableRecipe(
        tallies={
            label: Tally.of(received.filter(condition), "requester_type")
            for label, condition in OUTCOMES
        },
        make=lambda counts: StatTable(
            key="disclosure_requests",
            title="Requests for information by requester and outcome",
            description="Requests received in the period, by who asked and where each stands now.",
            row_heading="Requester",
            row_labels=tuple(str(label) for _, label in RequesterType.choices),
            column_labels=tuple(label for label, _ in OUTCOMES),
            counts=tuple(
                tuple(counts[label].get(value, 0) for label, _ in OUTCOMES)
                for value, _ in RequesterType.choices
            ),
            row_totals=True,
        ),
    )


def register() -> None:
    register_table("disclosure_requests", requests_by_type_and_outcome)
