"""Small-number suppression for published statistics (STA-1).

A table is a grid of counts with, optionally, a total for each row, a total for
each column and a grand total. Before it leaves the service:

- Primary suppression: every shown cell (totals included) from 1 to
  threshold - 1 is shown as "<5" (for a threshold of 5). Zero is shown: it
  describes nobody.
- Secondary suppression: more cells (each at least the threshold) are hidden,
  shown as "[c]", until no hidden cell can be worked out from what is shown.
  If that cannot be done without hiding a total the table shares with other
  tables, the whole breakdown is withheld instead.

How "can be worked out" is decided (the audit). Write the table with its totals
as one (R+1) x (C+1) grid ``y`` in which the row and column totals are negated:
every row and every column of ``y`` then sums to zero. The grid is a bipartite
graph (rows and columns are nodes, cells are edges) with a "sums to zero"
constraint at every node. A reader knows every shown cell, knows a "<5" cell is
between 1 and threshold - 1, a "[c]" cell is at least the threshold (that is
how they were chosen), and a total the table does not print is at least 0.
Two tables that agree with everything shown differ by a circulation on the
hidden cells, and a circulation splits into simple cycles that each move every
cell the same way, so a hidden cell can take another value exactly when some
simple cycle through it can shift one unit, alternately up and down, without
leaving any cell's range. That is a path search in a small residual graph,
which ``_can_move`` does. The hypothesis tests check the result independently
by brute force.
"""

from collections import deque
from dataclasses import dataclass, field

DEFAULT_THRESHOLD = 5
MINIMUM_THRESHOLD = 3

SHOWN = "shown"
PRIMARY = "primary"  # a small count: shown as "<threshold"
SECONDARY = "secondary"  # hidden so that a small count cannot be worked out
ABSENT = "absent"  # a total this table does not print (it is still implied)

SECONDARY_MARK = "[c]"
INFINITY = float("inf")

Position = tuple[int, int]


@dataclass
class SuppressedTable:
    """A table of counts as it may be published.

    ``values`` and ``states`` cover the extended grid: row ``n_rows`` holds the
    column totals, column ``n_columns`` the row totals, their corner the grand
    total. Only ``display`` should ever be used to show a value.
    """

    values: list[list[int]]
    states: list[list[str]]
    threshold: int
    withheld: bool = False
    n_rows: int = field(init=False)
    n_columns: int = field(init=False)

    def __post_init__(self):
        self.n_rows = len(self.values) - 1
        self.n_columns = len(self.values[0]) - 1

    def display(self, row: int, column: int) -> str:
        state = self.states[row][column]
        if self.withheld or state == ABSENT:
            return ""
        if state == PRIMARY:
            return f"<{self.threshold}"
        if state == SECONDARY:
            return SECONDARY_MARK
        return str(self.values[row][column])

    def shown_value(self, row: int, column: int) -> int | None:
        """The number a reader sees, or None if it is hidden or not printed."""
        if self.withheld or self.states[row][column] != SHOWN:
            return None
        return self.values[row][column]

    @property
    def suppressed_count(self) -> int:
        return sum(state in (PRIMARY, SECONDARY) for row in self.states for state in row)


def check_threshold(threshold: int) -> int:
    if not isinstance(threshold, int) or threshold < MINIMUM_THRESHOLD:
        raise ValueError(
            f"The suppression threshold must be a whole number of at least {MINIMUM_THRESHOLD}."
        )
    return threshold


def suppress(
    counts: list[list[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool | None = None,
    protected: frozenset[Position] = frozenset(),
) -> SuppressedTable:
    """Apply primary and secondary suppression to a grid of counts.

    ``protected`` names cells (in the extended grid) that other tables also
    print, such as a report-wide total: hiding one of them here while another
    table shows it would give it away, so they are never chosen for secondary
    suppression; if nothing else will do, the table is withheld.
    """
    check_threshold(threshold)
    if not counts or not counts[0] or any(len(row) != len(counts[0]) for row in counts):
        raise ValueError("A statistics table needs at least one row and one column.")
    if any(value < 0 for row in counts for value in row):
        raise ValueError("Counts cannot be negative.")
    if grand_total is None:
        grand_total = row_totals and column_totals
    values = _with_totals(counts)
    states = _initial_states(values, threshold, row_totals, column_totals, grand_total)
    return secure(SuppressedTable(values=values, states=states, threshold=threshold), protected)


def secure(table: SuppressedTable, protected: frozenset[Position] = frozenset()) -> SuppressedTable:
    """Hide more cells of ``table`` until no hidden cell can be worked out (or withhold it).

    For a grid whose states were set elsewhere: the periods of a trend, or a
    quarter laid beside its three months (``cases.statistics.over_time``).
    """
    while exposed := _first_exposed(table):
        chosen = _choose_secondary(table, exposed, protected)
        if not chosen:
            table.withheld = True
            break
        for row, column in chosen:
            table.states[row][column] = SECONDARY
    return table


def exposed_cells(table: SuppressedTable) -> list[Position]:
    """Hidden cells whose exact value follows from what the table shows."""
    return [position for position in _hidden(table) if not _can_move(table, position)]


def _with_totals(counts: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in counts]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def _initial_states(values, threshold, row_totals, column_totals, grand_total):
    last_row, last_column = len(values) - 1, len(values[0]) - 1
    states = []
    for r, row in enumerate(values):
        state_row = []
        for c, value in enumerate(row):
            printed = {
                (False, False): True,
                (False, True): row_totals,
                (True, False): column_totals,
                (True, True): grand_total,
            }[(r == last_row, c == last_column)]
            if not printed:
                state_row.append(ABSENT)
            elif 0 < value < threshold:
                state_row.append(PRIMARY)
            else:
                state_row.append(SHOWN)
        states.append(state_row)
    return states


def _hidden(table: SuppressedTable) -> list[Position]:
    return [
        (r, c)
        for r, row in enumerate(table.states)
        for c, state in enumerate(row)
        if state in (PRIMARY, SECONDARY)
    ]


def _first_exposed(table: SuppressedTable) -> Position | None:
    return next(iter(exposed_cells(table)), None)


def _choose_secondary(table, exposed: Position, protected) -> list[Position]:
    """Cells to hide next so that ``exposed`` can no longer be worked out.

    Prefer one cell in the same row or column (of the extended grid) that on
    its own protects it, smallest first and inner cells before totals; else
    hide the smallest such cell and let the audit look again; else the
    smallest shown cell anywhere; else nothing (the table is withheld).
    """
    candidates = sorted(
        (
            (r, c)
            for r, row in enumerate(table.states)
            for c, state in enumerate(row)
            if state == SHOWN and table.values[r][c] > 0 and (r, c) not in protected
        ),
        key=lambda p: (_is_total(table, p), table.values[p[0]][p[1]], p),
    )
    in_line = [p for p in candidates if p[0] == exposed[0] or p[1] == exposed[1]]
    for candidate in in_line:
        table.states[candidate[0]][candidate[1]] = SECONDARY
        protects = _can_move(table, exposed)
        table.states[candidate[0]][candidate[1]] = SHOWN
        if protects:
            return [candidate]
    if in_line:
        return [in_line[0]]
    return candidates[:1]


def _is_total(table: SuppressedTable, position: Position) -> bool:
    return position[0] == table.n_rows or position[1] == table.n_columns


def _y_range(table: SuppressedTable, r: int, c: int) -> tuple[float, float]:
    """What a reader knows of cell (r, c), in the negated-totals grid."""
    state, value = table.states[r][c], table.values[r][c]
    low, high = {
        SHOWN: (value, value),
        PRIMARY: (1, table.threshold - 1),
        SECONDARY: (table.threshold, INFINITY),
        ABSENT: (0, INFINITY),
    }[state]
    if (r == table.n_rows) != (c == table.n_columns):
        return -high, -low
    return low, high


def _y_value(table: SuppressedTable, r: int, c: int) -> int:
    value = table.values[r][c]
    return -value if (r == table.n_rows) != (c == table.n_columns) else value


def _can_move(table: SuppressedTable, cell: Position) -> bool:
    """Can ``cell`` take another value consistent with everything shown?

    Nodes are ("row", r) and ("column", c). Crossing a cell from its row to its
    column raises it by one, from its column to its row lowers it by one;
    each crossing is allowed only if the cell stays within what a reader knows.
    """
    start_row, start_column = cell
    value = _y_value(table, *cell)
    low, high = _y_range(table, *cell)
    if value + 1 <= high and _reachable(table, ("column", start_column), ("row", start_row), cell):
        return True
    return value - 1 >= low and _reachable(
        table, ("row", start_row), ("column", start_column), cell
    )


def _reachable(table: SuppressedTable, source, target, excluded: Position) -> bool:
    arcs: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for r, row in enumerate(table.states):
        for c, state in enumerate(row):
            if state == SHOWN or (r, c) == excluded:
                continue
            value = _y_value(table, r, c)
            low, high = _y_range(table, r, c)
            if value + 1 <= high:
                arcs.setdefault(("row", r), []).append(("column", c))
            if value - 1 >= low:
                arcs.setdefault(("column", c), []).append(("row", r))
    seen, queue = {source}, deque([source])
    while queue:
        node = queue.popleft()
        if node == target:
            return True
        for following in arcs.get(node, ()):
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return False
