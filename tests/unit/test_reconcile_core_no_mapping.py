"""No mapping saved in the home: the POS side is on no account, so only totals are compared."""

from __future__ import annotations

from decimal import Decimal

from posbooks.core.journal import journal_entry_for_day
from posbooks.core.model import DailyTotal, DayTotals
from posbooks.core.reconcile import Side, Sources, lines_from_draft, lines_from_qbo
from posbooks.core.reconcile import reconcile_document as check_of
from test_reconcile_core import DAY, entry

NOTE = "No mapping is saved in this home, so the POS lines cannot be put on accounts"


def unmapped_pos(cash: str = "106.00", sales: str = "100.00", tax: str = "6.00") -> Side:
    """The POS now, drafted with no mapping saved: every line '(unmapped ...)'."""
    totals = DayTotals(DAY, "Bangsar", (
        DailyTotal(DAY, "Bangsar", "sales", "Food", Decimal(sales)),
        DailyTotal(DAY, "Bangsar", "tax", "SST6", Decimal(tax)),
        DailyTotal(DAY, "Bangsar", "payment", "Cash", Decimal(cash)),
    ))  # fmt: skip
    return Side(lines_from_draft(journal_entry_for_day(totals)))


def sources(pos: Side, sent: dict | None, qbo: dict | None, **kw) -> Sources:
    return Sources(
        DAY, "Bangsar", "journal", "", "PB261102-BANEQ-J", pos=pos,
        sent=Side(lines_from_qbo(sent), "12", "0") if sent else None,
        qbo=Side(lines_from_qbo(qbo), "12", "0") if qbo else None, **kw,
    )  # fmt: skip


def test_another_homes_document_lists_no_line_differences_and_says_why():
    src = sources(unmapped_pos(), None, entry(), ledger_status=None)
    # what the bookkeeper saw before: the unmapped POS lines net to nothing on every account
    assert check_of(src).differences, "the unmapped POS side is set against QuickBooks' lines"

    check = check_of(sources(unmapped_pos(), None, entry(), ledger_status=None,
                             mapping_saved=False))  # fmt: skip
    assert check.status == "qbo_only" and "Send to adopt it." in check.message
    assert NOTE in check.message
    assert "totals: POS now 106.00, QuickBooks now 106.00 (they agree)" in check.message
    assert (check.differences, check.lines_compared) == ((), False)
    assert check.pos_total == check.qbo_total == Decimal("106.00")
    assert [ln.pos for ln in check.lines] == [None, None, None]  # QuickBooks' lines, no POS side
    assert not any(ln.differs for ln in check.lines)


def test_a_day_never_sent_says_no_mapping_instead_of_every_unmapped_line():
    check = check_of(sources(unmapped_pos(), None, None, mapping_saved=False))
    assert check.status == "not_sent"
    assert check.message.startswith("The POS has this document but it was never sent. " + NOTE)
    assert "totals: POS now 106.00." in check.message
    assert check.differences == () and check.lines == ()


def test_a_sent_day_is_compared_on_its_total():
    same = check_of(sources(unmapped_pos(), entry(), entry(), ledger_status="posted",
                            mapping_saved=False))  # fmt: skip
    assert same.status == "matched" and same.message.startswith("POS, ledger and QuickBooks "
                                                                "agree on the total. " + NOTE)  # fmt: skip
    assert "(they agree)" in same.message and same.differences == ()

    voided = check_of(sources(unmapped_pos("53.00", "50.00", "3.00"), entry(), entry(),
                              ledger_status="posted", mapping_saved=False))  # fmt: skip
    assert voided.status == "pos_changed"
    assert voided.message.startswith("The POS total is 53.00 now, 106.00 sent. " + NOTE)
    assert "POS now 53.00, sent 106.00, QuickBooks now 106.00 (they differ)" in voided.message
    assert voided.differences == ()

    # an edit in QuickBooks is still seen: sent and QuickBooks are both on accounts
    edited = check_of(sources(unmapped_pos(), entry(), entry("116.00", "110.00"),
                              ledger_status="posted", mapping_saved=False))  # fmt: skip
    assert edited.status == "edited" and "sent -100.00, now -110.00" in edited.message
