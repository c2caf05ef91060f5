"""Test fixtures in the bookkeeper's words: a day's POS totals and entry lines as text.

    Bangsar 2026-11-20, 41 receipts
    sales      Food          1,000.00  qty 80
    discount   -               -50.00
    payment    TNG eWallet     950.00

Each row is ``source  key  amount``; ``-`` is no key; keys may contain spaces.
Entry lines are written ``Debit|Credit  source  key  amount``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from posbooks.core.model import DailyTotal, DayTotals, JournalDraft

_HEADER = re.compile(r"^(?P<outlet>.+?) (?P<day>\d{4}-\d{2}-\d{2})(?:, (?P<n>\d+) receipts?)?$")


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _rows(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


def _split(row: str) -> tuple[list[str], str | None]:
    """Words of a row, and the quantity after ``qty`` if any."""
    words = row.split()
    if len(words) >= 2 and words[-2] == "qty":
        return words[:-2], words[-1]
    return words, None


def pos_day(text: str) -> DayTotals:
    """A day's POS totals from a header line and ``source key amount`` rows."""
    header, *rows = _rows(text)
    match = _HEADER.match(header)
    assert match, f"bad header {header!r}"
    day = date.fromisoformat(match["day"])
    outlet = match["outlet"]
    totals = []
    for row in rows:
        words, qty = _split(row)
        source, key, amount = words[0], " ".join(words[1:-1]), words[-1]
        totals.append(
            DailyTotal(
                business_date=day,
                outlet=outlet,
                source=source,
                key=None if key == "-" else key,
                amount=_money(amount),
                quantity=Decimal(qty) if qty else None,
            )
        )
    return DayTotals(day, outlet, tuple(totals), int(match["n"] or 1))


def entry_lines(text: str) -> list[tuple[str, str, str | None, Decimal]]:
    """Expected entry lines: ``(posting, source, key, amount)`` in the order written."""
    lines = []
    for row in _rows(text):
        words = row.split()
        key = " ".join(words[2:-1])
        lines.append((words[0], words[1], None if key == "-" else key, _money(words[-1])))
    return lines


def lines_of(draft: JournalDraft) -> list[tuple[str, str, str | None, Decimal]]:
    return [(ln.posting, ln.source, ln.key, ln.amount) for ln in draft.lines]


# --- Random but balanced POS receipts, for hypothesis property tests -------------------

CATEGORIES = ("Food", "Beverages", "Desserts", "Alcohol")
TAX_CODES = ("SST6", "SST10")
METHODS = ("Cash", "Visa/Master", "Amex", "TNG eWallet", "GrabPay", "Voucher")

PosLine = tuple[str, str | None, Decimal]


def _strategies():
    from hypothesis import strategies as st

    def money(low: int, high: int):
        return st.integers(low, high).map(lambda c: Decimal(c) / 100)

    @st.composite
    def receipt(draw) -> list[PosLine]:
        """One closed receipt whose payments equal its other lines (maybe a refund)."""
        lines: list[PosLine] = [
            ("sales", draw(st.sampled_from(CATEGORIES)), draw(money(1, 80_000)))
            for _ in range(draw(st.integers(1, 4)))
        ]
        if draw(st.booleans()):
            category = draw(st.none() | st.sampled_from(CATEGORIES))
            lines.append(("discount", category, -draw(money(1, 5_000))))
        for source, keys in (("service_charge", (None,)), ("tax", TAX_CODES), ("tip", (None,))):
            if draw(st.booleans()):
                lines.append((source, draw(st.sampled_from(keys)), draw(money(1, 9_000))))
        if draw(st.booleans()):
            lines.append(("rounding", None, draw(money(-2, 2))))
        total = sum(amount for _, _, amount in lines)
        splits = draw(st.lists(money(-20_000, 60_000), max_size=2))
        tenders = [*splits, total - sum(splits, Decimal(0))]
        lines += [("payment", draw(st.sampled_from(METHODS)), t) for t in tenders]
        if draw(st.integers(0, 9)) == 0:  # one receipt in ten is a refund
            lines = [(s, k, -a) for s, k, a in lines]
        return lines

    return st, receipt


def receipts_strategy(max_receipts: int = 12):
    """A list of balanced POS receipts (lists of (source, key, amount))."""
    st, receipt = _strategies()
    return st.lists(receipt(), min_size=1, max_size=max_receipts)


def day_of(receipts: list[list[PosLine]], offset: Decimal = Decimal(0)) -> DayTotals:
    """Aggregate receipts to a day's totals in plain Python; ``offset`` unbalances Cash."""
    sums: dict[tuple[str, str | None], Decimal] = {}
    for receipt in receipts:
        for source, key, amount in receipt:
            sums[(source, key)] = sums.get((source, key), Decimal("0.00")) + amount
    if offset:
        sums[("payment", "Cash")] = sums.get(("payment", "Cash"), Decimal("0.00")) + offset
    day = date(2026, 11, 20)
    totals = tuple(
        DailyTotal(day, "Bangsar", s, k, a.quantize(Decimal("0.01"))) for (s, k), a in sums.items()
    )
    return DayTotals(day, "Bangsar", totals, len(receipts))


def pos_sums(day: DayTotals) -> dict[tuple[str, str | None], Decimal]:
    return {(t.source, t.key): t.amount for t in day.totals}
