"""The consent table of the statistics for the Local Authority (STA-1).

Consent decisions recorded in the period, by kind (full, restricted, refused,
withdrawn): counted with ``tally`` over the ``kind`` column only, so nothing
about a family, a decision's roles or its dates leaves here. Registered in
``ConsentConfig.ready``.
"""

from cases.statistics import (
    Period,
    StatTable,
    allow_dimension,
    choice_rows,
    register_table,
    tally,
)
from consent.models import ConsentDecision, ConsentKind
from pps.models import Service


def consent_decisions_by_kind(service: Service, period: Period) -> StatTable:
    start, end = period.moments()
    recorded = ConsentDecision.objects.filter(
        case__service=service, recorded_at__gte=start, recorded_at__lt=end
    )
    labels, counts = choice_rows(ConsentKind.choices, tally(recorded, "kind"))
    return StatTable(
        key="consent_decisions",
        title="Consent decisions by kind",
        description="Decisions recorded in the period, including reviews and withdrawals.",
        row_heading="Decision",
        row_labels=labels,
        column_labels=("Decisions",),
        counts=counts,
    )


def register() -> None:
    allow_dimension("consent.ConsentDecision", "kind")
    register_table("consent_decisions", consent_decisions_by_kind)
