"""Square Dashboard exports: Reports > Items ("items detail" CSV) and Transactions (CSV).

Items and transactions join on Transaction ID (refunds are their own receipt: the same
Transaction ID with Event Type Refund). Columns are matched by name: Square adds and
drops columns between versions (30 to 35 in the items file, 44 to 50 in transactions).
"""

from __future__ import annotations

import duckdb

from posbooks.pos.checks import literal, quote
from posbooks.pos.presets import parsing
from posbooks.pos.presets.base import (
    GIFT_CARDS_SOLD,
    UNCATEGORISED,
    Extraction,
    Match,
    SourceOptions,
    identify_by_kinds,
    select_lines,
    type_columns,
    union_view,
)
from posbooks.pos.presets.files import PosFile, load
from posbooks.pos.problems import MAX_PROBLEMS_PER_FILE, Problem

name = "square"
title = "Square export"
kinds = {
    "items": ("Date", "Item", "Qty", "Gross Sales", "Net Sales", "Transaction ID"),
    "transactions": ("Date", "Total Collected", "Transaction ID", "Net Sales", "Tax", "Tip"),
}
# Cash rounding never moves a total by this much or more (nickel rounding: 0.02 at most).
MAX_ROUNDING = "0.05"


def identify(files: list[PosFile], options: SourceOptions | None = None) -> Match | None:
    """Square items and/or transactions files, from their headers."""
    return identify_by_kinds(name, title, kinds, files)


def _when(day_first: bool, raw: dict[str, str]) -> str:
    time = raw.get("time", "''")
    return parsing.timestamp(f"concat_ws(' ', {raw.get('date', 'NULL')}, {time})", day_first)


ITEMS = {
    "date": ("Date", "timestamp"),
    "time": ("Time", "text"),
    "category": ("Category", "text"),
    "item": ("Item", "text"),
    "qty": ("Qty", "quantity"),
    "gross": ("Gross Sales", "amount"),
    "discounts": ("Discounts", "amount"),
    "net": ("Net Sales", "amount"),
    "tax": ("Tax", "amount"),
    "txn": ("Transaction ID", "text"),
    "event": ("Event Type", "text"),
    "location": ("Location", "text"),
    "itemization": ("Itemization Type", "text"),
}
TRANSACTIONS = {
    "date": ("Date", "timestamp"),
    "time": ("Time", "text"),
    "gross": ("Gross Sales", "amount"),
    "discounts": ("Discounts", "amount"),
    "service": ("Service Charges", "amount"),
    "net": ("Net Sales", "amount"),
    "gift_sales": ("Gift Card Sales", "amount"),
    "tax": ("Tax", "amount"),
    "tip": ("Tip", "amount"),
    "partial": ("Partial Refunds", "amount"),
    "total": ("Total Collected", "amount"),
    "card": ("Card", "amount"),
    "cash": ("Cash", "amount"),
    "gift": ("Square Gift Card", "amount"),
    "other": ("Other Tender", "amount"),
    "other_type": ("Other Tender Type", "text"),
    "brand": ("Card Brand", "text"),
    "txn": ("Transaction ID", "text"),
    "event": ("Event Type", "text"),
    "location": ("Location", "text"),
    "status": ("Transaction Status", "text"),
}


def _read_kind(
    con: duckdb.DuckDBPyConnection, files: tuple[PosFile, ...], spec: dict, kind: str,
    options: SourceOptions,
) -> tuple[str | None, list[Problem], dict[str, dict[str, str]]]:  # fmt: skip
    """Every file of one kind typed and stacked as table ``square_<kind>`` (with pos_file)."""
    problems: list[Problem] = []
    parts, names = [], {}
    for i, f in enumerate(files):
        loaded = load(con, f, f"square_{kind}_{i}", keep=spec)
        if loaded.problems and not loaded.misfit_rows:
            problems += loaded.problems
            continue
        day_first = options.day_first
        if day_first is None and f.column("Date"):
            day_first = bool(parsing.day_order(con, loaded.table, f.column("Date")))
        typed = type_columns(con, loaded, spec, options, day_first=day_first,
                             extra={"closed": _when})  # fmt: skip
        problems += typed.problems
        txn = f.column("Transaction ID")
        if txn and parsing.ids_damaged(con, loaded.table, txn):
            # Excel turned ids into numbers: rows can no longer be told apart or joined.
            problems.append(Problem(f.name, None, "Transaction ID", (
                "the Transaction IDs were changed by Excel (e.g. 5E+17), so transactions can "
                "no longer be told apart: download the CSV from Square again and upload it "
                "without opening and saving it in Excel")))  # fmt: skip
        names[f.name] = typed.source_of
        parts.append(f"SELECT *, {literal(f.name)} AS pos_file FROM {quote(typed.name)}")
        if f.column("Location") is None and not options.outlet:
            problems.append(
                Problem(f.name, 1, "Location", "the file has no Location column: set the "
                        "outlet name in the source options (posbooks mapping source --outlet NAME)")
            )  # fmt: skip
    if not parts:
        return None, problems, names
    return union_view(con, f"square_{kind}", parts), problems, names


def _keyed(table: str, options: SourceOptions) -> str:
    """The file's rows with the receipt they belong to (refunds are their own receipt)."""
    outlet = f"coalesce(location, {literal(options.outlet) if options.outlet else 'NULL'})"
    refund = "coalesce(lower(event) = 'refund', false)"
    return f"""
        SELECT *, {refund} AS refund,
               txn || CASE WHEN {refund} THEN ' refund' ELSE '' END AS receipt_no,
               {options.business_date_sql("closed")} AS business_date, {outlet} AS outlet
        FROM {table} WHERE NOT misfit
    """


def _row_problems(con, sql: str, template: str, column: str) -> list[Problem]:
    """Problems from a query of (pos_file, source_row, value)."""
    rows = con.execute(f"{sql} ORDER BY 1, 2 LIMIT {MAX_PROBLEMS_PER_FILE}").fetchall()
    return [Problem(f, r, column, " ".join(template.format(v).split())) for f, r, v in rows]


def extract(con: duckdb.DuckDBPyConnection, match: Match, options: SourceOptions) -> Extraction:
    """Canonical lines from the items file(s), with the transactions file(s) when given."""
    items, problems, _ = _read_kind(con, match.files.get("items", ()), ITEMS, "items", options)
    txns, more, _ = _read_kind(con, match.files.get("transactions", ()), TRANSACTIONS,
                               "transactions", options)  # fmt: skip
    problems += more
    kinds_text = " + ".join(match.kinds())
    if txns is None and not options.clearing_method:
        problems.append(Problem(
            match.files["items"][0].name, None, None,
            "a Square items file carries no tenders or tips: add the Transactions export of the "
            "same period (Dashboard > Reports > Transactions > Export, CSV), or choose a clearing "
            "payment method for each receipt's total (posbooks mapping source --clearing-method NAME)"
        ))  # fmt: skip
    if problems:
        return Extraction(None, problems, f"{title}: {kinds_text}")
    tax_code = options.tax_code_sql("outlet")
    selects: list[str] = []
    checks: list[Problem] = []
    if items is not None:
        con.execute(f"CREATE OR REPLACE TEMP VIEW square_items_k AS {_keyed(items, options)}")
        checks += _row_problems(
            con,
            "SELECT pos_file, source_row, txn FROM square_items_k WHERE outlet IS NULL",
            "Location is empty (transaction {}): set the outlet name in the source options",
            "Location",
        )
        checks += _row_problems(
            con,
            "SELECT pos_file, source_row, '' FROM square_items_k WHERE txn IS NULL",
            "Transaction ID is empty{}",
            "Transaction ID",
        )
        dup = """
            SELECT b.pos_file, min(b.source_row), a.pos_file || ' (Transaction ID ' || a.txn || ')'
            FROM (SELECT DISTINCT pos_file, txn FROM square_items_k) a
            JOIN square_items_k b ON a.txn = b.txn AND a.pos_file < b.pos_file GROUP BY ALL
        """
        checks += _row_problems(con, dup, "the same transaction is also in {}: the same "
                                "sale exported twice; remove the overlapping file", "Transaction ID")  # fmt: skip
        # A "(Voided)" row at 0.00 is an item taken off the order: nothing to book.
        con.execute("""
            CREATE OR REPLACE TEMP VIEW square_items_kept AS SELECT *,
                coalesce(itemization ILIKE '%gift card%', false) AS gift_card,
                CASE WHEN net = gross + discounts THEN discounts
                     WHEN net = gross - discounts THEN -discounts ELSE discounts END AS discount
            FROM square_items_k
            WHERE NOT (coalesce(item, '') LIKE '%(Voided)' AND gross = 0 AND net = 0 AND tax = 0)
        """)
        category = (f"CASE WHEN gift_card THEN {literal(GIFT_CARDS_SOLD)} ELSE coalesce("
                    f"nullif(category, 'None'), {literal(UNCATEGORISED)}) END")  # fmt: skip
        common = dict(business_date="business_date", outlet="outlet", receipt_no="receipt_no",
                      pos_file="pos_file", pos_row="source_row", closed_at="closed")  # fmt: skip
        not_gift = "WHERE NOT gift_card" if txns is not None else "WHERE true"
        kept = "square_items_kept"
        selects.append(select_lines(kept, not_gift, line_type="item", amount="gross",
                               category=category, item="item", quantity="qty",
                               pos_column=literal("Gross Sales"), **common))  # fmt: skip
        selects.append(select_lines(kept, f"{not_gift} AND discount <> 0", line_type="discount",
                               amount="discount", category=category, item="item",
                               pos_column=literal("Discounts"), **common))  # fmt: skip
        if txns is None:
            selects.append(select_lines(kept, "WHERE tax <> 0", line_type="tax", amount="tax",
                                   tax_code=tax_code, pos_column=literal("Tax"), **common))  # fmt: skip
            clearing = literal(options.clearing_method or "")
            selects.append(
                select_lines(
                    kept,
                    "GROUP BY business_date, outlet, receipt_no",
                    line_type="payment",
                    amount="sum(gross + discount + tax)",
                    payment_method=clearing,
                    pos_column=literal("Net Sales"),
                    business_date="business_date",
                    outlet="outlet",
                    receipt_no="receipt_no",
                    pos_file="min(pos_file)",
                    pos_row="min(source_row)",
                    closed_at="max(closed)",
                )
            )
    if txns is not None:
        con.execute(f"""CREATE OR REPLACE TEMP VIEW square_txns_k AS
            SELECT * FROM ({_keyed(txns, options)})
            WHERE coalesce(lower(status), 'complete') NOT IN ('canceled', 'cancelled', 'failed')""")
        checks += _row_problems(
            con,
            "SELECT pos_file, source_row, txn FROM square_txns_k WHERE outlet IS NULL",
            "Location is empty (transaction {}): set the outlet name in the source options",
            "Location",
        )
        checks += _transaction_checks(con, items is not None)
        common = dict(business_date="business_date", outlet="outlet", receipt_no="receipt_no",
                      pos_file="pos_file", pos_row="source_row", closed_at="closed")  # fmt: skip
        if items is not None:  # receipts with no item rows (e.g. a custom amount) still book
            no_items = ("WHERE NOT EXISTS (SELECT 1 FROM square_items_k i WHERE i.receipt_no = "
                        "t.receipt_no AND i.business_date = t.business_date)")  # fmt: skip
        else:
            no_items = ""
        t = "square_txns_k t"
        selects.append(select_lines(t, no_items or "WHERE true", line_type="item", amount="gross",
                               category=literal(UNCATEGORISED),
                               pos_column=literal("Gross Sales"), **common))  # fmt: skip
        selects.append(select_lines(t, f"{no_items or 'WHERE true'} AND discounts <> 0",
                               line_type="discount", amount="discounts",
                               pos_column=literal("Discounts"), **common))  # fmt: skip
        for line_type, column, header, extra in (
            ("service_charge", "service", "Service Charges", {}),
            ("item", "gift_sales", "Gift Card Sales", {"category": literal(GIFT_CARDS_SOLD)}),
            ("item", "partial", "Partial Refunds", {"category": literal("Partial refunds")}),
            ("tax", "tax", "Tax", {"tax_code": tax_code}),
            ("tip", "tip", "Tip", {}),
            ("rounding", "rounding", "Total Collected", {}),
            ("payment", "card", "Card", {"payment_method": "coalesce(brand, 'Card')"}),
            ("payment", "cash", "Cash", {"payment_method": "'Cash'"}),
            ("payment", "gift", "Square Gift Card", {"payment_method": "'Square Gift Card'"}),
            (
                "payment",
                "other",
                "Other Tender",
                {"payment_method": "coalesce(other_type, 'Other')"},
            ),
        ):
            selects.append(select_lines("square_txns_rounded", f"WHERE {column} <> 0",
                                   line_type=line_type, amount=column,
                                   pos_column=literal(header), **common, **extra))  # fmt: skip
    if checks:
        return Extraction(None, checks, f"{title}: {kinds_text}")
    lines = " UNION ALL ".join(selects)
    source = "square_txns_k" if txns is not None else "square_items_kept"
    label = "Total Collected" if txns is not None else "Gross Sales"
    measure = "total" if txns is not None else "gross"
    own = con.execute(
        f"SELECT business_date, outlet, sum({measure}) FROM {source} GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return Extraction(lines, [], _describe(con, source, kinds_text), own, label,
                      compares="payments" if txns is not None else "sales")  # fmt: skip


def _transaction_checks(con: duckdb.DuckDBPyConnection, with_items: bool) -> list[Problem]:
    """Implicit cash rounding made explicit, and transactions that do not add up refused."""
    con.execute("""CREATE OR REPLACE TEMP VIEW square_txns_rounded AS
        SELECT *, total - (gross + discounts + service + gift_sales + tax + tip + partial) AS rounding
        FROM square_txns_k""")
    problems = _row_problems(
        con,
        f"""SELECT pos_file, source_row, format('{{}}: Total Collected {{}} is not Gross Sales +
            Discounts + Service Charges + Gift Card Sales + Tax + Tip + Partial Refunds
            ({{}}); the difference {{}} is not cash rounding', receipt_no, {_text("total")},
            {_text("total - rounding")}, {_text("rounding")}) FROM square_txns_rounded
            WHERE abs(rounding) >= {MAX_ROUNDING} OR (rounding <> 0 AND cash = 0)""",
        "{}",
        "Total Collected",
    )
    if not with_items:
        return problems
    # Items must tell the same story as their transaction, or the categories are wrong.
    problems += _row_problems(
        con,
        f"""SELECT t.pos_file, t.source_row, format('{{}}: the items file''s Gross Sales add up to
           {{}} but the transactions file says {{}}; export both files for the same period again',
           t.receipt_no, {_text("i.gross")}, {_text("t.gross")})
           FROM square_txns_k t JOIN (SELECT receipt_no, business_date, sum(gross) AS gross
                FROM square_items_kept WHERE NOT gift_card GROUP BY ALL) i
             ON i.receipt_no = t.receipt_no AND i.business_date = t.business_date
           WHERE i.gross <> t.gross""",
        "{}",
        "Gross Sales",
    )
    problems += _row_problems(
        con,
        """SELECT i.pos_file, min(i.source_row), format('Transaction ID {} ({}) is in the items
           file but not in the transactions file: export both for the same period', i.txn,
           i.business_date) FROM square_items_kept i ANTI JOIN square_txns_k t
           ON i.receipt_no = t.receipt_no AND i.business_date = t.business_date
           GROUP BY i.pos_file, i.txn, i.business_date""",
        "{}",
        "Transaction ID",
    )
    return problems


def _text(amount: str) -> str:
    """SQL: an amount as text with its cents, for a message (4.00, not 4.0)."""
    return f"CAST(CAST({amount} AS DECIMAL(18,2)) AS VARCHAR)"


def _describe(con: duckdb.DuckDBPyConnection, source: str, kinds_text: str) -> str:
    count, first, last, outlets = con.execute(
        f"SELECT count(DISTINCT (business_date, receipt_no)), min(business_date), "
        f"max(business_date), list(DISTINCT outlet ORDER BY outlet) FROM {source}"
    ).fetchall()[0]
    days = first.strftime("%-d %b %Y") if first == last else (
        f"{first.strftime('%-d %b %Y')} to {last.strftime('%-d %b %Y')}"
    ) if first else "no days"  # fmt: skip
    where = ", ".join(o for o in outlets if o) or "no location"
    noun = "location" if len(outlets) == 1 else "locations"
    return f"{title}: {kinds_text}, {count} transactions, {days}, {noun} {where}"
