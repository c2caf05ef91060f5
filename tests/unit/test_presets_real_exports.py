"""The real POS exports in ../shared/pos-exports (see its SOURCES.md; never copied here) are
each accepted and tie to the export's own totals, or refused with a precise message.
Skipped where that folder is absent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from posbooks.pos import open_exports
from posbooks.pos.presets import SourceOptions
from posbooks.pos.totals import daily_totals

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "pos-exports"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/pos-exports is absent")
SQUARE = sorted(SHARED.glob("square/*.csv")) if SHARED.is_dir() else []
CLEARING = SourceOptions(clearing_method="Square clearing")


def _period_totals(exports):
    first, last = exports.con.execute(
        "SELECT min(business_date), max(business_date) FROM pos_lines"
    ).fetchone()
    return daily_totals(exports, first, last)


@pytest.mark.parametrize("path", SQUARE, ids=lambda p: p.name)
def test_square_items_file_alone_asks_for_transactions_or_a_clearing_method(path):
    exports = open_exports([path])
    (problem,) = exports.problems
    assert problem.file == path.name
    assert "add the Transactions export of the same period" in problem.message


@pytest.mark.parametrize("path", SQUARE, ids=lambda p: p.name)
def test_square_items_file_books_and_ties_to_its_gross_sales(path):
    exports = open_exports([path], options=CLEARING)
    assert [str(p) for p in exports.problems] == []
    (recognised,) = exports.recognised
    assert recognised.description.startswith("Square export: items, ")
    days = _period_totals(exports)
    own = {(d, o): t for d, o, t in recognised.own_totals}
    for day in days:
        sales = sum((t.amount for t in day.totals if t.source == "sales"), Decimal(0))
        assert sales == own[(day.business_date, day.outlet)]
        # Every receipt's total went to the clearing method, so each day balances.
        lines = sum((t.amount for t in day.totals if t.source not in ("payment", "over_short")),
                    Decimal(0))  # fmt: skip
        assert day.amount("payment", "Square clearing") == lines


def test_keeva_voids_and_refunds():
    path = SHARED / "square" / "items-2023-11-01-2023-12-01.csv"
    exports = open_exports([path], options=CLEARING)
    (recognised,) = exports.recognised
    # 647 transactions, 45 of them only voided rows: nothing to book for those.
    assert "602 transactions, 1 Nov 2023 to 30 Nov 2023, location KEEVA" in recognised.description
    (day,) = daily_totals(exports, date(2023, 11, 12))
    refunds = exports.con.execute(
        "SELECT sum(amount) FROM pos_lines WHERE receipt_no LIKE '% refund' AND line_type = 'item'"
    ).fetchone()[0]
    assert refunds < 0
    assert "(Voided)" not in {
        r[0] for r in exports.con.execute("SELECT DISTINCT item FROM pos_lines").fetchall()
    }
    assert day.receipt_count > 0


def test_square_files_of_one_location_read_together():
    exports = open_exports([p for p in SQUARE if "2023" not in p.name], options=CLEARING)
    assert exports.ok
    (recognised,) = exports.recognised
    assert "location Sunrise Social Club LLC" in recognised.description


TOAST = sorted(SHARED.glob("toast/*.csv")) if SHARED.is_dir() else []


def test_toast_without_location_or_tenders_is_refused_saying_what_to_set():
    messages = [p.message for p in open_exports(TOAST).problems]
    assert messages and all("no Location column: set the outlet name" in m for m in messages)
    messages = [
        p.message for p in open_exports(TOAST, options=SourceOptions(outlet="Burgers")).problems
    ]
    assert len(messages) == 1 and "carry no tenders: add PaymentDetails" in messages[0]


def test_toast_january_ties_to_the_orders_total():
    options = SourceOptions(outlet="Burgers", clearing_method="Toast clearing")
    exports = open_exports(TOAST, options=options)
    assert [str(p) for p in exports.problems] == []
    (recognised,) = exports.recognised
    assert "Order Id damaged by Excel (5E+17): orders matched on date and Order #" in (
        recognised.description
    )
    days = daily_totals(exports, date(2021, 1, 1), date(2021, 1, 31))
    own = dict(((d, o), t) for d, o, t in recognised.own_totals)
    assert {d.business_date for d in days} == {d for d, _ in own}  # only the items' days
    for day in days:
        assert day.amount("payment", "Toast clearing") == own[(day.business_date, day.outlet)]
    assert sum(own.values()) == Decimal("26312.12")
    # Ten orders carry 3.99 above their items: a service charge no item row shows.
    assert sum(d.amount("service_charge") for d in days) == Decimal("39.90")


@pytest.mark.parametrize(
    "path",
    (sorted(SHARED.glob("shopify/*.csv")) + sorted(SHARED.glob("other/*.csv")))
    if SHARED.is_dir() else [],
    ids=lambda p: p.name,
)  # fmt: skip
def test_exports_posbooks_has_no_preset_for_are_refused_saying_so(path):
    (problem,) = open_exports([path]).problems
    assert problem.file == path.name
    assert "is not a file posbooks recognises" in problem.message
    assert "column-mapping profile" in problem.message
