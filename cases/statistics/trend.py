"""Statistics over time: the last eight months or quarters side by side (STA-1).

For each table of the report, a grid with a row per category and a column per
period, oldest first, and the period totals underneath. A column is that
period's own report: the same tables, counted by the same builders (every
period's tallies run together in one query) and suppressed the same way; a
month as its quarter's audit leaves it (``cases.statistics.quarters``). A
cell is the one figure of the period's report the trend shows: the count of a
one-column table, the row total of a two-way one.

Suppression across periods. The reader of a trend also has each period's own
report, so a trend must print exactly what those reports print: a figure
hidden in its period's report is hidden here, and hiding a figure here that
the report shows would protect nothing. The grid is nonetheless audited as one
table, with each category's total over the periods implied though not printed,
so that no hidden cell can be worked out from the period totals and the row
sums. Because each period's report already protects its own hidden cells and
the periods share nothing else, the audit finds none; should a change ever
make it find one, the grid is withheld rather than printed.
"""

from dataclasses import dataclass

from cases.statistics.quarters import reader_state, trend_column
from cases.statistics.report import (
    Period,
    PublishedTable,
    StatTable,
    periods_ending,
    publish_periods,
    with_quarters,
)
from cases.statistics.suppression import ABSENT, SHOWN, SuppressedTable, secure
from pps.models import Service

TREND_LENGTH = 8
MONTHS, QUARTERS = "months", "quarters"
TREND_KINDS = [(QUARTERS, "Quarters"), (MONTHS, "Months")]
WITHHELD = "withheld"


@dataclass
class TrendTable:
    """One table over the periods, as it may leave the service (see ``display``)."""

    table: StatTable  # the newest period's, for the title and the labels
    periods: list[Period]
    cells: SuppressedTable  # categories x periods; row totals implied, never printed
    withheld_periods: frozenset[int]
    column_label: str  # which column of each period's report the cells are

    @property
    def withheld(self) -> bool:
        return self.cells.withheld

    @property
    def has_totals(self) -> bool:
        return self.table.column_totals

    @property
    def header(self) -> list[str]:
        return [self.table.row_heading, *(period.short_label for period in self.periods)]

    def display(self, row: int, column: int) -> str:
        if self.withheld:
            return ""
        if column in self.withheld_periods:
            return WITHHELD
        return self.cells.display(row, column)

    def rows(self) -> list[list[str]]:
        """Label and displayed cells of each row, the period totals last."""
        labels = list(self.table.row_labels)
        if self.has_totals:
            labels.append("Total")
        return [
            [label, *(self.display(r, c) for c in range(len(self.periods)))]
            for r, label in enumerate(labels)
        ]


@dataclass
class Trend:
    service_name: str
    period: Period  # the newest period: the trend is "the eight ending with it"
    periods: list[Period]
    threshold: int
    tables: list[TrendTable]

    @property
    def periods_covered(self) -> int:
        return len(self.periods)

    @property
    def kind(self) -> str:
        return QUARTERS if self.period.is_quarter else MONTHS

    @property
    def label(self) -> str:
        return f"{self.periods[0].short_label} to {self.periods[-1].short_label}"


def build_trend(
    *, service: Service, end: Period, threshold: int, length: int = TREND_LENGTH
) -> Trend:
    periods = periods_ending(end, length)
    # Months are counted with the whole of each quarter they fall in, so that
    # each is suppressed exactly as its own report is.
    counted = periods if end.is_quarter else with_quarters(periods)
    published = publish_periods(service=service, periods=counted, threshold=threshold)
    tables = [
        trend_table
        for index in range(len(published[end]))
        if (trend_table := trend_table_of([published[p][index] for p in periods], periods))
    ]
    return Trend(
        service_name=service.name,
        period=end,
        periods=periods,
        threshold=threshold,
        tables=tables,
    )


def trend_table_of(columns: list[PublishedTable], periods: list[Period]) -> TrendTable | None:
    newest = columns[-1].table
    if any(published.table.row_labels != newest.row_labels for published in columns):
        return None  # categories that changed between periods do not line up
    column = trend_column(n_columns=len(newest.column_labels), row_totals=newest.row_totals)
    if column is None:
        return None
    shared = bool(newest.shares_total)
    lines = range(len(newest.row_labels) + 1)
    values = [[published.cells.values[r][column] for published in columns] for r in lines]
    states = [[reader_state(p.cells, r, column, shared) for p in columns] for r in lines]
    cells = SuppressedTable(
        values=[[*row, sum(row)] for row in values],
        states=[[*row, ABSENT] for row in states],
        threshold=columns[-1].cells.threshold,
    )
    # Every figure printed here is printed by its period's report: never hide
    # one to protect another (that would protect nothing); withhold instead.
    printed = frozenset(
        (r, c)
        for r, row in enumerate(cells.states)
        for c, state in enumerate(row)
        if state == SHOWN
    )
    secure(cells, printed)
    return TrendTable(
        table=newest,
        periods=periods,
        cells=cells,
        withheld_periods=frozenset(j for j, published in enumerate(columns) if published.withheld),
        column_label="Total" if column else newest.column_labels[0],
    )
