"""Mapping page: refresh settings, suggestions, the one-row control, save and validation."""

from __future__ import annotations

from posbooks.drafts.mapping import current_mapping
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import open_page, texts


def _saved():
    return current_mapping(open_store(load_config()))


def _accounts(at):
    frame = at.data_editor[0].value
    return dict(zip(frame["POS amount"], frame["QuickBooks account"], strict=True))


def test_disconnected_the_grid_lists_every_pos_amount_unmapped(workbench_env):
    at = open_page("mapping")
    assert not at.exception
    refresh = next(b for b in at.button if b.label == "Refresh QuickBooks Online Settings")
    assert refresh.disabled
    assert "never refreshed" in texts(at)
    assert "Connect to QuickBooks on Connect first, then refresh." in texts(at)  # why disabled
    frame = at.data_editor[0].value
    assert list(frame.columns) == [
        "Kind",
        "POS amount",
        "QuickBooks account",
        "Suggested",
        "Status",
    ]
    assert {"Payment - Cash", "Sales - Food", "Tax - SST10", "Discount - whole receipt"} <= set(
        frame["POS amount"]
    )
    assert frame["Kind"].iloc[0] == "Payments"  # grouped by kind, payments first
    food = frame.loc[frame["POS amount"] == "Sales - Food", "Status"]
    assert (food == "UNMAPPED (blocks journal entries)").all()


def _refreshed(connected):
    at = open_page("mapping")
    next(b for b in at.button if b.label == "Refresh QuickBooks Online Settings").click().run()
    assert not at.exception
    return at


def test_refresh_then_suggestions_then_save_leaves_nothing_blocking(connected):
    at = _refreshed(connected)
    assert "last refreshed" in texts(at)
    assert "Nasi & Co Restaurant Group (sandbox)" in texts(at)
    frame = at.data_editor[0].value
    food = frame[frame["POS amount"] == "Sales - Food"].iloc[0]
    assert food["Suggested"] == "Sales - Food"  # suggestion marked, not yet applied
    assert food["QuickBooks account"] == "None"
    assert food["Status"] == "SUGGESTED (blocks journal entries)"  # as the Items table says

    next(b for b in at.button if b.label == "Use suggestions").click().run()
    accounts = _accounts(at)
    assert accounts["Sales - Food"] == "Sales - Food"
    assert accounts["Payment - Visa/Master"] == "Card Clearing - Visa/Master"
    assert _saved().version == 0  # nothing saved until Save Settings

    next(b for b in at.button if b.label == "Save Settings").click().run()
    assert not at.exception
    assert "Mapping saved (version 1)." in texts(at)
    assert "Nothing blocks sending journal entries." in texts(at)
    saved = _saved()
    assert saved.accounts[("sales", "Food")].name == "Sales - Food"
    assert saved.classes and saved.locations  # the demo company tracks both


def test_the_one_row_control_maps_a_row_and_save_lists_what_blocks(connected):
    at = _refreshed(connected)
    at.selectbox(key="one_row").set_value("Sales - Food")
    at.selectbox(key="one_account").set_value("Cash on Hand")  # a Bank account cannot hold sales
    next(b for b in at.button if b.label == "Set").click().run()
    assert _accounts(at)["Sales - Food"] == "Cash on Hand"
    status = at.data_editor[0].value.set_index("POS amount").loc["Sales - Food", "Status"]
    assert "cannot hold it" in status

    next(b for b in at.button if b.label == "Save Settings").click().run()
    shown = texts(at)
    assert "block sending journal entries" in shown
    assert "Sales - Food is mapped to 'Cash on Hand' (Bank), which cannot hold it" in shown
    assert "Payment - Cash has no QuickBooks account" in shown
    assert _saved().accounts[("sales", "Food")].name == "Cash on Hand"


def test_class_tracking_off_explains_how_to_turn_it_on(connected):
    connected.admin("preferences", {"class_tracking": False})
    at = _refreshed(connected)
    shown = texts(at)
    assert "Class tracking is off" in shown
    assert "Settings > Account and settings > Advanced > Categories > Track classes" in shown


def test_names_from_quickbooks_are_not_rendered_as_markup(connected):
    at = _refreshed(connected)
    # the company name has an ampersand; it must reach the page escaped, not as markup
    assert any("Nasi \\& Co" in m.value for m in at.markdown)


def _deposits(at):
    frame = at.data_editor[1].value
    return frame.set_index("Payment method")


def test_receipt_deposit_accounts_are_suggested_applied_and_saved(connected):
    at = _refreshed(connected)
    assert "Deposit accounts for sales receipts" in [h.value for h in at.subheader]
    deposits = _deposits(at)
    assert list(deposits.columns) == ["Deposit account", "Suggested", "Status"]
    assert set(deposits.index) >= {"Payment - Cash", "Payment - Voucher"}
    assert (deposits["Deposit account"] == "same as journal account").all()
    voucher_suggestion = deposits.loc["Payment - Voucher", "Suggested"]
    assert voucher_suggestion  # the voucher's journal account is a liability: a deposit is offered
    cash_account = at.data_editor[0].value.set_index("POS amount").loc["Payment - Cash"]
    assert deposits.loc["Payment - Cash", "Suggested"] == (
        f"{cash_account['Suggested']} (journal account)"
    )  # the journal account's suggestion is what it would deposit to
    assert (deposits["Status"] == "SUGGESTED (blocks receipts)").all()

    next(b for b in at.button if b.label == "Use suggestions").click().run()
    deposits = _deposits(at)
    assert deposits.loc["Payment - Cash", "Status"] == "mapped"
    assert deposits.loc["Payment - Voucher", "Deposit account"] == voucher_suggestion
    assert deposits.loc["Payment - Voucher", "Status"] == "mapped"
    next(b for b in at.button if b.label == "Save Settings").click().run()
    assert "Nothing blocks sending sales receipts." in texts(at)
    assert _saved().deposits["Voucher"].name == voucher_suggestion


def test_the_one_row_control_sets_a_receipt_deposit_and_save_validates_it(connected):
    at = _refreshed(connected)
    next(r for r in at.radio if r.label == "Send sales receipts as").set_value("per_method").run()
    next(b for b in at.button if b.label == "Use suggestions").click().run()
    # back to the journal account (a liability): QuickBooks would refuse the deposit
    at.selectbox(key="one_row").set_value("Receipt deposit - Voucher")
    at.selectbox(key="one_account").set_value("None")
    next(b for b in at.button if b.label == "Set").click().run()
    assert not at.exception
    voucher = _deposits(at).loc["Payment - Voucher"]
    assert voucher["Deposit account"] == "same as journal account"
    assert "cannot hold it as a deposit account" in voucher["Status"]
    next(b for b in at.button if b.label == "Save Settings").click().run()
    shown = texts(at)
    assert "blocks sending sales receipts" in shown
    assert "Payment - Voucher is mapped to" in shown and "deposit account" in shown
    assert "Nothing blocks sending journal entries." in shown  # journals are unaffected
    assert "Voucher" not in _saved().deposits

    at.selectbox(key="one_row").set_value("Receipt deposit - Voucher")
    at.selectbox(key="one_account").set_value("Cash on Hand")
    next(b for b in at.button if b.label == "Set").click().run()
    assert _deposits(at).loc["Payment - Voucher", "Status"] == "mapped"
    next(b for b in at.button if b.label == "Save Settings").click().run()
    assert "Nothing blocks sending sales receipts." in texts(at)
    assert _saved().deposits["Voucher"].name == "Cash on Hand"


def _items(at):
    frame = next(e.value for e in at.data_editor if "Item" in e.value.columns)
    return frame.set_index("POS amount")


def test_the_items_table_marks_suggestions_and_what_blocks_sales_receipts(connected):
    at = _refreshed(connected)
    items = _items(at)
    assert list(items.columns) == ["Item", "Suggested", "Status"]
    food = items.loc["Sales - Food"]
    assert (food["Item"], food["Suggested"]) == ("None", "Food Sales")  # marked, not applied
    assert food["Status"] == "SUGGESTED (blocks receipts)"
    assert {"Tax - SST6", "Service charge", "Tips", "Discount - whole receipt"} <= set(items.index)

    next(b for b in at.button if b.label == "Use suggestions").click().run()
    items = _items(at)
    assert items.loc["Sales - Food", "Item"] == "Food Sales"
    assert (items["Status"] == "mapped").all(), items["Status"].to_dict()


def test_the_one_row_item_control_unmaps_and_maps_an_item_and_save_says_so(connected):
    at = _refreshed(connected)
    next(b for b in at.button if b.label == "Use suggestions").click().run()
    labels = [b.label for b in at.button]
    assert labels.count("Set") == 1 and "Set Item" in labels  # each control's button is named apart
    at.selectbox(key="one_item_row").set_value("Tax - SST6").run()
    assert at.selectbox(key="one_item").value == "SST6"  # starts from the line's Item now
    at.selectbox(key="one_item").set_value("None").run()
    at.button(key="set_one_item").click().run()  # None without confirming changes nothing
    assert _items(at).loc["Tax - SST6", "Item"] == "SST6"
    assert "tick 'Yes, leave it unmapped'" in texts(at)
    at.checkbox(key="one_item_none_ok").check()
    at.button(key="set_one_item").click().run()
    assert not at.exception
    sst6 = _items(at).loc["Tax - SST6"]
    assert (sst6["Item"], sst6["Suggested"]) == ("None", "SST6")
    assert sst6["Status"] == "SUGGESTED (blocks receipts)"
    next(b for b in at.button if b.label == "Save Settings").click().run()
    shown = texts(at)
    assert "1 problem blocks sending sales receipts" in shown
    assert "Tax - SST6 has no QuickBooks Item for sales receipts" in shown
    assert "Nothing blocks sending journal entries." in shown  # journals use no Items
    assert "tax:SST6" not in _saved().items

    at.selectbox(key="one_item_row").set_value("Tax - SST6")
    at.selectbox(key="one_item").set_value("SST10")  # any active Item will do for QuickBooks
    at.button(key="set_one_item").click().run()
    assert _items(at).loc["Tax - SST6", ["Item", "Status"]].tolist() == ["SST10", "mapped"]
    next(b for b in at.button if b.label == "Save Settings").click().run()
    assert "Nothing blocks sending sales receipts." in texts(at)
    assert _saved().items["tax:SST6"].name == "SST10"


def test_outlet_codes_are_shown_and_one_can_be_chosen_before_the_first_send(workbench_env):
    at = open_page("mapping")
    codes = at.dataframe[-1].value.set_index("Outlet")
    assert dict(codes["Code"]) == {"Bangsar": "BAN", "KLCC": "KLC", "Mont Kiara": "MK"}
    assert set(codes["Changeable"]) == {"yes"}
    at.selectbox(key="code_outlet").set_value("KLCC").run()
    at.text_input(key="code_value").input("BAN").run()
    at.button(key="set_code").click().run()
    assert "'BAN' is the code of Bangsar; choose another." in texts(at)
    at.text_input(key="code_value").input("kl").run()
    at.button(key="set_code").click().run()
    assert not at.exception
    assert "KLCC now has code KL." in texts(at)
    assert at.dataframe[-1].value.set_index("Outlet").loc["KLCC", "Code"] == "KL"


def test_unsaved_changes_are_shown_until_save_settings(connected):
    at = _refreshed(connected)
    assert "Unsaved changes" not in texts(at)
    next(b for b in at.button if b.label == "Use suggestions").click().run()
    assert "Unsaved changes" in texts(at) and "saved mapping (version 0)" in texts(at)
    next(b for b in at.button if b.label == "Save Settings").click().run()
    assert "Unsaved changes" not in texts(at)
    assert "Mapping saved (version 1)." in texts(at)


def test_set_one_row_starts_from_the_rows_account(connected):
    at = _refreshed(connected)
    next(b for b in at.button if b.label == "Use suggestions").click().run()
    accounts = at.data_editor[0].value.set_index("POS amount")
    at.selectbox(key="one_row").set_value("Payment - Cash").run()
    assert (
        at.selectbox(key="one_account").value
        == accounts.loc["Payment - Cash", "QuickBooks account"]
    )
    next(b for b in at.button if b.label == "Set").click().run()  # Set as it stands: no change
    after = at.data_editor[0].value.set_index("POS amount")
    assert (
        after.loc["Payment - Cash", "QuickBooks account"]
        == accounts.loc["Payment - Cash", "QuickBooks account"]
    )
