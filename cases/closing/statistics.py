"""The statistics tables about closing cases (CAS-3, STA-1).

Cases closed in the period by the reason given, read from the closures
(counted only: never a case, a date or a person). Reopenings are a row of the
cases table (``cases.statistics.tables``). Registered in ``CasesConfig.ready``.
"""

from cases.models import CaseClosure, ClosureReason
from cases.statistics.report import (
    Period,
    StatTable,
    TableRecipe,
    Tally,
    allow_dimension,
    choice_rows,
    register_table,
)
from pps.models import Service

NOT_RECORDED = ("", "Reason not recorded")


def closures_in(service: Service, period: Period):
    return CaseClosure.objects.filter(
        case__service=service, closed_on__gte=period.start, closed_on__lt=period.end
    )


def closures_by_reason(service: Service, period: Period) -> TableRecipe:
    reasons = [*ClosureReason.choices, NOT_RECORDED]

    def make(counts) -> StatTable:
        labels, grid = choice_rows(reasons, counts["closed"])
        return StatTable(
            key="closures",
            title="Cases closed, by reason",
            description="Every closure in the period, including cases reopened since.",
            row_heading="Reason for closing",
            row_labels=labels,
            column_labels=("Closures",),
            counts=grid,
        )

    return TableRecipe(
        tallies={"closed": Tally.of(closures_in(service, period), "reason")}, make=make
    )


def register() -> None:
    allow_dimension("cases.caseclosure", "reason")
    register_table("closures", closures_by_reason)
