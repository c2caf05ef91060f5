"""Posting a restaurant's days to QuickBooks (the sandbox, over HTTP), as a bookkeeper sees it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from posbooks.drafts.mapping import current_mapping, save_mapping
from posbooks.posting.ledger import ledger_rows
from posbooks.posting.plan import PosDataRejected
from posting_support import (
    DAY1,
    DAY2,
    DAY3,
    Home,
    assert_exactly_once,
    documents_in_quickbooks,
    home,
    home_dir,
    pos_file,
    quickbooks,
    receipt_home,
)
from quickbooks.objects.journalentry import JournalEntry

__all__ = ["home", "home_dir", "pos_file", "receipt_home"]  # fixtures used below


def pos_sums(path: Path, day, outlet: str) -> dict[tuple[str, str | None], Decimal]:
    """The POS amounts of one day and outlet per (line type, key), straight from the file."""
    rows = (
        duckdb.connect()
        .execute(
            """
        SELECT line_type, CASE line_type WHEN 'item' THEN category WHEN 'discount' THEN category
                WHEN 'tax' THEN tax_code WHEN 'payment' THEN payment_method END AS key,
               sum(amount)
        FROM read_parquet(?) WHERE business_date = ? AND outlet = ? AND NOT coalesce(voided, false)
        GROUP BY ALL
        """,
            [str(path), day, outlet],
        )
        .fetchall()
    )
    return {(t, k): Decimal(a) for t, k, a in rows}


def test_the_journey_one_day_lands_in_quickbooks_with_the_pos_amounts(home: Home):
    outcomes = home.send(DAY1, outlets=["Bangsar"])
    assert [(o.outlet, o.status) for o in outcomes] == [("Bangsar", "created")]
    created = outcomes[0]

    qb = quickbooks(home.handle)
    entries = JournalEntry.filter(DocNumber=created.doc_number, qb=qb)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.Id == created.qbo_id
    assert entry.TxnDate == "2026-11-02"
    net = defaultdict(Decimal)  # credits minus debits per account name
    for line in entry.Line:
        detail = line.JournalEntryLineDetail
        sign = 1 if detail.PostingType == "Credit" else -1
        net[detail.AccountRef.name] += sign * Decimal(line.Amount)
        assert detail.DepartmentRef.name == "Bangsar"
    assert sum(net.values()) == 0  # balanced to the cent

    pos = pos_sums(home.pos_file, DAY1, "Bangsar")
    assert net["Sales - Food"] == pos[("item", "Food")]
    assert net["Sales - Alcohol"] == pos[("item", "Alcohol")]
    assert net["SST Payable - SST6"] == pos[("tax", "SST6")]
    assert net["Service Charge Income"] == pos[("service_charge", None)]
    assert -net["Card Clearing - Visa/Master"] == pos[("payment", "Visa/Master")]
    assert -net["Cash on Hand"] == pos[("payment", "Cash")]
    discounts = sum(v for (t, _), v in pos.items() if t == "discount")
    assert net["Discounts Given"] == discounts  # discounts are negative POS amounts: debits
    assert entry.PrivateNote.startswith("posbooks ")
    assert f"mapping v{current_mapping(home.store).version}" in entry.PrivateNote


def test_sending_the_same_day_again_creates_nothing_new(home: Home):
    first = home.send(DAY1)
    again = home.send(DAY1)
    assert [o.status for o in first] == ["created"] * 3
    assert [(o.status, o.qbo_id) for o in again] == [("unchanged", o.qbo_id) for o in first]
    assert_exactly_once(home, "journal", first)
    assert {r.attempts for r in ledger_rows(home.store)} == {1}


def test_a_dry_run_says_what_would_be_sent_and_sends_nothing(home: Home):
    outcomes = home.send(DAY1, DAY2, dry_run=True)
    assert {o.status for o in outcomes} == {"ready"}
    assert len(outcomes) == 6
    assert documents_in_quickbooks(home.handle, "journal") == []


def without_one_receipt(source: Path, target: Path) -> Path:
    """The export minus one Bangsar receipt on DAY1 (a correction made in the POS)."""
    con = duckdb.connect()
    (receipt,) = con.execute(
        "SELECT min(receipt_no) FROM read_parquet(?) WHERE business_date = ? AND outlet = 'Bangsar'"
        " AND NOT coalesce(voided, false)",
        [str(source), DAY1],
    ).fetchone()
    con.execute(
        f"COPY (SELECT * FROM read_parquet('{source}') WHERE NOT (business_date = DATE '{DAY1}' "
        f"AND outlet = 'Bangsar' AND receipt_no = '{receipt}')) TO '{target}' (FORMAT parquet)"
    )
    return target


def test_changed_pos_data_is_reported_not_resent_and_replace_updates_the_same_document(
    home: Home, tmp_path: Path
):
    (first,) = home.send(DAY1, outlets=["Bangsar"])
    corrected = without_one_receipt(home.pos_file, tmp_path / "corrected.parquet")

    (changed,) = home.send(DAY1, outlets=["Bangsar"], source=corrected)
    assert changed.status == "changed"
    assert changed.qbo_id == first.qbo_id
    assert "--replace" in changed.message
    (before,) = documents_in_quickbooks(home.handle, "journal")
    assert before["SyncToken"] == "0"

    (updated,) = home.send(DAY1, outlets=["Bangsar"], source=corrected, replace=True)
    assert (updated.status, updated.qbo_id) == ("updated", first.qbo_id)
    (after,) = documents_in_quickbooks(home.handle, "journal")
    assert after["Id"] == first.qbo_id and after["SyncToken"] == "1"

    def sales(doc: dict) -> Decimal:  # credits minus debits on the "Sales - ..." accounts
        return sum(
            Decimal(str(ln["Amount"]))
            * (1 if ln["JournalEntryLineDetail"]["PostingType"] == "Credit" else -1)
            for ln in doc["Line"]
            if ln["JournalEntryLineDetail"]["AccountRef"]["name"].startswith("Sales - ")
        )

    def pos_sales(path: Path) -> Decimal:
        return sum(v for (t, _), v in pos_sums(path, DAY1, "Bangsar").items() if t == "item")

    assert sales(before) == pos_sales(home.pos_file)
    assert sales(after) == pos_sales(corrected) != pos_sales(home.pos_file)
    (row,) = ledger_rows(home.store)
    assert (row.status, row.qbo_id, row.sync_token) == ("posted", first.qbo_id, "1")

    (again,) = home.send(DAY1, outlets=["Bangsar"], source=corrected)
    assert again.status == "unchanged"


def test_a_mapping_change_since_posting_is_reported_as_changed(home: Home):
    (first,) = home.send(DAY1, outlets=["KLCC"])
    mapping = current_mapping(home.store)
    cash = mapping.accounts[("payment", "Cash")]
    bank = next(r for r in mapping.accounts.values() if r.name == "Card Clearing - Amex")
    assert cash != bank
    accounts = {**mapping.accounts, ("payment", "Cash"): bank}
    save_mapping(home.store, replace(mapping, accounts=accounts), note="cash banked differently")
    (second,) = home.send(DAY1, outlets=["KLCC"])
    assert (second.status, second.qbo_id) == ("changed", first.qbo_id)


def test_an_unmapped_payment_method_blocks_the_day_and_nothing_reaches_quickbooks(home: Home):
    mapping = current_mapping(home.store)
    accounts = {k: v for k, v in mapping.accounts.items() if k != ("payment", "GrabPay")}
    save_mapping(home.store, replace(mapping, accounts=accounts), note="GrabPay not decided yet")
    outcomes = home.send(DAY1, DAY3)
    assert {o.status for o in outcomes} == {"blocked"}
    assert len(outcomes) == 9
    assert all("Payment - GrabPay has no QuickBooks account" in o.message for o in outcomes)
    assert documents_in_quickbooks(home.handle, "journal") == []
    assert ledger_rows(home.store) == []


def test_classes_mapped_while_class_tracking_is_off_are_left_out_not_blocking(home: Home):
    """As the POS vendor's integration does: no classes while QuickBooks does not track them."""
    from posbooks.qbo.settings import refresh_settings

    home.handle.admin("preferences", {"class_tracking": False})
    refresh_settings(home.config, home.store)
    (outcome,) = home.send(DAY1, outlets=["Mont Kiara"])
    assert outcome.status == "created", outcome.message
    (entry,) = documents_in_quickbooks(home.handle, "journal")
    assert all("ClassRef" not in ln["JournalEntryLineDetail"] for ln in entry["Line"])


def test_bad_pos_input_sends_nothing_at_all(home: Home, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "business_date,outlet,receipt_no,line_type,category,amount\n"
        "2026-11-02,Bangsar,R1,item,Food,10.00\n"
        "2026-11-02,Bangsar,R1,payment,,10.001\n",
        encoding="utf-8",
    )
    with pytest.raises(PosDataRejected) as rejected:
        home.send(DAY1, source=bad)
    assert "bad.csv" in str(rejected.value)
    assert documents_in_quickbooks(home.handle, "journal") == []


def test_a_day_of_sales_receipts_one_per_payment_method(receipt_home: Home):
    home = receipt_home
    outcomes = home.send(DAY2, outlets=["KLCC"], doc_type="receipt")
    pos = pos_sums(home.pos_file, DAY2, "KLCC")
    methods = {k for (t, k) in pos if t == "payment" and pos[(t, k)]}
    assert {o.doc_key for o in outcomes} == methods
    assert {o.status for o in outcomes} == {"created"}
    receipts = {r["DocNumber"]: r for r in documents_in_quickbooks(home.handle, "receipt")}
    for outcome in outcomes:
        receipt = receipts[outcome.doc_number]
        assert receipt["PaymentMethodRef"]["name"] == outcome.doc_key
        total = sum(
            Decimal(str(ln["Amount"])) for ln in receipt["Line"] if ln.get("SalesItemLineDetail")
        )
        assert total == pos[("payment", outcome.doc_key)]
    assert_exactly_once(home, "receipt", outcomes)
    assert {o.status for o in home.send(DAY2, outlets=["KLCC"], doc_type="receipt")} == {
        "unchanged"
    }


def test_vouchers_into_a_liability_cannot_be_a_receipt_deposit(home: Home):
    # a bookkeeper's own mapping without a receipt deposit account for vouchers
    mapping = current_mapping(home.store)
    save_mapping(home.store, replace(mapping, deposits={}), note="no deposits")
    outcomes = home.send(DAY3, outlets=["Bangsar"], doc_type="receipt")
    voucher = [o for o in outcomes if o.doc_key == "Voucher"]
    assert voucher and voucher[0].status == "blocked"
    assert "Gift Vouchers Outstanding" in voucher[0].message
    sent = {o.doc_number for o in outcomes if o.status == "created"}
    assert {d["DocNumber"] for d in documents_in_quickbooks(home.handle, "receipt")} == sent


def test_a_replace_whose_reply_is_lost_is_recognised_not_applied_twice(home: Home, tmp_path: Path):
    (first,) = home.send(DAY1, outlets=["Bangsar"])
    corrected = without_one_receipt(home.pos_file, tmp_path / "corrected.parquet")
    home.fault("drop_after_commit", path=r"^journalentry$")
    (updated,) = home.send(DAY1, outlets=["Bangsar"], source=corrected, replace=True)
    assert (updated.status, updated.qbo_id) == ("updated", first.qbo_id)
    (after,) = documents_in_quickbooks(home.handle, "journal")
    assert after["SyncToken"] == "1"  # one update, although its reply never came
    assert home.handle.admin("faults")["pending"] == []
