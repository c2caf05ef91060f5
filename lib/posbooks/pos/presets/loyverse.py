"""Loyverse back office exports: Reports > Receipts, "Receipts" and "Receipts by item" (CSV).

Files join on Store and Receipt number. Discounts are positive in the files; refund
receipts (Receipt type Refund) are already negative; Status Cancelled is a voided receipt.
Dates follow the account's locale: ``01/10/2026`` may be 1 October (day first).
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
    identify_by_kinds,
    no_outlet_column,
    problem_rows,
    select_lines,
    type_columns,
    union_view,
)
from posbooks.pos.presets.files import PosFile, load
from posbooks.pos.problems import Problem

name = "loyverse"
title = "Loyverse export"
kinds = {
    "items": ("Date", "Receipt number", "Item", "Quantity", "Gross sales", "Net sales"),
    "receipts": ("Date", "Receipt number", "Total collected", "Payment type", "Net sales"),
}
MAX_ROUNDING = "0.05"
ITEMS = {
    "date": ("Date", "timestamp"),
    "receipt": ("Receipt number", "text"),
    "receipt_type": ("Receipt type", "text"),
    "category": ("Category", "text"),
    "item": ("Item", "text"),
    "variant": ("Variant", "text"),
    "qty": ("Quantity", "quantity"),
    "gross": ("Gross sales", "amount"),
    "discounts": ("Discounts", "amount"),
    "net": ("Net sales", "amount"),
    "taxes": ("Taxes", "amount"),
    "store": ("Store", "text"),
    "status": ("Status", "text"),
}
RECEIPTS = {
    "date": ("Date", "timestamp"),
    "receipt": ("Receipt number", "text"),
    "receipt_type": ("Receipt type", "text"),
    "gross": ("Gross sales", "amount"),
    "discounts": ("Discounts", "amount"),
    "net": ("Net sales", "amount"),
    "taxes": ("Taxes", "amount"),
    "total": ("Total collected", "amount"),
    "payment_type": ("Payment type", "text"),
    "store": ("Store", "text"),
    "status": ("Status", "text"),
}
SPECS = {"items": ITEMS, "receipts": RECEIPTS}


def identify(files: list[PosFile], options: SourceOptions | None = None) -> Match | None:
    """Loyverse "Receipts" and/or "Receipts by item" files, from their headers."""
    return identify_by_kinds(name, title, kinds, files)


def _read_kind(con, files, kind: str, options: SourceOptions) -> tuple[str | None, list, list]:
    problems: list[Problem] = []
    parts, orders = [], []
    for i, f in enumerate(files):
        loaded = load(con, f, f"loyverse_{kind}_{i}", keep=SPECS[kind])
        if loaded.problems and not loaded.misfit_rows:
            problems += loaded.problems
            continue
        day_first = options.day_first
        if day_first is None:
            day_first = parsing.day_order(con, loaded.table, f.column("Date"))
            orders.append(day_first)
        typed = type_columns(con, loaded, SPECS[kind], options, day_first=bool(day_first))
        problems += typed.problems
        parts.append(f"SELECT *, {literal(f.name)} AS pos_file FROM {quote(typed.name)}")
        if f.column("Store") is None and not options.outlet:
            problems.append(no_outlet_column(f.name, "Store"))
    if not parts:
        return None, problems, orders
    return union_view(con, f"loyverse_{kind}", parts), problems, orders


def extract(con: duckdb.DuckDBPyConnection, match: Match, options: SourceOptions) -> Extraction:
    """Canonical lines from Receipts by item and/or Receipts."""
    problems: list[Problem] = []
    tables, orders = {}, []
    for kind in ("items", "receipts"):
        table, more, found = _read_kind(con, match.files.get(kind, ()), kind, options)
        problems += more
        tables[kind] = table
        orders += found
    kinds_text = " + ".join(match.kinds())
    first = match.all_files()[0].name
    if tables["receipts"] is None and not options.clearing_method and not problems:
        problems.append(Problem(first, None, None, (
            "a Loyverse \"Receipts by item\" file carries no payment types: add the \"Receipts\" "
            "export of the same period (Back office > Reports > Receipts > Export), or choose a "
            "clearing payment method (posbooks mapping source --clearing-method NAME)")))  # fmt: skip
    if problems:
        return Extraction(None, problems, f"{title}: {kinds_text}")
    outlet = f"coalesce(store, {literal(options.outlet) if options.outlet else 'NULL'})"
    for kind, table in tables.items():
        if table is not None:
            con.execute(f"""CREATE OR REPLACE TEMP VIEW loyverse_{kind}_k AS SELECT *,
                {options.business_date_sql("date")} AS business_date, {outlet} AS outlet,
                coalesce(lower(status) IN ('cancelled', 'canceled', 'voided'), false) AS voided
                FROM {table} WHERE NOT misfit""")
    items, receipts = tables["items"] is not None, tables["receipts"] is not None
    checks: list[Problem] = []
    for kind in (k for k, t in tables.items() if t is not None):
        checks += problem_rows(con, f"""SELECT pos_file, source_row, 'Store is empty on receipt ' ||
            coalesce(receipt, '?') || ': set the outlet name in the source options'
            FROM loyverse_{kind}_k WHERE outlet IS NULL""", "Store")  # fmt: skip
        checks += problem_rows(con, f"""SELECT pos_file, source_row, 'Receipt number is empty'
            FROM loyverse_{kind}_k WHERE receipt IS NULL""", "Receipt number")  # fmt: skip
    if receipts:
        split = ("receipt {} was paid with several payment types ({}) and Loyverse does not "
                 "export how much each took: choose a split rule (posbooks mapping source "
                 "--split-tender clearing --clearing-method NAME) or enter it by hand")  # fmt: skip
        if options.split_tender == "refuse":
            checks += problem_rows(con, f"""SELECT pos_file, source_row, format({literal(split)}, receipt,
                payment_type) FROM loyverse_receipts_k WHERE NOT voided
                AND contains(payment_type, ',')""", "Payment type")  # fmt: skip
        if items:
            checks += problem_rows(con, """SELECT i.pos_file, min(i.source_row), format('receipt {} ({})
                is in Receipts by item but not in Receipts: export both for the same period',
                i.receipt, i.business_date) FROM loyverse_items_k i ANTI JOIN loyverse_receipts_k r
                USING (outlet, receipt) GROUP BY i.pos_file, i.receipt, i.business_date""",
                "Receipt number")  # fmt: skip
            checks += problem_rows(con, """SELECT r.pos_file, r.source_row, format('receipt {}: its items''
                Net sales add up to {} but Receipts says {}', r.receipt, CAST(CAST(i.net AS DECIMAL(18,2)) AS VARCHAR), CAST(CAST(r.net AS DECIMAL(18,2)) AS VARCHAR))
                FROM loyverse_receipts_k r JOIN (SELECT outlet, receipt, sum(net) AS net FROM
                loyverse_items_k GROUP BY ALL) i USING (outlet, receipt)
                WHERE i.net <> r.net AND NOT r.voided""", "Net sales")  # fmt: skip
        # Taxes are added on top (Total collected = Net sales + Taxes) or included in prices
        # (Total collected = Net sales); what is left is cash rounding.
        con.execute("""CREATE OR REPLACE TEMP VIEW loyverse_receipts_r AS SELECT *,
                taxes <> 0 AND abs(total - net) < abs(total - net - taxes) AS tax_included,
                total - net - CASE WHEN taxes <> 0 AND abs(total - net) < abs(total - net - taxes)
                                   THEN 0 ELSE taxes END AS rounding
            FROM loyverse_receipts_k""")
        checks += problem_rows(con, f"""SELECT pos_file, source_row, format('receipt {{}}: Total collected
            {{}} is neither Net sales ({{}}) nor Net sales + Taxes ({{}}), and the difference is not
            cash rounding', receipt, CAST(CAST(total AS DECIMAL(18,2)) AS VARCHAR), CAST(CAST(net AS DECIMAL(18,2)) AS VARCHAR),
            CAST(CAST(net + taxes AS DECIMAL(18,2)) AS VARCHAR)) FROM loyverse_receipts_r
            WHERE NOT voided AND abs(rounding) >= {MAX_ROUNDING}""", "Total collected")  # fmt: skip
    if checks:
        return Extraction(None, checks, f"{title}: {kinds_text}")
    common = dict(business_date="business_date", outlet="outlet", receipt_no="receipt",
                  pos_file="pos_file", pos_row="source_row", closed_at="date",
                  voided="voided")  # fmt: skip
    tax_code = options.tax_code_sql("outlet")
    category = f"coalesce(category, {literal(UNCATEGORISED)})"
    item = "CASE WHEN variant IS NULL THEN item ELSE item || ' (' || variant || ')' END"
    selects = []
    clearing = literal(options.clearing_method or "")
    if items:
        included = ("SELECT outlet, receipt FROM loyverse_receipts_r WHERE tax_included"
                    if receipts else "SELECT NULL AS outlet, NULL AS receipt WHERE false")  # fmt: skip
        con.execute(f"""CREATE OR REPLACE TEMP VIEW loyverse_items_t AS SELECT *,
            (outlet, receipt) IN ({included}) AS tax_included FROM loyverse_items_k""")
        kept = "loyverse_items_t"
        selects += [
            # Tax included in prices comes out of the sale it was included in.
            select_lines(kept, "", line_type="item", category=category, item=item, quantity="qty",
                    amount="gross - CASE WHEN tax_included THEN taxes ELSE 0 END",
                    pos_column=literal("Gross sales"), **common),
            select_lines(kept, "WHERE discounts <> 0", line_type="discount", category=category,
                    item=item, amount="-discounts", pos_column=literal("Discounts"), **common),
        ]  # fmt: skip
    if receipts:
        r = "loyverse_receipts_r"
        method = ("CASE WHEN contains(payment_type, ',') THEN " + clearing +
                  f" ELSE coalesce(payment_type, {clearing}) END")  # fmt: skip
        if not items:
            selects += [
                select_lines(r, "", line_type="item", category=literal(UNCATEGORISED),
                        amount="gross - CASE WHEN tax_included THEN taxes ELSE 0 END",
                        pos_column=literal("Gross sales"), **common),
                select_lines(r, "WHERE discounts <> 0", line_type="discount", amount="-discounts",
                        pos_column=literal("Discounts"), **common),
            ]  # fmt: skip
        selects += [
            select_lines(r, "WHERE taxes <> 0", line_type="tax", amount="taxes", tax_code=tax_code,
                    pos_column=literal("Taxes"), **common),
            select_lines(r, "WHERE rounding <> 0", line_type="rounding", amount="rounding",
                    pos_column=literal("Total collected"), **common),
            select_lines(r, "", line_type="payment", amount="total", payment_method=method,
                    pos_column=literal("Payment type"), **common),
        ]  # fmt: skip
        label, source, measure = "Total collected", r, "total"
    else:
        kept = "loyverse_items_k"
        selects += [
            select_lines(kept, "WHERE taxes <> 0", line_type="tax", amount="taxes", tax_code=tax_code,
                    pos_column=literal("Taxes"), **common),
            select_lines(kept, "GROUP BY business_date, outlet, receipt, voided", line_type="payment",
                    amount="sum(net + taxes)", payment_method=clearing,
                    pos_column=literal("Net sales"), business_date="business_date",
                    outlet="outlet", receipt_no="receipt", pos_file="min(pos_file)",
                    pos_row="min(source_row)", closed_at="max(date)", voided="voided"),
        ]  # fmt: skip
        label, source, measure = "Net sales + Taxes", kept, "net + taxes"
    own = con.execute(f"SELECT business_date, outlet, sum({measure}) FROM {source} "
                      "WHERE NOT voided GROUP BY ALL ORDER BY ALL").fetchall()  # fmt: skip
    count, first_day, last_day, outlets = con.execute(
        f"SELECT count(DISTINCT (outlet, receipt)), min(business_date), max(business_date), "
        f"list(DISTINCT outlet ORDER BY outlet) FROM {source}"
    ).fetchall()[0]
    days = (first_day.strftime("%-d %b %Y") if first_day == last_day else
            f"{first_day.strftime('%-d %b %Y')} to {last_day.strftime('%-d %b %Y')}")  # fmt: skip
    description = f"{title}: {kinds_text}, {count} receipts, {days}, store {', '.join(outlets)}"
    notes = []
    if options.day_first is None and orders and all(o is None for o in orders):
        notes.append("dates read month first (01/10 = 10 Jan); set day-first if yours are DD/MM")
    elif options.day_first is None and any(orders):
        notes.append("dates read day first (DD/MM), as the file shows")
    if notes:
        description += " (" + "; ".join(notes) + ")"
    return Extraction(" UNION ALL ".join(selects), [], description, own, label,
                      notes=notes)  # fmt: skip
