"""The History page's reconciliation helpers: badges, tables, chart rows, offered actions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from posbooks.app.reconcile import (
    actions_for,
    badge,
    confirmation,
    count_badges,
    daily_chart_rows,
    document_rows,
    filter_checks,
    line_rows,
    status_chart_rows,
)
from posbooks.core.reconcile import DocumentCheck, LineCheck, LineKey

D1, D2 = date(2026, 11, 2), date(2026, 11, 3)


def check(status="matched", outlet="KLCC", day=D1, doc_type="journal", pos="106.00",
          sent="106.00", qbo="106.00", lines=(), adjustments=()) -> DocumentCheck:  # fmt: skip
    amount = lambda v: None if v is None else Decimal(v)  # noqa: E731
    return DocumentCheck(
        day, outlet, doc_type, "" if doc_type == "journal" else "Cash", "PB261102-KLCOU-J",
        status, "why", lines=lines, pos_total=amount(pos), sent_total=amount(sent),
        qbo_total=amount(qbo), adjustments=adjustments,
    )  # fmt: skip


def test_badges_escape_and_count_in_status_order():
    assert badge("edited") == ":orange-badge[Edited in QuickBooks]"
    assert badge("matched", 3) == ":green-badge[Matched: 3]"
    text = count_badges([check("deleted"), check("matched"), check("matched")])
    assert text == ":green-badge[Matched: 2] :red-badge[Deleted in QuickBooks: 1]"


def test_document_rows_show_money_and_a_dash_where_a_source_has_nothing():
    [row] = document_rows([check("not_sent", sent=None, qbo=None, pos="1234.5")])
    assert (row["POS now"], row["Sent"], row["QuickBooks now"]) == ("1,234.50", "—", "—")
    assert row["Status"] == "Not sent" and row["Type"] == "Journal Entry"
    [receipt] = document_rows([check(doc_type="receipt")])
    assert receipt["Type"] == "Sales Receipt (Cash)"


def test_filters_by_outlet_and_status_label():
    checks = [check("matched", "KLCC"), check("edited", "Bangsar"), check("edited", "KLCC")]
    assert len(filter_checks(checks, outlets=["KLCC"])) == 2
    assert len(filter_checks(checks, outlets=["KLCC"], statuses=["Edited in QuickBooks"])) == 1
    assert len(filter_checks(checks)) == 3


def test_line_rows_flag_differences_and_show_adjusted_only_when_there_are_adjustments():
    key = LineKey("35")
    moved = LineCheck(key, "Cash on hand", "", "KLCC", Decimal("106"), Decimal("106"),
                      Decimal("116"), Decimal("106"))  # fmt: skip
    same = LineCheck(LineKey("79"), "Sales", "Food", "KLCC", *(Decimal("-100"),) * 3)
    rows = line_rows(check("edited", lines=(moved, same)))
    assert [r["Differs"] for r in rows] == [True, False]
    assert rows[0]["QuickBooks now"] == "116.00" and "QuickBooks with adjustments" not in rows[0]
    adjusted = line_rows(check("adjusted", lines=(moved,), adjustments=("X",)))
    assert adjusted[0]["QuickBooks with adjustments"] == "106.00"


def test_chart_rows_sum_per_day_and_source_as_floats():
    rows = daily_chart_rows([check(), check(outlet="Bangsar", qbo="100.00"),
                             check("not_sent", day=D2, sent=None, qbo=None)])  # fmt: skip
    totals = {(r["Business date"], r["Source"]): r["Total"] for r in rows}
    assert totals[(D1, "POS now")] == 212.0 and totals[(D1, "QuickBooks now")] == 206.0
    assert totals[(D2, "Sent")] == 0.0 and isinstance(totals[(D2, "POS now")], float)
    status = status_chart_rows([check(), check("edited"), check(day=D2)])
    assert status == [
        {"Business date": D1, "Status": "Matched", "Documents": 1},
        {"Business date": D1, "Status": "Edited in QuickBooks", "Documents": 1},
        {"Business date": D2, "Status": "Matched", "Documents": 1},
    ]


def test_actions_offered_follow_the_status():
    assert actions_for(check("matched")) == []
    assert [a for a, _ in actions_for(check("edited"))] == ["send", "adjust", "accept"]
    assert actions_for(check("edited"))[0][1] == "Restore what posbooks sent"
    assert [a for a, _ in actions_for(check("not_sent", sent=None, qbo=None))] == ["send", "accept"]
    receipt = check("pos_changed", doc_type="receipt")
    assert [a for a, _ in actions_for(receipt)] == ["send", "accept"]  # no adjusting receipts
    gone_from_pos = check("pos_changed", pos=None)
    assert [a for a, _ in actions_for(gone_from_pos)] == ["accept"]
    assert [a for a, _ in actions_for(check("accepted"))] == ["adjust"]


def test_the_confirmation_tick_keeps_quickbooks_capitalised():
    (send, _accept) = actions_for(check("conflict", sent=None, qbo=None))
    assert confirmation(send[1], "PB261117-BANEQ-J") == (
        "Yes: send again (once renamed or deleted in QuickBooks) for PB261117-BANEQ-J"
    )
    assert (
        confirmation("Restore what posbooks sent", "X") == "Yes: restore what posbooks sent for X"
    )
