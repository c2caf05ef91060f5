"""The generic column mapping as the app's mapping step uses it: a kind column whose words
already are line types, the files still to map, a kind column's words, the preview's rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from posbooks.app.columns import NONE, columns_from_choices, preview_rows
from posbooks.pos import open_exports
from posbooks.pos.presets import SourceOptions
from posbooks.pos.presets.files import read_headers
from posbooks.pos.presets.generic import column_values
from posbooks.pos.presets.sources import first_lines, unrecognised_files
from posbooks.pos.problems import Problem
from posbooks.pos.totals import daily_totals

ENGLISH = (
    "Date,Shop,Ticket,Kind,Group,Method,Value\n"
    "2026-10-13 12:05,Main St,T-1,item,Food,,10.00\n"
    "2026-10-13 12:05,Main St,T-1,tax,,,0.60\n"
    "2026-10-13 12:05,Main St,T-1,payment,,Cash,10.60\n"
)
COLUMNS = (("date", "Date"), ("outlet", "Shop"), ("receipt", "Ticket"), ("line_type", "Kind"),
           ("category", "Group"), ("payment_method", "Method"), ("amount", "Value"))  # fmt: skip


def test_a_kind_column_already_in_line_types_needs_no_word_translation(tmp_path: Path):
    path = tmp_path / "till.csv"
    path.write_text(ENGLISH)
    exports = open_exports([path], options=SourceOptions(columns=COLUMNS))
    assert list(exports.problems) == []
    (day,) = daily_totals(exports, date(2026, 10, 13))
    assert day.amount("payment", "Cash") == Decimal("10.60")


def test_only_files_no_preset_reads_are_left_to_map(tmp_path: Path):
    path = tmp_path / "till.csv"
    path.write_text(ENGLISH)
    assert [f.name for f in unrecognised_files([path], ["till.csv"])] == ["till.csv"]
    mapped = SourceOptions(columns=COLUMNS)
    assert unrecognised_files([path], ["till.csv"], options=mapped) == []
    assert column_values(read_headers(path, "till.csv"), "Kind") == ["item", "tax", "payment"]


def test_the_preview_shades_the_rows_a_problem_names(tmp_path: Path):
    path = tmp_path / "till.csv"
    path.write_text(ENGLISH.replace("T-1,tax", "T-1,vat"))
    options = SourceOptions(columns=COLUMNS)
    problems = open_exports([path], options=options).problems
    lines = first_lines([path], options=options)
    rows, bad = preview_rows(lines, problems)
    assert [r["Row"] for r in rows] == ["2", "3", "4"]
    assert bad == [False, True, False]
    assert "line_type 'vat' is not one of" in rows[1]["Problem"]
    assert rows[2]["Amount"] == "10.60"
    assert preview_rows([], [Problem("x.csv", 2, "Value", "bad")]) == ([], [])


def test_choices_become_a_column_mapping_with_one_payment_column_per_method():
    chosen = {"date": "Date", "outlet": NONE, "sales": "Net", "tax": "VAT"}
    assert columns_from_choices(chosen, ["Card", "Cash"]) == {
        "date": "Date", "sales": "Net", "tax": "VAT", "payment:Card": "Card",
        "payment:Cash": "Cash",
    }  # fmt: skip
