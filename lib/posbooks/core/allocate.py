"""Pro-rating money to the cent: the largest-remainder method.

``allocate`` splits one total over weights; ``allocate_table`` splits several totals
(the rows: sales per category, tax per code, ...) over the same columns (payment
methods) so that every row AND every column adds up exactly. In both, each share
lands on one of the two whole cents either side of its exact share, so no amount
moves by a cent or more, and no cent is lost or invented.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def _cents(amount: Decimal, what: str) -> int:
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{what} {amount} is not a whole number of cents")
    return int(cents)


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` over ``weights`` in proportion, to the cent, summing exactly to it.

    Every share is first rounded down to the cent; the cents left over go one each to
    the shares with the largest remainders (ties: the earlier weight). Weights may be
    negative (a refund), but must not add up to zero.
    """
    if not weights:
        raise ValueError("cannot allocate over no weights")
    weight_sum = sum((Fraction(w) for w in weights), Fraction(0))
    if weight_sum == 0:
        raise ValueError("cannot allocate over weights that add up to zero")
    total_cents = _cents(total, "total")
    exact = [Fraction(total_cents) * Fraction(w) / weight_sum for w in weights]
    floors = [math.floor(share) for share in exact]
    left_over = total_cents - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left_over]:
        floors[i] += 1
    return [_money(c) for c in floors]


def allocate_table(
    row_totals: Sequence[Decimal], column_totals: Sequence[Decimal]
) -> list[list[Decimal]]:
    """Spread each row total over the columns in proportion to the column totals.

    Returns ``table[row][column]`` in cents such that each row adds up to its row total
    and each column to its column total; both sets of totals must add up to the same,
    non-zero amount. Each cell is its exact share rounded down or up to the cent; which
    cells round up is decided by the largest remainders, then adjusted (a few cents at
    most) so the columns tie too.
    """
    rows = [_cents(t, "row total") for t in row_totals]
    cols = [_cents(t, "column total") for t in column_totals]
    if sum(rows) != sum(cols):
        raise ValueError(f"rows add up to {_money(sum(rows))}, columns to {_money(sum(cols))}")
    if not cols or sum(cols) == 0:
        raise ValueError("cannot pro-rate over columns that add up to zero")
    grand = sum(cols)
    if grand < 0:  # keep the divisor positive so // floors and % is the remainder
        rows, cols, grand = [-r for r in rows], [-c for c in cols], -grand
    # Exact share of cell (i, j) is rows[i] * cols[j] / grand cents: integer arithmetic.
    floors = [[r * c // grand for c in cols] for r in rows]
    remainders = [[r * c % grand for c in cols] for r in rows]
    row_need = [r - sum(f) for r, f in zip(rows, floors, strict=True)]
    col_need = [c - sum(f[j] for f in floors) for j, c in enumerate(cols)]
    # Only cells with a remainder may round up: that keeps every cell within a cent.
    candidates = sorted(
        (
            (i, j)
            for i, row in enumerate(remainders)
            for j, remainder in enumerate(row)
            if remainder
        ),
        key=lambda ij: (-remainders[ij[0]][ij[1]], ij),
    )
    up: set[tuple[int, int]] = set()
    for i, j in candidates:
        if row_need[i] and col_need[j]:
            up.add((i, j))
            row_need[i] -= 1
            col_need[j] -= 1
    for i in range(len(rows)):
        while row_need[i]:
            _augment(i, candidates, up, col_need)
            row_need[i] -= 1
    for i, j in up:
        floors[i][j] += 1
    sign = -1 if sum(column_totals) < 0 else 1
    return [[_money(sign * c) for c in row] for row in floors]


def _augment(
    start: int,
    candidates: list[tuple[int, int]],
    up: set[tuple[int, int]],
    col_need: list[int],
) -> None:
    """Round one more cell of row ``start`` up, moving earlier choices so columns still tie.

    A breadth-first search for an alternating path (row -> column by a cell not yet
    rounded up, column -> row by a cell already rounded up) ending at a column that
    still needs a cent. The exact shares guarantee such a path exists (a
    transportation problem with a fractional solution has an integral one).
    """
    by_row: dict[int, list[int]] = {}
    for i, j in candidates:
        by_row.setdefault(i, []).append(j)
    column_reached_from: dict[int, int] = {}
    row_reached_from: dict[int, int] = {start: -1}
    frontier = [start]
    while frontier:
        next_rows: list[int] = []
        for i in frontier:
            for j in by_row.get(i, []):
                if (i, j) in up or j in column_reached_from:
                    continue
                column_reached_from[j] = i
                if col_need[j]:
                    col_need[j] -= 1
                    _flip_path(j, column_reached_from, row_reached_from, up)
                    return
                for i2 in sorted(ii for (ii, jj) in up if jj == j):
                    if i2 not in row_reached_from:
                        row_reached_from[i2] = j
                        next_rows.append(i2)
        frontier = next_rows
    raise ArithmeticError("no way to round the table to the cent (totals inconsistent)")


def _flip_path(
    column: int,
    column_reached_from: dict[int, int],
    row_reached_from: dict[int, int],
    up: set[tuple[int, int]],
) -> None:
    """Walk the path back from ``column``: its new cells round up, the ones between go down."""
    j = column
    while True:
        i = column_reached_from[j]
        up.add((i, j))
        previous = row_reached_from[i]
        if previous == -1:
            return
        up.discard((i, previous))
        j = previous
