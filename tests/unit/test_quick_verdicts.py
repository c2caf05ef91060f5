"""The quick verdicts (one grouped DuckDB pass) agree with the exact validation.

A clean file is judged from grouped rows: per receipt (does it balance, is it wholly
voided or not at all) and per day and key (the sums a preview shows). A bookkeeper would
notice at once if that shortcut posted other totals than the exact path, counted other
receipts, or let through a receipt only partly voided because its lines wrote the date
two ways. Each file here is opened both ways and must give the same totals, or the same
messages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from posbooks.pos import exports, open_exports
from posbooks.pos.totals import daily_totals

HEADER = (
    "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,"
    "payment_method,amount,closed_at,voided"
)
LINES = [
    "2026-11-20,Bangsar,B-1,item,Food,Nasi Lemak,2.000,,,37.80,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,B-1,discount,Food,,,,,-3.78,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,B-1,tax,,,,SST6,,2.04,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,B-1,rounding,,,,,,-0.01,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,B-1,payment,,,,,Cash,30.00,2026-11-20 12:01:00,false",
    "2026-11-20,Bangsar,B-1,payment,,,,,Visa,6.05,2026-11-20 12:01:00,false",
    "2026-11-20,KLCC,K-1,item,Drinks,Teh Tarik,1.000,,,4.50,2026-11-20 13:00:00,false",
    "2026-11-20,KLCC,K-1,payment,,,,,Cash,4.50,2026-11-20 13:00:00,false",
    "2026-11-20,KLCC,K-2,item,Drinks,Kopi,1.000,,,3.50,2026-11-20 13:05:00,true",
    "2026-11-20,KLCC,K-2,payment,,,,,Cash,3.50,2026-11-20 13:05:00,true",
    "2026-11-21,KLCC,K-1,item,Food,Roti,3.000,,,7.50,2026-11-21 09:00:00,false",
    "2026-11-21,KLCC,K-1,payment,,,,,Cash,7.50,2026-11-21 09:00:00,false",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_cache():
    exports.clear_cache()
    yield
    exports.clear_cache()


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return path


def write_parquet(tmp_path: Path, csv: Path) -> Path:
    import duckdb

    path = tmp_path / (csv.stem + ".parquet")
    duckdb.execute(
        f"COPY (SELECT * FROM read_csv('{csv}', types = {{'quantity': 'DECIMAL(18,3)', "
        f"'amount': 'DECIMAL(18,2)'}})) TO '{path}' (FORMAT parquet)"
    )
    return path


def opened(path: Path, quick: bool, monkeypatch, verdicts: list | None = None) -> exports.Exports:
    """The file opened afresh; ``verdicts`` gets the quick verdict (None: it looked closer)."""
    exports.clear_cache()
    with monkeypatch.context() as m:
        for name in ("clean_csv", "clean_parquet"):
            real = getattr(exports, name)

            def judged(*a, _real=real, **k):
                verdict = _real(*a, **k) if quick else None
                if verdicts is not None:
                    verdicts.append(verdict)
                return verdict

            m.setattr(exports, name, judged)
        return open_exports([path])


def totals(result: exports.Exports) -> list:
    days = daily_totals(result, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    return [(d.business_date, d.outlet, d.receipt_count, d.totals) for d in days]


def both_ways(path: Path, monkeypatch) -> tuple[exports.Exports, exports.Exports]:
    return opened(path, True, monkeypatch), opened(path, False, monkeypatch)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_clean_file_gives_the_exact_paths_totals_and_receipt_counts(tmp_path, monkeypatch, kind):
    path = write_csv(tmp_path / "sales.csv", LINES)
    if kind == "parquet":
        path = write_parquet(tmp_path, path)
    verdicts: list = []
    quick = opened(path, True, monkeypatch, verdicts)
    assert quick.ok and verdicts and verdicts[0] is not None  # the quick verdict was used
    quick_totals = totals(quick)  # (opening the file again forgets this verdict's tables)
    exact = opened(path, False, monkeypatch)
    assert exact.ok and quick_totals == totals(exact)
    by_day = {(d, o): n for d, o, n, _ in quick_totals}
    # K-2 is voided whole: not counted, not summed; payments are positive sums.
    assert by_day == {
        (dt.date(2026, 11, 20), "Bangsar"): 1,
        (dt.date(2026, 11, 20), "KLCC"): 1,
        (dt.date(2026, 11, 21), "KLCC"): 1,
    }
    bangsar = next(t for d, o, _, t in quick_totals if o == "Bangsar")
    assert {(t.source, t.key): str(t.amount) for t in bangsar if t.source == "payment"} == {
        ("payment", "Cash"): "30.00",
        ("payment", "Visa"): "6.05",
    }


def test_dates_written_another_way_are_judged_by_the_exact_rules(tmp_path, monkeypatch):
    # A padded date is still a date, but as text it would split K-1 of the 21st in two.
    lines = [*LINES[:-1], " " + LINES[-1]]
    verdicts: list = []
    quick = opened(write_csv(tmp_path / "sales.csv", lines), True, monkeypatch, verdicts)
    assert quick.ok and verdicts == [None]  # the quick pass looked closer
    padded = totals(quick)
    assert padded == totals(opened(tmp_path / "sales.csv", False, monkeypatch))
    assert padded == totals(opened(write_csv(tmp_path / "clean.csv", LINES), True, monkeypatch))


def test_a_receipt_partly_voided_across_two_spellings_of_its_date_is_refused(tmp_path, monkeypatch):
    # K-3: a sale and its payment kept, another pair voided and written with the date
    # padded. Grouped by the date as written, each half would balance and look whole.
    k3 = "2026-11-21,KLCC,K-3,{},{},{},,,{},{},2026-11-21 10:00:00,{}"
    lines = [
        *LINES,
        k3.format("item", "Food", "Roti", "", "5.00", "false"),
        k3.format("payment", "", "", "Cash", "5.00", "false"),
        " " + k3.format("item", "Food", "Roti", "", "2.00", "true"),
        " " + k3.format("payment", "", "", "Cash", "2.00", "true"),
    ]
    quick, exact = both_ways(write_csv(tmp_path / "sales.csv", lines), monkeypatch)
    assert not quick.ok
    assert [str(p) for p in quick.problems] == [str(p) for p in exact.problems]
    assert "voided" in " ".join(str(p) for p in quick.problems)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_line_without_an_amount_is_named_by_row_and_column(tmp_path, monkeypatch, kind):
    lines = [*LINES]
    lines[6] = lines[6].replace(",4.50,", ",,")
    path = write_csv(tmp_path / "sales.csv", lines)
    if kind == "parquet":
        path = write_parquet(tmp_path, path)
    quick, exact = both_ways(path, monkeypatch)
    assert not quick.ok
    assert [str(p) for p in quick.problems] == [str(p) for p in exact.problems]
    assert any("row 8, column amount: amount is empty" in str(p) for p in quick.problems)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
@pytest.mark.parametrize("text", [" K-1", "K-1 ", "K-1\u00a0", "\u3000K-1", "K-1\t", "Kédai-1"])
def test_names_with_spaces_at_their_ends_are_judged_by_the_exact_rules(
    tmp_path, monkeypatch, kind, text
):
    # Receipt and category names as a POS may pad them, with ASCII or Unicode spaces.
    lines = [line.replace(",K-1,", f",{text},").replace(",Drinks,", f",{text},") for line in LINES]
    path = write_csv(tmp_path / "sales.csv", lines)
    if kind == "parquet":
        path = write_parquet(tmp_path, path)
    verdicts: list = []
    quick = opened(path, True, monkeypatch, verdicts)
    quick_totals, quick_problems = totals(quick), [str(p) for p in quick.problems]
    exact = opened(path, False, monkeypatch)
    assert quick_problems == [str(p) for p in exact.problems]
    assert quick_totals == totals(exact)
    # Only a name that is its own trimmed value may be taken as written (a tab is no space
    # to trim, for either path).
    assert (verdicts[0] is not None) == (text in ("K-1\t", "Kédai-1"))
