"""Which QuickBooks accounts may hold which POS amounts, and what a mapping still lacks.

Pure rules over ``Mapping`` and ``QboSettings``: no I/O. ``check_mapping`` returns
issues a bookkeeper can act on; ``suggest_mapping`` proposes accounts, classes,
locations and items by name and account type.

Decisions (docs/posting.md):
- Payments debit a Bank or Other Current Asset account (Undeposited Funds, card and
  e-wallet clearing). A voucher or gift-card tender may instead debit an Other Current
  Liability: redeeming a voucher sold earlier reduces the amount owed to its holder.
- A sales receipt deposits to the payment's account, which QuickBooks only allows to be
  Bank or Other Current Asset, so a payment whose journal account is a liability (a
  voucher) gets its own receipt deposit account (``Mapping.deposits``); the suggestion
  is a clearing asset named after the method, else Undeposited Funds.
- Receipt lines use Items: category ``K`` -> ``items[K]``; service charge, tips and
  rounding -> ``items["service_charge" | "tip" | "rounding"]``, a tax code ``C`` ->
  ``items["tax:C"]`` falling back to ``items["tax"]``, discounts -> ``items["discount:K"]``
  falling back to ``items["discount"]`` (as ``posbooks.core.receipts``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from posbooks.core.model import Issue, Mapping, Ref
from posbooks.core.qbo_settings import Account, Item, ListItem, QboSettings

Key = tuple[str, str | None]

BANK_LIKE = ("Bank", "Other Current Asset")
ALLOWED_ACCOUNT_TYPES: dict[str, tuple[str, ...]] = {
    "payment": BANK_LIKE,
    "sales": ("Income", "Other Income"),
    "service_charge": ("Income", "Other Income"),
    "discount": ("Income", "Expense"),
    "tax": ("Other Current Liability",),
    "tip": ("Other Current Liability",),
    "rounding": ("Income", "Other Income", "Expense", "Other Expense"),
    "over_short": ("Expense", "Other Expense", "Income", "Other Income"),
}
VOUCHER_WORDS = ("voucher", "gift")
SOURCE_LABELS = {
    "sales": "Sales",
    "discount": "Discount",
    "service_charge": "Service charge",
    "tax": "Tax",
    "rounding": "Rounding",
    "tip": "Tips",
    "payment": "Payment",
    "over_short": "Over/short",
}
TRACK_CLASSES_STEPS = (
    "In QuickBooks: Settings > Account and settings > Advanced > Categories > "
    "Track classes (turn on), Save, then refresh settings in posbooks."
)
TRACK_CLASSES_PER_LINE_STEPS = (
    "In QuickBooks: Settings > Account and settings > Advanced > Categories > "
    "Track classes, Assign classes: One to each row in transaction; then refresh settings."
)
TRACK_LOCATIONS_STEPS = (
    "In QuickBooks: Settings > Account and settings > Advanced > Categories > "
    "Track locations (turn on), Save, then refresh settings in posbooks."
)


def row_label(source: str, key: str | None) -> str:
    """The row's name as a bookkeeper reads it, e.g. "Sales - Food", "Payment - Cash"."""
    label = SOURCE_LABELS.get(source, source)
    if source == "discount" and key is None:
        return "Discount - whole receipt"
    return f"{label} - {key}" if key else label


def allowed_account_types(source: str, key: str | None) -> tuple[str, ...]:
    """Account types that can hold the amounts of (source, key)."""
    types = ALLOWED_ACCOUNT_TYPES.get(source, ())
    if source != "payment" or not key:
        return types
    if any(w in key.lower() for w in VOUCHER_WORDS):
        types = (*types, "Other Current Liability")
    return types


def receipt_item_key(source: str, key: str | None) -> str:
    """The ``Mapping.items`` key a sales-receipt line of (source, key) uses: sales by
    category, discounts ``discount:<category>``, tax ``tax:<code>``, the rest by source name.
    """
    if source == "sales":
        return key or ""
    if source in ("discount", "tax") and key is not None:
        return f"{source}:{key}"
    return source


def receipt_item_for(mapping: Mapping, source: str, key: str | None) -> Ref | None:
    """The Item a receipt line of (source, key) books to; discounts and tax fall back."""
    ref = mapping.items.get(receipt_item_key(source, key))
    if ref is None and source in ("discount", "tax"):
        ref = mapping.items.get(source)
    return ref


def deposit_account_for(mapping: Mapping, method: str | None) -> Ref | None:
    """Where a sales receipt paid by ``method`` deposits: its own receipt deposit account,
    else the payment method's journal account."""
    return mapping.deposits.get(method or "") or mapping.accounts.get(("payment", method))


def account_for(mapping: Mapping, source: str, key: str | None) -> Ref | None:
    """The mapped account of (source, key); discounts per category fall back to (discount, None)."""
    ref = mapping.accounts.get((source, key))
    if ref is None and source == "discount":
        ref = mapping.accounts.get(("discount", None))
    return ref


def required_keys(keys: Iterable[Key], doc_type: str, *, taxed_by_code: bool = False) -> list[Key]:
    """The (source, key) rows that must be mapped before ``doc_type`` can be sent.

    Over/short is never required up front: the drafts block a day that needs it.
    Receipts book every non-payment row through Items, so only payments need accounts.
    """
    wanted = sorted(set(keys), key=lambda k: (k[0], k[1] or ""))
    wanted = [k for k in wanted if k[0] != "over_short"]
    if taxed_by_code:  # QuickBooks books the tax from tax codes: no tax account
        wanted = [k for k in wanted if k[0] != "tax"]
    if doc_type == "receipt":
        return [k for k in wanted if k[0] == "payment"]
    return wanted


DAY_DEPOSIT_UNMAPPED = (
    "The day's sales receipt has no deposit account: choose Undeposited Funds or a clearing "
    "account under Sales receipts on the Mapping page."
)


def check_mapping(
    mapping: Mapping,
    settings: QboSettings | None,
    keys: Iterable[Key],
    doc_type: str = "journal",
    *,
    outlets: Iterable[str] = (),
) -> list[Issue]:
    """Everything that stops ``mapping`` from posting ``keys`` as ``doc_type`` documents.

    ``settings`` None (never fetched) checks only what is unmapped, with a reminder.
    """
    keys = set(keys) - mapping.not_sent  # None on purpose: nothing of them is sent
    issues: list[Issue] = []
    day_receipt = doc_type == "receipt" and mapping.receipt_grouping == "per_day"
    for source, key in required_keys(keys, doc_type, taxed_by_code=bool(mapping.tax_codes)):
        if day_receipt and source == "payment":
            continue  # one receipt a day deposits every method to the day's deposit account
        if doc_type == "receipt" and source == "payment":
            ref = deposit_account_for(mapping, key)
        else:
            ref = account_for(mapping, source, key)
        label = row_label(source, key)
        if ref is None:
            issues.append(_unmapped(source, key, label))
        elif settings is not None:
            issues.extend(_account_issues(settings, ref, source, key, label, doc_type))
    over_short = mapping.accounts.get(("over_short", None))
    if over_short is not None and settings is not None and doc_type == "journal":
        label = row_label("over_short", None)
        issues.extend(_account_issues(settings, over_short, "over_short", None, label, doc_type))
    if day_receipt and mapping.day_deposit is None:
        issues.append(Issue("unmapped_day_deposit", DAY_DEPOSIT_UNMAPPED, source="payment"))
    elif day_receipt and settings is not None:
        label = "The day's sales receipt deposit"
        issues.extend(_account_issues(settings, mapping.day_deposit, "payment", None, label,
                                      "receipt"))  # fmt: skip
    if doc_type == "receipt":
        issues.extend(_item_issues(mapping, settings, keys))
    if settings is None:
        issues.append(
            Issue(
                "settings_missing",
                "QuickBooks settings were never fetched, so account types and active "
                "flags are unchecked. Run `posbooks refresh-settings`.",
                blocking=False,
            )
        )
        return issues
    if mapping.tax_codes:
        issues.extend(_tax_code_issues(mapping, settings, keys, doc_type))
    elif settings.taxes_by_code:
        issues.extend(_tax_by_code_issues(mapping, settings, keys, doc_type))
    if mapping.sales_tax_code is not None and not mapping.tax_codes and doc_type == "receipt":
        issues.extend(_sales_tax_code_issues(mapping, settings, keys))
    categories = {k for s, k in keys if s in ("sales", "discount") and k}
    issues.extend(_class_issues(mapping, settings, categories, doc_type))
    issues.extend(_location_issues(mapping, settings, set(outlets)))
    return issues


TAX_PAYABLE_SUBTYPES = ("GlobalTaxPayable", "SalesTaxPayable")


def _tax_code_issues(
    mapping: Mapping, settings: QboSettings, keys: set[Key], doc_type: str
) -> list[Issue]:
    """A mapping that sends tax by tax code: only where QuickBooks taxes by code, to tax
    codes that exist and are active; a receipt's code needs exactly one sales rate (its
    TaxLine carries the POS tax)."""
    if not settings.taxes_by_code:
        return [
            Issue(
                "tax_codes_not_used",
                "POS tax codes are mapped to QuickBooks tax codes, but this QuickBooks company "
                f"({settings.country or 'country unknown'}, sales tax "
                f"{'on' if settings.preferences.using_sales_tax else 'off'}) does not tax by "
                "tax code: remove the tax code mapping and map tax to an account.",
            )
        ]
    codes = {c.id: c for c in settings.tax_codes}
    issues = []
    used = sorted({k for s, k in keys if s == "tax" and k} | {"untaxed"})
    for pos_code in used:
        ref = mapping.tax_codes.get(pos_code)
        if ref is None:
            continue  # the drafts say which lines need it, only when they do
        found = codes.get(ref.id)
        label = "untaxed lines" if pos_code == "untaxed" else f"POS tax code {pos_code}"
        if found is None or not found.active:
            state = "no longer exists" if found is None else "is inactive"
            issues.append(
                Issue(
                    "tax_code_missing",
                    f"{label} is mapped to tax code '{ref.name}', which {state} in QuickBooks. "
                    "Choose another tax code.",
                    source="tax",
                    key=pos_code,
                )
            )
        elif doc_type == "receipt" and len(found.sales_rate_ids) != 1 and pos_code != "untaxed":
            issues.append(
                Issue(
                    "tax_code_rates",
                    f"{label} is mapped to tax code '{found.name}', which has "
                    f"{len(found.sales_rate_ids)} sales rates: a receipt carries the POS tax "
                    "on one rate, so choose a code with exactly one.",
                    source="tax",
                    key=pos_code,
                )
            )
    for pos_code in used:  # its tax would have no line to sit on: the drafts refuse it
        if pos_code != "untaxed" and pos_code not in mapping.line_taxes.values():
            issues.append(
                Issue(
                    "tax_code_taxes_nothing",
                    f"POS tax code {pos_code} taxes no line: say which categories (or the "
                    "discount or service charge) it taxes.",
                    source="tax",
                    key=pos_code,
                )
            )
    return issues


def _sales_tax_code_issues(mapping: Mapping, settings: QboSettings, keys: set[Key]) -> list[Issue]:
    """US sales tax on receipts (``Mapping.sales_tax_code``): only in a US company with sales
    tax on, to an active code with a sales rate, and every POS tax code taxing a line."""
    code = mapping.sales_tax_code
    assert code is not None
    if settings.country != "US" or not settings.preferences.using_sales_tax:
        return [
            Issue(
                "sales_tax_code_not_used",
                f"Sales receipts are mapped to the US sales tax code '{code.name}', but this "
                f"QuickBooks company ({settings.country or 'country unknown'}, sales tax "
                f"{'on' if settings.preferences.using_sales_tax else 'off'}) is not a US "
                "company with sales tax on: remove sales_tax_code from the mapping.",
                source="tax",
            )
        ]
    found = next((c for c in settings.tax_codes if c.id == code.id), None)
    if found is None or not found.active or not found.sales_rate_ids:
        state = (
            "no longer exists"
            if found is None
            else ("is inactive" if not found.active else "has no sales tax rate")
        )
        return [
            Issue(
                "sales_tax_code_missing",
                f"Sales receipts are mapped to the sales tax code '{code.name}', which {state} "
                "in QuickBooks. Choose the rate code the outlet charges.",
                source="tax",
            )
        ]
    issues = []
    for pos_code in sorted({k for s, k in keys if s == "tax" and k}):
        if pos_code not in mapping.line_taxes.values():
            issues.append(
                Issue(
                    "tax_code_taxes_nothing",
                    f"POS tax code {pos_code} taxes no line: say which categories (or the "
                    "discount or service charge) it taxes.",
                    source="tax",
                    key=pos_code,
                )
            )
    return issues


def _tax_by_code_issues(
    mapping: Mapping, settings: QboSettings, keys: set[Key], doc_type: str
) -> list[Issue]:
    """A company that taxes by tax code (non-US, tax on): QuickBooks computes the tax from
    each line's TaxCode; a journal line or Item posting straight to its tax control account
    is accepted but stays off the tax return, and sales receipts without a tax code on
    every line are refused (6000). Without ``Mapping.tax_codes`` posbooks sends neither, so both
    are refused here, before anything is sent, until the tax codes are mapped."""
    where = f"this QuickBooks company ({settings.country}, tax by tax code)"
    instead = (
        "Map each POS tax code to one of the company's QuickBooks tax codes ("
        + ", ".join(c.name for c in settings.tax_codes if c.active)
        + ") instead, with a code for untaxed lines and which categories each POS code "
        "taxes (the Mapping page's Tax codes tables, or mapping JSON tax_codes and line_taxes: "
        "`posbooks mapping import`)."
    )
    issues = []
    tax_keys = sorted((k for k in keys if k[0] == "tax"), key=lambda k: k[1] or "")
    for source, key in tax_keys:
        label = row_label(source, key)
        if doc_type == "journal":
            ref = account_for(mapping, source, key)
            account = settings.account(ref.id) if ref else None
            target = f"account '{account.name}'" if account else ""
        else:
            ref = receipt_item_for(mapping, source, key)
            item = next((i for i in settings.items if ref and i.id == ref.id), None)
            account = settings.account(item.income_account_id or "") if item else None
            target = f"Item '{item.name}' (income account '{account.name}')" if account else ""
        if account is not None and account.account_subtype in TAX_PAYABLE_SUBTYPES:
            issues.append(
                Issue(
                    "tax_to_tax_account",
                    f"{label} is mapped to {target}, the tax control account of {where}: "
                    "QuickBooks would book it but leave it off the tax return. " + instead,
                    source=source,
                    key=key,
                )
            )
    if doc_type == "receipt":
        issues.append(
            Issue(
                "receipt_needs_tax_codes",
                f"Sales receipts in {where} need a QuickBooks tax code on every line "
                "(QuickBooks refuses them otherwise): map the POS tax codes to QuickBooks "
                "tax codes first. " + instead,
            )
        )
    return issues


def row_problems(issues: Iterable[Issue]) -> dict[Key, list[Issue]]:
    """The blocking issues of each (source, key) row other than "unmapped", in order: one
    pass, so that a table of 100k rows looks its problems up instead of scanning them all."""
    by_row: dict[Key, list[Issue]] = {}
    for issue in issues:
        if issue.blocking and issue.code != "unmapped":
            by_row.setdefault((issue.source, issue.key), []).append(issue)
    return by_row


def _unmapped(source: str, key: str | None, label: str) -> Issue:
    types = " or ".join(allowed_account_types(source, key))
    return Issue(
        "unmapped",
        f"{label} has no QuickBooks account. Map it to an account of type {types}.",
        source=source,
        key=key,
    )


def _account_issues(
    settings: QboSettings, ref: Ref, source: str, key: str | None, label: str, doc_type: str
) -> list[Issue]:
    account = settings.account(ref.id)
    if account is None:
        return [
            Issue(
                "account_missing",
                f"{label} is mapped to '{ref.name}' (Id {ref.id}), which no longer exists "
                "in QuickBooks. Choose another account.",
                source=source,
                key=key,
            )
        ]
    issues = []
    if not account.active:
        issues.append(
            Issue(
                "account_inactive",
                f"{label} is mapped to '{account.name}', which is inactive in QuickBooks. "
                "Make it active again or choose another account.",
                source=source,
                key=key,
            )
        )
    allowed = allowed_account_types(source, key)
    if doc_type == "receipt" and source == "payment":
        allowed = BANK_LIKE  # QuickBooks deposits a sales receipt only to these
    if account.account_type not in allowed:
        what = "deposit account" if doc_type == "receipt" and source == "payment" else "account"
        issues.append(
            Issue(
                "account_type",
                f"{label} is mapped to '{account.name}' ({account.account_type}), which "
                f"cannot hold it as {_a(what)}: choose {_a(' or '.join(allowed))} account.",
                source=source,
                key=key,
            )
        )
    return issues


def _a(words: str) -> str:
    """``a Bank``, ``an Income``, ``an account``: the article a bookkeeper would write."""
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def _item_issues(mapping: Mapping, settings: QboSettings | None, keys: set[Key]) -> list[Issue]:
    issues = []
    items = {i.id: i for i in settings.items} if settings else {}
    for source, key in sorted(keys, key=lambda k: (k[0], k[1] or "")):
        if source in ("payment", "over_short") or (
            source == "tax" and (mapping.tax_codes or mapping.sales_tax_code)
        ):
            continue  # tax by code or US sales tax: no tax Item line (posbooks.core.taxcodes)
        label = row_label(source, key)
        ref = receipt_item_for(mapping, source, key)
        if ref is None:
            issues.append(
                Issue(
                    "item_unmapped",
                    f"{label} has no QuickBooks Item for sales receipts. Map it to an Item "
                    "(its income account is where QuickBooks books the amount).",
                    source=source,
                    key=key,
                )
            )
        elif settings is not None:
            item = items.get(ref.id)
            if item is None or not item.active:
                state = "no longer exists" if item is None else "is inactive"
                issues.append(
                    Issue(
                        "item_inactive" if item else "item_missing",
                        f"{label} is mapped to Item '{ref.name}', which {state} in "
                        "QuickBooks. Choose another Item.",
                        source=source,
                        key=key,
                    )
                )
    return issues


def mapping_to_send(mapping: Mapping, settings: QboSettings | None) -> Mapping:
    """What is sent of ``mapping``: its classes only while QuickBooks tracks classes.

    The saved mapping keeps them, so they are sent again once tracking is turned back on.
    """
    if settings is None or settings.preferences.class_tracking or not mapping.classes:
        return mapping
    return replace(mapping, classes={})


def _class_issues(
    mapping: Mapping, settings: QboSettings, categories: set[str], doc_type: str
) -> list[Issue]:
    used = {c: r for c, r in mapping.classes.items() if c in categories}
    if not used:
        return []
    prefs = settings.preferences
    names = ", ".join(sorted(used))
    if not prefs.class_tracking:  # kept in the mapping, left out of what is sent
        return [
            Issue(
                "class_tracking_off",
                f"Classes are not sent while class tracking is off in QuickBooks (mapped for "
                f"{names}; they are kept and sent again once it is on). {TRACK_CLASSES_STEPS}",
                blocking=False,
            )
        ]
    if doc_type == "receipt" and not prefs.class_tracking_per_line:
        if prefs.class_tracking_per_txn:  # receipts carry one class each (core.receipts)
            return [
                Issue(
                    "class_per_transaction",
                    f"Classes are mapped for {names}, but QuickBooks assigns one class per "
                    "transaction here: a sales receipt carries a class only when all its "
                    "lines share it (journal entries keep one per line). "
                    + TRACK_CLASSES_PER_LINE_STEPS,
                    blocking=False,
                ),
                *_list_ref_issues(used, settings.classes, "Class", "category"),
            ]
        return [
            Issue(
                "class_tracking_per_line_off",
                f"Classes are mapped for {names}, but QuickBooks assigns one class per "
                f"transaction, not per line. {TRACK_CLASSES_PER_LINE_STEPS}",
            )
        ]
    return _list_ref_issues(used, settings.classes, "Class", "category")


def _location_issues(mapping: Mapping, settings: QboSettings, outlets: set[str]) -> list[Issue]:
    used = {o: r for o, r in mapping.locations.items() if not outlets or o in outlets}
    if not used:
        return []
    if not settings.preferences.location_tracking:
        return [
            Issue(
                "location_tracking_off",
                f"Locations are mapped for {', '.join(sorted(used))}, but location tracking "
                f"is off in QuickBooks. {TRACK_LOCATIONS_STEPS} Or remove the locations.",
            )
        ]
    return _list_ref_issues(used, settings.departments, "Location", "outlet")


def _list_ref_issues(
    used: dict[str, Ref], known: tuple[ListItem, ...], what: str, pos_word: str
) -> list[Issue]:
    by_id = {x.id: x for x in known}
    issues = []
    for name, ref in sorted(used.items()):
        found = by_id.get(ref.id)
        if found is None or not found.active:
            state = "no longer exists" if found is None else "is inactive"
            issues.append(
                Issue(
                    f"{what.lower()}_{'missing' if found is None else 'inactive'}",
                    f"The {pos_word} {name} is mapped to {what} '{ref.name}', which {state} "
                    f"in QuickBooks. Choose another {what}.",
                    key=name,
                )
            )
    return issues


# --- suggestions -------------------------------------------------------------------

PATTERNS: dict[str, tuple[str, ...]] = {
    "sales": ("Sales - {k}", "{k} Sales", "{k} Revenue", "Sales"),
    "discount": ("Discounts Given", "Discount - {k}", "Discounts"),
    "service_charge": ("Service Charge Income", "Service Charge"),
    "tax": ("SST Payable - {k}", "{k} Payable", "Sales Tax Payable"),
    "tip": ("Tips Payable", "Tips"),
    "rounding": ("Rounding Adjustment", "Rounding"),
    "over_short": ("Cash Over/Short", "Over and Short"),
    "payment": ("Card Clearing - {k}", "E-Wallet Clearing - {k}", "{k} Clearing", "{k}"),
}
KEYWORDS: dict[str, tuple[str, ...]] = {
    "sales": ("sales", "revenue", "income"),
    "discount": ("discount",),
    "service_charge": ("service",),
    "tax": ("sst", "tax", "gst", "vat"),
    "tip": ("tip", "gratuit"),
    "rounding": ("round",),
    "over_short": ("over", "short"),
    "payment": (),
}
PREFERRED_SUBTYPES = {
    "sales": "SalesOfProductIncome",
    "discount": "DiscountsRefundsGiven",
    "service_charge": "ServiceFeeIncome",
    "tax": "SalesTaxPayable",
}


_NOT_A_WORD = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> list[str]:
    return [w for w in _NOT_A_WORD.split(text.lower()) if w] if text else []


class _Chart:
    """The active accounts indexed once by the words of their names, so that suggesting for
    100k categories costs a few dictionary look-ups per category, not a scan of the whole
    chart for each one."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self.accounts = [a for a in accounts if a.active]
        self.words = [_words(a.name) for a in self.accounts]
        self.exact: dict[str, set[int]] = {}  # word -> accounts with it
        self.stems: dict[str, set[int]] = {}  # a 3+ letter prefix of a 3+ letter word -> accounts
        self.long: dict[str, set[int]] = {}  # a 3+ letter word -> accounts with it
        for n, words in enumerate(self.words):
            for w in words:
                self.exact.setdefault(w, set()).add(n)
                if len(w) >= 3:
                    self.long.setdefault(w, set()).add(n)
                    for i in range(3, len(w) + 1):
                        self.stems.setdefault(w[:i], set()).add(n)
        self._hits: dict[str, frozenset[int]] = {}
        self._keyword_hits: dict[str, set[int]] = {}
        self._by_type: dict[tuple[str, ...], list[int]] = {}

    def hits(self, word: str) -> frozenset[int]:
        """The accounts with a word in their name equal to ``word`` or sharing a stem of 3+
        letters with it: "voucher" finds "Vouchers", "tip" finds "Tips"."""
        found = self._hits.get(word)
        if found is None:
            sets = [self.exact.get(word)]
            if len(word) >= 3:
                sets.append(self.stems.get(word))
                sets.extend(self.long.get(word[:i]) for i in range(3, len(word) + 1))
            found = frozenset().union(*(h for h in sets if h))
            self._hits[word] = found
        return found

    def keyword_hits(self, source: str) -> set[int]:
        if source not in self._keyword_hits:
            hit: set[int] = set()
            for word in KEYWORDS.get(source, ()):
                hit |= self.hits(word)
            self._keyword_hits[source] = hit
        return self._keyword_hits[source]

    def of_types(self, types: tuple[str, ...]) -> list[int]:
        if types not in self._by_type:
            self._by_type[types] = [
                n for n, a in enumerate(self.accounts) if a.account_type in types
            ]
        return self._by_type[types]

    def best(self, source: str, key: str | None, types: tuple[str, ...]) -> Account | None:
        """The account of ``types`` ranking highest by (share of the key's words in its name,
        a word of the kind in its name, the preferred subtype, name similarity to a pattern);
        the first in chart order on a tie. Similarity (difflib, the slow part) is measured
        only between accounts tied on the rest."""
        key_words = _words(key or "")
        key_hits: dict[int, int] = {}
        for word in key_words:
            for n in self.hits(word):
                key_hits[n] = key_hits.get(n, 0) + 1
        keyword_hit = self.keyword_hits(source)
        keyed = bool(key_words) and source in ("sales", "tax", "payment")
        if (keyed and not key_hits) or (source not in ("sales", "payment") and not keyword_hit):
            return None  # nothing can qualify (most rows of a large chart end here)
        ranked: list[tuple[tuple, int]] = []
        for n in self.of_types(types):
            hits, kind = key_hits.get(n, 0), n in keyword_hit
            if keyed and not hits:
                continue  # a keyed row needs its key in the name: never "Sales - Food" for Desserts
            if source not in ("sales", "payment") and not kind:
                continue  # a discount is never suggested into "Sales - Food" just for the word Food
            if not hits and not kind:
                continue
            subtype = self.accounts[n].account_subtype == PREFERRED_SUBTYPES.get(source)
            ranked.append(((hits / max(len(key_words), 1), kind, subtype), n))
        if not ranked:
            return None
        top = max(rank for rank, _ in ranked)
        tied = [n for rank, n in ranked if rank == top]
        if len(tied) == 1:
            return self.accounts[tied[0]]
        from difflib import SequenceMatcher  # suggestions only: a preview never ranks names

        patterns = [" ".join(_words(p.format(k=key or ""))) for p in PATTERNS.get(source, ("{k}",))]
        best: tuple[float, int] | None = None
        for n in tied:
            name = " ".join(self.words[n])
            ratio = max(SequenceMatcher(None, p, name).ratio() for p in patterns)
            if best is None or ratio > best[0]:
                best = (ratio, n)
        return self.accounts[best[1]]


def suggest_account(
    settings: QboSettings, source: str, key: str | None, *, chart: _Chart | None = None
) -> Ref | None:
    """The best active account for (source, key) by account type and name, or None."""
    chart = chart or _Chart(settings.accounts)
    best = chart.best(source, key, allowed_account_types(source, key))
    return Ref(best.id, best.name) if best else None


def suggest_deposit(
    settings: QboSettings, method: str | None, *, chart: _Chart | None = None
) -> Ref | None:
    """Where sales receipts paid by ``method`` could deposit: a Bank / Other Current Asset
    account named after it (e.g. "Voucher Clearing"), else Undeposited Funds."""
    chart = chart or _Chart(settings.accounts)
    best = chart.best("payment", method, BANK_LIKE)
    if best is not None:
        return Ref(best.id, best.name)
    funds = [a for a in settings.accounts if a.active and a.account_subtype == "UndepositedFunds"]
    return Ref(funds[0].id, funds[0].name) if funds else None


class _Names:
    """Active list objects by normalised name, the first in list order for each name."""

    def __init__(self, options: Iterable[ListItem | Item]) -> None:
        self.first: dict[str, tuple[int, ListItem | Item]] = {}
        for n, option in enumerate(options):
            if option.active:
                self.first.setdefault(" ".join(_words(option.name)), (n, option))

    def find(self, *names: str) -> Ref | None:
        """The first option in list order whose name equals one of ``names``."""
        found = [self.first[w] for n in names if n and (w := " ".join(_words(n))) in self.first]
        if not found:
            return None
        option = min(found, key=lambda f: f[0])[1]
        return Ref(option.id, option.name)


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
    chart = _Chart(settings.accounts)
    by_id = {a.id: a for a in reversed(settings.accounts)}  # first of an Id, as settings.account
    accounts = dict(base.accounts)
    for source, key in [*keys, ("over_short", None)]:
        if (source, key) not in accounts and (
            ref := suggest_account(settings, source, key, chart=chart)
        ):
            accounts[(source, key)] = ref
    deposits = dict(base.deposits)
    for source, key in keys:
        account = by_id.get(accounts[(source, key)].id) if (source, key) in accounts else None
        if source != "payment" or key in deposits or not account:
            continue
        if account.account_type not in BANK_LIKE and (
            ref := suggest_deposit(settings, key, chart=chart)
        ):
            deposits[key or ""] = ref
    prefs = settings.preferences
    categories = sorted({k for s, k in keys if s == "sales" and k})
    classes = dict(base.classes)
    if prefs.class_tracking:
        class_names = _Names(settings.classes)
        for category in categories:
            if category not in classes and (ref := class_names.find(category)):
                classes[category] = ref
    locations = dict(base.locations)
    if prefs.location_tracking:
        location_names = _Names(settings.departments)
        for outlet in sorted(set(outlets)):
            if outlet not in locations and (ref := location_names.find(outlet)):
                locations[outlet] = ref
    items = dict(base.items)
    item_names = _Names(settings.items)
    for source, key in keys:
        if source in ("payment", "over_short"):
            continue
        item_key = receipt_item_key(source, key)
        label = key if source in ("sales", "tax") else SOURCE_LABELS[source]
        names = (f"{label} Sales", label) if source == "sales" else (label, row_label(source, None))
        if source == "discount":
            names = ("Discount", "Discounts", "Discounts Given")
        if item_key not in items and (ref := item_names.find(*names)):
            items[item_key] = ref
    tax_codes, line_taxes = dict(base.tax_codes), dict(base.line_taxes)
    if settings.taxes_by_code:
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


def _suggest_tax_codes(
    settings: QboSettings, keys: list[Key], tax_codes: dict[str, Ref], line_taxes: dict[str, str]
) -> tuple[dict[str, Ref], dict[str, str]]:
    """Where QuickBooks taxes by code: each POS tax code to the QuickBooks code of the same
    name, untaxed lines to a code that is not taxable (or has a 0% rate); with a single POS
    tax code, every category, the discount and the service charge taxed by it (with several
    the bookkeeper says which code taxes which category: the drafts name what is missing)."""
    active = [c for c in settings.tax_codes if c.active]
    zero = {r.id for r in settings.tax_rates if r.rate in ("0", "0.0", "0.00")}
    pos_codes = sorted({k for s, k in keys if s == "tax" and k})
    for code in pos_codes:
        if code not in tax_codes and (
            found := next((c for c in active if c.name.lower() == code.lower()), None)
        ):
            tax_codes[code] = Ref(found.id, found.name)
    if "untaxed" not in tax_codes:
        untaxed = next(
            (
                c
                for c in active
                if not c.taxable and set(c.sales_rate_ids) <= zero and c.sales_rate_ids
            ),
            None,
        ) or next((c for c in active if not c.taxable), None)
        if untaxed is not None:
            tax_codes["untaxed"] = Ref(untaxed.id, untaxed.name)
    if len(pos_codes) == 1:
        lines = {k for s, k in keys if s in ("sales", "discount") and k}
        lines |= {"discount"} if ("discount", None) in keys else set()
        lines |= {"service_charge"} if any(s == "service_charge" for s, _ in keys) else set()
        for line in sorted(lines):
            line_taxes.setdefault(line, pos_codes[0])
    return tax_codes, line_taxes
