"""Toast data exports (scheduled export, one folder per day): ItemSelectionDetails,
OrderDetails and PaymentDetails CSV files.

Files join on Order Id; when Excel has destroyed the ids (``5E+17``) they join on the order's
business date and Order # instead (Order # restarts every day). An order belongs to its
Order Date: a catering check paid days before is booked on the day it is for.
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
    no_outlet_column,
    problem_rows,
    select_lines,
    type_columns,
    union_view,
)
from posbooks.pos.presets.files import PosFile, load
from posbooks.pos.problems import Problem

name = "toast"
title = "Toast export"
kinds = {
    "items": ("Order #", "Menu Item", "Gross Price", "Net Price", "Void?", "Order Date"),
    "orders": ("Order #", "Opened", "Amount", "Tax", "Tip", "Total", "Voided"),
    "payments": ("Payment Id", "Order #", "Paid Date", "Status", "Amount", "Tip"),
}
ITEMS = {
    "order_id": ("Order Id", "text"),
    "order_no": ("Order #", "text"),
    "ordered": ("Order Date", "timestamp"),
    "menu_item": ("Menu Item", "text"),
    "menu_group": ("Menu Group", "text"),
    "sales_category": ("Sales Category", "text"),
    "gross": ("Gross Price", "amount"),
    "net": ("Net Price", "amount"),
    "qty": ("Qty", "quantity"),
    "tax": ("Tax", "amount5"),
    "void": ("Void?", "flag"),
    "deferred": ("Deferred", "flag"),
    "location": ("Location", "text"),
}
ORDERS = {
    "order_id": ("Order Id", "text"),
    "order_no": ("Order #", "text"),
    "ordered": ("Opened", "timestamp"),
    "closed": ("Closed", "timestamp"),
    "amount": ("Amount", "amount"),
    "tax": ("Tax", "amount"),
    "tip": ("Tip", "amount"),
    "gratuity": ("Gratuity", "amount"),
    "total": ("Total", "amount"),
    "voided": ("Voided", "flag"),
    "location": ("Location", "text"),
}
PAYMENTS = {
    "order_id": ("Order Id", "text"),
    "order_no": ("Order #", "text"),
    "ordered": (("Order Date", "Paid Date"), "timestamp"),
    "amount": ("Amount", "amount"),
    "tip": ("Tip", "amount"),
    "gratuity": ("Gratuity", "amount"),
    "refund": ("Refund Amount", "amount"),
    "refund_tip": ("Refund Tip Amount", "amount"),
    "status": ("Status", "text"),
    "type": ("Type", "text"),
    "card_type": ("Card Type", "text"),
    "other_type": ("Other Type", "text"),
    "location": ("Location", "text"),
}
SPECS = {"items": ITEMS, "orders": ORDERS, "payments": PAYMENTS}


def identify(files: list[PosFile], options: SourceOptions | None = None) -> Match | None:
    """Toast ItemSelectionDetails / OrderDetails / PaymentDetails files, from their headers."""
    return identify_by_kinds(name, title, kinds, files)


def _read_kind(con, files, kind: str, options: SourceOptions) -> tuple[str | None, list, bool]:
    """Files of one kind typed and stacked as ``toast_<kind>``; and whether ids are damaged."""
    problems: list[Problem] = []
    parts, damaged = [], False
    for i, f in enumerate(files):
        loaded = load(con, f, f"toast_{kind}_{i}", keep=SPECS[kind])
        if loaded.problems and not loaded.misfit_rows:
            problems += loaded.problems
            continue
        date_column = f.column("Order Date") or f.column("Opened") or f.column("Paid Date")
        day_first = options.day_first
        if day_first is None and date_column:
            day_first = bool(parsing.day_order(con, loaded.table, date_column))
        typed = type_columns(con, loaded, SPECS[kind], options, day_first=day_first)
        problems += typed.problems
        if f.column("Order Id"):
            damaged = damaged or parsing.ids_damaged(con, loaded.table, f.column("Order Id"))
        else:
            damaged = True
        parts.append(f"SELECT *, {literal(f.name)} AS pos_file FROM {quote(typed.name)}")
        if f.column("Location") is None and not options.outlet:
            problems.append(no_outlet_column(f.name, "Location"))
    if not parts:
        return None, problems, damaged
    return union_view(con, f"toast_{kind}", parts), problems, damaged


def extract(con: duckdb.DuckDBPyConnection, match: Match, options: SourceOptions) -> Extraction:
    """Canonical lines from ItemSelectionDetails with OrderDetails (and PaymentDetails)."""
    problems: list[Problem] = []
    tables, damaged = {}, False
    for kind in ("items", "orders", "payments"):
        table, more, hurt = _read_kind(con, match.files.get(kind, ()), kind, options)
        problems += more
        tables[kind] = table
        damaged = damaged or (hurt and table is not None)
    kinds_text = " + ".join(match.kinds())
    first = match.all_files()[0].name
    if tables["items"] is None and not problems:
        problems.append(Problem(first, None, None, (
            "a Toast OrderDetails or PaymentDetails file alone has no items: add "
            "ItemSelectionDetails of the same days (Toast data export folder YYYYMMDD/)")))  # fmt: skip
    if tables["payments"] is None and not options.clearing_method and not problems:
        problems.append(Problem(first, None, None, (
            "these Toast files carry no tenders: add PaymentDetails of the same days, or choose "
            "a clearing payment method for each order's total "
            "(posbooks mapping source --clearing-method NAME)")))  # fmt: skip
    if problems:
        return Extraction(None, problems, f"{title}: {kinds_text}")
    outlet = f"coalesce(location, {literal(options.outlet) if options.outlet else 'NULL'})"
    # Excel-damaged ids are never joined on: the order's day and Order # are.
    key = "business_date || '#' || order_no" if damaged else "order_id"
    for kind, table in tables.items():
        if table is not None:
            con.execute(f"""CREATE OR REPLACE TEMP VIEW toast_{kind}_k AS SELECT *,
                {outlet} AS outlet, {key} AS order_key FROM (SELECT *,
                {options.business_date_sql("ordered")} AS business_date FROM {table}
                WHERE NOT misfit)""")
    checks = problem_rows(
        con,
        """SELECT pos_file, source_row, 'Order # is empty' FROM toast_items_k
                          WHERE order_no IS NULL""",
        "Order #",
    )
    checks += problem_rows(con, """SELECT pos_file, source_row, 'Location is empty: set the outlet name
                           in the source options' FROM toast_items_k WHERE outlet IS NULL""",
                    "Location")  # fmt: skip
    has_orders = tables["orders"] is not None
    notes = []
    if has_orders:
        checks += problem_rows(con, f"""SELECT pos_file, min(source_row), format('order {{}} ({{}}) is listed
            {{}} times{damaged and ' (Order Id is damaged, so orders are told apart by date and Order #)' or ''}',
            order_no, business_date, count(*)) FROM toast_orders_k GROUP BY pos_file, order_key,
            order_no, business_date HAVING count(*) > 1""", "Order #")  # fmt: skip
        # OrderDetails may cover more days than the items: only the items' days are read.
        con.execute("""CREATE OR REPLACE TEMP VIEW toast_orders_in AS SELECT o.* FROM toast_orders_k o
            WHERE business_date BETWEEN (SELECT min(business_date) FROM toast_items_k)
                                    AND (SELECT max(business_date) FROM toast_items_k)""")
        outside = con.execute("SELECT count(*) FROM toast_orders_k EXCEPT SELECT count(*) FROM "
                              "toast_orders_in").fetchall()  # fmt: skip
        if outside:
            notes.append("OrderDetails days without ItemSelectionDetails are left out")
        checks += problem_rows(
            con,
            """SELECT i.pos_file, min(i.source_row), format('order {} ({}) is in
            ItemSelectionDetails but not in OrderDetails: export both for the same days',
            i.order_no, i.business_date) FROM toast_items_k i ANTI JOIN toast_orders_k o
            USING (order_key) GROUP BY i.pos_file, i.order_no, i.business_date""",
            "Order #",
        )
    if checks:
        return Extraction(None, checks, f"{title}: {kinds_text}")
    # Items that count: not voided, in an order that is not voided.
    voided_orders = ("SELECT order_key FROM toast_orders_k WHERE voided" if has_orders
                     else "SELECT NULL AS order_key WHERE false")  # fmt: skip
    con.execute(f"""CREATE OR REPLACE TEMP VIEW toast_items_kept AS SELECT * FROM toast_items_k
        WHERE NOT coalesce(void, false) AND order_key NOT IN ({voided_orders})""")
    receipt = "order_no"
    common = dict(business_date="business_date", outlet="outlet", receipt_no=receipt,
                  pos_file="pos_file", pos_row="source_row", closed_at="ordered")  # fmt: skip
    category = f"coalesce(sales_category, menu_group, {literal(UNCATEGORISED)})"
    tax_code = options.tax_code_sql("outlet")
    kept = "toast_items_kept"
    selects = [
        select_lines(kept, "WHERE NOT coalesce(deferred, false)", line_type="item", amount="gross",
                category=category, item="menu_item", quantity="qty",
                pos_column=literal("Gross Price"), **common),
        select_lines(kept, "WHERE NOT coalesce(deferred, false) AND net <> gross",
                line_type="discount", amount="net - gross", category=category, item="menu_item",
                pos_column=literal("Net Price"), **common),
        # Deferred items are gift cards sold: a liability, booked at what was charged.
        select_lines(kept, "WHERE coalesce(deferred, false)", line_type="item", amount="net",
                category=literal(GIFT_CARDS_SOLD), item="menu_item", quantity="qty",
                pos_column=literal("Net Price"), **common),
    ]  # fmt: skip
    clearing = literal(options.clearing_method or "")
    if has_orders:
        con.execute("""CREATE OR REPLACE TEMP VIEW toast_orders_kept AS SELECT o.*,
                coalesce(i.net, 0) AS items_net, i.order_key IS NULL AS no_items
            FROM toast_orders_in o LEFT JOIN (SELECT order_key, sum(net) AS net FROM
                toast_items_kept GROUP BY ALL) i USING (order_key)
            WHERE NOT coalesce(o.voided, false)""")
        orders = "toast_orders_kept"
        gratuity = "service_charge" if options.gratuity_as == "service_charge" else "tip"
        selects += [
            # An order's Amount above its items' Net Price is a service charge no item shows
            # (below it: a check-level discount).
            select_lines(orders, "WHERE NOT no_items AND amount > items_net", line_type="service_charge",
                    amount="amount - items_net", pos_column=literal("Amount"), **common),
            select_lines(orders, "WHERE NOT no_items AND amount < items_net", line_type="discount",
                    amount="amount - items_net", pos_column=literal("Amount"), **common),
            select_lines(orders, "WHERE no_items AND amount <> 0", line_type="item", amount="amount",
                    category=literal(UNCATEGORISED), pos_column=literal("Amount"), **common),
            select_lines(orders, "WHERE tax <> 0", line_type="tax", amount="tax", tax_code=tax_code,
                    pos_column=literal("Tax"), **common),
            select_lines(orders, "WHERE tip <> 0", line_type="tip", amount="tip",
                    pos_column=literal("Tip"), **common),
            select_lines(orders, "WHERE gratuity <> 0", line_type=gratuity, amount="gratuity",
                    pos_column=literal("Gratuity"), **common),
        ]  # fmt: skip
        if tables["payments"] is None:
            selects.append(select_lines(orders, "WHERE total <> 0", line_type="payment",
                                   amount="amount + tax + tip + gratuity", payment_method=clearing,
                                   pos_column=literal("Total"), **common))  # fmt: skip
        label, own_source, measure = "Total", orders, "total"
    else:  # items alone: each order's tax is its items' tax rounded once, per order
        con.execute("""CREATE OR REPLACE TEMP VIEW toast_items_orders AS SELECT business_date,
            outlet, order_no, order_key, min(pos_file) AS pos_file, min(source_row) AS source_row,
            min(ordered) AS ordered, round(sum(tax), 2) AS tax, sum(net) AS net
            FROM toast_items_kept GROUP BY ALL""")
        orders = "toast_items_orders"
        selects += [
            select_lines(orders, "WHERE tax <> 0", line_type="tax", amount="tax", tax_code=tax_code,
                    pos_column=literal("Tax"), **common),
            select_lines(orders, "", line_type="payment", amount="net + tax", payment_method=clearing,
                    pos_column=literal("Net Price"), **common),
        ]  # fmt: skip
        label, own_source, measure = "Net Price + Tax", orders, "net + tax"
    if tables["payments"] is not None:
        con.execute(f"""CREATE OR REPLACE TEMP VIEW toast_payments_kept AS SELECT p.*,
                coalesce(p.card_type, p.other_type, p.type, 'Other') AS method
            FROM toast_payments_k p SEMI JOIN {orders} o USING (order_key)
            WHERE upper(coalesce(p.status, '')) = 'CAPTURED'""")
        pays = "toast_payments_kept"
        selects += [
            select_lines(pays, "WHERE amount + tip + gratuity <> 0", line_type="payment",
                    amount="amount + tip + gratuity", payment_method="method",
                    pos_column=literal("Amount"), **common),
            # A refund given back on a payment: the sale is reduced, and so is the tender.
            select_lines(pays, "WHERE refund <> 0", line_type="item", amount="-abs(refund)",
                    category=literal("Refunds"), pos_column=literal("Refund Amount"), **common),
            select_lines(pays, "WHERE refund_tip <> 0", line_type="tip", amount="-abs(refund_tip)",
                    pos_column=literal("Refund Tip Amount"), **common),
            select_lines(pays, "WHERE refund + refund_tip <> 0", line_type="payment",
                    amount="-abs(refund) - abs(refund_tip)", payment_method="method",
                    pos_column=literal("Refund Amount"), **common),
        ]  # fmt: skip
    own = con.execute(f"SELECT business_date, outlet, sum({measure}) FROM {own_source} "
                      "GROUP BY ALL ORDER BY ALL").fetchall()  # fmt: skip
    count, first_day, last_day, outlets = con.execute(
        f"SELECT count(*), min(business_date), max(business_date), "
        f"list(DISTINCT outlet ORDER BY outlet) FROM {orders}"
    ).fetchall()[0]
    days = (first_day.strftime("%-d %b %Y") if first_day == last_day else
            f"{first_day.strftime('%-d %b %Y')} to {last_day.strftime('%-d %b %Y')}")  # fmt: skip
    description = f"{title}: {kinds_text}, {count} orders, {days}, outlet {', '.join(outlets)}"
    if damaged:
        notes.append("Order Id damaged by Excel (5E+17): orders matched on date and Order #")
    if notes:
        description += " (" + "; ".join(notes) + ")"
    return Extraction(" UNION ALL ".join(selects), [], description, own, label, notes=notes)
