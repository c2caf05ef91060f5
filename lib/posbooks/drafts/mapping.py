"""The mapping service: rows to confirm, suggestions, validation, and versioned storage.

Every save is a new version (with a note and the time); the current mapping is the
latest. The app's Mapping page, ``posbooks mapping`` and the posting engine all read
and write through these functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posbooks.core.mapping_json import mapping_from_json, mapping_to_json
from posbooks.core.mapping_rules import (
    BANK_LIKE,
    account_for,
    allowed_account_types,
    check_mapping,
    deposit_account_for,
    receipt_item_for,
    receipt_item_key,
    row_label,
    row_problems,
)
from posbooks.core.mapping_rules import suggest_mapping as _suggest
from posbooks.core.model import EMPTY_MAPPING, SOURCE_OF_LINE_TYPE, Mapping
from posbooks.core.qbo_settings import QboSettings
from posbooks.state.store import Store, utc_now

if TYPE_CHECKING:
    from posbooks.pos import Exports

Key = tuple[str, str | None]
KIND_GROUPS = {
    "payment": "Payments",
    "sales": "Sales",
    "discount": "Discounts",
    "service_charge": "Service charge",
    "tax": "Taxes",
    "tip": "Tips",
    "rounding": "Rounding",
    "over_short": "Over/short",
}
_RANK = {source: n for n, source in enumerate(KIND_GROUPS)}

__all__ = [
    "MappingRow",
    "SavedMapping",
    "check_mapping",
    "current_mapping",
    "default_sources",
    "export_mapping",
    "import_mapping",
    "mapping_history",
    "mapping_rows",
    "pos_keys",
    "save_mapping",
    "suggest_mapping",
]


@dataclass(frozen=True)
class MappingRow:
    """One line of the mapping table: a POS amount and where it goes in QuickBooks."""

    source: str
    key: str | None
    label: str  # "Sales - Food"
    kind: str  # the group heading: "Payments", "Sales", ...
    account_id: str | None
    account_name: str | None
    suggested: bool  # the account is a suggestion, not yet saved by the bookkeeper
    required: bool
    status: str  # mapped | suggested | unmapped | optional | problem
    allowed_types: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class SavedMapping:
    version: int
    saved_at: str
    note: str


def default_sources() -> list[Path]:
    """The sample POS export shipped with the repository (data/sample_sales.parquet)."""
    from posbooks.drafts.preview import default_source

    return [default_source()]


def pos_keys(exports: Exports) -> tuple[set[Key], set[str]]:
    """Every (source, key) and every outlet the exports contain (voided receipts left out)."""
    # The per-day sums validation kept have these columns, voided lines left out: far fewer
    # rows than the lines, which a CSV would have to read again.
    lines = getattr(exports, "day_sums", None) or (
        f"(SELECT * FROM {exports.view} WHERE NOT coalesce(voided, false))"
    )
    rows = exports.con.execute(
        f"""
        SELECT DISTINCT line_type,
            CASE line_type WHEN 'item' THEN category WHEN 'discount' THEN category
                 WHEN 'tax' THEN tax_code WHEN 'payment' THEN payment_method END,
            outlet
        FROM {lines}
        """
    ).fetchall()
    keys = {(SOURCE_OF_LINE_TYPE[t], k or None) for t, k, _ in rows if t in SOURCE_OF_LINE_TYPE}
    return keys, {o for _, _, o in rows}


def suggest_mapping(
    keys: Iterable[Key],
    settings: QboSettings,
    *,
    outlets: Iterable[str] = (),
    base: Mapping | None = None,
) -> Mapping:
    """Accounts, classes, locations and items proposed by name and account type."""
    return _suggest(keys, settings, outlets=outlets, base=base)


def _keys_of(exports_or_keys: Exports | Iterable[Key]) -> set[Key]:
    if hasattr(exports_or_keys, "con"):
        return pos_keys(exports_or_keys)[0]  # type: ignore[arg-type]
    return set(exports_or_keys)  # type: ignore[arg-type]


def mapping_rows(
    exports_or_keys: Exports | Iterable[Key],
    settings: QboSettings | None,
    mapping: Mapping,
    *,
    doc_type: str = "journal",
    suggestion: Mapping | None = None,
) -> list[MappingRow]:
    """The account rows to confirm: saved choices, else suggestions, else unmapped.

    ``suggestion`` is ``suggest_mapping(keys, settings, base=mapping)`` when the caller has
    it already (it is computed otherwise).
    """
    keys = _keys_of(exports_or_keys) | {("over_short", None)}
    if suggestion is None:
        suggestion = suggest_mapping(keys, settings, base=mapping) if settings else mapping
    problems = row_problems(check_mapping(mapping, settings, keys, doc_type))
    rows = []
    for source, key in sorted(keys, key=lambda k: (_RANK[k[0]], k[1] or "")):
        saved = account_for(mapping, source, key)
        ref = saved or suggestion.accounts.get((source, key))
        if doc_type == "receipt" and source == "payment":  # the account receipts deposit to
            saved = deposit_account_for(mapping, key)
            if key not in mapping.deposits and key in suggestion.deposits:
                saved = None  # the journal account cannot take a deposit: suggest one
            ref = saved or deposit_account_for(suggestion, key)
        required = source != "over_short" and (doc_type == "journal" or source == "payment")
        own = problems.get((source, key))
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


def item_rows(keys: Iterable[Key], mapping: Mapping) -> list[tuple[str, str | None]]:
    """(items key, Item name or None) for every receipt line the POS amounts need."""
    wanted = {(receipt_item_key(s, k), s, k) for s, k in keys if s not in ("payment", "over_short")}
    return [
        (ik, (ref.name if (ref := receipt_item_for(mapping, s, k)) else None))
        for ik, s, k in sorted(wanted)
    ]


def save_mapping(store: Store, mapping: Mapping, *, note: str = "") -> Mapping:
    """Store ``mapping`` as a new version; returns it with that version number."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO mapping_version (saved_at, note, mapping) VALUES (?, ?, '')",
            (utc_now().isoformat(), note),
        )
        saved = replace(mapping, version=int(cur.lastrowid))
        conn.execute(
            "UPDATE mapping_version SET mapping = ? WHERE version = ?",
            (json.dumps(mapping_to_json(saved), sort_keys=True), saved.version),
        )
    return saved


def current_mapping(store: Store) -> Mapping:
    """The latest saved mapping, or ``EMPTY_MAPPING`` (version 0) when none was saved."""
    with store.read() as conn:
        row = conn.execute(
            "SELECT version, mapping FROM mapping_version ORDER BY version DESC LIMIT 1"
        ).fetchone()
    if row is None:
        return EMPTY_MAPPING
    return replace(mapping_from_json(json.loads(row["mapping"])), version=row["version"])


def mapping_history(store: Store) -> list[SavedMapping]:
    """Every saved version, newest first."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT version, saved_at, note FROM mapping_version ORDER BY version DESC"
        ).fetchall()
    return [SavedMapping(r["version"], r["saved_at"], r["note"]) for r in rows]


def export_mapping(store: Store) -> dict[str, Any]:
    """The current mapping in its JSON form (``posbooks.core.mapping_json``)."""
    return mapping_to_json(current_mapping(store))


def import_mapping(store: Store, data: dict[str, Any], *, note: str = "imported") -> Mapping:
    """Save a mapping read from JSON as a new version (its own version number is ignored).

    Raises ``MappingFormatError`` naming the bad entry; nothing is saved then.
    """
    mapping = mapping_from_json(data)
    return save_mapping(store, mapping, note=note)
