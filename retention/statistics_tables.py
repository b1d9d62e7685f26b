"""The purge table of the statistics for the Local Authority (STA-1).

Cases destroyed in the period under the retention schedule, by how the purge
was run (the scheduled command or an administrator on screen). Read from the
destruction log, but only counted: never a reference, a category list or a
date. Registered in ``RetentionConfig.ready``.
"""

from cases.statistics.report import Period, StatTable, TableRecipe, Tally, register_table
from pps.models import Service
from retention.models import DestructionLogEntry, PurgeRun


def cases_purged(service: Service, period: Period) -> TableRecipe:
    start, end = period.moments()
    destroyed = DestructionLogEntry.objects.filter(
        service=service,
        kind=DestructionLogEntry.Kind.CASE,  # records not about families are not cases
        destroyed_at__gte=start,
        destroyed_at__lt=end,
    )
    methods = PurgeRun.Method.choices
    return TableRecipe(
        tallies={value: Tally.of(destroyed.filter(run__method=value)) for value, _ in methods},
        make=lambda counts: StatTable(
            key="purges",
            title="Cases destroyed at the end of their retention period",
            description="Cases whose records were destroyed in the period under the retention schedule.",
            row_heading="How the purge was run",
            row_labels=tuple(str(label) for _, label in methods),
            column_labels=("Cases",),
            counts=tuple((counts[value][None],) for value, _ in methods),
        ),
    )


def register() -> None:
    register_table("purges", cases_purged)
