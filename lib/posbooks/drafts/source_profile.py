"""The source profile: how this home's POS exports are read (which preset, and its options),
saved with the mapping; and the tie-out of each day to the export's own totals.

Preview, send and reconcile all open exports through ``open_sources`` with the same saved
profile, so what is previewed is what is posted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from posbooks.core.model import DayTotals
from posbooks.pos import Exports, open_exports
from posbooks.pos.presets import PRESETS, SourceOptions
from posbooks.state.store import Store, utc_now


@dataclass(frozen=True)
class SourceProfile:
    """The preset forced for every upload (None: recognised from the headers) and options."""

    preset: str | None = None
    options: SourceOptions = field(default_factory=SourceOptions)
    version: int = 0  # 0: nothing saved (defaults)

    def as_dict(self) -> dict:
        return {"preset": self.preset, "options": self.options.as_dict()}

    @classmethod
    def from_dict(cls, data: dict, version: int = 0) -> SourceProfile:
        preset = data.get("preset")
        if preset is not None and preset not in PRESETS:
            preset = None  # a preset this posbooks no longer has: recognise from headers
        return cls(preset, SourceOptions.from_dict(data.get("options")), version)

    def describe(self) -> str:
        """One line for the CLI and the Mapping page."""
        o = self.options
        parts = [f"preset {self.preset}" if self.preset else "POS recognised from the headers",
                 f"tax code {o.tax_code}"]  # fmt: skip
        if o.tax_code_by_outlet:
            parts.append(", ".join(f"{k}: {v}" for k, v in o.tax_code_by_outlet))
        if o.day_first is not None:
            parts.append("dates day first" if o.day_first else "dates month first")
        if o.time_zone:
            parts.append(f"times are UTC, days counted in {o.time_zone}")
        if o.cutoff_hour:
            parts.append(f"business day starts at {o.cutoff_hour:02d}:00")
        if o.outlet:
            parts.append(f"outlet '{o.outlet}' when the export has none")
        parts.append(f"gratuity as {o.gratuity_as.replace('_', ' ')}")
        if o.clearing_method:
            parts.append(f"clearing payment method '{o.clearing_method}'")
        if o.split_tender != "refuse":
            parts.append("split tenders to the clearing method")
        if o.columns:
            named = f"column mapping '{o.columns_name}' " if o.columns_name else ""
            parts.append(named + "columns " + ", ".join(f"{r}={h}" for r, h in o.columns))
        if o.line_type_values:
            parts.append("kinds " + ", ".join(f"{v}={t}" for v, t in o.line_type_values))
        return "; ".join(parts)


def current_source_profile(store: Store | None) -> SourceProfile:
    """The profile last saved in the home, or the defaults (version 0)."""
    if store is None:
        return SourceProfile()
    with store.read() as conn:
        row = conn.execute(
            "SELECT version, profile FROM source_profile ORDER BY version DESC LIMIT 1"
        ).fetchone()
    if row is None:
        return SourceProfile()
    return SourceProfile.from_dict(json.loads(row["profile"]), row["version"])


def save_source_profile(store: Store, profile: SourceProfile) -> SourceProfile:
    """Save ``profile`` as a new version; returns it with that version."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO source_profile (saved_at, profile) VALUES (?, ?)",
            (utc_now().isoformat(), json.dumps(profile.as_dict(), sort_keys=True)),
        )
    return SourceProfile(profile.preset, profile.options, int(cur.lastrowid))


def open_sources(
    paths: Sequence[str | Path],
    *,
    names: Sequence[str] | None = None,
    store: Store | None = None,
    preset: str | None = None,
    profile: SourceProfile | None = None,
) -> Exports:
    """``open_exports`` read with the home's source profile (``preset`` forces one)."""
    profile = profile or current_source_profile(store)
    return open_exports(
        [Path(p) for p in paths], names=names, preset=preset or profile.preset,
        options=profile.options,
    )  # fmt: skip


@dataclass(frozen=True)
class ExportTie:
    """One day's total as the POS's own export states it, beside what posbooks books."""

    business_date: date
    outlet: str
    label: str  # "Total Collected", "Total", "Total collected", "Gross Sales"
    export_total: Decimal
    booked: Decimal  # the same quantity from the day's totals the drafts are built from
    booked_as: str  # "payments" or "sales"

    @property
    def ties(self) -> bool:
        return self.export_total == self.booked


def export_ties(exports: object, days: Sequence[DayTotals]) -> list[ExportTie]:
    """For each day and outlet previewed, the export's own total against the booked one."""
    out = []
    for recognised in getattr(exports, "recognised", ()) or ():
        own = {(d, o): t for d, o, t in recognised.own_totals}
        source = "payment" if recognised.compares == "payments" else "sales"
        for day in days:
            total = own.get((day.business_date, day.outlet))
            if total is None:
                continue
            booked = sum((t.amount for t in day.totals if t.source == source), Decimal("0.00"))
            out.append(ExportTie(day.business_date, day.outlet, recognised.total_label,
                                 Decimal(total).quantize(Decimal("0.01")), booked,
                                 recognised.compares))  # fmt: skip
    return out


def export_tie_text(descriptions: Sequence[str], ties: Sequence[ExportTie]) -> str:
    """The recognised sources and their tie-out, as lines of text."""
    lines = [f"Source: {d}" for d in descriptions]
    for t in ties:
        mark = "ties" if t.ties else f"DIFFERS by {t.booked - t.export_total}"
        lines.append(f"  {t.business_date} {t.outlet}: export {t.label} {t.export_total:,}, "
                     f"{t.booked_as} booked {t.booked:,}: {mark}")  # fmt: skip
    return "\n".join(lines) + ("\n" if lines else "")
