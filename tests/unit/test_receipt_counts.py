"""Receipt counts come from validation for one file and from the lines otherwise; same answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

from posbooks.pos import open_exports
from posbooks.pos.totals import daily_totals

HEADER = "business_date,outlet,receipt_no,line_type,category,tax_code,payment_method,amount,voided"


def receipt(day: str, outlet: str, number: str, amount: str, voided: str = "false") -> list[str]:
    return [
        f"{day},{outlet},{number},item,Food,,,{amount},{voided}",
        f"{day},{outlet},{number},payment,,,Cash,{amount},{voided}",
    ]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def counts(exports) -> dict[tuple, int]:
    days = daily_totals(exports, date(2026, 11, 1), date(2026, 11, 30))
    return {(d.business_date.day, d.outlet): d.receipt_count for d in days}


def test_one_file_counts_receipts_not_voided_per_day_and_outlet(tmp_path: Path) -> None:
    path = write(tmp_path / "week.csv", [
        *receipt("2026-11-20", "KLCC", "R1", "10.00"),
        *receipt("2026-11-20", "KLCC", "R2", "5.00", voided="true"),
        *receipt("2026-11-20", "KLCC", "R3", "7.00"),
        *receipt("2026-11-20", "Bangsar", "R1", "3.00"),
        *receipt("2026-11-21", "KLCC", "R4", "4.00"),
    ])  # fmt: skip
    exports = open_exports([path])
    assert exports.ok and exports.receipts is not None
    expected = {(20, "Bangsar"): 1, (20, "KLCC"): 2, (21, "KLCC"): 1}
    assert counts(exports) == expected
    # The same view without validation's counts counts over the lines: same numbers.
    assert counts(SimpleNamespace(con=exports.con, view=exports.view)) == expected


def test_a_receipt_number_in_two_files_counts_once(tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", receipt("2026-11-20", "KLCC", "R1", "10.00"))
    second = write(tmp_path / "b.csv", receipt("2026-11-20", "KLCC", "R1", "6.00"))
    exports = open_exports([first, second])
    assert exports.ok and exports.receipts is None
    assert counts(exports) == {(20, "KLCC"): 1}
