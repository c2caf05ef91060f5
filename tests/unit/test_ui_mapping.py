"""The Mapping page's tables: grouped rows, unmapped rows flagged, edits back to Ids."""

from __future__ import annotations

import pytest
from posbooks.app.mapping import (
    ITEM_SUGGESTED,
    ITEM_UNMAPPED,
    MAPPED,
    NONE,
    NOT_SENT,
    SAME_AS_JOURNAL,
    account_choices,
    account_rows,
    deposit_choices,
    deposit_label,
    deposit_rows,
    item_choices,
    item_key_for_label,
    item_keys,
    item_label,
    item_rows,
    key_for_label,
    list_rows,
    method_for_deposit_label,
    needs_attention,
    refs_from_rows,
    with_account,
    with_accounts_table,
    with_deposit,
    with_deposits_table,
    with_item,
)
from posbooks.core.mapping_rules import check_mapping
from posbooks.core.model import Issue, Mapping, Ref
from posbooks.core.qbo_settings import Account, Item, ListItem, QboSettings

SETTINGS = QboSettings(
    realm_id="1",
    company_name="Nasi & Co",
    accounts=(
        Account("10", "Sales - Food", "Income"),
        Account("20", "Undeposited Funds", "Other Current Asset"),
        Account("30", "Old Sales", "Income", active=False),
    ),
    classes=(ListItem("5", "Kitchen"), ListItem("6", "Bar", active=False)),
    items=(Item("7", "Food Sales", "Service"),),
)
KEYS = [("sales", "Food"), ("payment", "Cash"), ("tax", "SST6"), ("discount", None)]


def test_rows_are_grouped_payments_first_and_over_short_always_offered():
    rows = account_rows(KEYS, Mapping())
    assert [r["Kind"] for r in rows] == ["Payments", "Sales", "Discounts", "Taxes", "Over/short"]
    assert [r["POS amount"] for r in rows][:2] == ["Payment - Cash", "Sales - Food"]
    assert rows[-1]["Status"] == "optional"  # over/short only matters on a day that needs it


def test_unmapped_rows_stand_out_and_mapped_rows_show_the_account():
    mapping = Mapping(accounts={("sales", "Food"): Ref("10", "Sales - Food")})
    rows = {r["POS amount"]: r for r in account_rows(KEYS, mapping)}
    assert rows["Sales - Food"]["QuickBooks account"] == "Sales - Food"
    assert rows["Sales - Food"]["Status"] == MAPPED
    assert rows["Payment - Cash"]["QuickBooks account"] == NONE
    assert rows["Payment - Cash"]["Status"] == "UNMAPPED (blocks sending)"
    assert rows["Tax - SST6"]["Status"] == "UNMAPPED (blocks journal entries)"  # receipts: Items
    assert [needs_attention(r["Status"]) for r in rows.values()] == [True, False, True, True, False]


def test_a_blocking_issue_replaces_the_status_with_what_to_fix():
    mapping = Mapping(accounts={("sales", "Food"): Ref("30", "Old Sales")})
    issue = Issue(
        "account_inactive",
        "Sales - Food is mapped to 'Old Sales', which is inactive",
        source="sales",
        key="Food",
    )
    rows = {r["POS amount"]: r for r in account_rows(KEYS, mapping, issues=[issue])}
    assert "inactive" in rows["Sales - Food"]["Status"]


def test_suggestions_are_marked_in_their_own_column():
    suggestion = Mapping(accounts={("payment", "Cash"): Ref("20", "Undeposited Funds")})
    rows = {r["POS amount"]: r for r in account_rows(KEYS, Mapping(), suggestion)}
    assert rows["Payment - Cash"]["Suggested"] == "Undeposited Funds"
    assert rows["Payment - Cash"]["QuickBooks account"] == NONE  # not applied until chosen


def test_a_suggestion_not_yet_applied_reads_suggested_like_the_items_table():
    suggestion = Mapping(accounts={("sales", "Food"): Ref("10", "Sales - Food")})
    rows = {r["POS amount"]: r for r in account_rows(KEYS, Mapping(), suggestion)}
    assert rows["Sales - Food"]["Status"] == "SUGGESTED (blocks journal entries)"
    assert rows["Payment - Cash"]["Status"].startswith("UNMAPPED")  # nothing to suggest
    assert needs_attention(rows["Sales - Food"]["Status"])  # still highlighted
    applied = Mapping(accounts=suggestion.accounts)
    assert account_rows(KEYS, applied, suggestion)[1]["Status"] == MAPPED


def test_a_payment_with_its_own_deposit_account_blocks_only_journal_entries():
    mapping = Mapping(deposits={"Cash": Ref("20", "Undeposited Funds")})
    rows = {r["POS amount"]: r for r in account_rows(KEYS, mapping)}
    assert rows["Payment - Cash"]["Status"] == "UNMAPPED (blocks journal entries)"


def test_choices_offer_none_and_only_active_accounts():
    assert account_choices(SETTINGS) == [NONE, NOT_SENT, "Sales - Food", "Undeposited Funds"]
    assert account_choices(None) == [NONE, NOT_SENT]


def test_choosing_an_account_by_name_records_its_id_and_none_unmaps():
    row = key_for_label(KEYS, "Payment - Cash")
    assert row == ("payment", "Cash")
    mapped = with_account(Mapping(), SETTINGS, row, "Undeposited Funds")
    assert mapped.accounts[row] == Ref("20", "Undeposited Funds")
    assert row not in with_account(mapped, SETTINGS, row, NONE).accounts


def test_an_inactive_or_unknown_account_is_refused():
    with pytest.raises(ValueError, match="Old Sales"):
        with_account(Mapping(), SETTINGS, ("sales", "Food"), "Old Sales")


def test_edited_grid_rows_become_the_mapping():
    rows = account_rows(KEYS, Mapping())
    rows[0]["QuickBooks account"] = "Undeposited Funds"
    rows[1]["QuickBooks account"] = "Sales - Food"
    mapping = with_accounts_table(Mapping(), SETTINGS, KEYS, rows)
    assert mapping.accounts == {
        ("payment", "Cash"): Ref("20", "Undeposited Funds"),
        ("sales", "Food"): Ref("10", "Sales - Food"),
    }


def test_class_table_round_trips_and_drops_none_and_inactive():
    rows = list_rows(["Food", "Alcohol"], {"Food": Ref("5", "Kitchen")}, "Class", "Category")
    assert rows == [
        {"Category": "Food", "Class": "Kitchen"},
        {"Category": "Alcohol", "Class": NONE},
    ]
    rows[1]["Class"] = "Bar"  # inactive in QuickBooks: not offered, not kept
    assert refs_from_rows(rows, SETTINGS.classes, "Class", "Category") == {
        "Food": Ref("5", "Kitchen")
    }


def test_item_rows_read_like_the_pos_amounts_and_map_back_to_item_keys():
    names = ["Food", "tax:SST6", "discount", "discount:Food", "service_charge"]
    assert [item_label(n) for n in names] == [
        "Sales - Food",
        "Tax - SST6",
        "Discount - whole receipt",
        "Discount - Food",
        "Service charge",
    ]
    rows = list_rows(names, {}, "Item", "POS amount", item_label)
    rows[1]["Item"] = "Food Sales"
    chosen = refs_from_rows(rows, SETTINGS.items, "Item", "POS amount", names, item_label)
    assert chosen == {"tax:SST6": Ref("7", "Food Sales")}


def test_receipt_items_list_categories_before_other_amounts():
    keys = [
        ("sales", "Food"),
        ("sales", "Alcohol"),
        ("tax", "SST6"),
        ("service_charge", None),
        ("payment", "Cash"),
        ("discount", None),
    ]
    assert item_keys(keys) == ["Alcohol", "Food", "discount", "service_charge", "tax:SST6"]


LIABILITY = Account("40", "Gift Vouchers Outstanding", "Other Current Liability")
WITH_VOUCHERS = QboSettings(
    realm_id="1", company_name="Nasi & Co", accounts=(*SETTINGS.accounts, LIABILITY)
)
VOUCHER_KEYS = [*KEYS, ("payment", "Voucher")]


def test_deposit_rows_default_to_the_journal_account_and_flag_a_liability():
    mapping = Mapping(
        accounts={
            ("payment", "Cash"): Ref("20", "Undeposited Funds"),
            ("payment", "Voucher"): Ref("40", "Gift Vouchers Outstanding"),
        }
    )
    suggestion = Mapping(deposits={"Voucher": Ref("20", "Undeposited Funds")})
    issues = check_mapping(mapping, WITH_VOUCHERS, VOUCHER_KEYS, "receipt")
    rows = {r["Payment method"]: r for r in deposit_rows(VOUCHER_KEYS, mapping, suggestion, issues)}
    assert list(rows) == ["Payment - Cash", "Payment - Voucher"]
    assert rows["Payment - Cash"]["Deposit account"] == SAME_AS_JOURNAL
    assert rows["Payment - Cash"]["Status"] == MAPPED
    assert rows["Payment - Voucher"]["Suggested"] == "Undeposited Funds"
    assert "cannot hold it as a deposit account" in rows["Payment - Voucher"]["Status"]


def test_deposit_rows_whose_journal_account_is_only_suggested_read_suggested():
    suggestion = Mapping(
        accounts={("payment", "Cash"): Ref("20", "Undeposited Funds")},
        deposits={"Voucher": Ref("20", "Undeposited Funds")},
    )
    rows = {r["Payment method"]: r for r in deposit_rows(VOUCHER_KEYS, Mapping(), suggestion)}
    cash, voucher = rows["Payment - Cash"], rows["Payment - Voucher"]
    assert cash["Suggested"] == "Undeposited Funds (journal account)"
    assert cash["Status"] == voucher["Status"] == "SUGGESTED (blocks receipts)"
    assert voucher["Suggested"] == "Undeposited Funds"  # its own deposit account
    assert needs_attention(cash["Status"])
    bare = deposit_rows(VOUCHER_KEYS, Mapping())  # never refreshed: nothing suggested
    assert [(r["Suggested"], r["Status"]) for r in bare] == [("", ITEM_UNMAPPED)] * 2


def test_deposit_edits_set_and_clear_the_receipt_deposit_account():
    assert deposit_choices(WITH_VOUCHERS) == [SAME_AS_JOURNAL, "Undeposited Funds"]  # Bank/OCA
    table = [{"Payment method": "Payment - Voucher", "Deposit account": "Undeposited Funds"}]
    mapping = with_deposits_table(Mapping(), WITH_VOUCHERS, VOUCHER_KEYS, table)
    assert mapping.deposits == {"Voucher": Ref("20", "Undeposited Funds")}
    assert with_deposit(mapping, WITH_VOUCHERS, "Voucher", NONE).deposits == {}
    with pytest.raises(ValueError, match="no active account"):
        with_deposit(mapping, WITH_VOUCHERS, "Voucher", "Old Sales")
    assert method_for_deposit_label(VOUCHER_KEYS, deposit_label("Voucher")) == (True, "Voucher")
    assert method_for_deposit_label(VOUCHER_KEYS, "Payment - Voucher") == (False, None)


# --- the Items table (sales receipts) -------------------------------------------------------

ITEM_SETTINGS = QboSettings(
    realm_id="1",
    company_name="Nasi & Co",
    items=(
        Item("7", "Food Sales", "Service"),
        Item("8", "Sales Tax", "Service"),
        Item("9", "Old Food", "Service", active=False),
    ),
)


def _item_rows(mapping, suggestion=None, keys=KEYS):
    issues = check_mapping(mapping, ITEM_SETTINGS, keys, "receipt")
    return {r["POS amount"]: r for r in item_rows(keys, mapping, suggestion, issues)}


def test_item_rows_say_mapped_suggested_or_unmapped_and_which_block_receipts():
    mapping = Mapping(items={"Food": Ref("7", "Food Sales")})
    suggestion = Mapping(items={"tax:SST6": Ref("8", "Sales Tax")})
    rows = _item_rows(mapping, suggestion)
    assert list(rows) == ["Sales - Food", "Discount - whole receipt", "Tax - SST6"]
    assert rows["Sales - Food"] == {
        "POS amount": "Sales - Food", "Item": "Food Sales", "Suggested": "", "Status": MAPPED,
    }  # fmt: skip
    assert rows["Tax - SST6"]["Item"] == NONE  # a suggestion is shown, not applied
    assert rows["Tax - SST6"]["Suggested"] == "Sales Tax"
    assert rows["Tax - SST6"]["Status"] == ITEM_SUGGESTED
    assert rows["Discount - whole receipt"]["Status"] == ITEM_UNMAPPED
    assert "blocks receipts" in ITEM_SUGGESTED and "blocks receipts" in ITEM_UNMAPPED
    assert [needs_attention(r["Status"]) for r in rows.values()] == [False, True, True]


def test_an_inactive_item_is_a_problem_with_what_to_do():
    rows = _item_rows(Mapping(items={"Food": Ref("9", "Old Food")}))
    status = rows["Sales - Food"]["Status"]
    assert status.startswith("PROBLEM: ") and "inactive" in status and "Choose another" in status
    assert needs_attention(status)
    gone = _item_rows(Mapping(items={"Food": Ref("99", "Deleted Item")}))
    assert "no longer exists" in gone["Sales - Food"]["Status"]


def test_a_tax_code_without_its_own_item_books_through_the_general_tax_item():
    keys = [("tax", "SST6"), ("tax", None)]
    assert [item_label(k) for k in item_keys(keys)] == ["Tax", "Tax - SST6"]
    rows = _item_rows(Mapping(items={"tax": Ref("8", "Sales Tax")}), keys=keys)
    assert rows["Tax"]["Status"] == MAPPED
    assert rows["Tax - SST6"]["Item"] == NONE
    assert (
        rows["Tax - SST6"]["Status"].startswith(MAPPED)
        and "Sales Tax" in rows["Tax - SST6"]["Status"]
    )
    assert not needs_attention(rows["Tax - SST6"]["Status"])


def test_setting_one_item_records_its_id_and_none_unmaps():
    assert item_choices(ITEM_SETTINGS) == [NONE, "Food Sales", "Sales Tax"]  # active only
    assert item_choices(None) == [NONE]
    key = item_key_for_label(KEYS, "Tax - SST6")
    assert key == "tax:SST6"
    mapping = with_item(Mapping(), ITEM_SETTINGS, key, "Sales Tax")
    assert mapping.items == {"tax:SST6": Ref("8", "Sales Tax")}
    assert with_item(mapping, ITEM_SETTINGS, key, NONE).items == {}
    with pytest.raises(ValueError, match="no active Item named 'Old Food'"):
        with_item(mapping, ITEM_SETTINGS, key, "Old Food")


def test_tax_code_and_line_tax_tables_round_trip_to_the_mapping():
    from posbooks.app import mapping as um
    from posbooks.core.qbo_settings import Preferences, TaxCode

    settings = QboSettings(
        realm_id="1",
        company_name="MY",
        country="MY",
        preferences=Preferences(using_sales_tax=True),
        tax_codes=(
            TaxCode("1", "SST6", sales_rate_ids=("1",)),
            TaxCode("2", "SST10", sales_rate_ids=("2",)),
            TaxCode("3", "OS", taxable=False, sales_rate_ids=("3",)),
            TaxCode("4", "Old", active=False),
        ),
    )
    keys = {("sales", "Food"), ("sales", "Alcohol"), ("discount", None), ("tax", "SST6"),
            ("tax", "SST10"), ("service_charge", None)}  # fmt: skip
    assert um.tax_code_choices(settings) == [NONE, "OS", "SST10", "SST6"]  # inactive left out
    rows = um.tax_code_rows(keys, Mapping())
    assert [r["POS tax code"] for r in rows] == ["SST10", "SST6", um.UNTAXED_LABEL]
    assert {r["Status"] for r in rows} == {"UNMAPPED (blocks sending)"}
    rows[0]["QuickBooks tax code"], rows[2]["QuickBooks tax code"] = "SST10", "OS"
    mapping = um.with_tax_codes_table(Mapping(), settings, keys, rows)
    assert mapping.tax_codes == {"SST10": Ref("2", "SST10"), "untaxed": Ref("3", "OS")}
    with pytest.raises(ValueError, match="no active tax code named 'Old'"):
        um.with_tax_code(mapping, settings, "SST6", "Old")

    lines = um.line_tax_rows(keys, mapping)
    assert [r["Line"] for r in lines] == ["Alcohol", "Food", "Discount - whole receipt",
                                          "Service charge"]  # fmt: skip
    lines[0]["POS tax code"] = "SST10"
    mapping = um.with_line_taxes_table(mapping, keys, lines)
    assert mapping.line_taxes == {"Alcohol": "SST10"}
    issues = check_mapping(mapping, settings, keys, "receipt")
    status = {r["POS tax code"]: r["Status"] for r in um.tax_code_rows(keys, mapping, None, issues)}
    assert status["SST10"] == MAPPED
    assert status["SST6"] == "UNMAPPED (blocks sending)"
    mapping = um.with_tax_code(mapping, settings, "SST6", "SST6")
    issues = check_mapping(mapping, settings, keys, "receipt")
    status = {r["POS tax code"]: r["Status"] for r in um.tax_code_rows(keys, mapping, None, issues)}
    assert status["SST6"].startswith("PROBLEM: POS tax code SST6 taxes no line")


def test_the_one_row_controls_start_from_the_rows_current_value():
    from posbooks.app.mapping import (
        NONE,
        current_account_choice,
        current_item_choice,
        deposit_label,
        unsaved_changes,
    )
    from posbooks.core.model import Mapping, Ref

    keys = [("sales", "Food"), ("payment", "Cash"), ("payment", "Voucher")]
    mapping = Mapping(
        accounts={("sales", "Food"): Ref("1", "Food Sales"), ("payment", "Cash"): Ref("2", "Cash")},
        items={"Food": Ref("9", "Food")},
        deposits={"Voucher": Ref("3", "Undeposited Funds")},
        version=4,
    )
    assert current_account_choice(mapping, keys, "Sales - Food") == "Food Sales"
    assert current_account_choice(mapping, keys, "Payment - Voucher") == NONE
    assert current_account_choice(mapping, keys, deposit_label("Voucher")) == "Undeposited Funds"
    assert current_item_choice(mapping, keys, "Sales - Food") == "Food"
    assert not unsaved_changes(Mapping(accounts=dict(mapping.accounts), items=dict(mapping.items),
                                       deposits=dict(mapping.deposits)), mapping)  # fmt: skip
    assert unsaved_changes(Mapping(), mapping)


def test_none_on_purpose_is_chosen_shown_and_undone_in_the_accounts_table():
    from posbooks.app.mapping import NOT_SENT, NOT_SENT_STATUS, account_rows, needs_attention
    from posbooks.app.mapping import with_account as set_account
    from posbooks.core.model import Mapping

    keys = [("sales", "Food"), ("tip", None), ("payment", "Cash")]
    left_out = set_account(Mapping(), SETTINGS, ("tip", None), NOT_SENT)
    assert left_out.not_sent == {("tip", None)} and ("tip", None) not in left_out.accounts
    tips = next(r for r in account_rows(keys, left_out) if r["POS amount"] == "Tips")
    assert (tips["QuickBooks account"], tips["Status"]) == (NOT_SENT, NOT_SENT_STATUS)
    assert not needs_attention(tips["Status"])
    back = set_account(left_out, SETTINGS, ("tip", None), "Sales - Food")
    assert back.not_sent == frozenset() and back.accounts[("tip", None)].name == "Sales - Food"
    assert set_account(Mapping(), SETTINGS, ("over_short", None), NOT_SENT).not_sent == frozenset()
