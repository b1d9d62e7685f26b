"""Statistics over time as they leave the service: CSV, PDF and a column chart (STA-1, STA-2).

Only displayed values are written (``TrendTable.rows``). The CSV has the
columns of a single period's CSV, one line per period, category and figure, so
each line is also a line of that period's own export.
"""

import csv
import io
from dataclasses import dataclass

from django.utils import timezone

from cases.statistics.export import CSV_COLUMNS, WITHHELD, legend, spreadsheet_safe
from cases.statistics.trend import Trend, TrendTable
from pps.pdf import render_pdf


def trend_csv(trend: Trend) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for published in trend.tables:
        title = spreadsheet_safe(published.table.title)
        if published.withheld:
            for period in trend.periods:
                writer.writerow([period.code, title, "", "", WITHHELD])
            continue
        for row in published.rows():
            for period, value in zip(trend.periods, row[1:], strict=True):
                writer.writerow(
                    [
                        period.code,
                        title,
                        spreadsheet_safe(row[0]),
                        spreadsheet_safe(published.column_label),
                        value,
                    ]
                )
    # A byte-order mark so that spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def trend_pdf(trend: Trend) -> bytes:
    return render_pdf(
        "statistics/trend_pdf.html",
        {
            "document_title": f"Statistics over time: {trend.label}",
            "coded_reference": f"Statistics {trend.periods_covered} {trend.kind} to {trend.period.code}",
            "service_name": trend.service_name,
            "generated_on": timezone.localdate(),
            "trend": trend,
            "legend": legend(trend.threshold),
        },
    )


# --- the column chart (server-rendered SVG, no script) --------------------------

CHART_LEFT = 10
CHART_COLUMN_WIDTH = 92
CHART_BAR_WIDTH = 48
CHART_BAR_HEIGHT = 140
CHART_TOP = 24  # room for the figure above the tallest column


@dataclass(frozen=True)
class Column:
    label_lines: tuple[str, ...]
    text: str
    x: int
    height: int

    @property
    def bar_x(self) -> int:
        return self.x + (CHART_COLUMN_WIDTH - CHART_BAR_WIDTH) // 2

    @property
    def middle(self) -> int:
        return self.x + CHART_COLUMN_WIDTH // 2

    @property
    def bar_y(self) -> int:
        return CHART_TOP + CHART_BAR_HEIGHT - self.height

    @property
    def text_y(self) -> int:
        return self.bar_y - 6

    @property
    def drawn(self) -> bool:
        return self.height > 0


@dataclass(frozen=True)
class TrendChart:
    title: str
    columns: list[Column]
    hidden: bool  # some period's total is hidden: it has no column, only its text

    baseline = CHART_TOP + CHART_BAR_HEIGHT
    label_y = CHART_TOP + CHART_BAR_HEIGHT + 18
    second_label_y = CHART_TOP + CHART_BAR_HEIGHT + 34
    height = CHART_TOP + CHART_BAR_HEIGHT + 44

    @property
    def width(self) -> int:
        return CHART_LEFT * 2 + CHART_COLUMN_WIDTH * len(self.columns)


def trend_chart(published: TrendTable) -> TrendChart | None:
    """A column per period for the period totals; a hidden total is a gap with its text."""
    if published.withheld or not published.has_totals:
        return None
    totals = published.rows()[-1][1:]
    largest = max((int(text) for text in totals if text.isdigit()), default=0)
    columns = []
    for index, (period, text) in enumerate(zip(published.periods, totals, strict=True)):
        height = round(CHART_BAR_HEIGHT * int(text) / largest) if text.isdigit() and largest else 0
        first, _, year = period.short_label.rpartition(" ")
        columns.append(
            Column(
                label_lines=(first, year),
                text=text,
                x=CHART_LEFT + index * CHART_COLUMN_WIDTH,
                height=height,
            )
        )
    return TrendChart(
        title=published.table.title,
        columns=columns,
        hidden=any(not text.isdigit() for text in totals),
    )
