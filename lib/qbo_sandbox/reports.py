"""The Journal report and account balances, computed from posted transactions.

Used by the API (reports/JournalReport) and by the "QuickBooks website" views, so the
two always agree.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from qbo_sandbox.transactions import CompanyView, Posting, postings

ZERO = Decimal("0")
TXN_TYPE = {
    "JournalEntry": "Journal Entry",
    "SalesReceipt": "Sales Receipt",
    "RefundReceipt": "Refund",
}
# Balance-sheet and P&L classifications whose natural balance is a debit.
DEBIT_NATURE = frozenset({"Asset", "Expense"})


class LedgerView(CompanyView, Protocol):
    """A company whose posted transactions can be listed."""

    def transactions(self) -> Iterable[tuple[str, dict[str, Any]]]: ...


@dataclass(frozen=True)
class JournalTransaction:
    """One transaction as the Journal report shows it."""

    entity: str
    txn_id: str
    txn_date: str
    doc_number: str
    private_note: str
    postings: tuple[Posting, ...]

    @property
    def txn_type(self) -> str:
        """The transaction type as QBO labels it ("Journal Entry", "Sales Receipt")."""
        return TXN_TYPE.get(self.entity, self.entity)

    @property
    def total_debit(self) -> Decimal:
        """Sum of the debit column."""
        return sum((p.debit for p in self.postings), ZERO)

    @property
    def total_credit(self) -> Decimal:
        """Sum of the credit column."""
        return sum((p.credit for p in self.postings), ZERO)


def journal(book: LedgerView, start: str = "", end: str = "") -> list[JournalTransaction]:
    """Posted transactions with TxnDate in [start, end] (ISO dates, empty = open)."""
    found = []
    for entity, txn in book.transactions():
        date = str(txn.get("TxnDate", ""))
        if (start and date < start) or (end and date > end):
            continue
        found.append(
            JournalTransaction(
                entity,
                str(txn["Id"]),
                date,
                str(txn.get("DocNumber", "")),
                str(txn.get("PrivateNote", "")),
                tuple(postings(book, entity, txn)),
            )
        )
    found.sort(key=lambda t: (t.txn_date, t.entity, int(t.txn_id)))
    return found


def account_balances(book: LedgerView) -> dict[str, Decimal]:
    """Each account's balance on its natural side (assets/expenses debit, others credit)."""
    net: dict[str, Decimal] = {}
    for txn in journal(book):
        for posting in txn.postings:
            net[posting.account_id] = (
                net.get(posting.account_id, ZERO) + posting.debit - posting.credit
            )
    balances = {}
    for account_id, amount in net.items():
        account = book.find("Account", account_id) or {}
        debit_nature = account.get("Classification") in DEBIT_NATURE
        balances[account_id] = amount if debit_nature else -amount
    return balances


def _names(book: LedgerView, entity: str, object_id: str | None) -> str:
    if not object_id:
        return ""
    found = book.find(entity, object_id)
    return str(found.get("FullyQualifiedName") or found.get("Name")) if found else ""


def _money(amount: Decimal) -> str:
    return format(amount.quantize(Decimal("0.01")), "f") if amount else ""


def _report_money(amount: Decimal) -> str:
    """Amounts as the Journal report prints them: "30.00", zero as ".00"."""
    text = format(amount.quantize(Decimal("0.01")), "f")
    return ".00" if amount == 0 else text


# The recorded column set (reports/intuit_journalreport_example_excerpt.md): 8 columns,
# no Class or Location.
COLUMNS = (
    ("Date", "tx_date"),
    ("Transaction Type", "txn_type"),
    ("Num", "doc_num"),
    ("Name", "name"),
    ("Memo/Description", "memo"),
    ("Account", "account_name"),
    ("Debit", "debt_amt"),
    ("Credit", "credit_amt"),
)
CONTINUATION_DATE = "0-00-00"


def journal_report(book: LedgerView, start: str, end: str, generated_at: str) -> dict[str, Any]:
    """QBO's report JSON (Header, Columns, Rows) for the Journal report, in the recorded
    shape: ONE flat row list; per transaction its Data rows (continuation rows dated
    "0-00-00", Transaction Type blank but keeping the id), a Section with only a Summary,
    then an all-blank Data row. A final TOTAL Section closes the report (assumed)."""
    rows: list[dict[str, Any]] = []
    debit_total = credit_total = ZERO
    blank = {"ColData": [{"value": ""} for _ in COLUMNS], "type": "Data"}
    transactions = journal(book, start, end)
    for number, txn in enumerate(transactions):
        for index, posting in enumerate(txn.postings):
            first = index == 0
            account_id = posting.account_id
            col_data = [
                {"value": txn.txn_date if first else CONTINUATION_DATE},
                {"value": txn.txn_type if first else "", "id": txn.txn_id},
                {"value": txn.doc_number if first else ""},
                {"value": posting.name, "id": ""},
                {"value": posting.description or (txn.private_note if first else "")},
                {"value": _names(book, "Account", account_id), "id": account_id},
                {"value": _report_money(posting.debit) if posting.debit else ""},
                {"value": _report_money(posting.credit) if posting.credit else ""},
            ]
            rows.append({"ColData": col_data, "type": "Data"})
        debit_total += txn.total_debit
        credit_total += txn.total_credit
        summary = [{"value": ""} for _ in COLUMNS[:-2]]
        summary += [
            {"value": _report_money(txn.total_debit)},
            {"value": _report_money(txn.total_credit)},
        ]
        rows.append({"type": "Section", "Summary": {"ColData": summary}})
        if number < len(transactions) - 1:
            rows.append(copy.deepcopy(blank))
    if transactions:
        grand = [{"value": "TOTAL"}] + [{"value": ""} for _ in COLUMNS[1:-2]]
        grand += [{"value": _report_money(debit_total)}, {"value": _report_money(credit_total)}]
        rows.append({"type": "Section", "group": "GrandTotal", "Summary": {"ColData": grand}})
    options = [{"Name": "NoReportData", "Value": "false" if transactions else "true"}]
    return {
        "Header": {
            "Time": generated_at[:19] + generated_at[23:] if "." in generated_at else generated_at,
            "ReportName": "JournalReport",
            "StartPeriod": start,
            "EndPeriod": end,
            "Currency": book.currency_ref["value"],
            "Option": options,
        },
        "Columns": {"Column": [{"ColTitle": title, "ColType": kind} for title, kind in COLUMNS]},
        "Rows": {"Row": rows},
    }
