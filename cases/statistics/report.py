"""Anonymised statistics for the Local Authority (STA-1).

A report is a list of tables of counts for one service and one period (a month
or a calendar quarter). Each table comes from a builder registered here, so the
consent, disclosure and retention apps add their own tables with
``register_table`` without this module knowing them.

What a table may contain is deliberately narrow: counts only, grouped by
category fields on an allow-list (fixed choices or the service's topic list),
labelled from those choices rather than from data, for the whole period and
nothing finer. ``Tally`` is the only way builders read rows and it refuses any
other column. Every table is then passed through ``cases.statistics.suppression``.

A builder returns either a finished ``StatTable`` or a ``TableRecipe``: the
tallies it needs and how to lay them out. The report runs the tallies of every
recipe together as one ``UNION ALL`` query, so a report costs the same few
queries however many tables other apps register.
"""

import calendar
import datetime
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import CharField, Count, IntegerField, QuerySet, Value
from django.db.models.functions import Cast

from cases.statistics.quarters import audit_quarter
from cases.statistics.suppression import SuppressedTable, suppress
from pps.dates import start_of_day
from pps.models import Service

PERIOD_PATTERN = re.compile(r"^\s*(\d{4})-(?:(\d{1,2})|[Qq]([1-4]))\s*$")
QUARTER_MONTHS = {1: "January to March", 2: "April to June", 3: "July to September"}
QUARTER_MONTHS[4] = "October to December"


class PeriodError(ValueError):
    """A period that cannot be reported on; the message is safe to show."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month ("2026-10") or calendar quarter ("2026-Q3")."""

    year: int
    first_month: int
    months: int  # 1 for a month, 3 for a quarter

    @classmethod
    def parse(cls, code: str) -> "Period":
        match = PERIOD_PATTERN.match(code or "")
        if not match:
            raise PeriodError(
                "Enter a month as year-month, like 2026-10, or a quarter like 2026-Q3."
            )
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            raise PeriodError("Enter a year between 2000 and 2100.")
        if match.group(3):
            return cls(year=year, first_month=3 * int(match.group(3)) - 2, months=3)
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError("Enter a month between 01 and 12.")
        return cls(year=year, first_month=month, months=1)

    @property
    def is_quarter(self) -> bool:
        return self.months == 3

    @property
    def quarter(self) -> int:
        return (self.first_month + 2) // 3

    @property
    def code(self) -> str:
        if self.is_quarter:
            return f"{self.year}-Q{self.quarter}"
        return f"{self.year}-{self.first_month:02d}"

    @property
    def label(self) -> str:
        if self.is_quarter:
            return f"{QUARTER_MONTHS[self.quarter]} {self.year} (quarter {self.quarter})"
        return f"{calendar.month_name[self.first_month]} {self.year}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        """The first day after the period."""
        month = self.first_month + self.months
        return datetime.date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Start and end (exclusive) as aware times in the service's time zone."""
        return (start_of_day(self.start), start_of_day(self.end))

    @property
    def short_label(self) -> str:
        """A column heading: "Oct 2026", or "Jul to Sep 2026" for a quarter."""
        first = calendar.month_abbr[self.first_month]
        if self.is_quarter:
            return f"{first} to {calendar.month_abbr[self.first_month + 2]} {self.year}"
        return f"{first} {self.year}"

    @property
    def quarter_period(self) -> "Period":
        """The calendar quarter this period falls in (a quarter is its own)."""
        return Period(year=self.year, first_month=(self.quarter - 1) * 3 + 1, months=3)

    def months_of(self) -> list["Period"]:
        """The months of this period, in order."""
        return [
            Period(year=self.year, first_month=self.first_month + offset, months=1)
            for offset in range(self.months)
        ]

    def check_reportable(self, today: datetime.date) -> "Period":
        if self.start > today:
            raise PeriodError("That period has not started yet.")
        return self


def recent_periods(today: datetime.date, *, months: int = 18, quarters: int = 8) -> list[Period]:
    """The periods offered for choice: recent quarters, then recent months."""
    current_quarter = Period(year=today.year, first_month=(today.month - 1) // 3 * 3 + 1, months=3)
    current_month = Period(year=today.year, first_month=today.month, months=1)
    return [
        *_walk_back(current_quarter, quarters),
        *_walk_back(current_month, months),
    ]


def periods_ending(period: Period, count: int) -> list[Period]:
    """``count`` periods of ``period``'s kind, oldest first, ending with ``period``."""
    return _walk_back(period, count)[::-1]


def last_complete(today: datetime.date, *, quarters: bool) -> Period:
    """The latest month or quarter that has ended."""
    return recent_periods(today, quarters=2 if quarters else 0, months=0 if quarters else 2)[1]


def _walk_back(period: Period, count: int) -> list[Period]:
    periods = []
    for _ in range(count):
        periods.append(period)
        month = period.first_month - period.months
        year = period.year - (1 if month < 1 else 0)
        period = Period(year=year, first_month=(month - 1) % 12 + 1, months=period.months)
    return periods


# --- tables -----------------------------------------------------------------


@dataclass(frozen=True)
class StatTable:
    """One table of counts, before suppression.

    ``shares_total`` names a total that other tables of the report also print
    (every contacts table ends in the number of contacts): such a total is never
    hidden to protect a cell, or it would be given away by the other tables.
    """

    key: str
    title: str
    description: str
    row_heading: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    row_totals: bool = False
    column_totals: bool = True
    shares_total: str = ""

    def __post_init__(self):
        if len(self.counts) != len(self.row_labels) or any(
            len(row) != len(self.column_labels) for row in self.counts
        ):
            raise ImproperlyConfigured(f"Statistics table {self.key!r} has a ragged grid.")


@dataclass
class PublishedTable:
    """A table as it may leave the service: only ``display`` values are shown."""

    table: StatTable
    cells: SuppressedTable

    @property
    def withheld(self) -> bool:
        return self.cells.withheld

    @property
    def header(self) -> list[str]:
        labels = [self.table.row_heading, *self.table.column_labels]
        return [*labels, "Total"] if self.table.row_totals else labels

    def rows(self) -> list[list[str]]:
        """Label and displayed cells of each row, the totals row last."""
        n_rows, n_columns = self.cells.n_rows, self.cells.n_columns
        last_column = n_columns + 1 if self.table.row_totals else n_columns
        labels = list(self.table.row_labels)
        if self.table.column_totals:
            labels.append("Total")
        return [
            [label, *(self.cells.display(r, c) for c in range(last_column))]
            for r, label in enumerate(labels[: n_rows + 1])
        ]


@dataclass
class Report:
    service_name: str
    period: Period
    threshold: int
    tables: list[PublishedTable] = field(default_factory=list)
    # One period; a trend covers several (logged with each export).
    periods_covered = 1


@dataclass(frozen=True)
class TableRecipe:
    """A table described by the tallies it needs; ``make`` lays out their counts.

    ``make`` receives a dict with the same keys as ``tallies``, each a Counter
    as ``Tally`` describes.
    """

    tallies: dict[str, "Tally"]
    make: Callable[[dict[str, Counter]], StatTable]

    def table(self) -> StatTable:
        """This table on its own (a report runs every recipe's tallies together)."""
        return self.make(dict(zip(self.tallies, run_tallies(self.tallies.values()), strict=True)))


TableBuilder = Callable[[Service, Period], StatTable | TableRecipe]
_BUILDERS: dict[str, TableBuilder] = {}


def register_table(name: str, builder: TableBuilder) -> None:
    """Add a table to every report (in registration order). Idempotent by name."""
    _BUILDERS[name] = builder


def registered_tables() -> list[str]:
    return list(_BUILDERS)


def build_report(*, service: Service, period: Period, threshold: int) -> Report:
    # A month is published as its quarter's audit leaves it, so its quarter and
    # the quarter's other months are counted with it (``quarters``).
    periods = [period] if period.is_quarter else with_quarters([period])
    published = publish_periods(service=service, periods=periods, threshold=threshold)
    return Report(
        service_name=service.name, period=period, threshold=threshold, tables=published[period]
    )


def with_quarters(months: list[Period]) -> list[Period]:
    """``months`` with every month and quarter of the quarters they fall in."""
    quarters = dict.fromkeys(month.quarter_period for month in months)
    return [*dict.fromkeys(m for q in quarters for m in q.months_of()), *quarters]


def build_tables(*, service: Service, periods: list[Period]) -> dict[Period, list[StatTable]]:
    """Every registered table for each period, the tallies of all run together."""
    built = {
        period: [builder(service, period) for builder in _BUILDERS.values()] for period in periods
    }
    recipes = [item for items in built.values() for item in items if isinstance(item, TableRecipe)]
    counters = iter(run_tallies(tally for recipe in recipes for tally in recipe.tallies.values()))
    return {
        period: [
            item.make({name: next(counters) for name in item.tallies})
            if isinstance(item, TableRecipe)
            else item
            for item in items
        ]
        for period, items in built.items()
    }


def publish_periods(
    *, service: Service, periods: list[Period], threshold: int
) -> dict[Period, list[PublishedTable]]:
    """Each period's tables, suppressed; months beside a quarter also audited with it."""
    published = {
        period: [PublishedTable(table=table, cells=_suppress(table, threshold)) for table in tables]
        for period, tables in build_tables(service=service, periods=periods).items()
    }
    for quarter in (period for period in periods if period.is_quarter):
        months = quarter.months_of()
        if all(month in published for month in months):
            audit_quarter(published[quarter], [published[month] for month in months])
    return published


def _suppress(table: StatTable, threshold: int) -> SuppressedTable:
    n_rows, n_columns = len(table.row_labels), len(table.column_labels)
    grand_total = table.row_totals and table.column_totals
    protected = frozenset()
    if table.shares_total:
        # The report-wide total sits in the corner, or at the foot of a
        # one-column table.
        protected = frozenset({(n_rows, n_columns if grand_total else 0)})
    return suppress(
        [list(row) for row in table.counts],
        threshold=threshold,
        row_totals=table.row_totals,
        column_totals=table.column_totals,
        grand_total=grand_total,
        protected=protected,
    )


# --- reading rows: the allow-list -------------------------------------------

# Category columns a statistics table may group by, per model. A column must
# also have fixed choices or point at a configuration model (the topic list):
# never free text, a name, a reference or a date.
ALLOWED_DIMENSIONS: dict[str, set[str]] = {
    "cases.contact": {"channel", "topic", "outcome"},
    "cases.anonymouscontact": {"channel", "topic", "outcome"},
    "cases.child": {"school_phase"},
}
CONFIGURATION_MODELS = {"cases.topic"}


def allow_dimension(model_label: str, column: str) -> None:
    """For other apps' tables: declare a category column they may count by."""
    ALLOWED_DIMENSIONS.setdefault(model_label.lower(), set()).add(column)


# At most this many category columns per tally, and tallies per query (SQLite
# refuses compound SELECTs of more than 500 parts).
MAX_COLUMNS = 3
TALLIES_PER_QUERY = 200


@dataclass(frozen=True)
class Tally:
    """A count a table needs: rows of ``queryset`` in total, or by allowed columns.

    Its result is a Counter keyed by None (a total), by the column's value (one
    column) or by a tuple of values (several columns). Build one with ``of``,
    which checks every column against the allow-list.
    """

    queryset: QuerySet
    fields: tuple[models.Field, ...] = ()

    @classmethod
    def of(cls, queryset: QuerySet, *columns: str) -> "Tally":
        if len(columns) > MAX_COLUMNS:
            raise ImproperlyConfigured(f"A tally groups by at most {MAX_COLUMNS} columns.")
        return cls(queryset, tuple(_category_field(queryset.model, column) for column in columns))

    def grouped(self, index: int) -> QuerySet:
        """One part of the UNION: (index, value per column as text, count)."""
        values = {"stat_index": Value(index, output_field=IntegerField())}
        for slot in range(MAX_COLUMNS):
            # Every part has the same columns, as text, so the UNION lines up
            # on PostgreSQL too; a column a tally does not use is NULL.
            source = self.fields[slot].attname if slot < len(self.fields) else Value(None)
            values[f"stat_value_{slot}"] = Cast(source, output_field=CharField())
        return self.queryset.order_by().values(**values).annotate(stat_n=Count("pk"))

    def signature(self) -> tuple:
        """What the tally asks: equal for two tallies of the same rows and columns."""
        sql, params = self.queryset.query.sql_with_params()
        return (sql, tuple(params), tuple(model_field.attname for model_field in self.fields))

    def key(self, texts: tuple[str | None, ...]):
        if not self.fields:
            return None
        values = tuple(
            None if text is None else _python_value(model_field, text)
            for model_field, text in zip(self.fields, texts, strict=False)
        )
        return values[0] if len(values) == 1 else values


def _category_field(model, column: str) -> models.Field:
    label = model._meta.label_lower
    if column not in ALLOWED_DIMENSIONS.get(label, set()):
        raise ImproperlyConfigured(f"{label}.{column} is not an allowed statistics column.")
    model_field = model._meta.get_field(column)
    is_configuration = (
        isinstance(model_field, models.ForeignKey)
        and model_field.related_model._meta.label_lower in CONFIGURATION_MODELS
    )
    if not (model_field.choices or is_configuration):
        raise ImproperlyConfigured(f"{label}.{column} is not a category column.")
    return model_field


def _python_value(model_field: models.Field, text: str):
    # The UNION returns every value as text; a foreign key's is its target's.
    target = model_field.target_field if model_field.is_relation else model_field
    return target.to_python(text)


def run_tallies(tallies: Iterable[Tally]) -> list[Counter]:
    """Every tally's counts, in order, from one query (per ``TALLIES_PER_QUERY``).

    Tallies asking the same thing (the same rows by the same columns, as the
    contacts tables all do) are counted once and share their Counter.
    """
    tallies = list(tallies)
    distinct: dict[tuple, int] = {}
    slots = [distinct.setdefault(tally.signature(), len(distinct)) for tally in tallies]
    unique = [tallies[slots.index(slot)] for slot in range(len(distinct))]
    counters = [Counter() for _ in unique]
    for first in range(0, len(unique), TALLIES_PER_QUERY):
        chunk = unique[first : first + TALLIES_PER_QUERY]
        parts = [tally.grouped(first + offset) for offset, tally in enumerate(chunk)]
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        # The parts already select (index, values..., count): read them as
        # tuples, with no ordering (the model's own would not match the UNION).
        for row in union.order_by().values_list(
            "stat_index", *(f"stat_value_{slot}" for slot in range(MAX_COLUMNS)), "stat_n"
        ):
            index, texts, n = row[0], row[1:-1], row[-1]
            counters[index][unique[index].key(texts)] += n
    for tally, counter in zip(unique, counters, strict=True):
        if not tally.fields:
            counter.setdefault(None, 0)
    return [counters[slot] for slot in slots]


def by_column(counter: Counter, position: int) -> Counter:
    """One column's counts from a tally of several (the others summed over)."""
    totals = Counter()
    for values, n in counter.items():
        totals[values[position]] += n
    return totals


def tally(queryset: QuerySet, *columns: str) -> Counter:
    """Count rows of ``queryset`` now, in total or by allowed columns (see ``Tally``)."""
    return run_tallies([Tally.of(queryset, *columns)])[0]


def choice_grid(
    rows, columns, count: Callable[[object, object], int]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[int, ...], ...]]:
    """Row labels, column labels and a two-way grid for every pair of choices.

    ``rows`` and ``columns`` are (value, label) choices and ``count(row value,
    column value)`` gives each cell, so a choice nobody picked still shows as zeros.
    """
    return (
        tuple(str(label) for _, label in rows),
        tuple(str(label) for _, label in columns),
        tuple(tuple(count(row, column) for column, _ in columns) for row, _ in rows),
    )


def choice_rows(choices, *counters: Counter) -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...]]:
    """Labels and a one-column grid for every choice, however many rows it has."""
    labels = tuple(str(label) for _, label in choices)
    counts = tuple((sum(counter.get(value, 0) for counter in counters),) for value, _ in choices)
    return labels, counts
