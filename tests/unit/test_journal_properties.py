"""Whatever balanced receipts a day holds, its journal entry balances and ties to the POS."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from daybook import CATEGORIES, METHODS, day_of, pos_sums, receipts_strategy
from hypothesis import given, settings
from hypothesis import strategies as st
from posbooks.core.journal import journal_entries, journal_entry_for_day
from posbooks.core.model import Mapping, Ref


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


OUTLETS = ("Bangsar", "KLCC", "Mont Kiara")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(receipts_strategy(max_receipts=6), min_size=1, max_size=6),
    st.sets(st.sampled_from(METHODS + CATEGORIES)),
)
def test_a_period_built_at_once_gives_each_day_the_entry_it_gets_alone(days_receipts, mapped):
    """The batch shares look-ups across days; no outlet's location or key may leak into another."""
    days = [
        replace(day_of(r), outlet=OUTLETS[i % 3], business_date=date(2026, 11, 1 + i))
        for i, r in enumerate(days_receipts)
    ]
    accounts = {("payment", m): Ref(f"P{m}", m) for m in METHODS if m in mapped}
    accounts |= {("sales", c): Ref(f"S{c}", c) for c in CATEGORIES if c in mapped}
    mapping = Mapping(
        accounts=accounts,
        classes={c: Ref(f"C{c}", c) for c in CATEGORIES if c in mapped},
        locations={"Bangsar": Ref("D1", "Bangsar"), "KLCC": Ref("D2", "KLCC")},
    )
    together = journal_entries(days, mapping)
    assert together == [journal_entry_for_day(day, mapping) for day in days]
    for day, entry in zip(days, together, strict=True):
        assert all(ln.location == mapping.locations.get(day.outlet) for ln in entry.lines)
        assert all(f"({day.outlet} {day.business_date})" in ln.description for ln in entry.lines)
