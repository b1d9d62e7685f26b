"""Statistics tables for child-protection overrides (STA-1).

Counts only, by category of concern and recipient, and how many are still
waiting for review; every cell goes through the usual small-count suppression.
"""

from cases.statistics.report import (
    Period,
    StatTable,
    TableRecipe,
    Tally,
    allow_dimension,
    choice_grid,
    register_table,
)
from disclosure.safeguarding.models import (
    ChildProtectionOverride,
    ConcernCategory,
    OverrideRecipient,
)
from pps.models import Service

MODEL = "disclosure.childprotectionoverride"


def _in_period(service: Service, period: Period):
    start, end = period.moments()
    return ChildProtectionOverride.objects.filter(
        case__service=service, shared_at__gte=start, shared_at__lt=end
    )


def overrides_by_category_and_recipient(service: Service, period: Period) -> TableRecipe:
    overrides = _in_period(service, period)

    def make(counts) -> StatTable:
        rows, columns, grid = choice_grid(
            ConcernCategory.choices,
            OverrideRecipient.choices,
            lambda category, recipient: counts["grid"].get((category, recipient), 0),
        )
        return StatTable(
            key="overrides",
            title="Child-protection overrides by category of concern and recipient",
            description="Information shared without consent because a child was believed to be at risk.",
            row_heading="Category of concern",
            row_labels=rows,
            column_labels=columns,
            counts=grid,
            row_totals=True,
        )

    return TableRecipe(tallies={"grid": Tally.of(overrides, "category", "recipient")}, make=make)


def overrides_review_status(service: Service, period: Period) -> TableRecipe:
    overrides = _in_period(service, period)
    return TableRecipe(
        tallies={
            "reviewed": Tally.of(overrides.filter(review__isnull=False)),
            "waiting": Tally.of(overrides.filter(review__isnull=True)),
        },
        make=lambda counts: StatTable(
            key="overrides_review",
            title="Child-protection overrides reviewed and waiting for review",
            description="Overrides in the period, by whether a coordinator has reviewed them yet.",
            row_heading="Review",
            row_labels=("Reviewed", "Waiting for review"),
            column_labels=("Overrides",),
            counts=((counts["reviewed"][None],), (counts["waiting"][None],)),
        ),
    )


def register() -> None:
    allow_dimension(MODEL, "category")
    allow_dimension(MODEL, "recipient")
    register_table("overrides", overrides_by_category_and_recipient)
    register_table("overrides_review", overrides_review_status)
