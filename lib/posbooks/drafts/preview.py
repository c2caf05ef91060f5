"""Preview a period's drafts: the service the CLI, the app and the notebooks call.

``preview`` opens POS exports, computes the daily totals in one query, builds a
journal entry or the sales receipts of each day and outlet, and ties every draft back
to the POS totals. Nothing is sent anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import posbooks
from posbooks.core.bulk import cycle_collection_paused
from posbooks.core.journal import journal_entries, journal_entry_for_day
from posbooks.core.left_out import note_left_out, without_left_out
from posbooks.core.mapping_json import MappingFormatError, mapping_from_json
from posbooks.core.model import (
    CENT,
    EMPTY_MAPPING,
    DayTotals,
    Issue,
    JournalDraft,
    Mapping,
    ReceiptDraft,
)
from posbooks.core.qbo_settings import QboSettings
from posbooks.core.receipt_day import receipts_for_day
from posbooks.core.render import preview_text
from posbooks.core.tieout import TieOut, tie_out
from posbooks.pos.totals import HasView, daily_totals, quote_identifier

if TYPE_CHECKING:
    from posbooks.drafts.source_profile import SourceProfile

Draft = JournalDraft | ReceiptDraft
DOC_TYPES = ("journal", "receipt")


@dataclass(frozen=True)
class PreviewResult:
    """The drafts of a period, the issues of the run, and the tie-out to the POS."""

    doc_type: str
    date_from: date
    date_to: date
    entries: tuple[Draft, ...]
    issues: tuple[Issue, ...]
    tie_out: tuple[TieOut, ...]
    day_totals: tuple[DayTotals, ...]
    # What POS exports were recognised ("Square export: items + transactions, ...") and each
    # day's tie-out to the export's own total (source_profile.ExportTie).
    sources: tuple[str, ...] = ()
    export_ties: tuple = ()

    @property
    def ties(self) -> bool:
        """True when every POS (source, key) total equals what the drafts carry, and each
        day booked equals the export's own total where the export states one."""
        return all(row.ties for row in self.tie_out) and all(t.ties for t in self.export_ties)

    @property
    def balanced(self) -> bool:
        return all(d.balanced for d in self.entries if isinstance(d, JournalDraft))


def default_source() -> Path:
    """The repository's sample export, ``data/sample_sales.parquet``."""
    return Path(posbooks.__file__).resolve().parents[2] / "data" / "sample_sales.parquet"


def load_mapping(path: str | Path) -> Mapping:
    """A mapping from a JSON file; ``MappingFormatError`` names the file and the problem."""
    path = Path(path)
    try:
        return mapping_from_json(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise MappingFormatError(f"{path.name}: cannot read the mapping ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise MappingFormatError(
            f"{path.name}, line {exc.lineno}: not valid JSON ({exc.msg})"
        ) from exc
    except MappingFormatError as exc:
        raise MappingFormatError(f"{path.name}: {exc}") from exc


def drafts_for_day(
    totals: DayTotals, doc_type: str, mapping: Mapping, settings: QboSettings | None = None
) -> list[Draft]:
    """The day's journal entry (one) or sales receipts (one per payment method; with
    ``settings``, as the company takes them: one class per receipt where it tracks classes
    per transaction only), without the account types set to None on purpose (named in
    each draft's issues)."""
    day, gone = without_left_out(totals, mapping)
    if doc_type == "journal":
        return [note_left_out(journal_entry_for_day(day, mapping), gone, mapping)]
    if doc_type == "receipt":
        return [note_left_out(d, gone, mapping) for d in receipts_for_day(day, mapping, settings)]
    raise ValueError(f"unknown document type {doc_type!r} (expected journal or receipt)")


def preview_exports(
    exports: HasView,
    date_from: date,
    date_to: date | None = None,
    outlets: Sequence[str] | None = None,
    doc_type: str = "journal",
    mapping: Mapping | None = None,
) -> PreviewResult:
    """Drafts for every day and outlet with receipts in the period, from open exports.

    Refuses (``ExportRejected``) exports with problems: no preview of part of a file set.
    """
    if hasattr(exports, "raise_if_rejected"):
        exports.raise_if_rejected()
    date_to = date_to or date_from
    if date_to < date_from:
        raise ValueError(f"the period ends ({date_to}) before it starts ({date_from})")
    if doc_type not in DOC_TYPES:
        raise ValueError(f"unknown document type {doc_type!r} (expected journal or receipt)")
    mapping = mapping or EMPTY_MAPPING
    # A chain's year: ~150k totals, as many lines and tie-out rows, all acyclic; one pause
    # for the lot leaves one collection at the end instead of one per step.
    with cycle_collection_paused():
        days = daily_totals(exports, date_from, date_to, outlets)
        entries, ties = _drafts_and_ties(days, doc_type, mapping)
    issues = _period_issues(exports, days, date_from, date_to, outlets)
    from posbooks.drafts.source_profile import export_ties

    recognised = tuple(r.description for r in getattr(exports, "recognised", ()) or ())
    return PreviewResult(
        doc_type, date_from, date_to, tuple(entries), tuple(issues), tuple(ties), tuple(days),
        recognised, tuple(export_ties(exports, days)),
    )  # fmt: skip


def _drafts_and_ties(
    days: Sequence[DayTotals], doc_type: str, mapping: Mapping
) -> tuple[list[Draft], list[TieOut]]:
    """Every day's drafts and their tie-out to the day's POS totals."""
    entries: list[Draft] = []
    ties: list[TieOut] = []
    # tied to what is sent: types set to None on purpose are named on each draft instead
    sent = [without_left_out(day, mapping) for day in days] if mapping.not_sent else None
    if doc_type == "journal":  # one batch: per-key look-ups shared by all days
        sendable = [d for d, _ in sent] if sent else days
        for n, (day, entry) in enumerate(
            zip(sendable, journal_entries(sendable, mapping), strict=True)
        ):
            entry = note_left_out(entry, sent[n][1], mapping) if sent else entry
            entries.append(entry)
            ties += tie_out(day, (entry,), doc_type)
        return entries, ties
    for n, day in enumerate(days):
        drafts = drafts_for_day(day, doc_type, mapping)
        entries += drafts
        ties += tie_out(sent[n][0] if sent else day, drafts, doc_type)
    return entries, ties


def preview(
    paths: Sequence[str | Path],
    date_from: date,
    date_to: date | None = None,
    outlets: Sequence[str] | None = None,
    doc_type: str = "journal",
    mapping: Mapping | None = None,
    *,
    names: Sequence[str] | None = None,
    preset: str | None = None,
    profile: SourceProfile | None = None,
) -> PreviewResult:
    """Open the exports (``ExportRejected`` if any file has problems) and preview.

    POS exports (Square, Toast, ...) are read with ``profile`` (the home's source profile);
    ``preset`` forces one.
    """
    from posbooks.drafts.source_profile import open_sources  # DuckDB and friends, lazily

    exports = open_sources(paths, names=names, preset=preset, profile=profile)
    exports.raise_if_rejected()
    return preview_exports(exports, date_from, date_to, outlets, doc_type, mapping)


def _period_issues(
    exports: HasView,
    days: list[DayTotals],
    date_from: date,
    date_to: date,
    outlets: Sequence[str] | None,
) -> list[Issue]:
    period = f"{date_from}" if date_from == date_to else f"{date_from} to {date_to}"
    seen = {d.outlet for d in days}
    missing = [o for o in outlets or [] if o not in seen]
    if not missing and days:
        return []
    known = _outlets_in_period(exports, date_from, date_to)
    known_text = f" (outlets with receipts: {', '.join(known)})" if known else ""
    if missing:
        return [
            Issue("no_receipts", f"{outlet}: no receipts on {period}{known_text}", False)
            for outlet in missing
        ]
    return [Issue("no_receipts", f"No receipts on {period}{known_text}", False)]


def period_notes(
    paths: Sequence[str | Path],
    date_from: date,
    date_to: date,
    outlets: Sequence[str] | None,
    seen_outlets: set[str],
    *,
    profile: SourceProfile | None = None,
) -> list[str]:
    """Why a period gave no document for some outlet: no receipts, with the outlets that
    had some (a typo in ``--outlet`` shows here). ``seen_outlets``: those that had documents."""
    from posbooks.drafts.source_profile import open_sources

    exports = open_sources(paths, profile=profile)
    exports.raise_if_rejected()
    seen = [DayTotals(date_from, o, ()) for o in seen_outlets]
    return [i.message for i in _period_issues(exports, seen, date_from, date_to, outlets)]


def _outlets_in_period(exports: HasView, date_from: date, date_to: date) -> list[str]:
    query = (
        f"SELECT DISTINCT outlet FROM {quote_identifier(exports.view)} "
        "WHERE business_date BETWEEN ? AND ? AND voided IS NOT TRUE ORDER BY outlet"
    )
    return [row[0] for row in exports.con.execute(query, [date_from, date_to]).fetchall()]


def _ref(ref: Any) -> dict | None:
    return None if ref is None else {"id": ref.id, "name": ref.name}


def _amount(value: Any) -> str:
    return f"{value.quantize(CENT):f}"


def issue_to_json(issue: Issue) -> dict:
    return {
        "code": issue.code,
        "message": issue.message,
        "blocking": issue.blocking,
        "source": issue.source,
        "key": issue.key,
    }


def draft_to_json(draft: Draft) -> dict:
    """One entry of the preview JSON; a receipt is shown as a balanced entry too.

    A receipt's item lines are credits (debits when negative, e.g. discounts) with
    their item, quantity and unit price, and its payment is one debit line to the
    deposit account, so the same tie-out rule reads both kinds of drafts.
    """
    if isinstance(draft, JournalDraft):
        lines = [
            {
                "source": ln.source,
                "key": ln.key,
                "posting": ln.posting,
                "amount": _amount(ln.amount),
                "account": _ref(ln.account),
                "class": _ref(ln.class_),
                "location": _ref(ln.location),
                "description": ln.description,
                **(
                    {"tax_code": _ref(ln.tax_code), "tax_amount": _amount(ln.tax_amount)}
                    if ln.tax_code is not None
                    else {}
                ),
            }
            for ln in draft.lines
        ]
        return {
            "business_date": draft.business_date.isoformat(),
            "outlet": draft.outlet,
            "doc_type": draft.doc_type,
            "lines": lines,
            "issues": [issue_to_json(i) for i in draft.issues],
        }
    sign = -1 if draft.doc_type == "refund" else 1  # a refund reverses what it names
    lines = [
        {
            "source": ln.source,
            "key": ln.key,
            "posting": "Credit" if sign * ln.amount > 0 else "Debit",
            "amount": _amount(abs(ln.amount)),
            "account": None,
            "class": _ref(ln.class_),
            "location": _ref(draft.location),
            "description": ln.description,
            "item": _ref(ln.item),
            "quantity": f"{ln.quantity:f}",
            "unit_price": _amount(ln.unit_price),
        }
        for ln in draft.lines
    ]
    lines += [
        {
            "source": "tax",
            "key": code,
            "posting": "Credit" if sign * amount > 0 else "Debit",
            "amount": _amount(abs(amount)),
            "account": None,
            "class": None,
            "location": _ref(draft.location),
            "description": f"{code} tax, booked by QuickBooks from the lines' tax codes",
        }
        for code, amount in draft.taxes
    ]
    if draft.payment_method:
        lines.append(
            {
                "source": "payment",
                "key": draft.payment_method,
                "posting": "Debit" if sign * draft.total > 0 else "Credit",
                "amount": _amount(abs(draft.total)),
                "account": _ref(draft.deposit_account),
                "class": None,
                "location": _ref(draft.location),
                "description": f"Payment - {draft.payment_method} "
                f"({draft.outlet} {draft.business_date})",
            }
        )
    return {
        "business_date": draft.business_date.isoformat(),
        "outlet": draft.outlet,
        "doc_type": draft.doc_type,
        "payment_method": draft.payment_method or None,
        "lines": lines,
        "issues": [issue_to_json(i) for i in draft.issues],
    }


def preview_to_json(result: PreviewResult) -> dict:
    """``{"entries": [...], "issues": [...]}`` with amounts as decimal strings."""
    out = {
        "entries": [draft_to_json(d) for d in result.entries],
        "issues": [issue_to_json(i) for i in result.issues],
    }
    if result.sources:
        out["sources"] = list(result.sources)
        out["export_tie_out"] = [
            {"business_date": t.business_date.isoformat(), "outlet": t.outlet, "label": t.label,
             "export_total": str(t.export_total), "booked": str(t.booked),
             "booked_as": t.booked_as, "ties": t.ties}
            for t in result.export_ties
        ]  # fmt: skip
    return out


def preview_table(result: PreviewResult) -> str:
    """The preview as text: what was read, each draft with debits and credits, the tie-out
    (to the day's POS totals, and to the export's own totals), issues."""
    from posbooks.drafts.source_profile import export_tie_text

    head = export_tie_text(result.sources, result.export_ties)
    return head + preview_text(result.entries, result.tie_out, result.issues)
