"""The Mapping page's tables as plain rows, and edits back into a ``Mapping`` (pure).

The grid shows names; QuickBooks identifies objects by Id. These functions translate
between the two so the page only reads widgets and renders rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from posbooks.core.mapping_rules import (
    BANK_LIKE,
    account_for,
    deposit_account_for,
    receipt_item_for,
    receipt_item_key,
    row_label,
    row_problems,
)
from posbooks.core.model import Issue, Mapping, Ref
from posbooks.core.qbo_settings import QboSettings
from posbooks.core.taxcodes import UNTAXED

NONE = "None"  # the select-box choice for "not mapped"
NOT_SENT = "None (not sent)"  # set to None on purpose: left out of what is sent
Key = tuple[str, str | None]

# The order a bookkeeper reads a day: money in, what was sold, what reduced it, what is owed.
KINDS: tuple[tuple[str, str], ...] = (
    ("payment", "Payments"),
    ("sales", "Sales"),
    ("discount", "Discounts"),
    ("service_charge", "Service charge"),
    ("tax", "Taxes"),
    ("tip", "Tips"),
    ("rounding", "Rounding"),
    ("over_short", "Over/short"),
)
KIND_LABEL = dict(KINDS)
_KIND_RANK = {source: n for n, (source, _) in enumerate(KINDS)}

MAPPED = "mapped"
NOT_SENT_STATUS = "not sent (None on purpose)"
UNMAPPED = "UNMAPPED"
SUGGESTED = "SUGGESTED"  # a suggestion exists but is not applied yet
OPTIONAL = "optional"
BY_TAX_CODE = "not needed: tax goes by tax code"  # Mapping.tax_codes set (core.taxcodes)


def account_keys(keys: Iterable[Key]) -> list[Key]:
    """The rows of the accounts table, grouped by kind; over/short is always offered."""
    wanted = set(keys) | {("over_short", None)}
    return sorted(wanted, key=lambda k: (_KIND_RANK.get(k[0], 99), k[1] or ""))


def account_choices(settings: QboSettings | None) -> list[str]:
    """Names offered in the account column: "None" then the active accounts by name."""
    if settings is None:
        return [NONE, NOT_SENT]
    return [NONE, NOT_SENT, *sorted({a.name for a in settings.accounts if a.active})]


def blocked(word: str, what: str) -> str:
    """The Status of a row that stops ``what`` from being sent: "SUGGESTED (blocks receipts)"."""
    return f"{word} (blocks {what})"


def _status(
    source: str,
    key: str | None,
    mapped: bool,
    problems: dict[Key, list[Issue]],
    *,
    suggested: bool = False,
    blocks: str = "journal entries",
    not_sent: bool = False,
) -> str:
    own = problems.get((source, key))
    if own:
        return "PROBLEM: " + own[0].message
    if mapped:
        return MAPPED
    if source == "over_short":
        return OPTIONAL
    if not_sent:
        return NOT_SENT_STATUS
    return blocked(SUGGESTED if suggested else UNMAPPED, blocks)


def account_rows(
    keys: Iterable[Key],
    mapping: Mapping,
    suggestion: Mapping | None = None,
    issues: Iterable[Issue] = (),
) -> list[dict[str, str]]:
    """One row per POS amount: Kind, POS amount, QuickBooks account, Suggested, Status.

    Status says what an unmapped row blocks, as the Items table does: journal entries; a
    payment without its own receipt deposit account blocks receipts too ("blocks sending").
    """
    problems = row_problems(issues)
    rows = []
    for source, key in account_keys(keys):
        ref = mapping.accounts.get((source, key))
        suggested = suggestion.accounts.get((source, key)) if suggestion else None
        blocks = "journal entries"
        if source == "payment" and deposit_account_for(mapping, key) is None:
            blocks = "sending"  # journal entries and sales receipts alike
        mapped = account_for(mapping, source, key) is not None
        left_out = (source, key) in mapping.not_sent
        status = _status(
            source, key, mapped, problems, suggested=suggested is not None, blocks=blocks,
            not_sent=left_out,
        )  # fmt: skip
        if (
            source == "tax"
            and not mapped
            and mapping.tax_codes
            and status.startswith((SUGGESTED, UNMAPPED))
        ):
            status = BY_TAX_CODE  # QuickBooks books the tax from the lines' tax codes
        rows.append(
            {
                "Kind": KIND_LABEL.get(source, source),
                "POS amount": row_label(source, key),
                "QuickBooks account": ref.name if ref else (NOT_SENT if left_out else NONE),
                "Suggested": suggested.name if suggested else "",
                "Status": status,
            }
        )
    return rows


def key_for_label(keys: Iterable[Key], label: str) -> Key | None:
    """The (source, key) whose row is labelled ``label``."""
    return next((k for k in account_keys(keys) if row_label(*k) == label), None)


def with_account(
    mapping: Mapping, settings: QboSettings | None, row: Key, account_name: str
) -> Mapping:
    """``mapping`` with ``row`` mapped to the active account named ``account_name`` (or unmapped)."""
    return _with_accounts(mapping, settings, [(row, account_name)])


def _with_accounts(
    mapping: Mapping, settings: QboSettings | None, changes: list[tuple[Key, str]]
) -> Mapping:
    """``with_account`` for every (row, account name) of ``changes`` in order, copying the
    mapping once (a copy per row made a 100k-row table quadratic)."""
    accounts = dict(mapping.accounts)
    by_name: dict[str, Ref] = {}
    for a in reversed(settings.accounts if settings else ()):  # the first of a name wins
        if a.active:
            by_name[a.name] = Ref(a.id, a.name)
    not_sent = set(mapping.not_sent)
    for row, account_name in changes:
        not_sent.discard(row)
        if account_name == NOT_SENT and row[0] != "over_short":
            accounts.pop(row, None)
            not_sent.add(row)  # None on purpose: left out of what is sent
        elif account_name in ("", NONE, NOT_SENT) or settings is None:
            accounts.pop(row, None)
        elif account_name in by_name:
            accounts[row] = by_name[account_name]
        else:
            raise ValueError(f"QuickBooks has no active account named {account_name!r}")
    return replace(mapping, accounts=accounts, not_sent=frozenset(not_sent))


def with_accounts_table(
    mapping: Mapping, settings: QboSettings | None, keys: Iterable[Key], rows: list[dict]
) -> Mapping:
    """Apply every row of the edited accounts table to ``mapping``."""
    by_label: dict[str, Key] = {}
    for key in account_keys(keys):
        by_label.setdefault(row_label(*key), key)  # the first row of a label, as key_for_label
    changes = [
        (by_label[row["POS amount"]], row.get("QuickBooks account") or NONE)
        for row in rows
        if row["POS amount"] in by_label
    ]
    return _with_accounts(mapping, settings, changes)


def list_rows(
    names: Iterable[str],
    chosen: dict[str, Ref],
    what: str,
    pos_word: str,
    label: Callable[[str], str] = str,
) -> list[dict[str, str]]:
    """Rows of a category -> Class, outlet -> Location or key -> Item table."""
    return [
        {pos_word: label(name), what: chosen[name].name if name in chosen else NONE}
        for name in names
    ]


def refs_from_rows(
    rows: list[dict],
    options: Iterable,
    what: str,
    pos_word: str,
    names: Iterable[str] | None = None,
    label: Callable[[str], str] = str,
) -> dict[str, Ref]:
    """The name -> Ref dict an edited list table stands for (``None`` rows dropped).

    ``names`` and ``label`` undo the row labels when the table shows labels, not names.
    """
    by_label = {label(n): n for n in names} if names is not None else None
    by_name = {o.name: o for o in options if getattr(o, "active", True)}
    chosen: dict[str, Ref] = {}
    for row in rows:
        name = row.get(what) or NONE
        pos_name = by_label.get(row[pos_word]) if by_label is not None else row[pos_word]
        if name != NONE and name in by_name and pos_name is not None:
            chosen[pos_name] = Ref(by_name[name].id, name)
    return chosen


def item_keys(keys: Iterable[Key]) -> list[str]:
    """The ``Mapping.items`` keys sales receipts need for these POS amounts."""
    found = {
        receipt_item_key(source, key)
        for source, key in keys
        if source not in ("payment", "over_short")
    }
    return sorted(found, key=lambda k: (":" in k or k in _NON_CATEGORY, k))


_NON_CATEGORY = {"service_charge", "tip", "rounding", "discount", "tax"}


def item_label(item_key: str) -> str:
    """The row name of a ``Mapping.items`` key: "Sales - Food", "Tax - SST6", "Tips"."""
    if item_key.startswith("tax:"):
        return row_label("tax", item_key[4:])
    if item_key.startswith("discount:"):
        return row_label("discount", item_key[9:])
    if item_key in _NON_CATEGORY:
        return row_label(item_key, None)
    return row_label("sales", item_key)


# --- receipt items (Mapping.items) ----------------------------------------------------------

ITEM_SUGGESTED = blocked(SUGGESTED, "receipts")
ITEM_UNMAPPED = blocked(UNMAPPED, "receipts")


def needs_attention(status: str) -> bool:
    """Whether a table row's Status should stand out (anything not mapped or optional)."""
    return not (status.startswith(MAPPED) or status in (OPTIONAL, BY_TAX_CODE, NOT_SENT_STATUS))


def item_choices(settings: QboSettings | None) -> list[str]:
    """Names offered in the Item column: "None" then the active Items by name."""
    if settings is None:
        return [NONE]
    return [NONE, *sorted({i.name for i in settings.items if i.active})]


def _pos_amount_of(item_key: str) -> tuple[str, str | None]:
    """The (source, key) a ``Mapping.items`` key books (inverse of ``receipt_item_key``)."""
    for source in ("tax", "discount"):
        if item_key.startswith(source + ":"):
            return source, item_key[len(source) + 1 :]
    if item_key in _NON_CATEGORY:
        return item_key, None
    return "sales", item_key


def item_rows(
    keys: Iterable[Key],
    mapping: Mapping,
    suggestion: Mapping | None = None,
    receipt_issues: Iterable[Issue] = (),
) -> list[dict[str, str]]:
    """One row per sales-receipt line kind: POS amount, Item, Suggested, Status.

    ``receipt_issues`` are ``check_mapping(..., "receipt")``'s; an Item QuickBooks no longer
    has (or made inactive) shows as a PROBLEM with what to do.
    """
    problems: dict[str, str] = {}
    for issue in receipt_issues:
        if issue.blocking and issue.code in ("item_inactive", "item_missing") and issue.source:
            problems.setdefault(receipt_item_key(issue.source, issue.key), issue.message)
    rows = []
    for item_key in item_keys(keys):
        own = mapping.items.get(item_key)
        booked = receipt_item_for(mapping, *_pos_amount_of(item_key))  # tax/discount fall back
        suggested = suggestion.items.get(item_key) if suggestion else None
        if _pos_amount_of(item_key) in mapping.not_sent:
            status = NOT_SENT_STATUS
        elif item_key in problems:
            status = "PROBLEM: " + problems[item_key]
        elif own is not None:
            status = MAPPED
        elif booked is not None:
            status = f"{MAPPED} (through the general {booked.name!r} Item)"
        elif mapping.tax_codes and item_key.startswith("tax"):
            status = BY_TAX_CODE  # no tax Item line: QuickBooks books it from the codes
        else:
            status = ITEM_SUGGESTED if suggested else ITEM_UNMAPPED
        rows.append(
            {
                "POS amount": item_label(item_key),
                "Item": own.name if own else NONE,
                "Suggested": suggested.name if suggested else "",
                "Status": status,
            }
        )
    return rows


def item_key_for_label(keys: Iterable[Key], label: str) -> str | None:
    """The ``Mapping.items`` key whose row is labelled ``label``."""
    return next((k for k in item_keys(keys) if item_label(k) == label), None)


def with_item(
    mapping: Mapping, settings: QboSettings | None, item_key: str, item_name: str
) -> Mapping:
    """``mapping`` with receipt lines of ``item_key`` booked to the active Item ``item_name``
    ("None" unmaps them)."""
    items = dict(mapping.items)
    if item_name in ("", NONE) or settings is None:
        items.pop(item_key, None)
    else:
        item = next((i for i in settings.items if i.active and i.name == item_name), None)
        if item is None:
            raise ValueError(f"QuickBooks has no active Item named {item_name!r}")
        items[item_key] = Ref(item.id, item.name)
    return replace(mapping, items=items)


# --- receipt deposit accounts (Mapping.deposits) -------------------------------------------

SAME_AS_JOURNAL = "same as journal account"
DEPOSIT_PREFIX = "Receipt deposit - "  # one-row control labels of deposit rows


def payment_methods(keys: Iterable[Key]) -> list[str | None]:
    """The payment methods of these POS amounts, in row order."""
    return [k for s, k in account_keys(keys) if s == "payment"]


def deposit_choices(settings: QboSettings | None) -> list[str]:
    """Accounts a sales receipt can deposit to (Bank / Other Current Asset), after the default."""
    if settings is None:
        return [SAME_AS_JOURNAL]
    names = {a.name for a in settings.accounts if a.active and a.account_type in BANK_LIKE}
    return [SAME_AS_JOURNAL, *sorted(names)]


def deposit_rows(
    keys: Iterable[Key],
    mapping: Mapping,
    suggestion: Mapping | None = None,
    receipt_issues: Iterable[Issue] = (),
) -> list[dict[str, str]]:
    """One row per payment method: where its sales receipts deposit, and whether QuickBooks
    would take it (``receipt_issues`` are ``check_mapping(..., "receipt")``'s).

    Suggested is the method's own suggested deposit account, else the journal account
    suggested for it ("Cash on Hand (journal account)"): Use suggestions maps both.
    """
    problems = row_problems(receipt_issues)
    rows = []
    for method in payment_methods(keys):
        own = mapping.deposits.get(method or "")
        offered = suggestion.deposits.get(method or "") if suggestion else None
        journal = suggestion.accounts.get(("payment", method)) if suggestion else None
        if offered:
            suggested = offered.name
        else:
            suggested = f"{journal.name} (journal account)" if journal else ""
        mapped = deposit_account_for(mapping, method) is not None
        status = _status(
            "payment", method, mapped, problems, suggested=bool(suggested), blocks="receipts"
        )
        rows.append(
            {
                "Payment method": row_label("payment", method),
                "Deposit account": own.name if own else SAME_AS_JOURNAL,
                "Suggested": suggested,
                "Status": status,
            }
        )
    return rows


def with_deposit(
    mapping: Mapping, settings: QboSettings | None, method: str | None, account_name: str
) -> Mapping:
    """``mapping`` with receipts paid by ``method`` depositing to ``account_name``
    (``SAME_AS_JOURNAL``/"None" clears it: they deposit to the journal account)."""
    deposits = dict(mapping.deposits)
    if account_name in ("", NONE, SAME_AS_JOURNAL) or settings is None:
        deposits.pop(method or "", None)
    else:
        account = next((a for a in settings.accounts if a.active and a.name == account_name), None)
        if account is None:
            raise ValueError(f"QuickBooks has no active account named {account_name!r}")
        deposits[method or ""] = Ref(account.id, account.name)
    return replace(mapping, deposits=deposits)


def with_deposits_table(
    mapping: Mapping, settings: QboSettings | None, keys: Iterable[Key], rows: list[dict]
) -> Mapping:
    """Apply every row of the edited deposit accounts table to ``mapping``."""
    by_label = {row_label("payment", m): m for m in payment_methods(keys)}
    for row in rows:
        if row["Payment method"] in by_label:
            name = row.get("Deposit account") or SAME_AS_JOURNAL
            mapping = with_deposit(mapping, settings, by_label[row["Payment method"]], name)
    return mapping


def deposit_label(method: str | None) -> str:
    """The one-row control's name for a method's receipt deposit: "Receipt deposit - Cash"."""
    return DEPOSIT_PREFIX + (method or "(no method)")


def method_for_deposit_label(keys: Iterable[Key], label: str) -> tuple[bool, str | None]:
    """(True, method) when ``label`` names a receipt deposit row, else (False, None)."""
    for method in payment_methods(keys):
        if deposit_label(method) == label:
            return True, method
    return False, None


# --- tax by tax code (Mapping.tax_codes, Mapping.line_taxes) --------------------------------

UNTAXED_LABEL = "untaxed (tips, rounding, over/short, lines no POS code taxes)"
TAX_CODE_PROBLEMS = (
    "tax_code_missing",
    "tax_code_rates",
    "tax_codes_not_used",
    "tax_code_taxes_nothing",
)


def tax_code_keys(keys: Iterable[Key]) -> list[str]:
    """The ``Mapping.tax_codes`` keys these POS amounts need: each POS tax code, then untaxed."""
    return [*sorted({k for s, k in keys if s == "tax" and k}), UNTAXED]


def tax_code_label(pos_code: str) -> str:
    """The row name of a ``Mapping.tax_codes`` key."""
    return UNTAXED_LABEL if pos_code == UNTAXED else pos_code


def tax_code_choices(settings: QboSettings | None) -> list[str]:
    """Names offered in the QuickBooks tax code column: "None" then the active TaxCodes."""
    if settings is None:
        return [NONE]
    return [NONE, *sorted({c.name for c in settings.tax_codes if c.active})]


def tax_code_rows(
    keys: Iterable[Key],
    mapping: Mapping,
    suggestion: Mapping | None = None,
    issues: Iterable[Issue] = (),
) -> list[dict[str, str]]:
    """One row per POS tax code (and untaxed): QuickBooks tax code, Suggested, Status.

    ``issues`` are ``check_mapping``'s for receipts and journal entries alike; a code
    QuickBooks no longer has, made inactive, or with several rates shows as a PROBLEM.
    """
    problems: dict[str, str] = {}
    for issue in issues:
        if issue.blocking and issue.code in TAX_CODE_PROBLEMS:
            problems.setdefault(issue.key or "", issue.message)
    rows = []
    for pos_code in tax_code_keys(keys):
        own = mapping.tax_codes.get(pos_code)
        offered = suggestion.tax_codes.get(pos_code) if suggestion else None
        if own is None:  # first a code, then what is wrong with it
            status = blocked(SUGGESTED if offered else UNMAPPED, "sending")
        elif pos_code in problems or "" in problems:
            status = "PROBLEM: " + problems.get(pos_code, problems.get("", ""))
        else:
            status = MAPPED
        rows.append(
            {
                "POS tax code": tax_code_label(pos_code),
                "QuickBooks tax code": own.name if own else NONE,
                "Suggested": offered.name if offered else "",
                "Status": status,
            }
        )
    return rows


def with_tax_code(
    mapping: Mapping, settings: QboSettings | None, pos_code: str, code_name: str
) -> Mapping:
    """``mapping`` with ``pos_code`` (or untaxed) mapped to the active QuickBooks TaxCode
    named ``code_name`` ("None" unmaps it)."""
    tax_codes = dict(mapping.tax_codes)
    if code_name in ("", NONE) or settings is None:
        tax_codes.pop(pos_code, None)
    else:
        found = next((c for c in settings.tax_codes if c.active and c.name == code_name), None)
        if found is None:
            raise ValueError(f"QuickBooks has no active tax code named {code_name!r}")
        tax_codes[pos_code] = Ref(found.id, found.name)
    return replace(mapping, tax_codes=tax_codes)


def tax_code_for_label(keys: Iterable[Key], label: str) -> str | None:
    """The ``Mapping.tax_codes`` key whose row is labelled ``label``."""
    return next((k for k in tax_code_keys(keys) if tax_code_label(k) == label), None)


def with_tax_codes_table(
    mapping: Mapping, settings: QboSettings | None, keys: Iterable[Key], rows: list[dict]
) -> Mapping:
    """Apply every row of the edited tax codes table to ``mapping``."""
    keys = list(keys)
    for row in rows:
        pos_code = tax_code_for_label(keys, row["POS tax code"])
        if pos_code is not None:
            name = row.get("QuickBooks tax code") or NONE
            mapping = with_tax_code(mapping, settings, pos_code, name)
    return mapping


def line_tax_keys(keys: Iterable[Key]) -> list[str]:
    """The ``Mapping.line_taxes`` keys of these POS amounts: each category (its sales and
    its discounts), the receipt-level discount, the service charge."""
    lines = sorted({k for s, k in keys if s in ("sales", "discount") and k})
    if ("discount", None) in keys:
        lines.append("discount")
    if any(s == "service_charge" for s, _ in keys):
        lines.append("service_charge")
    return lines


def line_tax_label(line: str) -> str:
    """The row name of a ``Mapping.line_taxes`` key: "Food", "Discount - whole receipt"."""
    if line == "discount":
        return row_label("discount", None)
    if line == "service_charge":
        return row_label("service_charge", None)
    return line


def line_tax_choices(keys: Iterable[Key]) -> list[str]:
    """What a line can be taxed by: untaxed, then each POS tax code."""
    return [UNTAXED, *sorted({k for s, k in keys if s == "tax" and k})]


def line_tax_rows(
    keys: Iterable[Key], mapping: Mapping, suggestion: Mapping | None = None
) -> list[dict[str, str]]:
    """One row per taxable line: the POS tax code that taxes it, and the suggestion."""
    keys = list(keys)
    return [
        {
            "Line": line_tax_label(line),
            "POS tax code": mapping.line_taxes.get(line, UNTAXED),
            "Suggested": (suggestion.line_taxes.get(line, "") if suggestion else ""),
        }
        for line in line_tax_keys(keys)
    ]


def with_line_tax(mapping: Mapping, keys: Iterable[Key], label: str, pos_code: str) -> Mapping:
    """``mapping`` with the line labelled ``label`` taxed by ``pos_code`` (untaxed: none)."""
    keys = list(keys)
    line = next((k for k in line_tax_keys(keys) if line_tax_label(k) == label), None)
    if line is None:
        return mapping
    line_taxes = dict(mapping.line_taxes)
    if pos_code in ("", NONE, UNTAXED):
        line_taxes.pop(line, None)
    elif pos_code in line_tax_choices(keys):
        line_taxes[line] = pos_code
    else:
        raise ValueError(f"the POS exports have no tax code {pos_code!r}")
    return replace(mapping, line_taxes=line_taxes)


def with_line_taxes_table(mapping: Mapping, keys: Iterable[Key], rows: list[dict]) -> Mapping:
    """Apply every row of the edited line taxes table to ``mapping``."""
    keys = list(keys)
    for row in rows:
        mapping = with_line_tax(mapping, keys, row["Line"], row.get("POS tax code") or UNTAXED)
    return mapping


def unsaved_changes(
    draft: Mapping | None, saved: Mapping, settings: QboSettings | None = None
) -> bool:
    """True when the working copy differs from the saved mapping (its version aside); a new
    home's defaults (one receipt a day to Undeposited Funds) are not a change."""
    if draft is None:
        return False
    if not saved.version:
        saved = with_day_defaults(saved, settings, first=True)
    return replace(draft, version=0) != replace(saved, version=0)


def current_account_choice(mapping: Mapping, keys: Iterable[Key], label: str) -> str:
    """What the one-row control's account box starts from for row ``label``: its account now."""
    is_deposit, method = method_for_deposit_label(keys, label)
    if is_deposit:
        ref = mapping.deposits.get(method or "")
    else:
        row = key_for_label(keys, label)
        if row in mapping.not_sent:
            return NOT_SENT
        ref = mapping.accounts.get(row) if row is not None else None
    return ref.name if ref else NONE


def current_item_choice(mapping: Mapping, keys: Iterable[Key], label: str) -> str:
    """What the one-Item control starts from for line ``label``: its own Item now."""
    item_key = item_key_for_label(keys, label)
    ref = mapping.items.get(item_key) if item_key is not None else None
    return ref.name if ref else NONE


def count_problems(count: int) -> str:
    """``1 problem`` / ``3 problems``."""
    return f"{count} problem" if count == 1 else f"{count} problems"


# --- sales receipts: one a day, or one per payment method ----------------------------------

PER_DAY, PER_METHOD = "per_day", "per_method"
GROUPINGS = {
    PER_DAY: "One receipt per outlet and day (as the POS's own integration sends)",
    PER_METHOD: "One receipt per payment method",
}
UNDEPOSITED = "Undeposited Funds"


def day_deposit_choices(settings: QboSettings | None) -> list[str]:
    """Accounts the day's receipt can deposit to: Bank / Other Current Asset, after None."""
    return [NONE, *deposit_choices(settings)[1:]]


def with_receipt_grouping(
    mapping: Mapping, settings: QboSettings | None, grouping: str, deposit_name: str
) -> Mapping:
    """``mapping`` sending receipts one a day (to ``deposit_name``) or one per method."""
    deposit = None
    if deposit_name not in ("", NONE) and settings is not None:
        account = next((a for a in settings.accounts if a.active and a.name == deposit_name), None)
        if account is None:
            raise ValueError(f"QuickBooks has no active account named {deposit_name!r}")
        deposit = Ref(account.id, account.name)
    return replace(mapping, receipt_grouping=grouping, day_deposit=deposit)


def with_day_defaults(mapping: Mapping, settings: QboSettings | None, *, first: bool) -> Mapping:
    """One receipt a day for a home's first mapping, and Undeposited Funds (which QuickBooks
    creates in every company) as the day's deposit account when none is chosen."""
    if first:
        mapping = replace(mapping, receipt_grouping=PER_DAY)
    if mapping.day_deposit is None and settings is not None:
        found = next((a for a in settings.accounts if a.active and a.name == UNDEPOSITED), None)
        if found is not None:
            mapping = replace(mapping, day_deposit=Ref(found.id, found.name))
    return mapping
