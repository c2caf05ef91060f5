"""Any other sales CSV or Excel file, read through a saved column mapping (the source
profile's ``columns``): which column is the date, the receipt, the amount and its kind, or
one amount column per kind.

Two shapes: one row per line (``line_type`` and ``amount`` columns, with
``line_type_values`` translating the file's words), or one row per receipt (amount columns
``sales``, ``discount``, ``service_charge``, ``tax``, ``tip``, ``rounding``, ``payment`` or
``payment:<method>``). Without a receipt column each row is its own receipt.
"""

from __future__ import annotations

import duckdb

from posbooks.pos.checks import literal, quote
from posbooks.pos.presets import parsing
from posbooks.pos.presets.base import (
    UNCATEGORISED,
    Extraction,
    Match,
    SourceOptions,
    line,
    type_columns,
)
from posbooks.pos.presets.files import PosFile, load
from posbooks.pos.problems import Problem

name = "generic"
title = "Column-mapped export"
kinds: dict[str, tuple[str, ...]] = {"rows": ("a saved column mapping naming its columns",)}
TEXT_ROLES = ("time", "outlet", "receipt", "category", "item", "payment_method", "tax_code",
              "line_type")  # fmt: skip
AMOUNT_ROLES = ("sales", "discount", "service_charge", "tax", "tip", "rounding", "payment")
LINE_TYPE_OF = {"sales": "item", "discount": "discount", "service_charge": "service_charge",
                "tax": "tax", "tip": "tip", "rounding": "rounding", "payment": "payment"}  # fmt: skip
ROLES = ("date", "amount", "quantity", *TEXT_ROLES, *AMOUNT_ROLES)


def check_columns(columns: dict[str, str]) -> list[str]:
    """What is wrong with a column mapping, in words (empty: usable)."""
    wrong = []
    unknown = [r for r in columns if r not in ROLES and not r.startswith("payment:")]
    if unknown:
        wrong.append(f"unknown role(s) {', '.join(unknown)} (roles: {', '.join(ROLES)}, "
                     "payment:<method>)")  # fmt: skip
    if "date" not in columns:
        wrong.append("no date column")
    per_line = "line_type" in columns or "amount" in columns
    per_receipt = any(r in AMOUNT_ROLES or r.startswith("payment:") for r in columns)
    if per_line and not ("line_type" in columns and "amount" in columns):
        wrong.append("one row per line needs both a line_type and an amount column")
    if per_line and per_receipt:
        wrong.append("choose one row per line (line_type + amount) or amount columns per kind")
    if not per_line and not per_receipt:
        wrong.append("no amount column")
    return wrong


def identify(files: list[PosFile], options: SourceOptions | None = None) -> Match | None:
    """The files whose headers hold every column the saved mapping names."""
    columns = dict(options.columns) if options else {}
    if not columns or check_columns(columns):
        return None
    found = tuple(f for f in files if f.has(*columns.values()))
    return Match(name, title, {"rows": found}) if found else None


def extract(con: duckdb.DuckDBPyConnection, match: Match, options: SourceOptions) -> Extraction:
    """Canonical lines from the mapped columns of each file."""
    columns = dict(options.columns)
    wrong = check_columns(columns)
    files = match.files.get("rows", ())
    if wrong or not files:
        first = files[0].name if files else ""
        reason = "; ".join(wrong) or "no file has the mapped columns"
        return Extraction(None, [Problem(first, None, None, f"the column mapping is not usable: "
                                         f"{reason}")], title)  # fmt: skip
    spec = {}
    for role, header in columns.items():
        kind = ("timestamp" if role == "date" else "quantity" if role == "quantity"
                else "text" if role in TEXT_ROLES else "amount")  # fmt: skip
        spec[role] = (header, kind)
    problems: list[Problem] = []
    parts = []
    for i, f in enumerate(files):
        loaded = load(con, f, f"generic_{i}", keep=spec)
        if loaded.problems and not loaded.misfit_rows:
            problems += loaded.problems
            continue
        day_first = options.day_first
        if day_first is None:
            day_first = bool(parsing.day_order(con, loaded.table, f.column(columns["date"])))

        def when(first: bool, raw: dict[str, str]) -> str:
            time = raw.get("time", "''")
            return parsing.timestamp(f"concat_ws(' ', {raw['date']}, {time})", first)

        typed = type_columns(con, loaded, spec, options, day_first=day_first,
                             extra={"closed": when})  # fmt: skip
        problems += typed.problems
        parts.append(f"SELECT *, {literal(f.name)} AS pos_file FROM {quote(typed.name)}")
    if "outlet" not in columns and not options.outlet:
        problems.append(Problem(files[0].name, None, None, "the mapping has no outlet column: "
                                "name the outlet in the source options (--outlet NAME)"))  # fmt: skip
    if problems:
        return Extraction(None, problems, title)
    outlet = f"coalesce({'outlet' if 'outlet' in columns else 'NULL'}, " + (
        f"{literal(options.outlet) if options.outlet else 'NULL'})"
    )
    receipt = "receipt" if "receipt" in columns else "'row ' || source_row"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE generic_rows AS SELECT *,
        {options.business_date_sql("closed")} AS business_date, {outlet} AS outlet_name,
        {receipt} AS receipt_no FROM ({" UNION ALL BY NAME ".join(parts)}) WHERE NOT misfit""")
    header = columns  # role -> the column as the file names it
    common = dict(business_date="business_date", outlet="outlet_name", receipt_no="receipt_no",
                  pos_file="pos_file", pos_row="source_row", closed_at="closed",
                  item="item" if "item" in columns else "NULL",
                  quantity="quantity" if "quantity" in columns else "NULL")  # fmt: skip
    category = (f"coalesce(category, {literal(UNCATEGORISED)})" if "category" in columns
                else literal(UNCATEGORISED))  # fmt: skip
    tax_code = ("coalesce(tax_code, " + options.tax_code_sql("outlet_name") + ")"
                if "tax_code" in columns else options.tax_code_sql("outlet_name"))  # fmt: skip
    clearing = literal(options.clearing_method) if options.clearing_method else "NULL"
    method = (f"coalesce(payment_method, {clearing})" if "payment_method" in columns
              else clearing)  # fmt: skip
    if "line_type" in columns:
        lines = _per_line(columns, header, common, category, tax_code, method, options)
    else:
        lines = _per_receipt(columns, header, common, category, tax_code, method, clearing)
        if lines is None:
            return Extraction(None, [Problem(files[0].name, None, None, (
                "the mapping has no payment column: choose a clearing payment method "
                "(--clearing-method NAME) for each receipt's total"))], title)  # fmt: skip
    count, first_day, last_day = con.execute(
        "SELECT count(DISTINCT (outlet_name, receipt_no)), min(business_date), "
        "max(business_date) FROM generic_rows"
    ).fetchall()[0]
    named = f"{title} '{options.columns_name}'" if options.columns_name else title
    description = (f"{named}: {', '.join(f.name for f in files)}, {count} receipts, "
                   f"{first_day} to {last_day}")  # fmt: skip
    # A generic file states no total of its own: no tie-out beyond the drafts'.
    return Extraction(lines, [], description)


def _per_line(columns, header, common, category, tax_code, method, options) -> str:
    """One canonical line per row; the kind column's words translated."""
    cases = " ".join(f"WHEN {literal(v.strip().lower())} THEN {literal(t)}"
                     for v, t in options.line_type_values)  # fmt: skip
    kind = "lower(trim(line_type))"  # the file's words already are line types
    if cases:
        kind = f"(CASE {kind} {cases} ELSE {kind} END)"
    cols = dict(common)
    cols.update(
        line_type="", amount="amount", pos_column=literal(header["amount"]),
        category=f"CASE WHEN {kind} = 'item' THEN {category} WHEN {kind} = 'discount' THEN "
        f"{'category' if 'category' in columns else 'NULL'} END",
        tax_code=f"CASE WHEN {kind} = 'tax' THEN {tax_code} END",
        payment_method=f"CASE WHEN {kind} = 'payment' THEN {method} END",
    )  # fmt: skip
    return f"SELECT {line(line_type_sql=kind, **cols)} FROM generic_rows"


def _per_receipt(columns, header, common, category, tax_code, method, clearing) -> str | None:
    """One canonical line per amount column of each row (a receipt, or part of one)."""
    selects = []
    for role in [r for r in columns if r in AMOUNT_ROLES or r.startswith("payment:")]:
        line_type = "payment" if role.startswith("payment") else LINE_TYPE_OF[role]
        extra = {}
        amount = quote(role)
        if role == "sales":
            extra["category"] = category
        elif role == "discount":
            amount = f"-abs({quote(role)})"  # discounts are negative whatever the file's sign
            extra["category"] = "category" if "category" in columns else "NULL"
        elif role == "tax":
            extra["tax_code"] = tax_code
        elif role == "payment":
            extra["payment_method"] = method
        elif role.startswith("payment:"):
            extra["payment_method"] = literal(role.split(":", 1)[1])
        cols = {**common, **extra}
        body = line(line_type=line_type, amount=amount, pos_column=literal(header[role]), **cols)
        selects.append(f"SELECT {body} FROM generic_rows WHERE {quote(role)} <> 0")
    if not any(r.startswith("payment") for r in columns):
        if clearing == "NULL":
            return None
        parts = " + ".join(
            f"-abs({quote(r)})" if r == "discount" else quote(r)
            for r in columns if r in AMOUNT_ROLES
        )  # fmt: skip
        cols = {**common, "payment_method": clearing}
        body = line(line_type="payment", amount=parts, pos_column=literal("(clearing)"), **cols)
        selects.append(f"SELECT {body} FROM generic_rows")
    return " UNION ALL ".join(selects)


def column_values(file: PosFile, header: str, limit: int = 30) -> list[str]:
    """The first ``limit`` distinct words of one column (a kind column's words to translate),
    in the order the file first uses them."""
    con = duckdb.connect()
    try:
        loaded = load(con, file, "words", keep={"word": (header, "text")})
        column = file.column(header)
        if column is None or (loaded.problems and not loaded.misfit_rows):
            return []
        rows = con.execute(
            f"SELECT trim({quote(column)}) AS w, min(source_row) AS r FROM words "
            f"WHERE NOT misfit AND trim({quote(column)}) <> '' GROUP BY w ORDER BY r LIMIT {limit}"
        ).fetchall()
        return [w for w, _ in rows]
    finally:
        con.close()
