"""Saved mappings are versioned; the mapping table says what is mapped, suggested or missing."""

from __future__ import annotations

from dataclasses import replace

from posbooks.core.model import EMPTY_MAPPING, Mapping, Ref
from posbooks.drafts.mapping import (
    current_mapping,
    export_mapping,
    import_mapping,
    mapping_history,
    mapping_rows,
    save_mapping,
    suggest_mapping,
)
from posbooks.state.store import Store
from test_mapping_rules import A_DAYS_KEYS, SETTINGS


def test_every_save_is_a_new_version_and_the_latest_is_current(tmp_path):
    store = Store(tmp_path)
    assert current_mapping(store) == EMPTY_MAPPING
    first = save_mapping(store, Mapping(accounts={("payment", "Cash"): Ref("2", "Cash on Hand")}))
    second = save_mapping(
        store,
        replace(first, accounts={("payment", "Cash"): Ref("1", "Maybank Current Account")}),
        note="cash goes straight to the bank",
    )
    assert (first.version, second.version) == (1, 2)
    assert current_mapping(store) == second
    assert [(h.version, h.note) for h in mapping_history(store)] == [
        (2, "cash goes straight to the bank"),
        (1, ""),
    ]


def test_export_then_import_gives_the_same_mapping_as_a_new_version(tmp_path):
    store = Store(tmp_path)
    saved = save_mapping(store, suggest_mapping(A_DAYS_KEYS, SETTINGS))
    exported = export_mapping(store)
    imported = import_mapping(Store(tmp_path / "other"), exported)
    assert imported.version == 1
    assert replace(imported, version=saved.version) == saved


def test_rows_show_saved_suggested_and_unmapped_accounts(tmp_path):
    saved = Mapping(accounts={("payment", "Cash"): Ref("2", "Cash on Hand")})
    keys = {("payment", "Cash"), ("sales", "Food"), ("sales", "Noodles")}
    rows = {r.label: r for r in mapping_rows(keys, SETTINGS, saved)}
    cash, food, noodles = rows["Payment - Cash"], rows["Sales - Food"], rows["Sales - Noodles"]
    assert (cash.status, cash.suggested, cash.account_name) == ("mapped", False, "Cash on Hand")
    assert (food.status, food.suggested, food.account_name) == ("suggested", True, "Sales - Food")
    assert (noodles.status, noodles.account_name, noodles.required) == ("unmapped", None, True)
    assert rows["Over/short"].status == "suggested" and not rows["Over/short"].required
    assert [r.kind for r in mapping_rows(keys, SETTINGS, saved)][:1] == ["Payments"]


def test_a_saved_account_of_the_wrong_type_is_a_problem_row():
    saved = Mapping(accounts={("tax", "SST6"): Ref("10", "Sales - Food")})
    (row, _) = mapping_rows({("tax", "SST6")}, SETTINGS, saved)
    assert row.status == "problem"
    assert "cannot hold it" in row.message
