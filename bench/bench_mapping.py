"""Mapping suggestions and the Mapping page's tables for a POS with very many categories.

Issue 16.8: both were quadratic in distinct categories (100k took 446 s). Times, in one
process with no QuickBooks call (the chart is built here), what ``posbooks mapping suggest``
computes (suggest_mapping + mapping_rows) and what the Mapping page computes on each run
(the suggestion, both checks, the accounts, deposit and items tables, and applying the edited
accounts table). Prints wall and CPU seconds (CPU is steadier on a shared machine); it is not
a test and writes nothing to RESULTS.md.

    python bench/bench_mapping.py                       # 100k categories
    python bench/bench_mapping.py --categories 5000 20000 100000
"""

from __future__ import annotations

import argparse
import time

from posbooks.app import mapping as um
from posbooks.core.mapping_rules import check_mapping, suggest_mapping
from posbooks.core.model import Mapping
from posbooks.core.qbo_settings import Account, Item, ListItem, Preferences, QboSettings
from posbooks.drafts.mapping import mapping_rows

PAYMENTS = ("Cash", "Visa/Master", "Amex", "TNG eWallet", "GrabPay", "Gift Voucher")


def book(n: int) -> tuple[set, QboSettings]:
    """``n`` categories (a third of them discounted) and a chart naming 20 of them.

    Work per category is proportional to the accounts sharing a word with its name: were
    the categories "Category 004711" and the chart "Sales - Category 000050", ..., every
    category would tie with every such account on the word "category" and difflib would
    tell them apart, per category, as before.
    """
    categories = [f"C{i:06d}" for i in range(n)]  # category codes, "C004711"
    keys = {("sales", c) for c in categories} | {("discount", c) for c in categories[::3]}
    keys |= {("payment", p) for p in PAYMENTS} | {("tax", "SST6"), ("tip", None)}
    keys |= {("discount", None), ("service_charge", None), ("rounding", None)}
    named = categories[:: max(n // 20, 1)]
    accounts = [
        Account("1", "Cash on Hand", "Bank", "CashOnHand"),
        Account("2", "Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
        Account("3", "Card Clearing - Visa/Master", "Other Current Asset"),
        Account("4", "E-Wallet Clearing - TNG", "Other Current Asset"),
        Account("5", "Gift Vouchers Outstanding", "Other Current Liability"),
        Account("6", "Sales", "Income", "SalesOfProductIncome"),
        Account("7", "Discounts Given", "Income", "DiscountsRefundsGiven"),
        Account("8", "SST Payable - SST6", "Other Current Liability", "SalesTaxPayable"),
        Account("9", "Tips Payable", "Other Current Liability"),
        Account("10", "Rounding Adjustment", "Other Income"),
        Account("11", "Cash Over/Short", "Expense"),
        Account("12", "Service Charge Income", "Income", "ServiceFeeIncome"),
        *(Account(str(100 + i), f"Sales - {c}", "Income") for i, c in enumerate(named)),
    ]
    settings = QboSettings(
        realm_id="1",
        company_name="bench",
        accounts=tuple(accounts),
        classes=tuple(ListItem(f"c{i}", c) for i, c in enumerate(named)),
        items=tuple(Item(f"i{i}", f"{c} Sales", "Service") for i, c in enumerate(named)),
        preferences=Preferences(class_tracking=True, class_tracking_per_line=True),
    )
    return keys, settings


def cli(keys: set, settings: QboSettings) -> None:
    """What `posbooks mapping suggest` computes after reading the POS files."""
    saved = Mapping()
    suggested = suggest_mapping(keys, settings, base=saved)
    mapping_rows(keys, settings, saved, suggestion=suggested)


def page(keys: set, settings: QboSettings) -> None:
    """What the Mapping page computes on each run, and applying an edited accounts table."""
    saved = Mapping()
    suggestion = suggest_mapping(keys, settings)
    issues = check_mapping(saved, settings, keys, "journal")
    receipt_issues = check_mapping(saved, settings, keys, "receipt")
    rows = um.account_rows(keys, saved, suggestion, issues)
    um.deposit_rows(keys, saved, suggestion, receipt_issues)
    um.item_rows(keys, saved, suggestion, receipt_issues)
    for row in rows:  # the bookkeeper takes every suggestion
        row["QuickBooks account"] = row["Suggested"] or um.NONE
    um.with_accounts_table(saved, settings, keys, rows)


def timed(label: str, work, *args) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    work(*args)
    print(
        f"  {label:<44} {time.perf_counter() - wall:8.2f} s wall {time.process_time() - cpu:8.2f} s CPU",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--categories", type=int, nargs="+", default=[100_000])
    args = parser.parse_args(argv)
    for n in args.categories:
        keys, settings = book(n)
        print(f"{n:,} categories ({len(keys):,} POS amounts), {len(settings.accounts)} accounts")
        timed("posbooks mapping suggest (suggest + rows)", cli, keys, settings)
        timed("Mapping page (suggest, checks, tables, edit)", page, keys, settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
