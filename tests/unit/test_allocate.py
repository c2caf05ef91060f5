"""Pro-rating money by the largest-remainder method never loses or invents a cent."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from posbooks.core.allocate import allocate, allocate_table

D = Decimal


def test_ten_ringgit_over_three_equal_weights_gives_the_odd_cent_to_the_first():
    assert allocate(D("10.00"), [D(1), D(1), D(1)]) == [D("3.34"), D("3.33"), D("3.33")]


def test_the_largest_remainder_gets_the_left_over_cent():
    # Exact shares 1.666.. and 3.333..: the first has the larger remainder.
    assert allocate(D("5.00"), [D(1), D(2)]) == [D("1.67"), D("3.33")]


def test_a_refund_splits_negative_and_still_adds_up():
    shares = allocate(D("-10.00"), [D("60.00"), D("40.00"), D("0.00")])
    assert shares == [D("-6.00"), D("-4.00"), D("0.00")]


def test_weights_that_add_up_to_zero_cannot_be_pro_rated():
    with pytest.raises(ValueError, match="add up to zero"):
        allocate(D("1.00"), [D(1), D(-1)])


def test_fractions_of_a_cent_are_refused():
    with pytest.raises(ValueError, match="whole number of cents"):
        allocate(D("1.005"), [D(1)])


def test_a_table_ties_both_ways():
    # Sales per category (rows) spread over what each payment method took (columns).
    rows = [D("100.00"), D("33.33"), D("-10.01"), D("0.03")]
    cols = [D("61.11"), D("0.01"), D("62.23")]
    table = allocate_table(rows, cols)
    assert [sum(r) for r in table] == rows
    assert [sum(c) for c in zip(*table, strict=True)] == cols


weights = st.lists(st.integers(-10_000, 100_000).map(lambda c: D(c) / 100), min_size=1, max_size=8)
totals = st.integers(-1_000_000, 1_000_000).map(lambda c: D(c) / 100)


@settings(max_examples=300, deadline=None)
@given(totals, weights.filter(lambda w: sum(w) != 0))
def test_allocate_never_loses_a_cent_nor_moves_a_share_by_a_cent(total, ws):
    shares = allocate(total, ws)
    assert sum(shares) == total
    assert all(s == s.quantize(D("0.01")) for s in shares)
    for share, w in zip(shares, ws, strict=True):
        exact = Fraction(total) * Fraction(w) / Fraction(sum(ws))
        assert abs(Fraction(share) - exact) < Fraction(1, 100)
    assert allocate(total, ws) == shares, "deterministic"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-50_000, 500_000), min_size=1, max_size=12),
    st.lists(st.integers(-30_000, 300_000), min_size=1, max_size=6),
)
def test_a_table_keeps_every_row_and_column_total_and_each_cell_within_a_cent(row_c, col_c):
    cols = [D(c) / 100 for c in col_c]
    # Make the rows add up to the columns by adjusting the last row.
    rows = [D(c) / 100 for c in row_c]
    rows[-1] += sum(cols) - sum(rows)
    assume(sum(cols) != 0)
    table = allocate_table(rows, cols)
    assert [sum(r) for r in table] == rows
    assert [sum(c) for c in zip(*table, strict=True)] == cols
    grand = Fraction(sum(cols))
    for r, row in zip(rows, table, strict=True):
        for c, cell in zip(cols, row, strict=True):
            assert abs(Fraction(cell) - Fraction(r) * Fraction(c) / grand) < Fraction(1, 100)
