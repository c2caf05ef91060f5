"""The mapping JSON file a bookkeeper passes to ``posbooks preview --mapping``."""

from __future__ import annotations

import pytest
from posbooks.core.mapping_json import MappingFormatError, mapping_from_json, mapping_to_json
from posbooks.core.model import Mapping, Ref

SAVED = {
    "version": 4,
    "accounts": [
        {"source": "sales", "key": "Food", "account_id": "41", "account_name": "Food Sales"},
        {"source": "discount", "key": None, "account_id": "49", "account_name": "Discounts"},
        {"source": "payment", "key": "TNG eWallet", "account_id": "13", "account_name": "TNG"},
    ],
    "classes": [{"category": "Food", "class_id": "c1", "class_name": "Kitchen"}],
    "locations": [{"outlet": "KLCC", "location_id": "d2", "location_name": "KLCC"}],
    "items": [{"key": "tax:SST6", "item_id": "i5", "item_name": "SST 6%"}],
}


def test_a_saved_mapping_reads_into_accounts_classes_locations_and_items():
    mapping = mapping_from_json(SAVED)
    assert mapping.version == 4
    assert mapping.accounts[("discount", None)] == Ref("49", "Discounts")
    assert mapping.accounts[("payment", "TNG eWallet")] == Ref("13", "TNG")
    assert mapping.classes == {"Food": Ref("c1", "Kitchen")}
    assert mapping.locations == {"KLCC": Ref("d2", "KLCC")}
    assert mapping.items == {"tax:SST6": Ref("i5", "SST 6%")}


def test_writing_and_reading_back_gives_the_same_mapping():
    mapping = mapping_from_json(SAVED)
    assert mapping_from_json(mapping_to_json(mapping)) == mapping
    assert mapping_to_json(Mapping()) == {
        "version": 0, "accounts": [], "classes": [], "locations": [], "items": [],
        "deposits": [],
    }  # fmt: skip


def test_receipt_deposit_accounts_are_kept_and_older_files_without_them_still_load():
    voucher = {"payment_method": "Voucher", "account_id": "3", "account_name": "Undeposited Funds"}
    mapping = mapping_from_json({**SAVED, "deposits": [voucher]})
    assert mapping.deposits == {"Voucher": Ref("3", "Undeposited Funds")}
    assert mapping_from_json(mapping_to_json(mapping)) == mapping
    assert mapping_from_json(SAVED).deposits == {}  # written before deposits existed


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            {"accounts": [{"source": "sales", "key": "Food"}]},
            r"accounts\[0\]: missing 'account_id'",
        ),
        ({"accounts": [{"source": "salez", "account_id": "1"}]}, "unknown source 'salez'"),
        ({"classes": {"Food": "c1"}}, "'classes' must be a list"),
        ({"locations": [{"location_id": "d1"}]}, r"locations\[0\]: missing 'outlet'"),
        ({"version": "3"}, "'version' must be a whole number"),
        ([], "must be a JSON object"),
    ],
)
def test_a_broken_mapping_file_says_which_entry_is_wrong(broken, message):
    with pytest.raises(MappingFormatError, match=message):
        mapping_from_json(broken)
