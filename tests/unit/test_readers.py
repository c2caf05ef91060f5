"""Good exports in every supported shape become the same canonical sales lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from posbooks.pos import VIEW_COLUMNS, exports, open_exports

HEADER = "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,payment_method,amount,closed_at,voided"
LINES = [
    "2026-11-20,Bangsar,BSR-1,item,Food,Nasi Lemak Ayam,1,,,18.90,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,BSR-1,service_charge,,,,,,1.89,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,BSR-1,tax,,,,SST6,,1.25,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,BSR-1,rounding,,,,,,0.01,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,BSR-1,payment,,,,,Cash,22.05,2026-11-20 12:01:00,false",
    "2026-11-21,Bangsar,BSR-7,item,Alcohol,Tiger Beer,2,,,44.00,2026-11-22 00:40:00,true",
    "2026-11-21,Bangsar,BSR-7,tax,,,,SST10,,4.40,2026-11-22 00:40:00,true",
    "2026-11-21,Bangsar,BSR-7,payment,,,,,Amex,48.40,2026-11-22 00:40:00,true",
]  # fmt: skip
# What the view holds for LINES (without source_file/source_row).
EXPECTED = [
    (dt.date(2026, 11, 20), "Bangsar", "BSR-1", "item", "Food", "Nasi Lemak Ayam", Decimal("1.000"),
     None, None, Decimal("18.90"), dt.datetime(2026, 11, 20, 12, 1), False),
    (dt.date(2026, 11, 20), "Bangsar", "BSR-1", "service_charge", None, None, None, None, None,
     Decimal("1.89"), dt.datetime(2026, 11, 20, 12, 1), False),
    (dt.date(2026, 11, 20), "Bangsar", "BSR-1", "tax", None, None, None, "SST6", None,
     Decimal("1.25"), dt.datetime(2026, 11, 20, 12, 1), False),
    (dt.date(2026, 11, 20), "Bangsar", "BSR-1", "rounding", None, None, None, None, None,
     Decimal("0.01"), dt.datetime(2026, 11, 20, 12, 1), False),
    (dt.date(2026, 11, 20), "Bangsar", "BSR-1", "payment", None, None, None, None, "Cash",
     Decimal("22.05"), dt.datetime(2026, 11, 20, 12, 1), False),
    (dt.date(2026, 11, 21), "Bangsar", "BSR-7", "item", "Alcohol", "Tiger Beer", Decimal("2.000"),
     None, None, Decimal("44.00"), dt.datetime(2026, 11, 22, 0, 40), True),
    (dt.date(2026, 11, 21), "Bangsar", "BSR-7", "tax", None, None, None, "SST10", None,
     Decimal("4.40"), dt.datetime(2026, 11, 22, 0, 40), True),
    (dt.date(2026, 11, 21), "Bangsar", "BSR-7", "payment", None, None, None, None, "Amex",
     Decimal("48.40"), dt.datetime(2026, 11, 22, 0, 40), True),
]  # fmt: skip
CANONICAL = ", ".join(name for name, _ in VIEW_COLUMNS[:-2])


def lines_of(result, source_file: str | None = None) -> list[tuple]:
    where = "" if source_file is None else f"WHERE source_file = '{source_file}'"
    return result.con.sql(
        f"SELECT {CANONICAL} FROM pos_lines {where} ORDER BY source_file, source_row"
    ).fetchall()


def write_csv(
    path: Path, header: str, lines: list[str], separator: str = ",", bom: bool = False
) -> Path:
    text = "\n".join([header, *lines]).replace(",", separator) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def test_plain_csv_becomes_canonical_lines(tmp_path):
    result = open_exports([write_csv(tmp_path / "sales.csv", HEADER, LINES)])
    assert result.ok and result.problems == ()
    assert lines_of(result) == EXPECTED
    rows = result.con.sql(
        "SELECT source_file, source_row FROM pos_lines ORDER BY source_row"
    ).fetchall()
    assert rows == [("sales.csv", n) for n in range(2, 10)]


def test_view_has_exactly_the_canonical_columns_and_types(tmp_path):
    result = open_exports([write_csv(tmp_path / "sales.csv", HEADER, LINES)])
    described = result.con.sql("DESCRIBE pos_lines").fetchall()
    assert [(d[0], d[1]) for d in described] == list(VIEW_COLUMNS)
    assert result.view == "pos_lines"


def test_csv_with_bom_semicolons_other_order_case_and_extra_columns(tmp_path):
    columns = HEADER.split(",")
    order = [11, 9, 0, 3, 2, 1, 4, 5, 6, 7, 8, 10]  # voided and amount first
    pretty = {"business_date": "Business Date", "receipt_no": "Receipt No", "outlet": "OUTLET"}
    header = ",".join([*(pretty.get(columns[i], columns[i]) for i in order), "Server Name"])
    lines = [",".join([*(line.split(",")[i] for i in order), "Aisyah"]) for line in LINES]
    path = write_csv(tmp_path / "till export.csv", header, lines, separator=";", bom=True)
    result = open_exports([path])
    assert result.ok, result.problems
    assert lines_of(result) == EXPECTED


def test_values_are_trimmed_and_line_types_case_insensitive(tmp_path):
    lines = [LINES[0].replace(",Bangsar,", ", Bangsar ,").replace(",item,", ",Item,"), *LINES[1:5]]
    result = open_exports([write_csv(tmp_path / "sales.csv", HEADER, lines)])
    assert lines_of(result) == EXPECTED[:5]


def test_optional_columns_may_be_left_out(tmp_path):
    keep = [0, 1, 2, 3, 4, 7, 8, 9]  # no item, quantity, closed_at, voided
    header = ",".join(HEADER.split(",")[i] for i in keep)
    lines = [",".join(line.split(",")[i] for i in keep) for line in LINES[:5]]
    result = open_exports([write_csv(tmp_path / "sales.csv", header, lines)])
    assert result.ok, result.problems
    stripped = [(*row[:5], None, None, *row[7:10], None, False) for row in EXPECTED[:5]]
    assert lines_of(result) == stripped


def write_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for line in LINES:
        cells: list[object] = [c or None for c in line.split(",")]
        cells[0] = dt.datetime.fromisoformat(cells[0])  # Excel stores dates as date-times
        cells[6] = int(cells[6]) if cells[6] else None
        cells[9] = float(cells[9])
        cells[10] = dt.datetime.fromisoformat(cells[10])
        cells[11] = cells[11] == "true"
        sheet.append(cells)
    book.save(path)
    return path


def test_excel_workbook_becomes_the_same_lines(tmp_path):
    result = open_exports([write_xlsx(tmp_path / "till.xlsx")])
    assert result.ok, result.problems
    assert lines_of(result) == EXPECTED
    rows = result.con.sql("SELECT min(source_row), max(source_row) FROM pos_lines").fetchall()
    assert rows == [(2, 9)]


def write_parquet(path: Path, row_group_size: int = 122880) -> Path:
    csv_path = write_csv(path.with_suffix(".csv"), HEADER, LINES)
    casts = ", ".join(f"CAST({n} AS {t}) AS {n}" for n, t in VIEW_COLUMNS[:-2])
    duckdb.sql(
        f"COPY (SELECT {casts} FROM read_csv('{csv_path}', all_varchar=true)) TO '{path}' "
        f"(FORMAT parquet, ROW_GROUP_SIZE {row_group_size})"
    )
    csv_path.unlink()
    return path


def test_parquet_becomes_the_same_lines(tmp_path):
    result = open_exports([write_parquet(tmp_path / "sales.parquet")])
    assert result.ok, result.problems
    assert lines_of(result) == EXPECTED
    rows = result.con.sql("SELECT source_row FROM pos_lines ORDER BY source_row").fetchall()
    assert rows == [(n,) for n in range(2, 10)]


def test_one_day_of_a_parquet_file_reads_only_its_row_groups():
    sample = Path(__file__).parents[2] / "data" / "sample_sales.parquet"
    result = open_exports([sample])
    plan = result.con.execute(
        "EXPLAIN ANALYZE SELECT sum(amount) FROM pos_lines WHERE business_date BETWEEN ? AND ?",
        [dt.date(2026, 11, 24), dt.date(2026, 11, 24)],
    ).fetchall()[0][1]
    scanned = [line for line in plan.splitlines() if "Row Groups Scanned" in line]
    assert scanned, plan
    read, total = scanned[0].split(":")[1].strip(" │").split(" / ")
    assert int(total) >= 3 and int(read) == 1


def test_several_files_at_once_keep_their_names_and_rows(tmp_path):
    paths = [
        write_csv(tmp_path / "a.csv", HEADER, LINES[:5]),
        write_xlsx(tmp_path / "b.xlsx"),
        write_parquet(tmp_path / "c.parquet"),
    ]
    # Different receipts per file, or they would be duplicates of one another.
    duckdb.sql(
        f"COPY (SELECT * REPLACE (outlet || ' 2' AS outlet) FROM '{paths[2]}') TO '{paths[2]}'"
    )
    wb = openpyxl.load_workbook(paths[1])
    for row in wb.active.iter_rows(min_row=2):
        row[1].value = "KLCC"
    wb.save(paths[1])
    result = open_exports(paths, names=["Bangsar.csv", "KLCC.xlsx", "Bangsar 2.parquet"])
    assert result.ok, result.problems
    assert result.files == ("Bangsar.csv", "KLCC.xlsx", "Bangsar 2.parquet")
    counts = result.con.sql(
        "SELECT source_file, outlet, count(*) FROM pos_lines GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert counts == [
        ("Bangsar 2.parquet", "Bangsar 2", 8),
        ("Bangsar.csv", "Bangsar", 5),
        ("KLCC.xlsx", "KLCC", 8),
    ]


def test_voided_receipts_stay_in_the_view_marked_voided(tmp_path):
    result = open_exports([write_csv(tmp_path / "sales.csv", HEADER, LINES)])
    rows = result.con.sql(
        "SELECT receipt_no, bool_and(voided) FROM pos_lines GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert rows == [("BSR-1", False), ("BSR-7", True)]


def test_view_is_created_on_the_callers_connection_and_empty_when_nothing_is_accepted(tmp_path):
    con = duckdb.connect()
    result = open_exports([tmp_path / "missing.csv"], con=con)
    assert result.con is con and not result.ok
    assert con.sql("SELECT count(*) FROM pos_lines").fetchall() == [(0,)]
    assert [d[0] for d in con.sql("DESCRIBE pos_lines").fetchall()] == [n for n, _ in VIEW_COLUMNS]


def test_reopening_an_unchanged_file_does_not_validate_it_again(tmp_path, monkeypatch):
    path = write_parquet(tmp_path / "sales.parquet")
    assert open_exports([path]).ok
    calls = []
    monkeypatch.setattr(exports, "_check_parquet", lambda p: calls.append(p))
    again = open_exports([path])
    assert again.ok and calls == [] and len(lines_of(again)) == 8


def test_an_edited_file_is_validated_again(tmp_path):
    path = write_csv(tmp_path / "sales.csv", HEADER, LINES)
    assert open_exports([path]).ok
    write_csv(path, HEADER, [*LINES, LINES[0].replace("18.90", "18.905")])
    problems = open_exports([path]).problems
    assert [str(p) for p in problems] == [
        "sales.csv, row 10, column amount: amount '18.905' has more than 2 decimals"
    ]


def test_names_must_match_paths(tmp_path):
    with pytest.raises(ValueError):
        open_exports([tmp_path / "a.csv"], names=["a.csv", "b.csv"])
