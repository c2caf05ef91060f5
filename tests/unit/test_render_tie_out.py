"""The preview's tie-out sentence, as a bookkeeper reads it after a year's preview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from posbooks.core.render import tie_out_text
from posbooks.core.tieout import TieOut


def tie(amount: str, carried: str) -> TieOut:
    return TieOut(date(2026, 11, 2), "KLCC", "journal", "sales", "Food", Decimal(amount),
                  Decimal(carried))  # fmt: skip


def test_a_years_count_of_totals_reads_with_thousands_separators():
    assert tie_out_text([tie("1.00", "1.00")] * 144_110) == [
        "Tie-out: all 144,110 POS totals equal the drafts to the cent."
    ]
    [head, off] = tie_out_text([tie("1.00", "1.00")] * 1_200 + [tie("2.00", "1.99")])
    assert head == "Tie-out: 1 of 1,201 POS totals DO NOT equal the drafts:"
    assert off == "  2026-11-02 KLCC sales Food: POS 2.00, drafts 1.99"
