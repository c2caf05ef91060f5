"""The mapping suggestion and tables as they were before issue 16.8 made them linear.

A verbatim copy of the quadratic code (posbooks.core.mapping_rules' suggestions,
posbooks.drafts.mapping.mapping_rows, posbooks.app.mapping's account and deposit tables), kept
only so that tests/unit/test_mapping_scale.py can check the fast versions give the same
answers. Not used by posbooks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from difflib import SequenceMatcher

from posbooks.app.mapping import (
    KIND_LABEL,
    MAPPED,
    NONE,
    OPTIONAL,
    SAME_AS_JOURNAL,
    SUGGESTED,
    UNMAPPED,
    account_keys,
    blocked,
    payment_methods,
)
from posbooks.core.mapping_rules import (
    BANK_LIKE,
    KEYWORDS,
    PATTERNS,
    PREFERRED_SUBTYPES,
    SOURCE_LABELS,
    _suggest_tax_codes,
    account_for,
    allowed_account_types,
    check_mapping,
    deposit_account_for,
    receipt_item_key,
    row_label,
)
from posbooks.core.model import Issue, Mapping, Ref
from posbooks.core.qbo_settings import Account, Item, ListItem, QboSettings
from posbooks.drafts.mapping import KIND_GROUPS, MappingRow, _keys_of

Key = tuple[str, str | None]
_ORDER = list(KIND_GROUPS)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def _word_hit(word: str, words: list[str]) -> bool:
    # "voucher" finds "Vouchers", "tip" finds "Tips": a shared stem of 3+ letters
    return any(
        w == word or (min(len(w), len(word)) >= 3 and (w.startswith(word) or word.startswith(w)))
        for w in words
    )


def _account_score(account: Account, source: str, key: str | None) -> tuple | None:
    words = _words(account.name)
    key_words = _words(key or "")
    key_hits = sum(_word_hit(w, words) for w in key_words)
    keyword_hit = any(_word_hit(w, words) for w in KEYWORDS.get(source, ()))
    if key_words and source in ("sales", "tax", "payment") and not key_hits:
        return None  # a keyed row needs its key in the name: never "Sales - Food" for Desserts
    if source not in ("sales", "payment") and not keyword_hit:
        return None  # a discount is never suggested into "Sales - Food" just for the word Food
    if not key_hits and not keyword_hit:
        return None
    name = " ".join(words)
    ratio = max(
        SequenceMatcher(None, " ".join(_words(p.format(k=key or ""))), name).ratio()
        for p in PATTERNS.get(source, ("{k}",))
    )
    subtype = account.account_subtype == PREFERRED_SUBTYPES.get(source)
    return (key_hits / max(len(key_words), 1), keyword_hit, subtype, ratio)


def suggest_account(settings: QboSettings, source: str, key: str | None) -> Ref | None:
    """The best active account for (source, key) by account type and name, or None."""
    allowed = allowed_account_types(source, key)
    best: tuple[tuple, Account] | None = None
    for account in settings.accounts:
        if not account.active or account.account_type not in allowed:
            continue
        score = _account_score(account, source, key)
        if score is not None and (best is None or score > best[0]):
            best = (score, account)
    return Ref(best[1].id, best[1].name) if best else None


def suggest_deposit(settings: QboSettings, method: str | None) -> Ref | None:
    """Where sales receipts paid by ``method`` could deposit: a Bank / Other Current Asset
    account named after it (e.g. "Voucher Clearing"), else Undeposited Funds."""
    best: tuple[tuple, Account] | None = None
    for account in settings.accounts:
        if not account.active or account.account_type not in BANK_LIKE:
            continue
        score = _account_score(account, "payment", method)
        if score is not None and (best is None or score > best[0]):
            best = (score, account)
    if best is not None:
        return Ref(best[1].id, best[1].name)
    funds = [a for a in settings.accounts if a.active and a.account_subtype == "UndepositedFunds"]
    return Ref(funds[0].id, funds[0].name) if funds else None


def _by_name(options: Iterable[ListItem | Item], *names: str) -> Ref | None:
    wanted = [" ".join(_words(n)) for n in names if n]
    for option in options:
        if option.active and " ".join(_words(option.name)) in wanted:
            return Ref(option.id, option.name)
    return None


def suggest_mapping(
    keys: Iterable[Key],
    settings: QboSettings,
    *,
    outlets: Iterable[str] = (),
    base: Mapping | None = None,
) -> Mapping:
    """A mapping for ``keys`` proposed from ``settings``; what ``base`` maps is kept.

    Accounts by type and name similarity, classes per category and locations per outlet
    by equal name (only when tracking is on), receipt Items by "<K> Sales" or "<K>".
    """
    base = base or Mapping()
    keys = sorted(set(keys), key=lambda k: (k[0], k[1] or ""))
    accounts = dict(base.accounts)
    for source, key in [*keys, ("over_short", None)]:
        if (source, key) not in accounts and (ref := suggest_account(settings, source, key)):
            accounts[(source, key)] = ref
    deposits = dict(base.deposits)
    for source, key in keys:
        account = (
            settings.account(accounts[(source, key)].id) if (source, key) in accounts else None
        )
        if source != "payment" or key in deposits or not account:
            continue
        if account.account_type not in BANK_LIKE and (ref := suggest_deposit(settings, key)):
            deposits[key or ""] = ref
    prefs = settings.preferences
    categories = sorted({k for s, k in keys if s == "sales" and k})
    classes = dict(base.classes)
    if prefs.class_tracking:
        for category in categories:
            if category not in classes and (ref := _by_name(settings.classes, category)):
                classes[category] = ref
    locations = dict(base.locations)
    if prefs.location_tracking:
        for outlet in sorted(set(outlets)):
            if outlet not in locations and (ref := _by_name(settings.departments, outlet)):
                locations[outlet] = ref
    items = dict(base.items)
    for source, key in keys:
        if source in ("payment", "over_short"):
            continue
        item_key = receipt_item_key(source, key)
        label = key if source in ("sales", "tax") else SOURCE_LABELS[source]
        names = (f"{label} Sales", label) if source == "sales" else (label, row_label(source, None))
        if source == "discount":
            names = ("Discount", "Discounts", "Discounts Given")
        if item_key not in items and (ref := _by_name(settings.items, *names)):
            items[item_key] = ref
    tax_codes, line_taxes = dict(base.tax_codes), dict(base.line_taxes)
    if settings.taxes_by_code:  # added on main after the copy; linear already
        tax_codes, line_taxes = _suggest_tax_codes(settings, keys, tax_codes, line_taxes)
        accounts = {k: r for k, r in accounts.items() if k[0] != "tax" or k in base.accounts}
    return replace(
        base,
        accounts=accounts,
        classes=classes,
        locations=locations,
        items=items,
        deposits=deposits,
        tax_codes=tax_codes,
        line_taxes=line_taxes,
    )


def mapping_rows(
    exports_or_keys: Iterable[Key],
    settings: QboSettings | None,
    mapping: Mapping,
    *,
    doc_type: str = "journal",
) -> list[MappingRow]:
    """The account rows to confirm: saved choices, else suggestions, else unmapped."""
    keys = _keys_of(exports_or_keys) | {("over_short", None)}
    suggestion = suggest_mapping(keys, settings, base=mapping) if settings else mapping
    issues = check_mapping(mapping, settings, keys, doc_type)
    rows = []
    for source, key in sorted(keys, key=lambda k: (_ORDER.index(k[0]), k[1] or "")):
        saved = account_for(mapping, source, key)
        ref = saved or suggestion.accounts.get((source, key))
        if doc_type == "receipt" and source == "payment":  # the account receipts deposit to
            saved = deposit_account_for(mapping, key)
            if key not in mapping.deposits and key in suggestion.deposits:
                saved = None  # the journal account cannot take a deposit: suggest one
            ref = saved or deposit_account_for(suggestion, key)
        required = source != "over_short" and (doc_type == "journal" or source == "payment")
        own = [
            i
            for i in issues
            if i.blocking and i.code != "unmapped" and (i.source, i.key) == (source, key)
        ]
        if own and saved:  # a problem of what is saved; a suggestion replaces it
            status, message = "problem", own[0].message
        elif saved:
            status, message = "mapped", ""
        elif ref:
            status, message = "suggested", "Suggested by name and account type; save to confirm."
        else:
            status, message = ("unmapped" if required else "optional"), ""
        rows.append(
            MappingRow(
                source=source,
                key=key,
                label=row_label(source, key),
                kind=KIND_GROUPS[source],
                account_id=ref.id if ref else None,
                account_name=ref.name if ref else None,
                suggested=saved is None and ref is not None,
                required=required,
                status=status,
                allowed_types=(
                    BANK_LIKE
                    if doc_type == "receipt" and source == "payment"
                    else allowed_account_types(source, key)
                ),
                message=message,
            )
        )
    return rows


def _status(
    source: str,
    key: str | None,
    mapped: bool,
    issues: list[Issue],
    *,
    suggested: bool = False,
    blocks: str = "journal entries",
) -> str:
    own = [
        i
        for i in issues
        if i.source == source and i.key == key and i.blocking and i.code != "unmapped"
    ]
    if own:
        return "PROBLEM: " + own[0].message
    if mapped:
        return MAPPED
    if source == "over_short":
        return OPTIONAL
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
    issues = list(issues)
    rows = []
    for source, key in account_keys(keys):
        ref = mapping.accounts.get((source, key))
        suggested = suggestion.accounts.get((source, key)) if suggestion else None
        blocks = "journal entries"
        if source == "payment" and deposit_account_for(mapping, key) is None:
            blocks = "sending"  # journal entries and sales receipts alike
        mapped = account_for(mapping, source, key) is not None
        status = _status(
            source, key, mapped, issues, suggested=suggested is not None, blocks=blocks
        )
        rows.append(
            {
                "Kind": KIND_LABEL.get(source, source),
                "POS amount": row_label(source, key),
                "QuickBooks account": ref.name if ref else NONE,
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
    accounts = dict(mapping.accounts)
    if account_name in ("", NONE) or settings is None:
        accounts.pop(row, None)
    else:
        account = next((a for a in settings.accounts if a.active and a.name == account_name), None)
        if account is None:
            raise ValueError(f"QuickBooks has no active account named {account_name!r}")
        accounts[row] = Ref(account.id, account.name)
    return replace(mapping, accounts=accounts)


def with_accounts_table(
    mapping: Mapping, settings: QboSettings | None, keys: Iterable[Key], rows: list[dict]
) -> Mapping:
    """Apply every row of the edited accounts table to ``mapping``."""
    keys = list(keys)
    for row in rows:
        found = key_for_label(keys, row["POS amount"])
        if found is not None:
            mapping = with_account(mapping, settings, found, row.get("QuickBooks account") or NONE)
    return mapping


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
    receipt_issues = list(receipt_issues)
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
            "payment", method, mapped, receipt_issues, suggested=bool(suggested), blocks="receipts"
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
