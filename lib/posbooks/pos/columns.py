"""The canonical POS export columns and how a file's headers are matched to them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# (name, DuckDB type) in the order of the `pos_lines` view, before source_file/source_row.
CANONICAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("business_date", "DATE"),
    ("outlet", "VARCHAR"),
    ("receipt_no", "VARCHAR"),
    ("line_type", "VARCHAR"),
    ("category", "VARCHAR"),
    ("item", "VARCHAR"),
    ("quantity", "DECIMAL(18,3)"),
    ("tax_code", "VARCHAR"),
    ("payment_method", "VARCHAR"),
    ("amount", "DECIMAL(18,2)"),
    ("closed_at", "TIMESTAMP"),
    ("voided", "BOOLEAN"),
)
VIEW_COLUMNS: tuple[tuple[str, str], ...] = (
    *CANONICAL_COLUMNS,
    ("source_file", "VARCHAR"),
    ("source_row", "BIGINT"),
)
# Every export must carry these; category/tax_code/payment_method are needed by some lines.
REQUIRED = (
    "business_date",
    "outlet",
    "receipt_no",
    "line_type",
    "category",
    "tax_code",
    "payment_method",
    "amount",
)
OPTIONAL = ("item", "quantity", "closed_at", "voided")
# A header this close to an absent optional column is probably a typo, not an extra column.
TYPO_CUTOFF = 0.85
SUGGEST_CUTOFF = 0.6


def normalise(header: str) -> str:
    """'Business Date ' -> 'business_date': case, spaces and punctuation do not matter."""
    return re.sub(r"[^0-9a-z]+", "_", str(header).strip().lower()).strip("_")


@dataclass(frozen=True)
class HeaderMatch:
    """Which header of the file feeds each canonical column, and what is wrong."""

    source_of: dict[str, str]  # canonical name -> header as written in the file
    problems: tuple[tuple[str, str], ...]  # (canonical column, message)


def match_headers(headers: list[str]) -> HeaderMatch:
    """Match a file's headers to the canonical columns; extra headers are ignored."""
    by_norm: dict[str, list[str]] = {}
    for h in headers:
        by_norm.setdefault(normalise(h), []).append(h)
    source_of: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for name, _ in CANONICAL_COLUMNS:
        found = by_norm.get(name, [])
        if len(found) > 1:
            listed = " and ".join(f"'{h}'" for h in found)
            problems.append((name, f"{len(found)} columns are named like '{name}': {listed}"))
        elif found:
            source_of[name] = found[0]
    unmatched = [h for h in headers if normalise(h) not in dict(CANONICAL_COLUMNS)]
    norm_unmatched = {normalise(h): h for h in unmatched}
    for name, _ in CANONICAL_COLUMNS:
        if name in source_of or any(c == name for c, _ in problems):
            continue
        import difflib  # only for a missing column: a clean export never gets here

        cutoff = SUGGEST_CUTOFF if name in REQUIRED else TYPO_CUTOFF
        near = difflib.get_close_matches(name, list(norm_unmatched), n=1, cutoff=cutoff)
        hint = f" (did you mean '{norm_unmatched[near[0]]}'?)" if near else ""
        if name in REQUIRED or near:
            problems.append((name, f"missing column '{name}'{hint}"))
    return HeaderMatch(source_of, tuple(problems))
