"""Files that looked acceptable but were not: a Parquet header two columns claim, dates no
business can have, and amounts too large for any ledger (issue 16, section 8)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from posbooks.pos import exports, open_exports

LINES = [  # (business_date, line_type, category, payment_method, amount)
    ("2026-11-20", "item", "Food", None, "18.90"),
    ("2026-11-20", "payment", None, "Cash", "18.90"),
]


def write_parquet(path, lines=LINES, amount_type="DECIMAL(18,2)", extra: dict | None = None):
    values = ", ".join(
        f"(DATE '{d}', 'Bangsar', 'R1', '{t}', {c and repr(c) or 'NULL'}, NULL, "
        f"{p and repr(p) or 'NULL'}, CAST({a} AS {amount_type}))"
        for d, t, c, p, a in lines
    )
    duckdb.sql(
        f"COPY (SELECT * FROM (VALUES {values}) t(business_date, outlet, receipt_no, line_type, "
        f"category, tax_code, payment_method, amount)) TO '{path}'"
    )
    if extra:
        table = pq.read_table(path)
        for name, values in extra.items():
            table = table.append_column(name, pa.array(values))
        pq.write_table(table, path)
    return path


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.delenv("POSBOOKS_ALLOW_ANY_BUSINESS_DATE", raising=False)
    exports.clear_cache()
    yield
    exports.clear_cache()


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_parquet_with_amount_and_Amount_is_refused_as_ambiguous_like_a_csv(tmp_path):
    path = write_parquet(tmp_path / "two.parquet", extra={"Amount": ["99.00", "99.00"]})
    assert messages(open_exports([path])) == [
        "two.parquet, column amount: 2 columns are named like 'amount': 'amount' and 'Amount'"
    ]


@pytest.mark.parametrize("day", ["1999-12-31", "1970-01-01", str(date.today() + timedelta(2))])
def test_business_dates_outside_2000_to_tomorrow_are_refused_by_default(tmp_path, day):
    lines = [LINES[0], (day, "item", "Food", None, "1.00"), (day, "payment", None, "Cash", "1.00")]
    path = write_parquet(tmp_path / "odd.parquet", [*lines, LINES[1]])
    result = open_exports([path])
    tomorrow = date.today() + timedelta(1)
    expected = (f"business_date '{day}' is outside 2000-01-01..{tomorrow}; a typo or a till "
                "clock not set? (set POSBOOKS_ALLOW_ANY_BUSINESS_DATE=1 to accept dates outside)")  # fmt: skip
    assert messages(result) == [
        f"odd.parquet, row 3, column business_date: {expected}",
        f"odd.parquet, row 4, column business_date: {expected}",
    ]
    assert result.con.sql("SELECT count(*) FROM pos_lines").fetchall() == [(0,)]


def test_dates_outside_are_accepted_when_allowed(tmp_path, monkeypatch):
    lines = [("1999-12-31", *LINES[0][1:]), ("1999-12-31", *LINES[1][1:])]
    path = write_parquet(tmp_path / "old.parquet", lines)
    assert open_exports([path], allow_any_date=True).ok
    monkeypatch.setenv("POSBOOKS_ALLOW_ANY_BUSINESS_DATE", "1")
    assert open_exports([path]).ok
    monkeypatch.delenv("POSBOOKS_ALLOW_ANY_BUSINESS_DATE")
    assert not open_exports([path]).ok  # the verdict is kept, the bounds are not


def test_tomorrow_is_still_accepted(tmp_path):
    day = str(date.today() + timedelta(1))
    path = write_parquet(tmp_path / "tz.parquet", [(day, *LINES[0][1:]), (day, *LINES[1][1:])])
    assert open_exports([path]).ok


def test_1e308_is_too_large_not_more_than_2_decimals(tmp_path):
    lines = [LINES[0], (*LINES[0][:4], "1e308"), LINES[1]]
    path = write_parquet(tmp_path / "big.parquet", lines, amount_type="DOUBLE")
    assert messages(open_exports([path])) == [
        "big.parquet, row 3, column amount: amount '1e+308' is too large"
    ]
