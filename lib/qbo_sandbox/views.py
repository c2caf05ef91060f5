"""Read-only "QuickBooks website" pages of a sandbox company, mounted at /app/{realm}/.

What a signed-in bookkeeper would see in QuickBooks: the company home, Chart of
Accounts with balances, Classes, Locations, Sales Receipts, the Journal report and a
journal entry. Every name is HTML-escaped. Rows carry ids (je-{Id}, sr-{Id}) for tests.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any, Protocol

from qbo_sandbox.reports import JournalTransaction, LedgerView, account_balances, journal

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328}
header{background:#2ca01c;color:#fff;padding:.8rem 1.5rem;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:baseline}
header a{color:#fff;text-decoration:none;font-weight:600;white-space:nowrap}
header .company{font-size:1.2rem;font-weight:700;margin-right:2rem}
main{padding:1rem 1.5rem;max-width:1200px}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.journal td:first-child{white-space:nowrap}
tr.total td{font-weight:700;border-top:2px solid #57606a}
tr.txn td{background:#f6f8fa;font-weight:600}
.muted{color:#57606a}.off{color:#9a6700;font-weight:600}.inactive{color:#8c959f}
form{margin:.5rem 0 1rem}
"""

NAV = (
    ("", "Home"),
    ("accounts", "Chart of Accounts"),
    ("classes", "Classes"),
    ("locations", "Locations"),
    ("salesreceipts", "Sales Receipts"),
    ("journal", "Journal report"),
)


class SandboxCompany(LedgerView, Protocol):
    """What the pages read from a CompanyBook."""

    realm_id: str
    lock: Any

    def company_name(self) -> str: ...

    def list_objects(self, entity: str) -> list[dict[str, Any]]: ...

    def read_object(self, entity: str, object_id: str) -> dict[str, Any] | None: ...


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _amount(value: Any) -> str:
    if value in (None, ""):
        return ""
    return f"{Decimal(str(value)):,.2f}"


def _page(book: SandboxCompany, base: str, title: str, body: str) -> str:
    links = "".join(f'<a href="{_e(base)}/{path}">{label}</a>' for path, label in NAV)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(title)} - {_e(book.company_name())}</title><style>{_CSS}</style></head>"
        f"<body><header><span class='company'>{_e(book.company_name())}</span>{links}"
        f"</header><main><h1>{_e(title)}</h1>{body}</main></body></html>"
    )


def _ref_name(ref: Any) -> str:
    return str(ref.get("name") or ref.get("value") or "") if isinstance(ref, dict) else ""


def render_view(
    book: SandboxCompany, path: str, query: dict[str, str], *, base_path: str
) -> tuple[int, str] | None:
    """The HTML page at /app/{realm}/{path}, as (status, html); None when unknown."""
    with book.lock:  # one consistent snapshot while the page is built
        return _render(book, path, query, base_path)


def _render(
    book: SandboxCompany, path: str, query: dict[str, str], base_path: str
) -> tuple[int, str] | None:
    parts = [p for p in path.strip("/").split("/") if p]
    base = base_path.rstrip("/")
    if not parts:
        return 200, _page(book, base, "Home", _home(book, base))
    name = parts[0].lower()
    if len(parts) == 1 and name in _LISTS:
        title, render = _LISTS[name]
        return 200, _page(book, base, title, render(book, base, query))
    if len(parts) == 2 and name in _PATHS.values():
        entity = next(e for e, p in _PATHS.items() if p == name)
        txn = book.read_object(entity, parts[1])
        if txn is None:
            body = f"<p>There is no {entity} with Id {_e(parts[1])}. It may have been deleted.</p>"
            return 404, _page(book, base, "Transaction not found", body)
        if entity in ("SalesReceipt", "RefundReceipt"):
            label = "Sales Receipt" if entity == "SalesReceipt" else "Refund Receipt"
            return 200, _page(book, base, f"{label} {_e(txn.get('DocNumber', ''))}", _receipt(txn))
        found = [t for t in journal(book) if t.entity == entity and t.txn_id == parts[1]]
        title = f"Journal Entry {txn.get('DocNumber', '')}".strip()
        return 200, _page(book, base, title, _journal_table(book, base, found))
    return None


def _home(book: SandboxCompany, base: str) -> str:
    prefs = book.preferences()["AccountingInfoPrefs"]  # type: ignore[attr-defined]
    on_off = {True: "On", False: "<span class='off'>Off</span>"}
    receipts = book.list_objects("SalesReceipt")
    entries = book.list_objects("JournalEntry")
    items = "".join(f'<li><a href="{_e(base)}/{p}">{label}</a></li>' for p, label in NAV[1:])
    return (
        f"<p class='muted'>Company ID (realm) {_e(book.realm_id)}</p>"
        "<table><tr><th>Setting</th><th>Value</th></tr>"
        f"<tr><td>Track classes</td><td id='track-classes'>{on_off[prefs['ClassTrackingPerTxnLine']]}</td></tr>"
        f"<tr><td>Track locations</td><td id='track-locations'>{on_off[prefs['TrackDepartments']]}</td></tr>"
        f"<tr><td>Journal entries</td><td>{len(entries)}</td></tr>"
        f"<tr><td>Sales receipts</td><td>{len(receipts)}</td></tr></table>"
        f"<ul>{items}</ul>"
    )


def _accounts(book: SandboxCompany, base: str, query: dict[str, str]) -> str:
    show_inactive = query.get("include_inactive") in ("1", "true")
    balances = account_balances(book)
    rows = []
    for account in book.list_objects("Account"):
        active = account.get("Active") is not False
        if not active and not show_inactive:
            continue
        label = _e(account["Name"]) + ("" if active else " <span class='inactive'>(deleted)</span>")
        balance = balances.get(account["Id"], Decimal("0"))
        rows.append(
            f"<tr id='account-{_e(account['Id'])}'><td>{label}</td><td>{_e(account.get('AccountType'))}</td>"
            f"<td>{_e(account.get('AccountSubType'))}</td><td class='num'>{_amount(balance)}</td></tr>"
        )
    toggle = "0" if show_inactive else "1"
    word = "Hide" if show_inactive else "Include"
    return (
        f"<p><a href='{_e(base)}/accounts?include_inactive={toggle}'>{word} inactive accounts</a></p>"
        "<table><tr><th>Name</th><th>Type</th><th>Detail type</th>"
        "<th class='num'>QuickBooks balance (MYR)</th></tr>" + "".join(rows) + "</table>"
    )


def _simple_list(book: SandboxCompany, entity: str, prefix: str) -> str:
    rows = "".join(
        f"<tr id='{prefix}-{_e(r['Id'])}'><td>{_e(r['Name'])}</td>"
        f"<td>{'Active' if r.get('Active') is not False else 'Inactive'}</td></tr>"
        for r in book.list_objects(entity)
    )
    return f"<table><tr><th>Name</th><th>Status</th></tr>{rows}</table>"


def _classes(book: SandboxCompany, base: str, query: dict[str, str]) -> str:
    if not book.class_tracking:
        return (
            "<p class='off' id='classes-off'>Class tracking is turned off. Turn on "
            "<em>Track classes</em> in Account and Settings &gt; Advanced to see and use "
            "classes.</p>"
        )
    return _simple_list(book, "Class", "class")


def _locations(book: SandboxCompany, base: str, query: dict[str, str]) -> str:
    if not book.location_tracking:
        return (
            "<p class='off' id='locations-off'>Location tracking is turned off. Turn on "
            "<em>Track locations</em> in Account and Settings &gt; Advanced.</p>"
        )
    return _simple_list(book, "Department", "location")


def _receipts(book: SandboxCompany, base: str, query: dict[str, str]) -> str:
    rows = []
    for txn in sorted(
        book.list_objects("SalesReceipt"), key=lambda t: (t["TxnDate"], int(t["Id"]))
    ):
        link = f"{_e(base)}/salesreceipt/{_e(txn['Id'])}"
        rows.append(
            f"<tr id='sr-{_e(txn['Id'])}'><td>{_e(txn['TxnDate'])}</td>"
            f"<td><a href='{link}'>{_e(txn.get('DocNumber') or '(no number)')}</a></td>"
            f"<td>{_e(_ref_name(txn.get('CustomerRef')))}</td>"
            f"<td>{_e(_ref_name(txn.get('PaymentMethodRef')))}</td>"
            f"<td>{_e(_ref_name(txn.get('DepositToAccountRef') or txn.get('RefundFromAccountRef')))}</td>"
            f"<td>{_e(_ref_name(txn.get('DepartmentRef')))}</td>"
            f"<td class='num'>{_amount(txn.get('TotalAmt'))}</td></tr>"
        )
    if not rows:
        return "<p class='muted'>No sales receipts yet.</p>"
    return (
        "<table><tr><th>Date</th><th>No.</th><th>Customer</th><th>Payment method</th>"
        "<th>Deposit to</th><th>Location</th><th class='num'>Total (MYR)</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _receipt(txn: dict[str, Any]) -> str:
    head = (
        f"<table id='sr-{_e(txn['Id'])}'><tr><th>Date</th><td>{_e(txn['TxnDate'])}</td></tr>"
        f"<tr><th>Customer</th><td>{_e(_ref_name(txn.get('CustomerRef')))}</td></tr>"
        f"<tr><th>Payment method</th><td>{_e(_ref_name(txn.get('PaymentMethodRef')))}</td></tr>"
        f"<tr><th>Deposit to</th><td>{_e(_ref_name(txn.get('DepositToAccountRef') or txn.get('RefundFromAccountRef')))}</td></tr>"
        f"<tr><th>Location</th><td>{_e(_ref_name(txn.get('DepartmentRef')))}</td></tr>"
        f"<tr><th>Memo</th><td>{_e(txn.get('PrivateNote', ''))}</td></tr></table>"
    )
    rows = []
    for line in txn.get("Line", []):
        detail = line.get("SalesItemLineDetail")
        if line.get("DetailType") == "SubTotalLineDetail":
            continue
        detail = detail or {}
        rows.append(
            f"<tr><td>{_e(_ref_name(detail.get('ItemRef')))}</td><td>{_e(line.get('Description', ''))}</td>"
            f"<td class='num'>{_e(detail.get('Qty', ''))}</td><td class='num'>{_e(detail.get('UnitPrice', ''))}</td>"
            f"<td>{_e(_ref_name(detail.get('ClassRef')))}</td><td class='num'>{_amount(line.get('Amount'))}</td></tr>"
        )
    tax = (txn.get("TxnTaxDetail") or {}).get("TotalTax")
    if tax:
        rows.append(f"<tr><td colspan='5'>Tax</td><td class='num'>{_amount(tax)}</td></tr>")
    rows.append(
        f"<tr class='total'><td colspan='5'>Total</td><td class='num' id='sr-total'>{_amount(txn['TotalAmt'])}</td></tr>"
    )
    return (
        head + "<table><tr><th>Product/Service</th><th>Description</th><th class='num'>Qty</th>"
        "<th class='num'>Rate</th><th>Class</th><th class='num'>Amount (MYR)</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _journal(book: SandboxCompany, base: str, query: dict[str, str]) -> str:
    start, end = query.get("start_date", ""), query.get("end_date", "")
    form = (
        f"<form method='get' action='{_e(base)}/journal'>From <input type='date' name='start_date' "
        f"value='{_e(start)}'> to <input type='date' name='end_date' value='{_e(end)}'> "
        "<button type='submit'>Run report</button></form>"
    )
    txns = journal(book, start, end)
    if not txns:
        return form + "<p class='muted' id='journal-empty'>No transactions in this period.</p>"
    return form + _journal_table(book, base, txns)


def _name(book: SandboxCompany, entity: str, object_id: str | None) -> str:
    if not object_id:
        return ""
    found = book.find(entity, object_id)
    return str(found.get("Name", "")) if found else ""


def _journal_table(book: SandboxCompany, base: str, txns: list[JournalTransaction]) -> str:
    rows = []
    debits = credits = Decimal("0")
    for txn in txns:
        prefix = {"JournalEntry": "je", "SalesReceipt": "sr"}.get(txn.entity, "rr")
        path = _PATHS[txn.entity]
        link = f"{_e(base)}/{path}/{_e(txn.txn_id)}"
        rows.append(
            f"<tr class='txn' id='{prefix}-{_e(txn.txn_id)}'><td>{_e(txn.txn_date)}</td>"
            f"<td><a href='{link}'>{_e(txn.txn_type)}</a></td>"
            f"<td class='docnumber'>{_e(txn.doc_number)}</td>"
            f"<td colspan='6' class='memo'>{_e(txn.private_note)}</td></tr>"
        )
        for posting in txn.postings:
            rows.append(
                f"<tr><td></td><td></td><td>{_e(posting.name)}</td>"
                f"<td>{_e(posting.description)}</td>"
                f"<td>{_e(_name(book, 'Account', posting.account_id))}</td>"
                f"<td>{_e(_name(book, 'Class', posting.class_id))}</td>"
                f"<td>{_e(_name(book, 'Department', posting.department_id))}</td>"
                f"<td class='num'>{_amount(posting.debit) if posting.debit else ''}</td>"
                f"<td class='num'>{_amount(posting.credit) if posting.credit else ''}</td></tr>"
            )
        debits += txn.total_debit
        credits += txn.total_credit
    rows.append(
        f"<tr class='total'><td colspan='7'>Total</td><td class='num' id='total-debit'>"
        f"{_amount(debits)}</td><td class='num' id='total-credit'>{_amount(credits)}</td></tr>"
    )
    return (
        "<table class='journal'><tr><th>Date</th><th>Transaction type</th><th>Num / Name</th>"
        "<th>Memo/Description</th><th>Account</th><th>Class</th><th>Location</th>"
        "<th class='num'>Debit</th><th class='num'>Credit</th></tr>" + "".join(rows) + "</table>"
    )


_PATHS = {
    "JournalEntry": "journalentry",
    "SalesReceipt": "salesreceipt",
    "RefundReceipt": "refundreceipt",
}
_LISTS = {
    "accounts": ("Chart of Accounts", _accounts),
    "classes": ("Classes", _classes),
    "locations": ("Locations", _locations),
    "salesreceipts": ("Sales Receipts", _receipts),
    "journal": ("Journal report", _journal),
}
