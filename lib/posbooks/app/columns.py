"""The column-mapping step (a file no POS preset recognises) as plain choices and rows (pure).

The page renders a select box per role and the preview table; what the choices mean as a
column mapping, and which preview lines a problem points at, is decided here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from posbooks.app.format import money

NONE = "(none)"
PAYMENT_PREFIX = "payment:"


def columns_from_choices(
    chosen: Mapping[str, str], payment_columns: Sequence[str] = ()
) -> dict[str, str]:
    """role -> header from the select boxes (``NONE`` left out), and one ``payment:<method>``
    role per payment column, the method named as its column."""
    columns = {role: header for role, header in chosen.items() if header and header != NONE}
    for header in payment_columns:
        columns[f"{PAYMENT_PREFIX}{header}"] = header
    return columns


def start_index(options: Sequence[str], value: str | None) -> int:
    """Where a select box starts: ``value`` when it is one of ``options``, else the first."""
    return list(options).index(value) if value in options else 0


def payment_columns(columns: Mapping[str, str]) -> list[str]:
    """The headers a saved mapping reads as one payment column per method."""
    return [h for role, h in columns.items() if role.startswith(PAYMENT_PREFIX)]


def words_from_choices(chosen: Mapping[str, str]) -> dict[str, str]:
    """A kind column's word -> line type, for the words given one."""
    return {word: kind for word, kind in chosen.items() if kind and kind != NONE}


def preview_rows(lines: Iterable[tuple], problems: Iterable) -> tuple[list[dict], list[bool]]:
    """The preview's rows (File, Row, Day, Outlet, Receipt, Kind, Category / method, Amount,
    Problem) and, for each, whether a problem points at its file and row."""
    by_row: dict[tuple[str, int], list[str]] = {}
    for p in problems:
        if p.row is not None:
            where = f"{p.column}: " if p.column else ""
            by_row.setdefault((p.file, p.row), []).append(where + p.message)
    rows, bad = [], []
    for file, row, day, outlet, receipt, kind, key, amount in lines:
        found = by_row.get((file, row), [])
        rows.append({
            "File": file, "Row": str(row), "Day": str(day or ""), "Outlet": outlet or "",
            "Receipt": receipt or "", "Kind": kind or "", "Category / method": key or "",
            "Amount": money(amount) if amount is not None else "", "Problem": "; ".join(found),
        })  # fmt: skip
        bad.append(bool(found))
    return rows, bad
