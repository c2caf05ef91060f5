"""A payment method that paid out more than it took on a day is sent as a Refund Receipt,
exactly once like every other document (issue 12, refunds)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from posbooks.app.history import history_rows
from posbooks.posting.ledger import ledger_rows
from posting_support import DAY2, Home, documents_in_quickbooks, home_dir, pos_file, receipt_home

__all__ = ["home_dir", "pos_file", "receipt_home"]  # fixtures used below


@pytest.fixture
def refund_file(pos_file: Path, tmp_path: Path) -> Path:
    """DAY2 at Bangsar, plus one receipt refunding 40.00 more Food by Amex than Amex took."""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE pos AS SELECT * FROM read_parquet('{pos_file}')")
    [(taken,)] = con.execute(
        "SELECT sum(amount) FROM pos WHERE business_date = ? AND outlet = 'Bangsar' "
        "AND line_type = 'payment' AND payment_method = 'Amex'",
        [DAY2],
    ).fetchall()
    refund = -(Decimal(taken or 0) + Decimal("40.00"))
    for line_type, category, method in (("item", "Food", None), ("payment", None, "Amex")):
        con.execute(
            "INSERT INTO pos BY NAME SELECT ?::DATE AS business_date, 'Bangsar' AS outlet, "
            "'REFUND-1' AS receipt_no, ? AS line_type, ? AS category, ? AS payment_method, "
            "?::DECIMAL(12,2) AS amount",
            [DAY2, line_type, category, method, refund],
        )
    path = tmp_path / "refund_day.parquet"
    con.execute(f"COPY (SELECT * FROM pos) TO '{path}' (FORMAT parquet)")
    return path


def refunds_in_quickbooks(home: Home) -> list[dict]:
    return documents_in_quickbooks(home.handle, "refund")


def test_a_method_that_paid_out_more_than_it_took_is_a_refund_receipt_sent_once(
    receipt_home: Home, refund_file: Path
):
    home = receipt_home
    outcomes = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt", source=refund_file)
    refund = next(o for o in outcomes if o.doc_type == "refund")
    assert refund.status == "created", refund.message
    assert refund.doc_key == "Amex" and "-F" in refund.doc_number
    assert all(o.status == "created" for o in outcomes), [o.message for o in outcomes]
    assert not any(o.doc_type == "receipt" and o.doc_key == "Amex" for o in outcomes)

    [held] = refunds_in_quickbooks(home)
    assert held["DocNumber"] == refund.doc_number and held["Id"] == refund.qbo_id
    assert Decimal(str(held["TotalAmt"])) == Decimal("40.00")  # the excess paid back
    assert held["RefundFromAccountRef"]["name"] == "Card Clearing - Amex"

    # sending again changes nothing: the refund is found by its DocNumber and ledger row
    again = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt", source=refund_file)
    assert {o.doc_number: o.status for o in again} == {o.doc_number: "unchanged" for o in outcomes}
    assert Counter(d["DocNumber"] for d in refunds_in_quickbooks(home)) == {refund.doc_number: 1}

    # the ledger and History name it a Refund Receipt of Amex
    [row] = [r for r in ledger_rows(home.store) if r.doc_number == refund.doc_number]
    assert (row.doc_type, row.status, row.qbo_id) == ("refund", "posted", refund.qbo_id)
    shown = {r["DocNumber"]: r for r in history_rows(ledger_rows(home.store), lambda t, i: i)}
    assert "Refund Receipt" in str(shown[refund.doc_number])


def test_a_refund_receipt_lost_reply_is_adopted_not_created_twice(
    receipt_home: Home, refund_file: Path
):
    home = receipt_home
    home.fault("drop_after_commit", path="^refundreceipt$")
    outcomes = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt", source=refund_file)
    refund = next(o for o in outcomes if o.doc_type == "refund")
    assert refund.status == "created", refund.message
    assert Counter(d["DocNumber"] for d in refunds_in_quickbooks(home)) == {refund.doc_number: 1}


def test_reconcile_reads_the_refund_receipt_and_sends_a_deleted_one_again(
    receipt_home: Home, refund_file: Path
):
    from posbooks.qbo.gateway import open_gateway
    from posbooks.reconcile.actions import send_again
    from posbooks.reconcile.gather import reconcile

    home = receipt_home
    outcomes = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt", source=refund_file)
    refund = next(o for o in outcomes if o.doc_type == "refund")
    result = reconcile(
        home.config,
        home.store,
        sources=[refund_file],
        date_from=DAY2,
        doc_type="receipt",
        outlets=["Bangsar"],
    )
    check = result.find(refund.doc_number)
    assert check.doc_type == "refund" and check.status == "matched", check
    statuses = {c.doc_number: c.status for c in result.documents}
    assert statuses == {o.doc_number: "matched" for o in outcomes}

    gateway = open_gateway(home.config, home.store)
    held = gateway.read("RefundReceipt", refund.qbo_id)
    gateway.delete("RefundReceipt", held["Id"], held["SyncToken"])
    check = reconcile(
        home.config,
        home.store,
        sources=[refund_file],
        date_from=DAY2,
        doc_type="receipt",
        outlets=["Bangsar"],
    ).find(refund.doc_number)
    assert check.status == "deleted"
    [again] = send_again(home.config, home.store, check, sources=[refund_file])
    assert again.status == "created" and again.doc_type == "refund"
    assert Counter(d["DocNumber"] for d in refunds_in_quickbooks(home)) == {refund.doc_number: 1}
