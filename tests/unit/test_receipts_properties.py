"""Whatever balanced receipts a day holds, its Sales Receipts tie to the POS both ways."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from daybook import day_of, pos_sums, receipts_strategy
from hypothesis import given, settings
from posbooks.core.receipts import sales_receipts_for_day


@settings(max_examples=100, deadline=None)
@given(receipts_strategy())
def test_receipts_tie_per_source_and_key_and_per_payment_method(receipts):
    day = day_of(receipts)
    pos = pos_sums(day)
    methods = {k: v for (s, k), v in pos.items() if s == "payment" and v}
    drafts = sales_receipts_for_day(day)
    taken = sum(methods.values(), Decimal(0))
    if taken == 0:
        # Nothing to pro-rate by: at most one draft, blocked, never silently split.
        assert all(d.blocked for d in drafts) and len(drafts) <= 1
        return

    def signed(draft, amount):  # a refund's lines and total are the POS amounts negated
        return -amount if draft.doc_type == "refund" else amount

    assert {d.payment_method: signed(d, d.total) for d in drafts} == methods
    carried: dict = {}
    for draft in drafts:
        assert sum(ln.amount for ln in draft.lines) == draft.total
        assert draft.total >= 0, "QuickBooks takes neither a negative sale nor a negative refund"
        assert (draft.doc_type == "refund") == (methods[draft.payment_method] < 0)
        for ln in draft.lines:
            assert ln.amount != 0
            assert ln.unit_price * ln.quantity == ln.amount, "QuickBooks error 6070"
            key = (ln.source, ln.key)
            carried[key] = carried.get(key, Decimal(0)) + signed(draft, ln.amount)
            exact = Fraction(pos[key]) * Fraction(methods[draft.payment_method]) / Fraction(taken)
            assert abs(Fraction(signed(draft, ln.amount)) - exact) < Fraction(1, 100)
    expected = {k: v for k, v in pos.items() if k[0] != "payment" and v}
    assert {k: v for k, v in carried.items() if v} == expected
