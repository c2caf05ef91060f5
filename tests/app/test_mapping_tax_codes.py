"""Mapping page in a company that taxes by tax code (the `my` demo company: Malaysia, SST):
POS tax codes, and untaxed lines, map to QuickBooks tax codes on the page (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from posbooks.drafts.mapping import current_mapping
from posbooks.drafts.preview import default_source, preview
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from qbo_sandbox import SandboxHandle
from workbench_helpers import connect_through_app, open_page, texts

HEADING = "Tax codes (POS tax code -> QuickBooks tax code)"
UNTAXED = "untaxed (tips, rounding, over/short, lines no POS code taxes)"


@pytest.fixture
def malaysia(workbench_env: SandboxHandle) -> Iterator[SandboxHandle]:
    workbench_env.admin("reset", {"company": "my"})
    at = connect_through_app(workbench_env)
    assert not at.exception, at.exception
    yield workbench_env
    workbench_env.admin("reset", {})


def _refreshed():
    at = open_page("mapping")
    next(b for b in at.button if b.label == "Refresh QuickBooks Online Settings").click().run()
    assert not at.exception
    return at


def _tax_table(at):
    heading = [h.value for h in at.subheader].index(HEADING)
    assert heading >= 0
    frame = next(e.value for e in at.data_editor if "POS tax code" in e.value.columns)
    return frame.set_index("POS tax code")


def _line_table(at):
    frame = next(e.value for e in at.data_editor if "Line" in e.value.columns)
    return frame.set_index("Line")


def _set(at, row: str, code: str) -> None:
    at.selectbox(key="one_tax_row").set_value(row)
    at.selectbox(key="one_tax_code").set_value(code)
    next(b for b in at.button if b.label == "Set tax code").click().run()
    assert not at.exception


def test_pos_tax_codes_are_mapped_to_quickbooks_tax_codes_and_saved(malaysia):
    at = _refreshed()
    table = _tax_table(at)
    assert list(table.index) == ["SST10", "SST6", UNTAXED]
    assert (table["QuickBooks tax code"] == "None").all()  # nothing mapped yet
    assert table.loc["SST6", "Suggested"] == "SST6"  # the code of the same name
    assert table.loc["SST10", "Status"] == "SUGGESTED (blocks sending)"

    _set(at, "SST6", "SST6")
    _set(at, "SST10", "SST10")
    _set(at, UNTAXED, "OS")
    table = _tax_table(at)
    assert dict(table["QuickBooks tax code"]) == {"SST10": "SST10", "SST6": "SST6", UNTAXED: "OS"}
    assert table.loc[UNTAXED, "Status"] == "mapped"
    assert table.loc["SST10", "Status"].startswith("PROBLEM: POS tax code SST10 taxes no line")

    lines = _line_table(at)
    assert "Alcohol" in lines.index and "Service charge" in lines.index
    assert (lines["POS tax code"] == "untaxed").all()
    for line in lines.index:
        at.selectbox(key="one_line_row").set_value(line)
        at.selectbox(key="one_line_tax").set_value("SST10" if line == "Alcohol" else "SST6")
        next(b for b in at.button if b.label == "Set line tax").click().run()
        assert not at.exception
    assert _line_table(at).loc["Alcohol", "POS tax code"] == "SST10"
    assert (_tax_table(at)["Status"] == "mapped").all()
    accounts = at.data_editor[0].value.set_index("POS amount")
    assert accounts.loc["Tax - SST6", "Status"] == "not needed: tax goes by tax code"
    assert current_mapping(open_store(load_config())).version == 0  # only the working copy

    next(b for b in at.button if b.label == "Use suggestions").click().run()  # the other rows
    next(b for b in at.button if b.label == "Save Settings").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Mapping saved (version 1)." in shown
    assert "Nothing blocks sending sales receipts." in shown, shown
    assert "Nothing blocks sending journal entries." in shown, shown
    saved = current_mapping(open_store(load_config()))
    assert {k: r.name for k, r in saved.tax_codes.items()} == {
        "SST6": "SST6",
        "SST10": "SST10",
        "untaxed": "OS",
    }
    assert saved.line_taxes["Alcohol"] == "SST10" and saved.line_taxes["Food"] == "SST6"
    assert saved.line_taxes["service_charge"] == "SST6"
    drafts = preview([default_source()], date(2026, 11, 3), outlets=["Bangsar"],
                     doc_type="receipt", mapping=saved)  # fmt: skip
    assert drafts.ties and drafts.entries  # the receipts would go, their tax on the codes
    assert not [i.message for d in drafts.entries for i in d.issues if i.blocking]
    assert all(ln.tax_code for d in drafts.entries for ln in d.lines)


def test_unmapping_a_tax_code_puts_its_row_back_to_blocking(malaysia):
    at = _refreshed()
    choices = at.selectbox(key="one_tax_code").options
    assert "OS" in choices and "None" in choices
    _set(at, "SST6", "SST6")
    _set(at, "SST6", "None")  # unmapping puts the row back to what it blocks
    assert _tax_table(at).loc["SST6", "Status"] == "SUGGESTED (blocks sending)"


def test_a_company_that_does_not_tax_by_code_shows_no_tax_code_table(connected):
    at = _refreshed()
    assert HEADING not in [h.value for h in at.subheader]
