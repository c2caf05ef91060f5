"""Mapping rules in a bookkeeper's words: what may hold what, and what is still missing."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from posbooks.core.mapping_rules import check_mapping, suggest_mapping
from posbooks.core.model import Mapping, Ref
from posbooks.core.qbo_settings import Account, Item, ListItem, Preferences, QboSettings

CHART = """
1   Maybank Current Account      Bank                     Checking
2   Cash on Hand                 Bank                     CashOnHand
3   Undeposited Funds            Other Current Asset      UndepositedFunds
4   Card Clearing - Visa/Master  Other Current Asset      OtherCurrentAssets
5   Card Clearing - Amex         Other Current Asset      OtherCurrentAssets
6   E-Wallet Clearing - TNG      Other Current Asset      OtherCurrentAssets
7   E-Wallet Clearing - GrabPay  Other Current Asset      OtherCurrentAssets
8   Gift Vouchers Outstanding    Other Current Liability  OtherCurrentLiabilities
10  Sales - Food                 Income                   SalesOfProductIncome
11  Sales - Beverages            Income                   SalesOfProductIncome
12  Sales - Desserts             Income                   SalesOfProductIncome
13  Sales - Alcohol              Income                   SalesOfProductIncome
14  Service Charge Income        Income                   ServiceFeeIncome
15  Discounts Given              Income                   DiscountsRefundsGiven
16  SST Payable - SST6           Other Current Liability  SalesTaxPayable
17  SST Payable - SST10          Other Current Liability  SalesTaxPayable
18  Tips Payable                 Other Current Liability  OtherCurrentLiabilities
19  Rounding Adjustment          Other Income             OtherMiscellaneousIncome
20  Cash Over/Short              Expense                  OtherMiscellaneousServiceCost
21  Old Sales Account            Income                   SalesOfProductIncome       inactive
"""


def _chart() -> tuple[Account, ...]:
    rows = [re.split(r"\s{2,}", row.strip()) for row in CHART.strip().splitlines()]
    return tuple(Account(r[0], r[1], r[2], r[3], active=r[4:] != ["inactive"]) for r in rows)


CATEGORIES = ("Food", "Beverages", "Desserts", "Alcohol")
OUTLETS = ("Bangsar", "KLCC", "Mont Kiara")
SETTINGS = QboSettings(
    realm_id="9130357000000001",
    company_name="Nasi & Co Restaurant Group (sandbox)",
    accounts=_chart(),
    classes=tuple(ListItem(f"c{i}", c) for i, c in enumerate(CATEGORIES)),
    departments=tuple(ListItem(f"d{i}", o) for i, o in enumerate(OUTLETS)),
    items=(
        *(Item(f"i{i}", f"{c} Sales", "Service", str(10 + i)) for i, c in enumerate(CATEGORIES)),
        Item("i8", "Service Charge", "Service", "14"),
        Item("i9", "Tips", "Service", "18"),
        Item("i10", "Rounding", "Service", "19"),
        Item("i11", "Discount", "Service", "15"),
        Item("i12", "SST6", "Service", "16"),
        Item("i13", "SST10", "Service", "17", active=False),
    ),
    preferences=Preferences(
        class_tracking=True, class_tracking_per_line=True, location_tracking=True
    ),
)
PAYMENTS = ("Cash", "Visa/Master", "Amex", "TNG eWallet", "GrabPay", "Voucher")
A_DAYS_KEYS = {
    *(("sales", c) for c in CATEGORIES),
    ("discount", "Food"),
    ("discount", None),
    ("service_charge", None),
    ("tax", "SST6"),
    ("tax", "SST10"),
    ("rounding", None),
    ("tip", None),
    *(("payment", p) for p in PAYMENTS),
}


def names(mapping: Mapping) -> dict:
    return {k: r.name for k, r in mapping.accounts.items()}


def test_the_demo_chart_reads_as_written():
    assert SETTINGS.account("8").account_type == "Other Current Liability"
    assert SETTINGS.account("21").active is False
    assert SETTINGS.account("3").account_subtype == "UndepositedFunds"


def test_suggestions_pick_the_account_a_bookkeeper_would():
    suggested = names(suggest_mapping(A_DAYS_KEYS, SETTINGS, outlets=OUTLETS))
    assert suggested[("sales", "Food")] == "Sales - Food"
    assert suggested[("sales", "Desserts")] == "Sales - Desserts"
    assert suggested[("payment", "Visa/Master")] == "Card Clearing - Visa/Master"
    assert suggested[("payment", "Amex")] == "Card Clearing - Amex"
    assert suggested[("payment", "TNG eWallet")] == "E-Wallet Clearing - TNG"
    assert suggested[("payment", "GrabPay")] == "E-Wallet Clearing - GrabPay"
    assert suggested[("payment", "Cash")] == "Cash on Hand"
    assert suggested[("payment", "Voucher")] == "Gift Vouchers Outstanding"
    assert suggested[("tax", "SST6")] == "SST Payable - SST6"
    assert suggested[("tax", "SST10")] == "SST Payable - SST10"
    assert suggested[("discount", None)] == "Discounts Given"
    assert suggested[("discount", "Food")] == "Discounts Given"
    assert suggested[("service_charge", None)] == "Service Charge Income"
    assert suggested[("tip", None)] == "Tips Payable"
    assert suggested[("rounding", None)] == "Rounding Adjustment"
    assert suggested[("over_short", None)] == "Cash Over/Short"


def test_suggested_mapping_for_a_journal_has_nothing_left_to_fix():
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS, outlets=OUTLETS)
    assert mapping.classes["Food"].name == "Food"
    assert mapping.locations["Mont Kiara"].name == "Mont Kiara"
    assert check_mapping(mapping, SETTINGS, A_DAYS_KEYS, "journal", outlets=OUTLETS) == []


def test_suggestions_keep_what_the_bookkeeper_already_chose():
    chosen = Mapping(accounts={("payment", "Cash"): Ref("1", "Maybank Current Account")})
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS, base=chosen)
    assert mapping.accounts[("payment", "Cash")].name == "Maybank Current Account"


def test_no_suggestion_for_a_category_without_its_own_income_account():
    assert ("sales", "Noodles") not in suggest_mapping({("sales", "Noodles")}, SETTINGS).accounts


def test_inactive_accounts_are_never_suggested():
    assert ("sales", "Old") not in suggest_mapping({("sales", "Old")}, SETTINGS).accounts


def test_an_unmapped_payment_method_blocks_and_says_which_account_types_fit():
    mapping = suggest_mapping(A_DAYS_KEYS - {("payment", "GrabPay")}, SETTINGS)
    issues = check_mapping(mapping, SETTINGS, A_DAYS_KEYS, "journal")
    assert [(i.code, i.key, i.blocking) for i in issues] == [("unmapped", "GrabPay", True)]
    assert "Payment - GrabPay has no QuickBooks account" in issues[0].message
    assert "Bank or Other Current Asset" in issues[0].message


def test_a_receipt_level_discount_account_covers_every_category_discount():
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS)
    accounts = {k: v for k, v in mapping.accounts.items() if k != ("discount", "Food")}
    assert check_mapping(replace(mapping, accounts=accounts), SETTINGS, A_DAYS_KEYS) == []


@pytest.mark.parametrize(
    ("row", "account_id", "fits"),
    [
        (("sales", "Food"), "16", False),  # sales into SST payable
        (("sales", "Food"), "19", True),  # Other Income holds sales
        (("payment", "Cash"), "10", False),  # cash into an income account
        (("payment", "Cash"), "3", True),  # Undeposited Funds
        (("payment", "Visa/Master"), "8", False),  # a card tender is not a liability
        (("payment", "Voucher"), "8", True),  # redeeming a voucher reduces the liability
        (("tax", "SST6"), "15", False),  # tax into income
        (("tip", None), "18", True),
        (("tip", None), "14", False),  # tips are owed to staff, not earned
        (("discount", None), "20", True),  # discounts as an expense
        (("discount", None), "16", False),
        (("rounding", None), "20", True),
        (("over_short", None), "19", True),
        (("service_charge", None), "3", False),
    ],
)
def test_account_type_must_be_able_to_hold_the_amount(row, account_id, fits):
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS)
    account = SETTINGS.account(account_id)
    accounts = {**mapping.accounts, row: Ref(account.id, account.name)}
    issues = check_mapping(replace(mapping, accounts=accounts), SETTINGS, A_DAYS_KEYS)
    assert [i.code for i in issues] == ([] if fits else ["account_type"])
    if not fits:
        assert f"'{account.name}' ({account.account_type})" in issues[0].message


def test_a_voucher_liability_cannot_be_the_deposit_account_of_a_sales_receipt():
    mapping = replace(suggest_mapping(A_DAYS_KEYS, SETTINGS), deposits={})  # the user's choice
    issues = check_mapping(mapping, SETTINGS, A_DAYS_KEYS - {("tax", "SST10")}, "receipt")
    assert [(i.code, i.key) for i in issues] == [("account_type", "Voucher")]
    assert "deposit account" in issues[0].message


def test_suggested_vouchers_reduce_the_liability_in_journals_and_deposit_receipts_to_an_asset():
    """Out of the box both journeys work: a journal debits Gift Vouchers Outstanding,
    a sales receipt (Bank / Other Current Asset only) deposits to Undeposited Funds."""
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS)
    assert mapping.accounts[("payment", "Voucher")].name == "Gift Vouchers Outstanding"
    assert mapping.deposits == {"Voucher": Ref("3", "Undeposited Funds")}  # only the voucher
    receipt_keys = A_DAYS_KEYS - {("tax", "SST10")}  # its Item is inactive in this chart
    assert check_mapping(mapping, SETTINGS, receipt_keys, "receipt") == []
    assert check_mapping(mapping, SETTINGS, A_DAYS_KEYS, "journal") == []
    # a deposit account the bookkeeper already chose is kept
    mine = Mapping(deposits={"Voucher": Ref("1", "Maybank Current Account")})
    assert suggest_mapping(A_DAYS_KEYS, SETTINGS, base=mine).deposits == mine.deposits


def test_an_account_made_inactive_or_deleted_in_quickbooks_blocks():
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS)
    accounts = {**mapping.accounts, ("sales", "Food"): Ref("21", "Old Sales Account")}
    accounts[("sales", "Alcohol")] = Ref("99", "Sales - Wine")
    issues = check_mapping(replace(mapping, accounts=accounts), SETTINGS, A_DAYS_KEYS)
    by_key = {i.key: i for i in issues}
    assert by_key["Food"].code == "account_inactive"
    assert "inactive in QuickBooks" in by_key["Food"].message
    assert by_key["Alcohol"].code == "account_missing"
    assert "'Sales - Wine' (Id 99), which no longer exists" in by_key["Alcohol"].message


def test_classes_while_class_tracking_is_off_say_how_to_turn_it_on():
    settings = replace(SETTINGS, preferences=Preferences(location_tracking=True))
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS, outlets=OUTLETS)
    issues = check_mapping(mapping, settings, A_DAYS_KEYS, outlets=OUTLETS)
    assert [(i.code, i.blocking) for i in issues] == [("class_tracking_off", False)]
    assert "Settings > Account and settings > Advanced > Categories > Track classes" in (
        issues[0].message
    )
    # and a company without class tracking gets no class suggestions at all
    assert suggest_mapping(A_DAYS_KEYS, settings).classes == {}


def test_locations_while_location_tracking_is_off_say_how_to_turn_it_on():
    settings = replace(SETTINGS, preferences=Preferences(class_tracking=True))
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS, outlets=OUTLETS)
    issues = check_mapping(mapping, settings, A_DAYS_KEYS, outlets=OUTLETS)
    assert [i.code for i in issues] == ["location_tracking_off"]
    assert "Track locations" in issues[0].message


def test_receipts_need_an_item_per_category_and_an_active_one():
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS)
    items = {k: v for k, v in mapping.items.items() if k != "Desserts"}
    items["tax:SST10"] = Ref("i13", "SST10")  # made inactive in QuickBooks since
    keys = {k for k in A_DAYS_KEYS if k[0] != "payment" or k[1] != "Voucher"}
    issues = check_mapping(replace(mapping, items=items), SETTINGS, keys, "receipt")
    assert [(i.code, i.source, i.key) for i in issues] == [
        ("item_unmapped", "sales", "Desserts"),
        ("item_inactive", "tax", "SST10"),
    ]
    assert "Sales - Desserts has no QuickBooks Item" in issues[0].message


def test_without_fetched_settings_only_unmapped_rows_are_checked():
    issues = check_mapping(Mapping(), None, {("sales", "Food")})
    assert [(i.code, i.blocking) for i in issues] == [
        ("unmapped", True),
        ("settings_missing", False),
    ]


def test_classes_are_kept_but_not_sent_while_class_tracking_is_off():
    from posbooks.core.mapping_rules import mapping_to_send

    off = replace(SETTINGS, preferences=Preferences(location_tracking=True))
    mapping = suggest_mapping(A_DAYS_KEYS, SETTINGS, outlets=OUTLETS)
    assert mapping.classes
    issues = check_mapping(mapping, off, A_DAYS_KEYS, outlets=OUTLETS)
    assert not [i for i in issues if i.blocking]  # sending is not blocked
    assert "Classes are not sent while class tracking is off" in issues[0].message
    assert mapping_to_send(mapping, off).classes == {}
    assert mapping_to_send(mapping, SETTINGS).classes == mapping.classes  # back when it is on


def test_account_type_messages_use_the_right_article():
    from posbooks.core.mapping_rules import _a

    assert (_a("account"), _a("Income"), _a("Bank or Other Current Asset")) == (
        "an account",
        "an Income",
        "a Bank or Other Current Asset",
    )
