"""The fast (Arrow) CSV reader gives exactly what the line-by-line reader gives.

Row numbers are what a user sees in messages, so both readers must number every line
the same way; files Arrow cannot number exactly must fall back to the line reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from posbooks.pos import loaders

HEADER = "business_date,outlet,receipt_no,line_type,category,tax_code,payment_method,amount"
LINES = [
    "2026-11-20,KLCC,R1,item,Food,,,10.00",
    '2026-11-20,KLCC,R1,item,"Drinks, cold",,,5.00',
    "2026-11-20,KLCC,R1,payment,,,Cash,15.00",
]


def as_rows(raw: loaders.RawTable) -> list[dict]:
    return raw.table.to_pylist()


def write(tmp_path: Path, text: str, name: str = "f.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


@pytest.mark.parametrize(
    "text",
    [
        "\n".join([HEADER, *LINES]) + "\n",
        "\r\n".join([HEADER, *LINES]),
        "\n".join([HEADER.replace(",", ";"), *(x.replace(",", ";") for x in LINES)]) + "\n",
        "\n".join([HEADER, LINES[0], ",,,,,,,", *LINES[1:]]) + "\n",
    ],
    ids=["lf", "crlf-no-final-newline", "semicolons", "line-of-separators"],
)
def test_arrow_reader_reads_what_the_line_reader_reads(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text, bom=True)
    fast = loaders._read_csv_arrow(path)
    slow = loaders._read_csv_lines(path)
    assert fast is not None, "a plain file takes the fast path"
    assert fast.headers == slow.headers == HEADER.split(",")
    assert as_rows(fast) == as_rows(slow)
    assert [r["source_row"] for r in as_rows(fast)][-1] == len(text.strip().splitlines())


@pytest.mark.parametrize(
    "text",
    [
        "\n".join([HEADER, LINES[0], "", *LINES[1:]]) + "\n",
        "\n".join([HEADER, '2026-11-20,KLCC,R1,item,"Two\nlines",,,5.00', *LINES]) + "\n",
        "\n".join([HEADER, LINES[0] + ",extra", *LINES[1:]]) + "\n",
    ],
    ids=["blank-line", "quoted-newline", "ragged-row"],
)
def test_files_arrow_cannot_number_exactly_use_the_line_reader(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert loaders._read_csv_arrow(path) is None
    raw = loaders.read_csv(path)
    assert as_rows(raw) == as_rows(loaders._read_csv_lines(path))
    assert [r["source_row"] for r in as_rows(raw)][-1] == len(text.strip().splitlines())
