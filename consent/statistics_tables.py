"""The consent table of the statistics for the Local Authority (STA-1).

Consent decisions recorded in the period, by kind (full, restricted, refused,
withdrawn): counted with a ``Tally`` over the ``kind`` column only, so nothing
about a family, a decision's roles or its dates leaves here. Registered in
``ConsentConfig.ready``.
"""

from cases.statistics.report import (
    Period,
    StatTable,
    TableRecipe,
    Tally,
    allow_dimension,
    choice_rows,
    register_table,
)
from consent.models import ConsentDecision, ConsentKind
from pps.models import Service


def consent_decisions_by_kind(service: Service, period: Period) -> TableRecipe:
    start, end = period.moments()
    recorded = ConsentDecision.objects.filter(
        case__service=service, recorded_at__gte=start, recorded_at__lt=end
    )

    def make(counts) -> StatTable:
        labels, grid = choice_rows(ConsentKind.choices, counts["kind"])
        return StatTable(
            key="consent_decisions",
            title="Consent decisions by kind",
            description="Decisions recorded in the period, including reviews and withdrawals.",
            row_heading="Decision",
            row_labels=labels,
            column_labels=("Decisions",),
            counts=grid,
        )

    return TableRecipe(tallies={"kind": Tally.of(recorded, "kind")}, make=make)


def register() -> None:
    allow_dimension("consent.ConsentDecision", "kind")
    register_table("consent_decisions", consent_decisions_by_kind)
