"""Small-number suppression (STA-1): no small count shown, none recoverable from totals."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.statistics.suppression import (
    PRIMARY,
    SECONDARY,
    SHOWN,
    SuppressedTable,
    exposed_cells,
    suppress,
)
from tests.cases.suppression_oracle import possible_values

SHAPES = st.sampled_from(
    [
        # (row totals, column totals, grand total): a two-way table, a one-way
        # table with its total, a list with no totals at all.
        (True, True, True),
        (False, True, False),
        (False, False, False),
    ]
)


@st.composite
def tables(draw):
    threshold = draw(st.integers(min_value=3, max_value=6))
    row_totals, column_totals, grand_total = draw(SHAPES)
    n_rows = draw(st.integers(min_value=1, max_value=4))
    n_columns = draw(st.integers(min_value=1, max_value=3)) if row_totals else 1
    count = st.one_of(
        st.just(0),
        st.integers(min_value=1, max_value=threshold - 1),
        st.integers(min_value=threshold, max_value=threshold + 12),
    )
    counts = draw(
        st.lists(
            st.lists(count, min_size=n_columns, max_size=n_columns),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
    protect_total = draw(st.booleans())
    protected = frozenset()
    if protect_total and column_totals:
        protected = frozenset({(n_rows, n_columns if grand_total else 0)})
    return {
        "counts": counts,
        "threshold": threshold,
        "row_totals": row_totals,
        "column_totals": column_totals,
        "grand_total": grand_total,
        "protected": protected,
    }


def shown_numbers(table: SuppressedTable) -> list[int]:
    return [
        table.values[r][c]
        for r in range(table.n_rows + 1)
        for c in range(table.n_columns + 1)
        if table.shown_value(r, c) is not None
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_sta1_no_small_count_is_shown(spec):
    table = suppress(**spec)
    t = spec["threshold"]
    assert all(value == 0 or value >= t for value in shown_numbers(table))
    for r in range(table.n_rows + 1):
        for c in range(table.n_columns + 1):
            if 0 < table.values[r][c] < t and table.display(r, c):
                assert table.display(r, c) == f"<{t}"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_sta1_no_suppressed_cell_can_be_derived_from_the_totals_shown(spec):
    table = suppress(**spec)
    if table.withheld:
        assert shown_numbers(table) == []
        return
    for position, values in possible_values(table).items():
        assert len(values) >= 2, f"cell {position} can be worked out: {table.values}"


@settings(max_examples=300, deadline=None)
@given(tables(), st.data())
def test_sta1_audit_agrees_with_brute_force_on_any_hiding_pattern(spec, data):
    """The audit used to choose secondary cells is itself right, both ways."""
    table = suppress(**spec)
    table.withheld = False
    # Re-hide an arbitrary selection of the large cells, keeping small ones hidden.
    for r in range(table.n_rows + 1):
        for c in range(table.n_columns + 1):
            if table.states[r][c] in (SHOWN, SECONDARY) and table.values[r][c] >= spec["threshold"]:
                hide = data.draw(st.booleans())
                table.states[r][c] = SECONDARY if hide else SHOWN
    exposed = set(exposed_cells(table))
    for position, values in possible_values(table).items():
        assert values, "the reader must at least find the true table"
        assert (position in exposed) == (len(values) == 1), (position, table.values)


def test_sta1_single_small_cell_gets_a_partner():
    table = suppress([[40], [3], [0], [12]], row_totals=False, column_totals=True)
    assert [table.display(r, 0) for r in range(5)] == ["40", "<5", "0", "[c]", "55"]


def test_sta1_two_way_table_protects_rows_and_columns():
    table = suppress([[2, 10, 11], [9, 8, 20], [15, 6, 7]], row_totals=True, column_totals=True)
    assert table.states[0][0] == PRIMARY
    assert exposed_cells(table) == []
    assert sum(state == SECONDARY for row in table.states for state in row) >= 3


def test_sta1_breakdown_withheld_when_only_a_shared_total_could_protect_it():
    # Threshold 3: two ones and a total of 2 pin each other down exactly.
    table = suppress(
        [[1], [1]], threshold=3, row_totals=False, column_totals=True, protected={(2, 0)}
    )
    assert table.withheld and all(table.display(r, 0) == "" for r in range(3))


@pytest.mark.parametrize("threshold", [0, 1, 2, -5, 2.5])
def test_sta1_threshold_never_below_three(threshold):
    with pytest.raises(ValueError, match="at least 3"):
        suppress([[10]], threshold=threshold, row_totals=False, column_totals=False)
