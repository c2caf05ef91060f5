"""Whatever balanced receipts a day holds, its journal entry balances and ties to the POS."""

from __future__ import annotations

from decimal import Decimal

from daybook import day_of, pos_sums, receipts_strategy
from hypothesis import given, settings
from hypothesis import strategies as st
from posbooks.core.journal import journal_entry_for_day


def entry_nets(entry) -> dict:
    """Per (source, key): payments debits minus credits, all else credits minus debits."""
    nets: dict = {}
    for ln in entry.lines:
        credit = ln.amount if ln.posting == "Credit" else -ln.amount
        net = -credit if ln.source == "payment" else credit
        nets[(ln.source, ln.key)] = nets.get((ln.source, ln.key), Decimal(0)) + net
    return nets


@settings(max_examples=100, deadline=None)
@given(receipts_strategy())
def test_every_entry_balances_and_ties_to_the_pos_per_source_and_key(receipts):
    day = day_of(receipts)
    entry = journal_entry_for_day(day)
    assert entry.balanced
    assert all(ln.amount > 0 for ln in entry.lines), "no zero or negative amounts"
    assert len({(ln.source, ln.key) for ln in entry.lines}) == len(entry.lines)
    pos = {k: v for k, v in pos_sums(day).items() if v}
    assert entry_nets(entry) == pos
    assert not any(ln.automatic for ln in entry.lines), "a balanced day needs no over/short"


@settings(max_examples=50, deadline=None)
@given(receipts_strategy(), st.integers(-5000, 5000).filter(bool).map(lambda c: Decimal(c) / 100))
def test_an_unbalanced_day_gets_exactly_the_difference_as_over_short(receipts, offset):
    entry = journal_entry_for_day(day_of(receipts, offset))
    assert entry.balanced
    over_short = [ln for ln in entry.lines if ln.source == "over_short"]
    assert len(over_short) == 1 and over_short[0].automatic
    # Payments exceed sales by the offset: an overage is a credit, a shortage a debit.
    assert entry_nets(entry)[("over_short", None)] == offset
