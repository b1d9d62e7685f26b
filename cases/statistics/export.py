"""Statistics as they leave the service: CSV, PDF and bar charts, each export logged (STA-2).

Only displayed values are written (``PublishedTable.rows``), so a suppressed
count cannot reach a file by another route. The CSV has a fixed set of
columns: the period, the table, the row, the column and the displayed count.
"""

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.statistics.models import StatisticsExport
from cases.statistics.report import PublishedTable, Report
from cases.statistics.suppression import SECONDARY_MARK
from cases.statistics.trend import Trend
from pps.models import Service, User
from pps.pdf import render_pdf

CSV_COLUMNS = ("period", "table", "row", "column", "count")
WITHHELD = "withheld"


def legend(threshold: int) -> list[str]:
    return [
        f"<{threshold}: a count from 1 to {threshold - 1}, not shown so that nobody can be identified.",
        f"{SECONDARY_MARK}: not shown so that a small count cannot be worked out from the totals.",
        "A table marked as withheld had numbers too small to break down at all.",
    ]


def spreadsheet_safe(value: str) -> str:
    # A topic name typed by an administrator must not become a spreadsheet formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def report_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for published in report.tables:
        if published.withheld:
            writer.writerow(
                [report.period.code, spreadsheet_safe(published.table.title), "", "", WITHHELD]
            )
            continue
        header = published.header
        for row in published.rows():
            for column, value in zip(header[1:], row[1:], strict=True):
                writer.writerow(
                    [
                        report.period.code,
                        *map(spreadsheet_safe, (published.table.title, row[0], column, value)),
                    ]
                )
    # A byte-order mark so that spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_pdf(report: Report) -> bytes:
    return render_pdf(
        "statistics/report_pdf.html",
        {
            "document_title": f"Statistics for {report.period.label}",
            "coded_reference": f"Statistics {report.period.code}",
            "service_name": report.service_name,
            "generated_on": timezone.localdate(),
            "report": report,
            "legend": legend(report.threshold),
        },
    )


def export_filename(service: Service, report: "Report | Trend", fmt: str) -> str:
    return period_filename(service, report.period.code, fmt, periods=report.periods_covered)


def period_filename(service: Service, period_code: str, fmt: str, *, periods: int = 1) -> str:
    if periods > 1:
        # A trend: "statistics-north-8-quarters-to-2026-Q3.csv".
        kind = "quarters" if "Q" in period_code else "months"
        return f"statistics-{service.code}-{periods}-{kind}-to-{period_code}.{fmt}"
    return f"statistics-{service.code}-{period_code}.{fmt}"


@transaction.atomic
def statistics_export_record(
    *,
    service: Service,
    report: "Report | Trend",
    fmt: str,
    via: str,
    by: User | None = None,
    operator: str = "",
) -> StatisticsExport:
    """Log one export (STA-2), a period's report or a trend: the signed-in user, or the account that ran the command."""
    if by is None and not operator:
        raise ValueError("An export must say who made it.")
    return StatisticsExport.objects.create(
        service=service,
        period=report.period.code,
        periods=report.periods_covered,
        format=StatisticsExport.Format(fmt),
        threshold=report.threshold,
        via=StatisticsExport.Via(via),
        exported_by=by,
        operator=operator[:150],
    )


# --- bar charts (server-rendered SVG, no script) -----------------------------

CHART_LABEL_WIDTH = 250
CHART_BAR_WIDTH = 300
CHART_ROW_HEIGHT = 28


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + 17

    @property
    def text_x(self) -> int:
        return CHART_LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return len(self.bars) * CHART_ROW_HEIGHT + 8

    label_width = CHART_LABEL_WIDTH
    width = CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 60


def bar_chart(published: PublishedTable) -> Chart | None:
    """Bars for each row (the row totals of a two-way table); hidden counts get no bar."""
    if published.withheld:
        return None
    rows = published.rows()
    if published.table.column_totals:
        rows = rows[:-1]
    pairs = [(row[0], row[-1]) for row in rows]
    numbers = [int(text) for _, text in pairs if text.isdigit()]
    largest = max(numbers, default=0)
    bars = []
    for index, (label, text) in enumerate(pairs):
        width = round(CHART_BAR_WIDTH * int(text) / largest) if text.isdigit() and largest else 0
        bars.append(Bar(label=label, text=text, y=index * CHART_ROW_HEIGHT + 4, width=width))
    return Chart(title=published.table.title, bars=bars)
