"""A month's statistics are suppressed with its calendar quarter in view (STA-1).

The page offers both months and quarters, so a reader can lay a quarter beside
its three months. For a table whose counts add up over time (contacts, cases
opened, closures...), each category's quarter count is the sum of its three
month counts, and so is each total. Without care a month hidden as "<5" could
then be worked out as the quarter less the two months shown, and a quarter's
"[c]" as the sum of three months shown.

So before a month is published, its tables are audited together with the
quarter's and the other two months' (``audit_quarter``), in three steps:

1. The total that several tables share (every contacts table ends in the
   number of contacts) is audited first, as the three month totals that add
   up to the quarter's: if a month's hidden total could be worked out, another
   month's total is hidden, in every table that prints it, so they agree.
2. Each table is then laid out as one grid: a row per category, a column per
   month, the quarter's counts as the row totals and each month's total as the
   column totals, each cell in the state its own report gives it. That is an
   ordinary two-way table, so ``cases.statistics.suppression`` audits it
   exactly. Where a hidden cell could be worked out, more month cells are
   hidden (never a quarter's: the quarterly figures stay as they are); if
   nothing will do, the months' table is withheld.
3. A month table that lost a figure is audited again on its own, since a newly
   hidden total could still be the sum of the figures beside it.

What is audited is the column a trend shows: the count of a one-column table,
the row totals of a two-way one. The inner cells of a two-way table (requests
by requester and outcome) are each audited within their own month and quarter
only. A table whose quarter is not the sum of its months (children worked on,
counted once per quarter) gives the reader no sum to subtract from, and is
left as its own report suppresses it.
"""

from cases.statistics.suppression import (
    ABSENT,
    SECONDARY,
    SHOWN,
    Position,
    SuppressedTable,
    secure,
)


def audit_quarter(quarter: list, months: list[list]) -> None:
    """Hide more of the months' published tables (in place) so their quarter gives nothing away.

    ``quarter`` is the quarter's list of published tables (``PublishedTable``:
    ``table`` and ``cells``) and ``months`` the same list for each of its months.
    """
    # Step 3 can hide a month's total to protect its own cells, and that total
    # may then be the quarter's less the other months' (a hypothesis test found
    # one): so the steps run again until a round hides nothing more. Each round
    # only ever hides more, so it settles; past the bound, the months are withheld.
    for _ in range(MAX_ROUNDS):
        if not _audit_round(quarter, months):
            return
    for month in months:
        for published in month:
            published.cells.withheld = True


# Far above what a table needs (every round hides at least one more cell).
MAX_ROUNDS = 50


def _audit_round(quarter: list, months: list[list]) -> bool:
    """Steps 1 to 3 once; whether any month's table changed."""
    before = _states(months)
    for indexes in _sharing(quarter).values():
        _hide_shared_totals(quarter, months, indexes)
    for index, published in enumerate(quarter):
        column = _column(published)
        if column is not None:
            hide_months_against_quarter(
                quarter=published.cells,
                months=[month[index].cells for month in months],
                column=column,
                shared_total=bool(published.table.shares_total),
            )
    for month, states in zip(months, before, strict=True):
        for published, (old, _) in zip(month, states, strict=True):
            if not published.cells.withheld and published.cells.states != old:
                secure(published.cells, _protected(published))
    return _states(months) != before


def _states(months: list[list]) -> list[list[tuple]]:
    return [
        [([row.copy() for row in p.cells.states], p.cells.withheld) for p in month]
        for month in months
    ]


def _column(published) -> int | None:
    table = published.table
    return trend_column(n_columns=len(table.column_labels), row_totals=table.row_totals)


def _total(published) -> Position:
    return (published.cells.n_rows, _column(published))


def _protected(published) -> frozenset[Position]:
    return frozenset({_total(published)}) if published.table.shares_total else frozenset()


def _sharing(quarter: list) -> dict[str, list[int]]:
    """The tables (by index) printing each shared total."""
    sharing: dict[str, list[int]] = {}
    for index, published in enumerate(quarter):
        if published.table.shares_total and _column(published) is not None:
            sharing.setdefault(published.table.shares_total, []).append(index)
    return sharing


def _hide_shared_totals(quarter: list, months: list[list], indexes: list[int]) -> None:
    first = indexes[0]
    cells = [month[first].cells for month in months] + [quarter[first].cells]
    row, column = _total(quarter[first])
    values = [table.values[row][column] for table in cells]
    if values[-1] != sum(values[:-1]):
        return
    # One column: a row per month, the quarter as the column total.
    block = secure(
        SuppressedTable(
            values=[[value, value] for value in values],
            states=[[table.states[row][column], ABSENT] for table in cells],
            threshold=cells[-1].threshold,
        ),
        frozenset({(len(months), 0)}),
    )
    for j, month in enumerate(months):
        for index in indexes:
            table = month[index].cells
            if block.withheld:
                table.withheld = True
                table.states[row][column] = ABSENT
            elif block.states[j][0] == SECONDARY and table.states[row][column] == SHOWN:
                table.states[row][column] = SECONDARY


def hide_months_against_quarter(
    *,
    quarter: SuppressedTable,
    months: list[SuppressedTable],
    column: int,
    shared_total: bool,
) -> None:
    """Hide more of ``months`` (in place) so their quarter gives nothing away.

    ``column`` is the column of each table the categories are read from;
    ``shared_total`` says the tables' total is printed by other tables too (and
    already audited against the quarter), so it is not to be hidden here.
    """
    n_rows = quarter.n_rows
    lines = range(n_rows + 1)
    if any(
        quarter.values[r][column] != sum(month.values[r][column] for month in months) for r in lines
    ):
        return
    block = SuppressedTable(
        values=[[*(m.values[r][column] for m in months), quarter.values[r][column]] for r in lines],
        states=[
            [*(reader_state(m, r, column, shared_total) for m in (*months, quarter))] for r in lines
        ],
        threshold=quarter.threshold,
    )
    quarter_cells = {(r, len(months)) for r in lines}
    month_totals = {(n_rows, j) for j in range(len(months))} if shared_total else set()
    secure(block, frozenset(quarter_cells | month_totals))
    for j, month in enumerate(months):
        if block.withheld:
            month.withheld = True
            continue
        for r in lines:
            if block.states[r][j] == SECONDARY and month.states[r][column] == SHOWN:
                month.states[r][column] = SECONDARY


def reader_state(table: SuppressedTable, row: int, column: int, shared_total: bool) -> str:
    """What a reader knows of a cell: a withheld table shows nothing but a total other tables print."""
    if table.withheld and not (shared_total and row == table.n_rows):
        return ABSENT
    return table.states[row][column]


def trend_column(*, n_columns: int, row_totals: bool) -> int | None:
    """Which column of a table is its per-category figure over time, if it has one.

    The single column of a one-column table, or the row totals of a two-way
    table. A two-way table without row totals prints no per-category figure,
    and a trend must not print a number the period's own report does not.
    """
    if n_columns == 1:
        return 0
    return n_columns if row_totals else None
