"""What a reader can rebuild from published statistics, for the oracle (STA-1 tests).

The oracle (``suppression_oracle.possible_values``) takes a grid of true
values and the states a reader sees. These helpers read the states back from
what was printed ("12", "<5", "[c]", blank or "withheld"), never from the
suppression code, so a test checks what actually left the service.
"""

import csv
import io
import re

from cases.statistics.suppression import ABSENT, PRIMARY, SECONDARY, SHOWN, SuppressedTable

CELL = r"(\d+|<\d+|\[c\]|withheld)"


def state_of(text: str, value: int, threshold: int) -> str:
    if text in ("", "withheld"):
        return ABSENT
    if text == f"<{threshold}":
        return PRIMARY
    if text == "[c]":
        return SECONDARY
    assert int(text) == value, f"printed {text} for {value}"
    return SHOWN


def reader_table(
    printed: list[list[str]], values: list[list[int]], threshold: int
) -> SuppressedTable:
    """``printed`` and ``values`` cover the extended grid (totals row and column)."""
    states = [
        [state_of(text, value, threshold) for text, value in zip(row, row_values, strict=True)]
        for row, row_values in zip(printed, values, strict=True)
    ]
    return SuppressedTable(values=values, states=states, threshold=threshold)


def small_counts(texts, threshold: int = 5) -> list[str]:
    return [text for text in texts if text.isdigit() and 0 < int(text) < threshold]


def csv_grids(content: bytes) -> dict[str, dict[tuple[str, str], str]]:
    """{table title: {(row label, period code): printed count}} from an export's CSV."""
    grids: dict[str, dict[tuple[str, str], str]] = {}
    for period, title, row, _, count in list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[
        1:
    ]:
        grids.setdefault(title, {})[(row, period)] = count
    return grids


def pdf_rows(text: str, title: str, labels: list[str], n_columns: int) -> list[list[str]]:
    """The printed cells of each labelled row of the table under ``title`` in a PDF's text."""
    flat = " ".join(text.split())
    start = flat.index(" ".join(title.split()))
    rows = []
    for label in labels:
        pattern = re.escape(" ".join(label.split())) + "".join([r"\s+" + CELL] * n_columns)
        match = re.compile(pattern).search(flat, start)
        assert match, f"row {label!r} of {title!r} not found in the PDF"
        rows.append(list(match.groups()))
        start = match.end()
    return rows
