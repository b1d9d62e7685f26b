"""An independent, brute-force reader of a published table (for STA-1 tests).

It knows only what a reader of the table knows: the shown numbers, that "<T"
means 1 to T-1, that "[c]" means at least T, and how totals add up. It tries
every inner table consistent with that and collects, for each hidden cell, the
values it could take. It shares no code with ``cases.statistics.suppression``.

To keep the search small, a "[c]" cell (or a cell of a withheld table, which
could be anything) is only tried within 2 of its true value. That can only make the reader's answer narrower, so "the reader found
two possible values" is still a proof that the cell cannot be worked out.
"""

from cases.statistics.suppression import ABSENT, PRIMARY, SECONDARY, SHOWN, SuppressedTable

WINDOW = 2


def possible_values(table: SuppressedTable) -> dict[tuple[int, int], set[int]]:
    n_rows, n_columns, t = table.n_rows, table.n_columns, table.threshold
    states, values = table.states, table.values
    hidden = [
        (r, c)
        for r in range(n_rows + 1)
        for c in range(n_columns + 1)
        if states[r][c] in (PRIMARY, SECONDARY)
    ]
    found: dict[tuple[int, int], set[int]] = {position: set() for position in hidden}

    def choices(r, c):
        state, value = states[r][c], values[r][c]
        if state == SHOWN:
            return [value]
        if state == PRIMARY:
            return list(range(1, t))
        if state == ABSENT:  # a cell of a withheld table: any count at all
            return list(range(max(0, value - WINDOW), value + WINDOW + 1))
        return list(range(max(t, value - WINDOW), value + WINDOW + 1))

    def consistent(r, c, total) -> bool:
        state = states[r][c]
        if state == SHOWN:
            return total == values[r][c]
        if state == PRIMARY:
            return 1 <= total < t
        if state == SECONDARY:
            return total >= t
        return True  # a total the table does not print

    def column_may_still_fit(column_sums) -> bool:
        for c, partial in enumerate(column_sums):
            state = states[n_rows][c]
            if state == SHOWN and partial > values[n_rows][c]:
                return False
            if state == PRIMARY and partial >= t:
                return False
        return True

    grid = [[0] * n_columns for _ in range(n_rows)]

    def record():
        row_sums = [sum(row) for row in grid]
        column_sums = [sum(column) for column in zip(*grid, strict=True)]
        full = [[*grid[r], row_sums[r]] for r in range(n_rows)]
        full.append([*column_sums, sum(row_sums)])
        if not all(consistent(n_rows, c, full[n_rows][c]) for c in range(n_columns + 1)):
            return
        for position in hidden:
            found[position].add(full[position[0]][position[1]])

    def done() -> bool:
        return all(len(seen) >= 2 for seen in found.values())

    def search(index: int, column_sums: list[int]) -> bool:
        if index == n_rows * n_columns:
            record()
            return done()
        r, c = divmod(index, n_columns)
        for value in choices(r, c):
            grid[r][c] = value
            sums = column_sums.copy()
            sums[c] += value
            if not column_may_still_fit(sums):
                continue
            if c == n_columns - 1 and not consistent(r, n_columns, sum(grid[r])):
                continue
            if search(index + 1, sums):
                return True
        return False

    search(0, [0] * n_columns)
    return found
