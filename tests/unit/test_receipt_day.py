"""One Sales Receipt per outlet and day, as the POS vendor sends: whole lines, one deposit."""

from __future__ import annotations

from dataclasses import replace

from daybook import pos_day
from posbooks.core.mapping_json import mapping_from_json, mapping_to_json
from posbooks.core.mapping_rules import check_mapping
from posbooks.core.model import Ref
from posbooks.core.receipt_day import receipts_for_day
from posbooks.core.tieout import tie_out
from test_journal import A_BUSY_SATURDAY
from test_receipts import MAPPING

DAY = pos_day(A_BUSY_SATURDAY)
UNDEPOSITED = Ref("4", "Undeposited Funds")
PER_DAY = replace(MAPPING, receipt_grouping="per_day", day_deposit=UNDEPOSITED)


def test_the_day_is_one_receipt_with_every_line_whole_and_deposited_once():
    (receipt,) = receipts_for_day(DAY, PER_DAY)
    assert receipt.payment_method == "all payments" and receipt.deposit_account == UNDEPOSITED
    assert str(receipt.total) == "11888.54"  # every payment method's takings together
    assert sum(ln.amount for ln in receipt.lines) == receipt.total
    food = next(ln for ln in receipt.lines if ln.source == "sales" and ln.key == "Food")
    assert str(food.amount) == "8420.00"  # whole, not pro-rated over payment methods
    assert [m for m, _ in receipt.payments] == ["Cash", "TNG eWallet", "Visa/Master"]
    assert [i.code for i in receipt.issues] == ["unmapped_item"]  # Tips: none in MAPPING
    assert all(t.ties for t in tie_out(DAY, [receipt], "receipt"))  # each method tied


def test_one_per_payment_method_is_still_there_and_mappings_saved_before_keep_it():
    assert len(receipts_for_day(DAY, MAPPING)) == 3
    assert mapping_from_json(mapping_to_json(MAPPING)).receipt_grouping == "per_method"
    back = mapping_from_json(mapping_to_json(PER_DAY))
    assert (back.receipt_grouping, back.day_deposit) == ("per_day", UNDEPOSITED)


def test_the_day_receipt_without_a_deposit_account_is_blocked_saying_where_to_choose_it():
    mapping = replace(PER_DAY, day_deposit=None)
    (receipt,) = receipts_for_day(DAY, mapping)
    assert receipt.blocked
    keys = {(t.source, t.key) for t in DAY.totals}
    issues = [i for i in check_mapping(mapping, None, keys, "receipt") if i.blocking]
    (deposit,) = [i for i in issues if i.source == "payment"]  # no per-method deposit asked
    assert deposit.code == "unmapped_day_deposit"
    assert "Undeposited Funds or a clearing account" in deposit.message


def test_the_day_receipt_has_its_own_docnumber_without_a_method_code():
    from datetime import date

    from posbooks.core.docnumbers import DocNumbers, parse_number
    from posbooks.core.model import DAY_RECEIPT_KEY

    numbers = DocNumbers({"Bangsar": "BAN"}, {"Cash": "CA"})
    day = numbers.number(date(2026, 11, 20), "Bangsar", "receipt", DAY_RECEIPT_KEY)
    cash = numbers.number(date(2026, 11, 20), "Bangsar", "receipt", "Cash")
    assert (day, cash) == ("PB261120-BAN-R", "PB261120-BAN-RCA")
    assert parse_number(day) == ("BAN", "R", "")
