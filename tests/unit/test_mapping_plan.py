"""Which days are ready to send and which are blocked, decided before QuickBooks is called."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from posbooks.core.docnumbers import DocNumbers, assign
from posbooks.core.mapping_rules import suggest_mapping
from posbooks.core.model import DailyTotal, DayTotals, Ref
from posbooks.core.qbo_settings import ListItem
from posbooks.posting.plan import plan_documents
from test_mapping_rules import SETTINGS

DAY = date(2026, 11, 2)


def numbers_for(days: list[DayTotals]) -> DocNumbers:
    """Codes for the outlets and payment methods of ``days``, as a new home assigns them."""
    keys = [t.key or "" for d in days for t in d.totals if t.source == "payment"]
    return DocNumbers(assign([d.outlet for d in days], (), 5), assign(keys, (), 4))


def bangsar(*rows: tuple[str, str | None, str]) -> DayTotals:
    """A day at Bangsar from (source, key, POS amount) rows."""
    return DayTotals(
        DAY, "Bangsar", tuple(DailyTotal(DAY, "Bangsar", s, k, Decimal(a)) for s, k, a in rows)
    )


BALANCED = bangsar(
    ("sales", "Food", "100.00"), ("tax", "SST6", "6.00"), ("payment", "Cash", "106.00")
)
SHORT = bangsar(("sales", "Food", "100.00"), ("tax", "SST6", "6.00"), ("payment", "Cash", "105.50"))
KEYS = {("sales", "Food"), ("tax", "SST6"), ("payment", "Cash")}


def test_a_balanced_day_with_a_complete_mapping_is_ready():
    mapping = replace(suggest_mapping(KEYS, SETTINGS, outlets=["Bangsar"]), version=4)
    (planned,) = plan_documents([BALANCED], mapping, SETTINGS, "journal", numbers_for([BALANCED]))
    assert planned.blocked is None
    assert planned.doc.mapping_version == 4
    assert [ln["Amount"] for ln in planned.doc.body["Line"]] == ["106.00", "100.00", "6.00"]


def test_a_short_day_without_an_over_short_account_is_blocked_and_says_so():
    mapping = suggest_mapping(KEYS, SETTINGS)
    without = replace(
        mapping, accounts={k: v for k, v in mapping.accounts.items() if k[0] != "over_short"}
    )
    (planned,) = plan_documents([SHORT], without, SETTINGS, "journal", numbers_for([SHORT]))
    assert planned.doc is None
    assert planned.blocked.status == "blocked"
    assert "short by 0.50" in planned.blocked.message
    # with the over/short account mapped, the 0.50 is booked to it and the day goes
    (planned,) = plan_documents([SHORT], mapping, SETTINGS, "journal", numbers_for([SHORT]))
    over_short = [
        ln for ln in planned.doc.body["Line"]
        if ln["JournalEntryLineDetail"]["AccountRef"]["name"] == "Cash Over/Short"
    ]  # fmt: skip
    assert [(ln["Amount"], ln["JournalEntryLineDetail"]["PostingType"]) for ln in over_short] == [
        ("0.50", "Debit")
    ]


def test_an_account_deleted_in_quickbooks_blocks_with_its_name():
    mapping = suggest_mapping(KEYS, SETTINGS)
    accounts = {**mapping.accounts, ("tax", "SST6"): Ref("404", "SST Payable (old)")}
    (planned,) = plan_documents(
        [BALANCED],
        replace(mapping, accounts=accounts),
        SETTINGS,
        "journal",
        numbers_for([BALANCED]),
    )
    assert "'SST Payable (old)' (Id 404), which no longer exists" in planned.blocked.message


def test_receipts_are_planned_one_per_payment_method_with_its_quickbooks_payment_method():
    day = bangsar(
        ("sales", "Food", "100.00"),
        ("payment", "Cash", "40.00"),
        ("payment", "Visa/Master", "60.00"),
    )
    keys = {("sales", "Food"), ("payment", "Cash"), ("payment", "Visa/Master")}
    settings = replace(
        SETTINGS,
        payment_methods=(
            ListItem("pm1", "Cash"),
            ListItem("pm2", "Visa/Master"),
        ),
    )
    planned = plan_documents(
        [day], suggest_mapping(keys, settings), settings, "receipt", numbers_for([day])
    )
    assert [p.doc.doc_key for p in planned] == ["Cash", "Visa/Master"]
    assert [p.doc.body["PaymentMethodRef"]["value"] for p in planned] == ["pm1", "pm2"]
    assert [p.doc.body["Line"][0]["Amount"] for p in planned] == ["40.00", "60.00"]
