"""Square, Toast and Loyverse exports (synthetic, written from the documented layouts in
tests/fixtures/presets) become the canonical lines a bookkeeper would book, tied to the
export's own totals; what cannot be booked is refused naming file, row and the POS column.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from posbooks.pos import open_exports
from posbooks.pos.presets import SourceOptions
from posbooks.pos.presets.sources import clear_cache
from posbooks.pos.totals import daily_totals

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "presets"
D = Decimal


@pytest.fixture(autouse=True)
def _fresh():
    clear_cache()


def totals(exports, day: date) -> dict[tuple[str, str | None], Decimal]:
    (day_totals,) = daily_totals(exports, day)
    return {(t.source, t.key): t.amount for t in day_totals.totals}


def problems(exports) -> list[str]:
    return [str(p) for p in exports.problems]


# --- Square ---------------------------------------------------------------------------

SQUARE = sorted((FIXTURES / "square").glob("*.csv"))


def test_square_items_and_transactions_book_each_amount_once():
    exports = open_exports(SQUARE)
    assert problems(exports) == []
    (recognised,) = exports.recognised
    assert recognised.description == (
        "Square export: items + transactions, 8 transactions, 24 Aug 2024, location Fraser Highland"
    )
    got = totals(exports, date(2024, 8, 24))
    # Refunded fries (-4.00) net off; the voided soup and salad at 0.00 are not booked.
    assert got[("sales", "Food")] == D("24.00")
    assert got[("discount", "Food")] == D("-2.00")  # the burger's -$2.00
    assert got[("sales", "Catering")] == D("1149.00")  # "$1,149.00 " read as written
    assert got[("sales", "Uncategorised")] == D("5.00")  # Category None
    assert got[("sales", "Gift cards sold")] == D("25.00")  # a liability to map, not food
    assert got[("service_charge", None)] == D("2.00")
    assert got[("tip", None)] == D("3.00")
    assert got[("tax", "Sales tax")] == D("95.60")
    assert got[("rounding", None)] == D("-0.01")  # Total Collected 4.30 for 4.31 in cash
    assert got[("payment", "Visa")] == D("38.80")  # 18.12 + 25.00 - 4.32 refunded "($4.32)"
    assert got[("payment", "Cash")] == D("17.90")  # split tender: 13.60 of the cake's 23.60
    assert got[("payment", "MasterCard")] == D("10.00")
    assert got[("payment", "Square Gift Card")] == D("12.96")
    assert got[("payment", "Check")] == D("1240.92")  # Other Tender, named by its type
    # The export's own total ties to what the drafts will book as received.
    assert recognised.total_label == "Total Collected"
    assert recognised.own_totals == ((date(2024, 8, 24), "Fraser Highland", D("1325.58")),)
    received = sum(v for (source, _), v in got.items() if source == "payment")
    assert received == D("1325.58")


def test_square_items_alone_are_refused_with_what_is_missing():
    exports = open_exports([FIXTURES / "square" / "items-2024-08-24-2024-08-25.csv"])
    assert not exports.ok
    (message,) = problems(exports)
    assert "carries no tenders or tips: add the Transactions export" in message
    assert "or choose a clearing payment method" in message


def test_square_items_alone_balance_through_the_clearing_method():
    options = SourceOptions(clearing_method="Square clearing", tax_code="GST")
    exports = open_exports([FIXTURES / "square" / "items-2024-08-24-2024-08-25.csv"],
                           options=options)  # fmt: skip
    assert problems(exports) == []
    got = totals(exports, date(2024, 8, 24))
    assert got[("payment", "Square clearing")] == D("1320.59")  # each receipt's total
    assert got[("tax", "GST")] == D("95.60")
    assert exports.recognised[0].total_label == "Gross Sales"


def test_square_columns_are_matched_by_name_not_position(tmp_path):
    # Same items file with its columns reversed and two unknown columns added.
    import csv

    source = FIXTURES / "square" / "items-2024-08-24-2024-08-25.csv"
    rows = list(csv.reader(source.open(encoding="utf-8-sig")))
    shuffled = [["Channel", *reversed(r), "Token"] for r in rows]
    shuffled[0][0], shuffled[0][-1] = "Channel", "Token"
    target = tmp_path / "items.csv"
    with target.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(shuffled)
    options = SourceOptions(clearing_method="Square clearing")
    a = open_exports([source], options=options)
    b = open_exports([target], options=options)
    assert problems(b) == []
    assert totals(a, date(2024, 8, 24)) == totals(b, date(2024, 8, 24))


def test_a_row_shifted_by_an_unquoted_comma_is_refused_naming_the_field():
    exports = open_exports([FIXTURES / "broken" / "square-items-shifted.csv"],
                           options=SourceOptions(clearing_method="Square clearing"))  # fmt: skip
    (problem,) = exports.problems
    assert (problem.file, problem.row, problem.column) == ("square-items-shifted.csv", 3, "Qty")
    assert "row has 31 values but the header has 30 columns" in problem.message
    assert "' Chips' is read as Qty" in problem.message


def test_square_transactions_that_do_not_add_up_are_not_called_rounding(tmp_path):
    folder = tmp_path / "sq"
    shutil.copytree(FIXTURES / "square", folder)
    path = folder / "transactions-2024-08-24-2024-08-25.csv"
    text = path.read_bytes().replace(b"$4.30,Point of Sale", b"$4.00,Point of Sale")
    path.write_bytes(text.replace(b",$4.30,", b",$4.00,", 1))
    exports = open_exports(sorted(folder.glob("*.csv")))
    (problem,) = exports.problems
    assert (problem.file, problem.row, problem.column) == (path.name, 3, "Total Collected")
    assert "Total Collected 4.00" in problem.message and "not cash rounding" in problem.message


def test_a_bad_amount_is_named_in_the_pos_column(tmp_path):
    path = tmp_path / "items.csv"
    source = FIXTURES / "square" / "items-2024-08-24-2024-08-25.csv"
    path.write_text(source.read_text(encoding="utf-8-sig").replace("$3.99", "3.99.9", 1))
    exports = open_exports([path], options=SourceOptions(clearing_method="X"))
    assert [(p.row, p.column) for p in exports.problems] == [(5, "Gross Sales")]
    assert "'3.99.9' is not an amount" in exports.problems[0].message


# --- Toast ----------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["toast", "toast_damaged_ids"])
def test_toast_orders_items_and_payments(folder):
    files = sorted((FIXTURES / folder).glob("*.csv"))
    exports = open_exports(files, options=SourceOptions(outlet="Main St"))
    assert problems(exports) == []
    (recognised,) = exports.recognised
    assert recognised.description.startswith(
        "Toast export: items + orders + payments, 6 orders, 5 Mar 2024 to 6 Mar 2024, outlet Main St"
    )
    assert ("Order Id damaged by Excel" in recognised.description) == (folder != "toast")
    day1 = totals(exports, date(2024, 3, 5))
    # The voided Fries (Void? TRUE) and the voided order #3 are not sold.
    assert day1[("sales", "Food")] == D("30.00")
    # Soda: Sales Category empty -> Menu Group; its discount is Gross minus Net (Discount reads 0).
    assert day1[("sales", "Drinks")] == D("2.50")
    assert day1[("discount", "Drinks")] == D("-0.50")
    assert day1[("sales", "Gift cards sold")] == D("50.00")  # Deferred: a liability
    # Order #2's Amount is 3.99 above its items: a service charge; plus its 1.50 gratuity.
    assert day1[("service_charge", None)] == D("5.49")
    assert day1[("tax", "Sales tax")] == D("2.65")  # the orders' Tax, not 4-decimal item tax
    assert day1[("tip", None)] == D("2.00")
    # Only CAPTURED payments: the VOIDED 50.00 is not counted twice.
    assert day1[("payment", "VISA")] == D("64.99")
    assert day1[("payment", "DoorDash")] == D("10.83")
    day2 = totals(exports, date(2024, 3, 6))
    # The catering order paid on 4 March belongs to its Order Date, 6 March.
    assert day2[("sales", "Catering")] == D("1149.00")
    assert day2[("payment", "VISA")] == D("1243.79")
    # Order #2 of 6 March is not order #2 of 5 March (Order # restarts every day).
    assert day2[("payment", "Cash")] == D("10.83")
    assert recognised.own_totals == (
        (date(2024, 3, 5), "Main St", D("92.14")),
        (date(2024, 3, 6), "Main St", D("1254.62")),
    )


def test_gratuity_can_be_booked_as_a_tip():
    files = sorted((FIXTURES / "toast").glob("*.csv"))
    exports = open_exports(files, options=SourceOptions(outlet="Main St", gratuity_as="tip"))
    day1 = totals(exports, date(2024, 3, 5))
    assert day1[("service_charge", None)] == D("3.99")
    assert day1[("tip", None)] == D("3.50")


def test_toast_without_location_or_tenders_says_what_to_set():
    files = sorted((FIXTURES / "toast").glob("[IO]*.csv"))  # no PaymentDetails
    exports = open_exports(files)
    messages = problems(exports)
    assert any("no Location column: set the outlet name" in m for m in messages)
    exports = open_exports(files, options=SourceOptions(outlet="Main St"))
    assert any("carry no tenders: add PaymentDetails" in m for m in problems(exports))
    cleared = SourceOptions(outlet="Main St", clearing_method="Toast clearing")
    exports = open_exports(files, options=cleared)
    assert problems(exports) == []
    assert totals(exports, date(2024, 3, 5))[("payment", "Toast clearing")] == D("92.14")


# --- Loyverse -------------------------------------------------------------------------

LOYVERSE = [FIXTURES / "loyverse" / "receipts.csv", FIXTURES / "loyverse" / "receipts-by-item.csv"]


def test_loyverse_receipts_with_items_day_first_dates():
    exports = open_exports(LOYVERSE)
    assert problems(exports) == []
    (recognised,) = exports.recognised
    # 13/10/2026 can only be day first, so 01/10/2026 is 1 October.
    assert "1 Oct 2026 to 13 Oct 2026" in recognised.description
    day = totals(exports, date(2026, 10, 1))
    assert day[("sales", "Food")] == D("21.99")  # the cancelled receipt is not booked
    assert day[("discount", "Drinks")] == D("-1.00")  # 1.00 in the file: a discount
    assert day[("rounding", None)] == D("0.01")  # 10.60 collected for 10.59
    assert day[("payment", "Cash")] == D("26.50")
    later = totals(exports, date(2026, 10, 13))
    assert later[("sales", "Drinks")] == D("-4.00")  # a refund receipt, already negative
    assert later[("sales", "Uncategorised")] == D("10.00")  # 10.60 with 0.60 tax included
    assert later[("tax", "Sales tax")] == D("0.36")
    assert recognised.own_totals == (
        (date(2026, 10, 1), "Bangsar", D("26.50")),
        (date(2026, 10, 13), "Bangsar", D("6.36")),
    )


def test_loyverse_split_tender_refused_unless_a_rule_is_chosen():
    split = [FIXTURES / "loyverse" / "receipts-split-tender.csv"]
    (problem,) = open_exports(split).problems
    assert (problem.row, problem.column) == (2, "Payment type")
    assert "receipt 1-1003 was paid with several payment types (Cash, Card)" in problem.message
    options = SourceOptions(split_tender="clearing", clearing_method="Split", day_first=True)
    exports = open_exports(split, options=options)
    assert problems(exports) == []
    assert totals(exports, date(2026, 10, 2))[("payment", "Split")] == D("21.20")


def test_forced_preset_refuses_a_file_of_another_pos():
    exports = open_exports(LOYVERSE[:1], preset="square")
    (problem,) = exports.problems
    assert problem.message.startswith("is not a Square export file")


def test_an_unknown_layout_is_refused_saying_what_posbooks_reads(tmp_path):
    path = tmp_path / "orders_export.csv"
    path.write_text("Name,Email,Financial Status,Paid at,Total\n#1001,,paid,2021-05-13,10.00\n")
    (problem,) = open_exports([path]).problems
    assert "not a file posbooks recognises" in problem.message
    assert "Square, Toast or Loyverse" in problem.message


def test_a_cutoff_hour_moves_early_orders_to_the_business_day_before():
    files = sorted((FIXTURES / "toast").glob("*.csv"))
    exports = open_exports(files, options=SourceOptions(outlet="Main St", cutoff_hour=12))
    assert problems(exports) == []
    (before,) = daily_totals(exports, date(2024, 3, 4))
    assert before.receipt_count == 1  # order #1 opened at 11:37
    assert before.amount("payment", "VISA") == D("14.99")


# --- generic column mapping -----------------------------------------------------------

GENERIC = FIXTURES / "generic" / "kassenbuch.csv"
PER_LINE = SourceOptions(
    columns=(("date", "Datum"), ("outlet", "Filiale"), ("receipt", "Beleg"), ("line_type", "Art"),
             ("category", "Warengruppe"), ("payment_method", "Zahlart"), ("amount", "Betrag")),
    line_type_values=(("Verkauf", "item"), ("Rabatt", "discount"), ("MwSt", "tax"),
                      ("Zahlung", "payment")),
    tax_code="MwSt 7",
)  # fmt: skip


def test_a_saved_column_mapping_reads_one_row_per_line():
    exports = open_exports([GENERIC], options=PER_LINE)
    assert problems(exports) == []
    assert exports.recognised[0].description.startswith("Column-mapped export: kassenbuch.csv")
    got = totals(exports, date(2026, 10, 13))  # 13.10.2026: day first, seen from the file
    assert got[("sales", "Getränke")] == D("1234.50")  # "1.234,50": a decimal comma
    assert got[("discount", "Speisen")] == D("-1.50")
    assert got[("tax", "MwSt 7")] == D("0.77")
    assert got[("payment", "Bar")] == D("11.77")


def test_an_unmapped_kind_is_refused_in_the_files_own_row_and_column():
    options = SourceOptions(
        columns=PER_LINE.columns, line_type_values=PER_LINE.line_type_values[:2]
    )
    (problem, *_) = open_exports([GENERIC], options=options).problems
    assert (problem.file, problem.row, problem.column) == ("kassenbuch.csv", 4, "Betrag")
    assert "line_type 'mwst' is not one of" in problem.message


def test_a_mapping_is_only_used_for_the_header_it_names():
    (problem,) = open_exports(SQUARE[:1], options=PER_LINE).problems
    assert "Square" in problem.message or "clearing" in problem.message


def test_square_ids_destroyed_by_excel_are_never_joined_on(tmp_path):
    source = FIXTURES / "square" / "items-2024-08-24-2024-08-25.csv"
    damaged = tmp_path / "items.csv"
    damaged.write_text(source.read_text(encoding="utf-8-sig").replace("TXN2", "5E+17"))
    (problem,) = open_exports([damaged], options=SourceOptions(clearing_method="X")).problems
    assert problem.column == "Transaction ID"
    assert "changed by Excel (e.g. 5E+17)" in problem.message


def test_square_transactions_alone_book_sales_uncategorised():
    exports = open_exports([FIXTURES / "square" / "transactions-2024-08-24-2024-08-25.csv"])
    assert problems(exports) == []
    got = totals(exports, date(2024, 8, 24))
    assert got[("sales", "Uncategorised")] == D("1201.99")  # Gross Sales, no categories
    assert got[("sales", "Gift cards sold")] == D("25.00")
    assert sum(v for (s, _), v in got.items() if s == "payment") == D("1325.58")


def test_forcing_the_generic_mapper_without_a_mapping_says_how_to_make_one():
    (problem,) = open_exports([GENERIC], preset="generic").problems
    assert "the saved column mapping names (none saved yet)" in problem.message
    assert "posbooks mapping source --column ROLE=HEADER" in problem.message


def test_utc_times_are_counted_in_the_outlets_time_zone(tmp_path):
    # Receipt B-2 closed at 18:40 UTC is 02:40 the next day in Kuala Lumpur.
    options = replace(PER_LINE, time_zone="Asia/Kuala_Lumpur")
    exports = open_exports([GENERIC], options=options)
    assert problems(exports) == []
    (next_day,) = daily_totals(exports, date(2026, 10, 14))
    assert next_day.amount("payment", "Karte") == D("1234.50")
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        SourceOptions(time_zone="Mars/Olympus")


def test_a_square_export_saved_as_excel_reads_the_same(tmp_path):
    import csv

    import openpyxl

    source = FIXTURES / "square" / "items-2024-08-24-2024-08-25.csv"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in csv.reader(source.open(encoding="utf-8-sig")):
        # Excel keeps amounts as numbers and Qty as a number once a person touched the file.
        sheet.append([float(v) if v.replace(".", "", 1).lstrip("-").isdigit() else v for v in row])
    target = tmp_path / "items.xlsx"
    workbook.save(target)
    options = SourceOptions(clearing_method="Square clearing")
    from_csv, from_xlsx = (
        open_exports([source], options=options),
        open_exports([target], options=options),
    )
    assert problems(from_xlsx) == []
    assert totals(from_xlsx, date(2024, 8, 24)) == totals(from_csv, date(2024, 8, 24))
