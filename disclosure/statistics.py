"""The statistics table the disclosure app contributes (STA-1): requests by type and outcome.

Counts only, read through ``cases.statistics.report.Tally`` by requester type (a fixed
list of choices); the outcome is decided by which of three filters a request
falls in, never by anything written on it.
"""

from django.db.models import Q

from cases.statistics.report import (
    Period,
    StatTable,
    TableRecipe,
    Tally,
    choice_grid,
    register_table,
)
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

    def make(counts) -> StatTable:
        rows, columns, grid = choice_grid(
            RequesterType.choices,
            [(label, label) for label, _ in OUTCOMES],
            lambda requester, outcome: counts[outcome].get(requester, 0),
        )
        return StatTable(
            key="disclosure_requests",
            title="Requests for information by requester and outcome",
            description="Requests received in the period, by who asked and where each stands now.",
            row_heading="Requester",
            row_labels=rows,
            column_labels=columns,
            counts=grid,
            row_totals=True,
        )

    return TableRecipe(
        tallies={
            label: Tally.of(received.filter(condition), "requester_type")
            for label, condition in OUTCOMES
        },
        make=make,
    )


def register() -> None:
    register_table("disclosure_requests", requests_by_type_and_outcome)
