"""A broken POS export is rejected whole, with the row, column and words a bookkeeper needs.

Every case reads the broken file beside a good one (ok_neighbour.csv): the good file's
lines still reach the view, the broken file's never do.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest
from posbooks.pos import ExportRejected, open_exports

CORPUS = Path(__file__).parents[1] / "fixtures" / "malformed"
NEIGHBOUR = CORPUS / "ok_neighbour.csv"
NEIGHBOUR_LINES = 8
NOT_A_NUMBER = "is not a number (use a dot for decimals and no thousands separator, e.g. 1234.50)"

CASES = {
    "missing_column.csv": [(1, "payment_method", "missing column 'payment_method'")],
    "misnamed_column.csv": [
        (1, "payment_method", "missing column 'payment_method' (did you mean 'payment_methd'?)")
    ],
    "duplicate_column.csv": [(1, "amount", "2 columns are named like 'amount': 'amount' and 'Amount'")],
    "bad_date.csv": [
        (3, "business_date", "business_date '20/11/2026' is not a date (expected YYYY-MM-DD, e.g. 2026-11-24)")
    ],
    "amount_not_a_number.csv": [(2, "amount", f"amount 'RM18.90' {NOT_A_NUMBER}")],
    "decimal_comma.csv": [(2, "amount", f"amount '18,90' {NOT_A_NUMBER}")],
    "three_decimals.csv": [
        (2, "amount", "amount '18.895' has more than 2 decimals"),
        (3, "amount", "amount '1.895' has more than 2 decimals"),
    ],
    "empty_amount.csv": [(8, "amount", "amount is empty")],
    "unknown_line_type.csv": [
        (7, "line_type", "line_type 'sale' is not one of: item, discount, service_charge, tax, rounding, tip, payment")
    ],
    "item_without_category.csv": [(2, "category", "category is empty on an item line")],
    "tax_without_tax_code.csv": [(4, "tax_code", "tax_code is empty on a tax line")],
    "payment_without_method.csv": [(9, "payment_method", "payment_method is empty on a payment line")],
    "unbalanced_receipt.csv": [
        (2, "amount", "receipt BSR-1 (Bangsar, 2026-11-20) does not balance: lines total 22.05, payments 22.00, difference 0.05")
    ],
    "partly_voided.csv": [
        (7, "voided", "receipt BSR-2 (Bangsar, 2026-11-20) has voided and non-voided lines; void the whole receipt or none of it")
    ],
    "bad_voided.csv": [(5, "voided", "voided 'maybe' is not true or false (use true/false or 1/0)")],
    "bad_quantity.csv": [(7, "quantity", f"quantity 'two' {NOT_A_NUMBER}")],
    "bad_closed_at.csv": [
        (2, "closed_at", "closed_at 'noon' is not a date and time (expected YYYY-MM-DD HH:MM:SS)")
    ],
    "empty_outlet_and_receipt.csv": [(2, "outlet", "outlet is empty"), (2, "receipt_no", "receipt_no is empty")],
    "ragged_row.csv": [(4, None, "row has 15 values but the header has 12 columns")],
    "header_only.csv": [(None, None, "the file has no sales lines (only a header)")],
    "zero_bytes.csv": [(None, None, "the file is empty (no header row)")],
    "not_utf8.csv": [(7, None, "is not UTF-8 text; save it as 'CSV UTF-8' and try again")],
    "not_parquet.parquet": [
        (None, None, "cannot be read as Parquet (the file is damaged or is not a Parquet file)")
    ],
    "unsupported.txt": [(None, None, "unsupported file type '.txt' (use .parquet, .csv, .xlsx)")],
}  # fmt: skip


def reported(exports) -> list[tuple]:
    return [(p.file, p.row, p.column, p.message) for p in exports.problems]


def files_in_view(exports) -> dict[str, int]:
    rows = exports.con.sql("SELECT source_file, count(*) FROM pos_lines GROUP BY 1").fetchall()
    return dict(rows)


def assert_rejected_beside_neighbour(exports, name: str, expected: list[tuple]) -> None:
    assert reported(exports) == [(name, *problem) for problem in expected]
    assert not exports.ok
    assert files_in_view(exports) == {NEIGHBOUR.name: NEIGHBOUR_LINES}
    with pytest.raises(ExportRejected) as rejected:
        exports.raise_if_rejected()
    assert f"{name}" in str(rejected.value)
    assert rejected.value.problems == exports.problems


def test_the_corpus_holds_at_least_fifteen_broken_files():
    assert len([f for f in CORPUS.iterdir() if f.name in CASES]) >= 15
    assert set(CASES) <= {f.name for f in CORPUS.iterdir()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_file_is_rejected_whole_and_the_good_one_still_read(name):
    exports = open_exports([CORPUS / name, NEIGHBOUR])
    assert_rejected_beside_neighbour(exports, name, CASES[name])


def test_problem_reads_as_file_row_column_and_words():
    exports = open_exports([CORPUS / "three_decimals.csv"])
    assert str(exports.problems[0]) == (
        "three_decimals.csv, row 2, column amount: amount '18.895' has more than 2 decimals"
    )
    assert str(open_exports([CORPUS / "zero_bytes.csv"]).problems[0]) == (
        "zero_bytes.csv: the file is empty (no header row)"
    )


def test_upload_names_are_used_in_problems():
    exports = open_exports([CORPUS / "empty_amount.csv"], names=["Bangsar week 47.csv"])
    assert [str(p) for p in exports.problems] == [
        "Bangsar week 47.csv, row 8, column amount: amount is empty"
    ]


def test_missing_file_is_a_problem_not_a_crash(tmp_path):
    exports = open_exports([tmp_path / "gone.csv", NEIGHBOUR])
    assert_rejected_beside_neighbour(
        exports, "gone.csv", [(None, None, "file not found or not readable")]
    )


def test_same_receipt_exported_in_two_files_rejects_the_second(tmp_path):
    rows = NEIGHBOUR.read_text().splitlines()
    week = tmp_path / "week.csv"
    week.write_text("\n".join(rows[:1] + rows[6:]) + "\n")  # receipt KLC-2 again
    exports = open_exports([NEIGHBOUR, week])
    assert reported(exports) == [
        ("week.csv", 2, None, "receipt KLC-2 (KLCC, 2026-11-20) is also in ok_neighbour.csv "
         "(3 identical lines): the same receipt exported twice"),
    ]  # fmt: skip
    assert files_in_view(exports) == {NEIGHBOUR.name: NEIGHBOUR_LINES}


def test_same_file_given_twice_is_read_once():
    exports = open_exports([NEIGHBOUR, NEIGHBOUR], names=["a.csv", "b.csv"])
    assert reported(exports) == [("b.csv", None, None, "is the same file as a.csv, given twice")]
    assert files_in_view(exports) == {"a.csv": NEIGHBOUR_LINES}


def _write_parquet(path: Path, select: str) -> Path:
    duckdb.sql(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
    return path


def _neighbour_select(**replace: str) -> str:
    cols = {
        "business_date": "CAST(business_date AS DATE)", "outlet": "'Bangsar'",
        "receipt_no": "replace(receipt_no, 'KLC', 'BSR')", "line_type": "line_type",
        "category": "category", "tax_code": "tax_code", "payment_method": "payment_method",
        "amount": "CAST(amount AS DECIMAL(18,2))", "voided": "voided = 'true'",
    }  # fmt: skip
    cols.update(replace)
    body = ", ".join(f"{expr} AS {name}" for name, expr in cols.items())
    return f"SELECT {body} FROM read_csv('{NEIGHBOUR}', all_varchar=true)"


def test_parquet_with_float_amounts_rejects_the_third_decimal(tmp_path):
    amount = "CASE WHEN amount = '18.90' THEN 18.905 ELSE CAST(amount AS DOUBLE) END"
    path = _write_parquet(tmp_path / "floats.parquet", _neighbour_select(amount=amount))
    exports = open_exports([path, NEIGHBOUR])
    assert_rejected_beside_neighbour(
        exports, "floats.parquet", [(2, "amount", "amount '18.905' has more than 2 decimals")]
    )


def test_parquet_with_float_amounts_in_cents_is_accepted(tmp_path):
    path = _write_parquet(
        tmp_path / "floats.parquet", _neighbour_select(amount="CAST(amount AS DOUBLE)")
    )
    exports = open_exports([path])
    assert exports.ok, exports.problems
    query = "SELECT receipt_no, line_type, amount FROM pos_lines ORDER BY source_row"
    from_csv = open_exports([NEIGHBOUR]).con.sql(query).fetchall()
    assert exports.con.sql(query).fetchall() == [
        (r.replace("KLC", "BSR"), t, a) for r, t, a in from_csv
    ]
    assert exports.con.sql("SELECT typeof(amount) FROM pos_lines LIMIT 1").fetchall() == [
        ("DECIMAL(18,2)",)
    ]


def test_parquet_with_numbers_for_dates_is_rejected(tmp_path):
    path = _write_parquet(tmp_path / "epoch.parquet", _neighbour_select(business_date="20261120"))
    exports = open_exports([path, NEIGHBOUR])
    assert_rejected_beside_neighbour(
        exports, "epoch.parquet",
        [(None, "business_date", "column business_date holds INTEGER values; expected dates")],
    )  # fmt: skip


def test_xlsx_with_a_text_date_is_rejected(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    with open(NEIGHBOUR, newline="") as f:
        for i, row in enumerate(csv.reader(f)):
            if i:
                row[0] = dt.date(2026, 11, 21) if i != 3 else "21.11.2026"
                row[9] = float(row[9])
            sheet.append(row)
    book.save(tmp_path / "till.xlsx")
    exports = open_exports([tmp_path / "till.xlsx", NEIGHBOUR])
    assert_rejected_beside_neighbour(
        exports, "till.xlsx",
        [(4, "business_date", "business_date '21.11.2026' is not a date (expected YYYY-MM-DD, e.g. 2026-11-24)")],
    )  # fmt: skip


def test_damaged_xlsx_is_rejected(tmp_path):
    (tmp_path / "till.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    exports = open_exports([tmp_path / "till.xlsx", NEIGHBOUR])
    assert_rejected_beside_neighbour(
        exports, "till.xlsx",
        [(None, None, "cannot be read as an Excel workbook (.xlsx): BadZipFile")],
    )  # fmt: skip


def test_a_badly_broken_file_reports_a_capped_list(tmp_path):
    lines = NEIGHBOUR.read_text().splitlines()
    body = [lines[1].replace("18.90", "x")] * 500
    (tmp_path / "broken.csv").write_text("\n".join([lines[0], *body]) + "\n")
    problems = open_exports([tmp_path / "broken.csv"]).problems
    assert len(problems) == 200
    assert (problems[0].row, problems[198].row) == (2, 200)
    assert str(problems[-1]) == "broken.csv: ... and 301 more problems"
    message = str(ExportRejected(problems))
    assert message.count("\n") == 21 and message.endswith("... and 180 more")


def test_a_short_row_is_reported_once_not_value_by_value(tmp_path):
    lines = NEIGHBOUR.read_text().splitlines()
    lines[3] = ",".join(lines[3].split(",")[:6])  # cut after the item column
    (tmp_path / "cut.csv").write_text("\n".join(lines) + "\n")
    exports = open_exports([tmp_path / "cut.csv", NEIGHBOUR])
    expected = [(4, None, "row has 6 values but the header has 12 columns")]
    assert_rejected_beside_neighbour(exports, "cut.csv", expected)


def test_unbalanced_receipts_are_counted_in_the_cap(tmp_path):
    lines = NEIGHBOUR.read_text().splitlines()
    receipt = [line.replace("KLC-2", "KLC-{n}") for line in lines[6:8]]  # item and tax, no payment
    body = [line.format(n=n) for n in range(300) for line in receipt]
    (tmp_path / "unpaid.csv").write_text("\n".join([lines[0], *body]) + "\n")
    problems = open_exports([tmp_path / "unpaid.csv"]).problems
    assert len(problems) == 200
    assert problems[0].message == (
        "receipt KLC-0 (KLCC, 2026-11-20) does not balance: lines total 11.66, payments 0.00, difference 11.66"
    )
    assert problems[-1].message == "... and 101 more problems"
