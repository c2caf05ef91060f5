"""The workbench's service layer: what the pages, the CLI and the notebooks call.

Each function composes the library's own pieces (config, store, auth, settings, mapping,
POS readers, preview, posting, ledger) and turns expected failures into
``WorkbenchError`` with plain words, so no page ever shows a traceback for a bad file,
a QuickBooks refusal or a connection that needs renewing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import posbooks
from posbooks.core.errors import WorkbenchError
from posbooks.core.model import DayTotals, Issue, JournalDraft, Mapping, ReceiptDraft
from posbooks.qbo.errors import RECONNECT, QboError, plain_quickbooks_errors
from posbooks.qbo.links import qbo_document_url
from posbooks.state.config import Config, ConfigError, load_config
from posbooks.state.store import Store, StoreError, open_store

if TYPE_CHECKING:
    from posbooks.core.qbo_settings import QboSettings
    from posbooks.core.reconcile import DocumentCheck
    from posbooks.drafts.preview import PreviewResult
    from posbooks.drafts.source_profile import SourceProfile
    from posbooks.pos import Problem
    from posbooks.posting.outcome import PostOutcome
    from posbooks.qbo.auth import ConnectionStatus
    from posbooks.reconcile.gather import Reconciliation
    from posbooks.state.uploads import Upload

# What the pages, the notebooks and the commands take from here beyond this module's own
# functions, imported when first asked for (PEP 562 ``__getattr__`` below): `posbooks status`
# and a preview need neither intuit-oauth and cryptography nor the POS readers' DuckDB.
_ON_DEMAND = {
    # the connection (posbooks.qbo.auth); redirect_parameters: code, state, realmId, error
    "ConnectionStatus": ("posbooks.qbo.auth", "ConnectionStatus"),
    "AuthorizationFailed": ("posbooks.qbo.auth", "AuthorizationFailed"),
    "ReconnectNeeded": ("posbooks.qbo.auth", "ReconnectNeeded"),
    "redirect_parameters": ("posbooks.qbo.auth", "redirect_parameters"),
    # the Mapping page's wording and the mapping commands' rules
    "DAY_DEPOSIT_UNMAPPED": ("posbooks.core.mapping_rules", "DAY_DEPOSIT_UNMAPPED"),
    "TRACK_CLASSES_STEPS": ("posbooks.core.mapping_rules", "TRACK_CLASSES_STEPS"),
    "TRACK_LOCATIONS_STEPS": ("posbooks.core.mapping_rules", "TRACK_LOCATIONS_STEPS"),
    "check_mapping": ("posbooks.core.mapping_rules", "check_mapping"),
    "mapping_to_send": ("posbooks.core.mapping_rules", "mapping_to_send"),
    "suggest_mapping": ("posbooks.core.mapping_rules", "suggest_mapping"),
    "QboSettings": ("posbooks.core.qbo_settings", "QboSettings"),
    "DOC_LABELS": ("posbooks.core.render", "DOC_LABELS"),
    "UploadRecord": ("posbooks.state.uploads", "Upload"),
    # failures the commands catch
    "SandboxUnavailable": ("posbooks.qbo.local", "SandboxUnavailable"),
    "CryptoError": ("posbooks.state.crypto", "CryptoError"),
    "CodeError": ("posbooks.core.docnumbers", "CodeError"),
    "MappingFormatError": ("posbooks.core.mapping_json", "MappingFormatError"),
    "ExportRejected": ("posbooks.pos", "ExportRejected"),
    "SourceProfile": ("posbooks.drafts.source_profile", "SourceProfile"),
    "ReconcileError": ("posbooks.reconcile.gather", "ReconcileError"),
    "PosDataRejected": ("posbooks.posting.plan", "PosDataRejected"),
    "DuplicateDocNumbers": ("posbooks.posting.plan", "DuplicateDocNumbers"),
}


class StartupError(WorkbenchError):
    """The workbench cannot open: bad configuration or no local sandbox."""


@dataclass(frozen=True)
class Workbench:
    """Everything a page needs to talk to posbooks' state and to QuickBooks."""

    config: Config
    store: Store
    sandbox_base_url: str | None = None  # the local sandbox, when used
    demo_login: dict | None = None  # its public demo sign-in (local only)


def open_workbench() -> Workbench:
    """Resolve the configuration, open the store and, when local, make sure the sandbox runs."""
    from posbooks.qbo.local import ensure_local_sandbox

    try:
        config = load_config()
    except ConfigError as exc:
        raise StartupError(f"posbooks is not configured correctly: {exc}") from None
    try:
        store = open_store(config)
    except StoreError as exc:  # a damaged, locked or misplaced posbooks.db: one sentence
        raise StartupError(str(exc)) from None
    if not config.is_local:
        return Workbench(config, store)
    # Adapter: ensure_local_sandbox starts the sandbox without our redirect URI; the
    # sandbox also reads extra ones from this variable, so a non-default port still works.
    extra = os.environ.get("POSBOOKS_SANDBOX_REDIRECT_URIS", "")
    if config.redirect_uri not in extra.replace(",", " ").split():
        os.environ["POSBOOKS_SANDBOX_REDIRECT_URIS"] = f"{extra} {config.redirect_uri}".strip()
    try:
        info = ensure_local_sandbox(config)
    except Exception as exc:  # noqa: BLE001 - any start failure becomes one plain message
        raise StartupError(
            f"The local QuickBooks sandbox did not start: {exc}. See {config.home / 'sandbox.log'}."
        ) from None
    return Workbench(
        config, store, sandbox_base_url=info.base_url, demo_login=dict(info.demo_login)
    )


def home_warnings(wb: Workbench) -> list[str]:
    """What is unsafe about the home right now, in sentences: a key file others can read."""
    from posbooks.state.crypto import key_file, key_file_warning

    if wb.config.secret_key:
        return []
    warning = key_file_warning(key_file(wb.config))
    return [warning[0].upper() + warning[1:]] if warning else []


# --- connection ---------------------------------------------------------------------


def connection(wb: Workbench) -> ConnectionStatus:
    """The connection and token health, as stored (no network)."""
    from posbooks.qbo import auth

    return auth.connection_status(wb.config, wb.store)


def connect_url(wb: Workbench, redirect_uri: str | None = None) -> str:
    """A fresh authorization URL (client id, redirect, scope, state: never the secret)."""
    from posbooks.qbo import auth

    return auth.start_authorization(wb.config, wb.store, redirect_uri)


@dataclass(frozen=True)
class ConnectResult:
    ok: bool
    message: str


_CONSENT_ERRORS = {
    "access_denied": "You chose Cancel on QuickBooks' consent page, so nothing was connected. "
    "Click Connect to QuickBooks to try again.",
}


def finish_connect(wb: Workbench, params: dict[str, str]) -> ConnectResult:
    """Complete the OAuth callback from its query parameters (code, state, realmId or error)."""
    import requests  # its exception only: loaded with the HTTP clients, not with services

    from posbooks.qbo import auth
    from posbooks.qbo import connect as qbo_connect

    error = params.get("error")
    code, state, realm = params.get("code"), params.get("state"), params.get("realmId")
    if not state:
        return ConnectResult(
            False, "The answer from QuickBooks was incomplete. Click Connect to QuickBooks again."
        )
    try:
        status = qbo_connect.complete_authorization(
            wb.config, wb.store, code=code or "", state=state, realm_id=realm or "", error=error
        )
    except auth.AuthorizationFailed as exc:
        # a declined consent is said in the bookkeeper's words, whatever else was wrong
        return ConnectResult(False, _CONSENT_ERRORS.get(error or "", str(exc)))
    except requests.RequestException as exc:
        return ConnectResult(False, f"QuickBooks could not be reached ({type(exc).__name__}).")
    name = status.company_name or status.realm_id
    return ConnectResult(True, f"Connected to {name}.")


def disconnect(wb: Workbench) -> ConnectionStatus:
    """Revoke the tokens at QuickBooks and forget them here."""
    from posbooks.qbo import auth

    return auth.disconnect(wb.config, wb.store)  # revocation failures are noted, not raised


# --- QuickBooks settings and mapping ------------------------------------------------


def refresh_settings(wb: Workbench) -> QboSettings:
    """Fetch accounts, classes, locations, items and preferences from QuickBooks now."""
    from posbooks.qbo import auth
    from posbooks.qbo import settings as qbo_settings

    try:
        return qbo_settings.refresh_settings(wb.config, wb.store)
    except auth.ReconnectNeeded:
        raise WorkbenchError(RECONNECT) from None
    except (QboError, auth.TokenRefreshFailed) as exc:
        raise WorkbenchError(
            f"QuickBooks did not answer the refresh: {getattr(exc, 'detail', '') or exc}"
        ) from None


def current_settings(wb: Workbench) -> QboSettings | None:
    """The settings as last refreshed, or None."""
    from posbooks.qbo import settings as qbo_settings

    return qbo_settings.current_settings(wb.store)


def saved_mapping(wb: Workbench) -> Mapping:
    """The latest saved mapping (empty when none)."""
    from posbooks.drafts import mapping as mapping_mod

    return mapping_mod.current_mapping(wb.store)


def suggested_mapping(
    wb: Workbench, summary: SourceSummary, base: Mapping | None = None
) -> Mapping:
    """``base`` plus suggestions for what it leaves unmapped (all suggestions when None)."""
    from posbooks.core.mapping_rules import suggest_mapping

    settings = current_settings(wb)
    if settings is None:
        raise WorkbenchError("Refresh QuickBooks Online Settings first: suggestions need them.")
    return suggest_mapping(summary.keys, settings, outlets=summary.outlets, base=base or Mapping())


def taxes_by_code(wb: Workbench) -> bool:
    """Whether the company, as last refreshed, taxes by tax code (non-US, tax on): its
    mapping then maps each POS tax code, and untaxed lines, to a QuickBooks TaxCode."""
    settings = current_settings(wb)
    return settings is not None and settings.taxes_by_code


def mapping_issues(
    wb: Workbench, mapping: Mapping, summary: SourceSummary, doc_type: str
) -> list[Issue]:
    """What in ``mapping`` blocks sending ``summary``'s data as ``doc_type``."""
    from posbooks.core.mapping_rules import check_mapping

    return check_mapping(
        mapping, current_settings(wb), summary.keys, doc_type, outlets=summary.outlets
    )


def save_mapping(wb: Workbench, mapping: Mapping, *, note: str = "") -> Mapping:
    """Save ``mapping`` as a new version."""
    from posbooks.drafts import mapping as mapping_mod

    return mapping_mod.save_mapping(wb.store, mapping, note=note or "saved in the workbench")


# --- POS data --------------------------------------------------------------------------


@dataclass(frozen=True)
class DataSource:
    """POS export files and the names the user knows them by, and how to read them (the
    home's source profile when uploaded; None: the defaults)."""

    paths: tuple[Path, ...]
    names: tuple[str, ...]
    label: str
    profile: SourceProfile | None = None
    upload_id: str | None = None  # an upload kept in the home, to pick it again


@dataclass(frozen=True)
class SourceSummary:
    """What a data source holds, or why it was rejected."""

    source: DataSource
    problems: tuple[Problem, ...] = ()
    first_day: date | None = None
    last_day: date | None = None
    outlets: tuple[str, ...] = ()
    keys: tuple[tuple[str, str | None], ...] = ()
    # What was recognised: "Square export: items + transactions, 31 transactions, ..."
    recognised: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and self.last_day is not None


def sample_source() -> DataSource:
    """The sample restaurant group's POS export shipped with posbooks."""
    path = Path(posbooks.__file__).resolve().parents[2] / "data" / "sample_sales.parquet"
    return DataSource((path,), (path.name,), "Sample data")


def save_uploads(wb: Workbench, files: Sequence[tuple[str, bytes]]) -> DataSource:
    """Keep uploaded exports under POSBOOKS_HOME/uploads (written atomically) and name them."""
    from posbooks.state import uploads

    return _upload_source(wb, uploads.save_upload(wb.config.home, files))


def _upload_source(wb: Workbench, upload: Upload) -> DataSource:
    from posbooks.drafts.source_profile import current_source_profile

    return DataSource(
        tuple(f.path for f in upload.files), upload.names, "Uploaded POS exports",
        current_source_profile(wb.store), upload.id,
    )  # fmt: skip


def list_uploads(wb: Workbench) -> list[Upload]:
    """The uploads kept in this home, newest first (see posbooks.state.uploads for retention)."""
    from posbooks.state import uploads

    return uploads.list_uploads(wb.config.home)


def upload_source(wb: Workbench, upload_id: str) -> DataSource | None:
    """An earlier upload as a data source again, or None when it was deleted."""
    from posbooks.state import uploads

    upload = uploads.find_upload(wb.config.home, upload_id)
    return None if upload is None else _upload_source(wb, upload)


def delete_upload(wb: Workbench, upload_id: str) -> bool:
    """Delete one kept upload (files still named by another upload stay)."""
    from posbooks.state import uploads

    return uploads.delete_upload(wb.config.home, upload_id)


def source_profile(wb: Workbench) -> SourceProfile:
    """How this home reads POS exports (preset and options; defaults when none saved)."""
    from posbooks.drafts.source_profile import current_source_profile

    return current_source_profile(wb.store)


def preset_choices() -> dict[str, str]:
    """The POS presets a bookkeeper can force, name -> title ("" = recognise by header)."""
    from posbooks.pos.presets import PRESETS

    return {"": "Recognise from the headers", **{n: m.title for n, m in PRESETS.items()}}


def with_current_profile(wb: Workbench, source: DataSource) -> DataSource:
    """``source`` read with the profile saved now (after the bookkeeper changed it)."""
    import dataclasses

    from posbooks.drafts.source_profile import current_source_profile

    if source.label != "Uploaded POS exports":
        return source
    return dataclasses.replace(source, profile=current_source_profile(wb.store))


def save_source_options(wb: Workbench, preset: str | None, **options) -> SourceProfile:
    """Save the source profile with ``options`` changed (``SourceOptions`` field names);
    ``ValueError`` says which option is wrong."""
    import dataclasses

    from posbooks.drafts.source_profile import (
        SourceProfile,
        current_source_profile,
        save_source_profile,
    )

    current = current_source_profile(wb.store)
    changed = dataclasses.replace(current.options, **options)
    return save_source_profile(wb.store, SourceProfile(preset, changed))


# --- column mapping of an export no preset recognises (the generic preset) -------------

# role -> what the Mapping step calls it (amount columns: one per kind, or line_type + amount)
COLUMN_ROLES = {
    "date": "Date (and time)", "time": "Time (when apart from the date)",
    "outlet": "Outlet", "receipt": "Receipt number", "category": "Category",
    "item": "Item", "quantity": "Quantity", "payment_method": "Payment method",
    "tax_code": "Tax code (else the profile's)",
    "line_type": "Line kind (one row per line)", "amount": "Amount (one row per line)",
    "sales": "Sales amount", "discount": "Discount amount", "tax": "Tax amount",
    "tip": "Tip amount", "service_charge": "Service charge amount",
    "payment": "Payment amount", "rounding": "Rounding amount",
}  # fmt: skip


@dataclass(frozen=True)
class UnmappedFile:
    """An uploaded file no POS preset recognises: its name and header, to map its columns,
    and the saved column mapping when it fits this header (to start from)."""

    name: str
    headers: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)  # role -> header
    words: dict[str, str] = field(default_factory=dict)  # kind column's word -> line type
    outlet: str = ""
    clearing_method: str = ""
    mapping_name: str = ""


@dataclass(frozen=True)
class ColumnMappingPreview:
    """What a column mapping being tried gives: its first lines, and every problem."""

    wrong: tuple[str, ...]  # what makes the mapping itself unusable ("no date column")
    # (file, row, business_date, outlet, receipt_no, line_type, key, amount)
    lines: tuple[tuple, ...] = ()
    problems: tuple[Problem, ...] = ()
    recognised: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.wrong and not self.problems and bool(self.lines)


def line_type_choices() -> tuple[str, ...]:
    """The line kinds a word of a file's kind column can mean."""
    from posbooks.core.model import LINE_TYPES

    return LINE_TYPES


def _mapping_preset(profile: SourceProfile) -> str | None:
    """The preset a column mapping is tried and saved with: recognition from the headers,
    unless the home forces the generic mapper."""
    return "generic" if profile.preset == "generic" else None


def unmapped_files(wb: Workbench, source: DataSource) -> list[UnmappedFile]:
    """The files of ``source`` that no POS preset recognises: only a column mapping reads
    them (the saved one, when it fits, comes with each to start from)."""
    import dataclasses

    from posbooks.drafts.source_profile import current_source_profile
    from posbooks.pos.presets.sources import unrecognised_files

    if source.label != "Uploaded POS exports":
        return []
    profile = current_source_profile(wb.store)
    o = profile.options
    files = unrecognised_files(source.paths, source.names, preset=_mapping_preset(profile),
                               options=dataclasses.replace(o, columns=()))  # fmt: skip
    out = []
    for f in files:
        fits = bool(o.columns) and f.has(*(h for _, h in o.columns))
        out.append(UnmappedFile(f.name, f.headers) if not fits else UnmappedFile(
            f.name, f.headers, dict(o.columns), dict(o.line_type_values), o.outlet or "",
            o.clearing_method or "", o.columns_name,
        ))  # fmt: skip
    return out


def _unmapped_paths(source: DataSource, names: Sequence[str]) -> tuple[list[Path], list[str]]:
    pairs = [(p, n) for p, n in zip(source.paths, source.names, strict=True) if n in names]
    return [p for p, _ in pairs], [n for _, n in pairs]


def column_words(source: DataSource, name: str, header: str, limit: int = 30) -> list[str]:
    """The distinct words of one column of file ``name`` (a line-kind column to translate)."""
    from posbooks.pos.presets.files import read_headers
    from posbooks.pos.presets.generic import column_values

    paths, names = _unmapped_paths(source, [name])
    file = read_headers(paths[0], names[0]) if paths else None
    return column_values(file, header, limit) if file is not None else []


def _trial_options(wb: Workbench, columns: dict[str, str], line_type_values: dict[str, str],
                   outlet: str | None, clearing_method: str | None, name: str):  # fmt: skip
    import dataclasses

    from posbooks.drafts.source_profile import SourceProfile, current_source_profile

    current = current_source_profile(wb.store)
    options = dataclasses.replace(
        current.options, columns=tuple(columns.items()),
        line_type_values=tuple(line_type_values.items()), outlet=outlet or None,
        clearing_method=clearing_method or None, columns_name=name.strip(),
    )  # fmt: skip
    return SourceProfile(_mapping_preset(current), options)


def preview_column_mapping(
    wb: Workbench,
    source: DataSource,
    files: Sequence[str],
    columns: dict[str, str],
    line_type_values: dict[str, str] | None = None,
    *,
    outlet: str | None = None,
    clearing_method: str | None = None,
    name: str = "",
    limit: int = 20,
) -> ColumnMappingPreview:
    """The first ``limit`` lines ``files`` of ``source`` give with this column mapping, and
    every problem (file, row, column), without saving anything."""
    from posbooks.drafts.source_profile import open_sources
    from posbooks.pos.presets.generic import check_columns
    from posbooks.pos.presets.sources import first_lines

    wrong = tuple(check_columns(columns))
    if wrong:
        return ColumnMappingPreview(wrong)
    try:
        trial = _trial_options(wb, columns, line_type_values or {}, outlet, clearing_method,
                               name)  # fmt: skip
    except ValueError as exc:
        return ColumnMappingPreview((str(exc),))
    paths, names = _unmapped_paths(source, files)
    exports = open_sources(paths, names=names, profile=trial)
    lines = first_lines(paths, preset=trial.preset, options=trial.options, limit=limit)
    return ColumnMappingPreview((), tuple(lines), tuple(exports.problems),
                                tuple(r.description for r in exports.recognised))  # fmt: skip


def save_column_mapping(
    wb: Workbench,
    columns: dict[str, str],
    line_type_values: dict[str, str] | None = None,
    *,
    outlet: str | None = None,
    clearing_method: str | None = None,
    name: str = "",
) -> SourceProfile:
    """Save the column mapping in the source profile: the next upload of a file with the
    same header is read through it. ``ValueError`` says what is wrong with it."""
    from posbooks.drafts.source_profile import save_source_profile
    from posbooks.pos.presets.generic import check_columns

    if wrong := check_columns(columns):
        raise ValueError("; ".join(wrong))
    trial = _trial_options(wb, columns, line_type_values or {}, outlet, clearing_method, name)
    return save_source_profile(wb.store, trial)


_DAYS_SQL = "SELECT min(business_date), max(business_date) FROM {lines}"


def summarize_source(source: DataSource) -> SourceSummary:
    """Validate the files and list their days, outlets and POS amount kinds."""
    from posbooks.drafts import mapping as mapping_mod
    from posbooks.drafts.source_profile import open_sources
    from posbooks.pos import Problem

    missing = [n for p, n in zip(source.paths, source.names, strict=True) if not p.exists()]
    if missing:
        return SourceSummary(
            source, (Problem(missing[0], None, None, "file not found (run `make sample`)"),)
        )
    exports = open_sources(source.paths, names=list(source.names), profile=source.profile)
    if not exports.ok:
        return SourceSummary(source, tuple(exports.problems))
    recognised = tuple(r.description for r in exports.recognised)
    # The per-day sums validation kept hold the same days (voided left out), without a scan
    # of every line (a CSV is read again for each query over its lines).
    lines = exports.day_sums or f"(SELECT business_date FROM {exports.view} WHERE NOT voided)"
    first, last = exports.con.execute(_DAYS_SQL.format(lines=lines)).fetchone()
    keys, outlets = mapping_mod.pos_keys(exports)
    return SourceSummary(
        source,
        (),
        first,
        last,
        tuple(sorted(outlets)),
        tuple(sorted(keys, key=lambda k: (k[0], k[1] or ""))),
        recognised,
    )


# --- preview and send -----------------------------------------------------------------


@dataclass
class PeriodPreview:
    """A period's drafts with what the bookkeeper needs before pressing Send."""

    result: PreviewResult
    # (day, outlet, doc key) -> "unchanged" | "changed": already in QuickBooks
    posted: dict[tuple[date, str, str], str] = field(default_factory=dict)
    blockers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sales: list[tuple[str, str, Decimal]] = field(default_factory=list)  # outlet, category, amount
    ready: int = 0  # documents Send would create now
    # (day, outlet, doc key) -> why Send skips it (e.g. already sent as the other type)
    skipped: dict[tuple[date, str, str], str] = field(default_factory=dict)
    # (day, outlet, doc key) -> why the last send of a document still to send failed
    refused: dict[tuple[date, str, str], str] = field(default_factory=dict)

    @property
    def can_send(self) -> bool:
        return not self.blockers

    def posted_mark(self, entry: JournalDraft | ReceiptDraft) -> str | None:
        """ "unchanged" / "changed" when this draft's document is already in QuickBooks."""
        key = entry.payment_method if isinstance(entry, ReceiptDraft) else ""
        return self.posted.get((entry.business_date, entry.outlet, key))

    def last_refusal(self, entry: JournalDraft | ReceiptDraft) -> str | None:
        """Why the last send of this draft, not yet in QuickBooks, failed; or None."""
        key = entry.payment_method if isinstance(entry, ReceiptDraft) else ""
        return self.refused.get((entry.business_date, entry.outlet, key))

    def skip_reason(self, entry: JournalDraft | ReceiptDraft) -> str | None:
        """Why Send skips this draft although it is complete, or None."""
        key = entry.payment_method if isinstance(entry, ReceiptDraft) else ""
        return self.skipped.get((entry.business_date, entry.outlet, key))


def preview_period(
    wb: Workbench,
    summary: SourceSummary,
    date_from: date,
    date_to: date,
    outlets: Sequence[str],
    doc_type: str,
) -> PeriodPreview:
    """The period's drafts with the saved mapping, what is already posted, what stops a send.

    Posted marks come from a dry run of the posting engine over the local ledger (no network).
    """
    from posbooks.core.mapping_rules import check_mapping, mapping_to_send
    from posbooks.drafts.preview import preview
    from posbooks.drafts.source_profile import current_source_profile
    from posbooks.posting import plan as posting

    settings = current_settings(wb)
    mapping = mapping_to_send(saved_mapping(wb), settings)  # classes off: not sent, not shown
    result = preview(
        list(summary.source.paths),
        date_from,
        date_to,
        outlets=list(outlets) or None,
        doc_type=doc_type,
        mapping=mapping,
        names=list(summary.source.names),
        profile=summary.source.profile or current_source_profile(wb.store),
    )
    view = PeriodPreview(result, sales=sales_by_outlet_category(result.day_totals))
    status = connection(wb)
    if status.reconnect_needed:
        view.blockers.append("QuickBooks needs you to reconnect: go to Connect.")
    elif not status.connected:
        view.blockers.append("QuickBooks is not connected: go to Connect first.")
    keys = {(t.source, t.key) for day in result.day_totals for t in day.totals}
    issues = check_mapping(saved_mapping(wb), settings, keys, doc_type, outlets=outlets)
    view.notes += [i.message for i in issues if not i.blocking]
    issues = [i for i in issues if i.blocking]
    if issues:
        view.blockers.append(
            f"The mapping is not complete: {_problems(len(issues))} to fix on the Mapping page, "
            f"e.g. {issues[0].message}"
        )
    # the preview's own totals: no second query over the exports on every rerun
    outcomes = posting.post_days(
        wb.config, wb.store, result.day_totals, doc_type=doc_type, dry_run=True
    )
    for o in outcomes:
        if o.status in ("unchanged", "changed"):
            view.posted[(o.business_date, o.outlet, o.doc_key)] = o.status
    view.ready = sum(o.status == "ready" for o in outcomes)
    ready = {(o.business_date, o.outlet, o.doc_key) for o in outcomes if o.status == "ready"}
    if ready:  # a day refused last time (e.g. its DocNumber taken) may be refused again
        from posbooks.posting.ledger import ledger_rows

        for row in ledger_rows(wb.store, realm_id=status.realm_id, date_from=date_from,
                               date_to=date_to, doc_type=doc_type):  # fmt: skip
            key = (row.business_date, row.outlet, row.doc_key)
            if row.status == "failed" and key in ready and row.message:
                view.refused[key] = row.message
    blocked = [o for o in outcomes if o.status == "blocked"]
    for o in blocked:
        view.skipped[(o.business_date, o.outlet, o.doc_key)] = o.message
    if not result.entries:
        view.blockers.append("Nothing to send: the POS data has no receipts in this period.")
    elif view.ready == 0 and not issues:
        view.blockers.append(
            f"Nothing to send: {blocked[0].message}"
            if blocked
            else "Nothing to send: every document of this period is already in QuickBooks."
        )
    elif blocked and not issues:
        view.notes.append(
            (
                "1 document cannot be sent and will be skipped: "
                if len(blocked) == 1
                else f"{len(blocked)} documents cannot be sent and will be skipped: "
            )
            + blocked[0].message
        )
    return view


def _problems(count: int) -> str:
    return "1 problem" if count == 1 else f"{count} problems"


def sales_by_outlet_category(days: Sequence[DayTotals]) -> list[tuple[str, str, Decimal]]:
    """The period's POS sales summed per (outlet, category), in Decimal."""
    sums: dict[tuple[str, str], Decimal] = {}
    for day in days:
        for total in day.totals:
            if total.source == "sales":
                k = (day.outlet, total.key or "(none)")
                sums[k] = sums.get(k, Decimal("0.00")) + total.amount
    return [(o, c, a) for (o, c), a in sorted(sums.items())]


@dataclass(frozen=True)
class SentDocument:
    """One document's outcome, with where to see it in QuickBooks."""

    outcome: PostOutcome
    url: str | None

    @property
    def ok(self) -> bool:
        return self.outcome.status in ("created", "unchanged", "updated")


def send_period(
    wb: Workbench,
    summary: SourceSummary,
    date_from: date,
    date_to: date,
    outlets: Sequence[str],
    doc_type: str,
    *,
    progress: Callable[[int, int, PostOutcome], None] | None = None,
    waiting: Callable[[float, int, int, str], None] | None = None,
) -> list[SentDocument]:
    """Post the period to QuickBooks, exactly once per day, outlet and document.

    ``waiting(seconds, attempt, attempts, why)`` is told before each wait between tries
    while QuickBooks is busy, so a page can say what it waits for.
    """
    import dataclasses

    from posbooks.posting import plan as posting
    from posbooks.posting.outcome import RetryPolicy
    from posbooks.qbo import auth

    policy = dataclasses.replace(RetryPolicy.from_env(), on_wait=waiting)

    try:
        outcomes = posting.post_range(
            wb.config,
            wb.store,
            sources=list(summary.source.paths),
            date_from=date_from,
            date_to=date_to,
            outlets=list(outlets) or None,
            doc_type=doc_type,
            progress=progress,
            policy=policy,
        )
    except posting.PosDataRejected as exc:
        raise WorkbenchError(f"The POS export was rejected, nothing was sent: {exc}") from None
    except auth.ReconnectNeeded as exc:
        status = connection(wb)
        done = [
            SentDocument(o, document_url(wb, status, o.doc_type, o.qbo_id))
            for o in getattr(exc, "outcomes", ())
        ]
        raise SendStopped(
            "QuickBooks no longer accepts this connection, so nothing more was sent. "
            "Go to Connect and reconnect, then send again: days already sent are kept.",
            done,
        ) from None
    except (QboError, auth.TokenRefreshFailed) as exc:
        raise WorkbenchError(
            f"QuickBooks refused the send: {getattr(exc, 'detail', '') or exc}. Documents "
            "already sent are kept; press Send again to finish the rest."
        ) from None
    status = connection(wb)
    return [SentDocument(o, document_url(wb, status, o.doc_type, o.qbo_id)) for o in outcomes]


class SendStopped(WorkbenchError):
    """QuickBooks refused the connection part-way through a send; ``sent`` is what each
    document of the run got before that (created ones, the rest "not confirmed")."""

    def __init__(self, message: str, sent: list[SentDocument]) -> None:
        super().__init__(message)
        self.sent = sent


def document_url(
    wb: Workbench, status: ConnectionStatus, doc_type: str, qbo_id: str | None
) -> str | None:
    """The QuickBooks page of a posted document (the sandbox's views when local)."""
    if not qbo_id or not status.realm_id:
        return None
    return qbo_document_url(
        environment=wb.config.environment,
        sandbox_base_url=wb.sandbox_base_url or wb.config.sandbox_url,
        realm_id=status.realm_id,
        doc_type=doc_type,
        qbo_id=qbo_id,
    )


def period_link(
    wb: Workbench, doc_type: str, date_from: date, date_to: date
) -> tuple[str, str] | None:
    """(name, url) of the QuickBooks page listing a period's documents: the Journal report or
    the sales list (the local sandbox's own pages when local); None when not connected."""
    from posbooks.qbo.links import period_report_url

    status = connection(wb)
    if not status.realm_id:
        return None
    return period_report_url(
        environment=wb.config.environment,
        sandbox_base_url=wb.sandbox_base_url or wb.config.sandbox_url,
        realm_id=status.realm_id,
        doc_type=doc_type,
        start=date_from,
        end=date_to,
    )


def company_currency(wb: Workbench) -> str:
    """The QuickBooks company's home currency code (``MYR``), or "" before settings are read."""
    settings = current_settings(wb)
    return (settings.preferences.home_currency or "") if settings else ""


def document_link_maker(wb: Workbench) -> Callable[[str, str | None], str | None]:
    """A function giving the QuickBooks page of (doc_type, qbo_id) for this connection."""
    status = connection(wb)
    return lambda doc_type, qbo_id: document_url(wb, status, doc_type, qbo_id)


def doc_label(doc_type: str, doc_key: str = "") -> str:
    """``Journal Entry`` / ``Sales Receipt``, or ``Sales Receipt (Cash)`` with its method."""
    from posbooks.core.render import DOC_LABELS, document_type

    return document_type(doc_type, doc_key) if doc_key else DOC_LABELS.get(doc_type, doc_type)


# --- DocNumber codes ---------------------------------------------------------------------


@dataclass(frozen=True)
class OutletCode:
    """An outlet's code in DocNumbers; ``locked`` once a document was sent under it."""

    outlet: str
    code: str
    locked: bool


def outlet_codes(wb: Workbench, summary: SourceSummary | None = None) -> list[OutletCode]:
    """Every outlet's DocNumber code, the outlets of ``summary`` given one first if new."""
    from posbooks.posting.numbering import doc_numbers
    from posbooks.posting.numbering import outlet_codes as codes

    if summary is not None and summary.outlets:
        doc_numbers(wb.store, summary.outlets)
    return [OutletCode(*row) for row in codes(wb.store)]


def set_outlet_code(wb: Workbench, outlet: str, code: str) -> str:
    """Give ``outlet`` its own code before its first send; WorkbenchError saying why not."""
    from posbooks.core.docnumbers import CodeError
    from posbooks.posting.numbering import set_outlet_code as set_code

    try:
        return set_code(wb.store, outlet, code)
    except CodeError as exc:
        raise WorkbenchError(str(exc)) from None


# --- reconciliation (History page, notebooks) ---------------------------------------


def reconcile_period(wb: Workbench, source: DataSource, date_from: date, date_to: date,
                     outlets: Sequence[str], doc_type: str) -> Reconciliation:  # fmt: skip
    """POS now vs sent vs QuickBooks now for a period; expected failures become
    ``WorkbenchError`` in plain words."""
    from posbooks.pos import ExportRejected
    from posbooks.reconcile.gather import ReconcileError, reconcile

    with plain_quickbooks_errors():
        try:
            return reconcile(
                wb.config, wb.store, sources=list(source.paths), names=list(source.names),
                date_from=date_from, date_to=date_to, outlets=list(outlets) or None,
                doc_type=doc_type,
            )  # fmt: skip
        except ExportRejected as exc:
            raise WorkbenchError(f"The POS export was rejected: {exc}") from None
        except ReconcileError as exc:
            raise WorkbenchError(str(exc)) from None


# --- notebooks ------------------------------------------------------------------------


def notebook_workbench(*, demo_mapping: bool = True):
    """The configured company for a notebook; with no configuration, the local sandbox.

    When ``POSBOOKS_SANDBOX_URL`` does not answer, a sandbox is started in this process
    (port chosen by the system, gone with the kernel). A local company is connected
    automatically, its settings fetched and, when nothing is saved yet and
    ``demo_mapping``, the suggested mapping saved (noted as such in the mapping history).
    Real Intuit companies must be connected and mapped in the app or CLI first.
    """
    import dataclasses

    from posbooks.drafts.mapping import current_mapping, pos_keys, save_mapping, suggest_mapping
    from posbooks.pos import open_exports
    from posbooks.qbo import auth, local
    from posbooks.qbo import connect as qbo_connect
    from posbooks.qbo.settings import current_settings, refresh_settings
    from posbooks.state.config import load_config
    from posbooks.state.store import open_store

    config = load_config()
    if not config.is_local:
        return open_workbench()
    base = config.sandbox_url.rstrip("/")
    if not local._answers(base):
        from qbo_sandbox import start_sandbox

        # lives as long as the kernel; its company persists beside the ledger that refers to it
        base = start_sandbox(port=0, state_file=config.home / local.STATE_FILE).base_url
        config = dataclasses.replace(config, sandbox_url=base)
    local.allow_insecure_transport(base)
    store = open_store(config)
    if not auth.connection_status(config, store).connected:
        qbo_connect.auto_approve(config, store)
    settings = current_settings(store) or refresh_settings(config, store)
    if demo_mapping and not current_mapping(store).accounts:
        keys, outlets = pos_keys(open_exports([sample_source().paths[0]]))
        mapping = suggest_mapping(keys, settings, outlets=outlets)
        save_mapping(store, mapping, note="suggested by a notebook on the local sandbox")
    return Workbench(config, store, sandbox_base_url=base, demo_login=local.DEMO_LOGIN)


def reconcile_csv(result: Reconciliation) -> str:
    """The reconciliation as CSV (History's download, ``posbooks reconcile --format csv``)."""
    from posbooks.reconcile.gather import to_csv

    return to_csv(result)


def apply_reconcile_action(wb: Workbench, check: DocumentCheck, action: str, **options) -> str:
    """Carry out one of reconcile's choices for a document; returns what was done."""
    from posbooks.reconcile.actions import apply_action

    return apply_action(wb, check, action, **options)


def found_in_quickbooks(wb: Workbench, date_from: date, date_to: date) -> list:
    """Documents QuickBooks holds for the period that posbooks' ledger does not."""
    from posbooks.reconcile.found import documents_not_in_ledger

    return documents_not_in_ledger(wb, date_from, date_to)


# --- history --------------------------------------------------------------------------


def history(
    wb: Workbench,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    doc_type: str | None = None,
) -> list:
    """The posting ledger, newest first (optionally only these dates and document type)."""
    from posbooks.posting.ledger import ledger_rows

    return list(ledger_rows(wb.store, date_from=date_from, date_to=date_to, doc_type=doc_type))


# --- the command line (posbooks.cli) ------------------------------------------------
# The commands keep their own wording and exit statuses; these are the pieces they call.
# Each imports what it uses when called, so `posbooks --help` loads no heavy library.


def local_workbench(config: Config | None = None) -> Workbench:
    """The configuration (``config``, else the home's) and store as they are: no sandbox
    started, no network."""
    config = config or load_config()
    return Workbench(config, open_store(config))


def home_config() -> Config:
    """The configuration: home, QuickBooks app and environment (``ConfigError`` when wrong)."""
    return load_config()


def command_workbench(
    *,
    start_sandbox: bool = True,
    sandbox_started: Callable[[Config, str], None] | None = None,
) -> Workbench:
    """A command's configuration and store, with secrets redacted from the logs; the local
    sandbox started first when it is used (``sandbox_started`` told its address if so)."""
    from posbooks.qbo.local import ensure_local_sandbox
    from posbooks.qbo.redaction import install_log_redaction

    install_log_redaction()
    config = load_config()
    if config.is_local and start_sandbox:
        info = ensure_local_sandbox(config)
        if info.started and sandbox_started is not None:
            sandbox_started(config, info.base_url)
    return Workbench(config, open_store(config))


def command_errors() -> tuple[type[Exception], ...]:
    """Failures a bookkeeper can act on: a command prints them as one message, no traceback."""
    from posbooks.qbo.auth import AuthorizationFailed, ReconnectNeeded
    from posbooks.qbo.local import SandboxUnavailable
    from posbooks.state.crypto import CryptoError

    return (ConfigError, StoreError, CryptoError, SandboxUnavailable, AuthorizationFailed,
            ReconnectNeeded, QboError)  # fmt: skip


def redact(text: str) -> str:
    """``text`` with tokens, secrets and authorization codes masked."""
    from posbooks.qbo.redaction import redact as mask

    return mask(text)


def utc_now():
    """Now, in UTC (what token expiry times are compared with)."""
    from posbooks.state.store import utc_now as now

    return now()


def fetch_settings(wb: Workbench) -> QboSettings:
    """Fetch and store the company's settings, QuickBooks' own errors raised as they are."""
    from posbooks.qbo import settings as qbo_settings

    return qbo_settings.refresh_settings(wb.config, wb.store)


def settings_json(settings: QboSettings) -> dict:
    """The settings as plain JSON data."""
    from posbooks.qbo.settings import settings_to_json

    return settings_to_json(settings)


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this machine."""
    from posbooks.qbo.local import is_loopback as local

    return local(url)


def auto_approve(wb: Workbench) -> ConnectionStatus:
    """Connect to the LOCAL sandbox by signing in and consenting through its own pages."""
    from posbooks.qbo import connect as qbo_connect

    return qbo_connect.auto_approve(wb.config, wb.store)


def complete_connect(wb: Workbench, redirect_url: str, redirect_uri: str) -> ConnectionStatus:
    """Finish connecting from the address QuickBooks sent the browser back to; QuickBooks'
    refusals raised as they are (``AuthorizationFailed``)."""
    from posbooks.qbo import connect as qbo_connect
    from posbooks.qbo.auth import redirect_parameters

    params = redirect_parameters(redirect_url)
    return qbo_connect.complete_authorization(
        wb.config,
        wb.store,
        code=params.get("code", ""),
        state=params.get("state", ""),
        realm_id=params.get("realmId", ""),
        redirect_uri=redirect_uri,
        error=params.get("error"),
    )


def default_source() -> Path:
    """The repository's sample POS export."""
    from posbooks.drafts.preview import default_source as sample

    return sample()


def assign_outlet_codes(wb: Workbench, sources: Sequence[Path]) -> None:
    """Give every outlet of the POS exports ``sources`` its DocNumber code (kept once given);
    raises ``ExportRejected`` naming file/row/column when the exports are bad."""
    from posbooks.drafts.mapping import pos_keys
    from posbooks.posting.numbering import doc_numbers
    from posbooks.posting.plan import open_pos_exports

    _, outlets = pos_keys(open_pos_exports(sources, wb.store))
    doc_numbers(wb.store, sorted(outlets))


def saved_home_mapping() -> tuple[Mapping, SourceProfile, Path] | None:
    """The mapping to send (as last saved, with the current settings), the source profile and
    the home they were read from; None when there is no home yet (a preview never creates
    one) or it cannot be read."""
    from posbooks.state.store import DB_NAME

    try:
        config = load_config()
        if not (config.home / DB_NAME).is_file():
            return None
        # only now: a preview outside any home reads no mapping, so it needs none of these
        from posbooks.core.mapping_rules import mapping_to_send
        from posbooks.drafts.mapping import current_mapping
        from posbooks.drafts.source_profile import current_source_profile
        from posbooks.qbo.settings import current_settings as settings_of

        store = open_store(config)
        try:
            mapping = mapping_to_send(current_mapping(store), settings_of(store))
            profile = current_source_profile(store)
        finally:
            store.close()
    except (ConfigError, StoreError):
        return None
    return mapping, profile, config.home


def mapping_file(path: str | Path) -> Mapping:
    """A mapping from a JSON file; ``MappingFormatError`` names the file and the problem."""
    from posbooks.drafts.preview import load_mapping

    return load_mapping(path)


def preview_drafts(
    paths: Sequence[str | Path],
    date_from: date,
    date_to: date,
    outlets: Sequence[str] | None,
    doc_type: str,
    mapping: Mapping | None,
    *,
    preset: str | None = None,
    profile: SourceProfile | None = None,
) -> PreviewResult:
    """Open the POS exports (``ExportRejected`` naming file/row/column) and build the drafts."""
    from posbooks.drafts.preview import preview

    return preview(paths, date_from, date_to, outlets, doc_type, mapping,
                   preset=preset, profile=profile)  # fmt: skip


def preview_text(result: PreviewResult) -> str:
    """The preview as text: each draft with debits and credits, the tie-out, issues."""
    from posbooks.drafts.preview import preview_table

    return preview_table(result)


def preview_json(result: PreviewResult) -> dict:
    """The preview as JSON data, amounts as decimal strings."""
    from posbooks.drafts.preview import preview_to_json

    return preview_to_json(result)


def start_local_sandbox(config: Config) -> bool:
    """Make sure the local sandbox runs (``SandboxUnavailable`` if it cannot); True when this
    call started it."""
    from posbooks.qbo.local import ensure_local_sandbox

    return ensure_local_sandbox(config).started


def stop_local_sandbox(config: Config) -> bool:
    """Stop the sandbox posbooks started in the background for this home; False when none
    was running."""
    from posbooks.qbo.local import stop_local_sandbox as stop

    return stop(config)


def post_period(
    wb: Workbench,
    *,
    sources: Sequence[Path],
    date_from: date,
    date_to: date,
    outlets: Sequence[str] | None = None,
    doc_type: str = "journal",
    replace: bool = False,
    dry_run: bool = False,
    allow_both_types: bool = False,
    progress: Callable[[int, int, PostOutcome], None] | None = None,
) -> list[PostOutcome]:
    """Send a period's documents, QuickBooks' and the POS data's refusals raised as they are
    (``PosDataRejected``, ``DuplicateDocNumbers``, ``ReconnectNeeded``, ``QboError``...)."""
    from posbooks.posting.plan import post_range

    return post_range(
        wb.config,
        wb.store,
        sources=sources,
        date_from=date_from,
        date_to=date_to,
        outlets=outlets,
        doc_type=doc_type,
        replace=replace,
        dry_run=dry_run,
        allow_both_types=allow_both_types,
        progress=progress,
    )


def period_notes(
    wb: Workbench,
    sources: Sequence[Path],
    date_from: date,
    date_to: date,
    outlets: Sequence[str] | None,
    seen_outlets: set[str],
) -> list[str]:
    """Why a period gave no document for some outlet (read with the home's source profile)."""
    from posbooks.drafts.preview import period_notes as notes
    from posbooks.drafts.source_profile import current_source_profile

    profile = current_source_profile(wb.store)
    return notes(sources, date_from, date_to, outlets, seen_outlets, profile=profile)


def reconcile_documents(
    wb: Workbench,
    sources: Sequence[Path],
    date_from: date,
    date_to: date,
    outlets: Sequence[str] | None,
    doc_type: str,
) -> Reconciliation:
    """POS now vs sent vs QuickBooks now for a period, refusals raised as they are
    (``ExportRejected``, ``ReconcileError``, ``ReconnectNeeded``, ``QboError``)."""
    from posbooks.reconcile.gather import reconcile

    return reconcile(wb.config, wb.store, sources=sources, date_from=date_from,
                     date_to=date_to, outlets=outlets, doc_type=doc_type)  # fmt: skip


def send_again(wb: Workbench, check: DocumentCheck, sources: Sequence[Path]) -> list[PostOutcome]:
    """Send a document again as the POS data has it now (``ReconcileError`` when it stopped,
    saying why)."""
    from posbooks.reconcile import actions
    from posbooks.reconcile.gather import ReconcileError

    outcomes = actions.send_again(wb.config, wb.store, check, sources=sources)
    if actions.why_not_sent(outcomes):
        raise ReconcileError(actions.why_not_sent(outcomes))
    return outcomes


def post_adjustment(wb: Workbench, check: DocumentCheck, reason: str):
    """Post a journal entry for the difference between the POS and QuickBooks."""
    from posbooks.reconcile.actions import post_adjustment as post

    return post(wb.config, wb.store, check, reason=reason)


def accept_as_is(wb: Workbench, check: DocumentCheck, who: str, why: str) -> None:
    """Record that ``who`` accepts the difference, saying ``why``."""
    from posbooks.reconcile.actions import accept_as_is as accept

    accept(wb.config, wb.store, check, who=who, why=why)


def reconcile_json(result: Reconciliation) -> dict:
    """The reconciliation as JSON data."""
    from posbooks.reconcile.gather import to_json

    return to_json(result)


def mapping_context(
    wb: Workbench, sources: Sequence[Path] | None
) -> tuple[QboSettings | None, Mapping, set, set[str]]:
    """The settings, the saved mapping, and the POS keys and outlets of the exports
    ``sources`` (the sample when None); ``PosDataRejected`` naming file/row/column."""
    from posbooks.drafts.mapping import current_mapping, default_sources, pos_keys
    from posbooks.posting.plan import open_pos_exports
    from posbooks.qbo.settings import current_settings as settings_of

    exports = open_pos_exports(sources or default_sources(), wb.store)
    keys, outlets = pos_keys(exports)
    return settings_of(wb.store), current_mapping(wb.store), keys, outlets


def mapping_rows(keys, settings: QboSettings | None, mapping: Mapping, *, doc_type: str,
                 suggestion: Mapping | None = None) -> list:  # fmt: skip
    """The account rows to confirm: saved choices, else suggestions, else unmapped."""
    from posbooks.drafts.mapping import mapping_rows as rows

    return rows(keys, settings, mapping, doc_type=doc_type, suggestion=suggestion)


def export_mapping(wb: Workbench) -> dict:
    """The saved mapping as JSON data (``posbooks mapping export``)."""
    from posbooks.drafts.mapping import export_mapping as export

    return export(wb.store)


def import_mapping(wb: Workbench, data: dict, *, note: str) -> Mapping:
    """Save a mapping from JSON data as a new version (``MappingFormatError`` saying why not)."""
    from posbooks.drafts.mapping import import_mapping as load

    return load(wb.store, data, note=note)


def save_profile(wb: Workbench, profile: SourceProfile) -> SourceProfile:
    """Save how this home reads POS exports as a new version."""
    from posbooks.drafts.source_profile import save_source_profile

    return save_source_profile(wb.store, profile)


def column_mapping_problems(columns: dict[str, str]) -> list[str]:
    """What is wrong with a generic export's column mapping, in words (empty: usable)."""
    from posbooks.pos.presets.generic import check_columns

    return check_columns(columns)


def profile_exports(paths: Sequence[Path], profile: SourceProfile):
    """The exports opened with ``profile``: what was recognised and every problem."""
    from posbooks.drafts.source_profile import open_sources

    return open_sources(paths, profile=profile)


def profile_first_lines(paths: Sequence[Path], profile: SourceProfile) -> list[tuple]:
    """The first canonical lines the files give with ``profile``."""
    from posbooks.pos.presets.sources import first_lines

    return first_lines(paths, preset=profile.preset, options=profile.options)


def __getattr__(name: str):
    """A name of ``_ON_DEMAND``, imported from its module on first use (PEP 562)."""
    import importlib

    try:
        module, attribute = _ON_DEMAND[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # asked once
    return value
