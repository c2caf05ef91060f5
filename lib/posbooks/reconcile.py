"""Reconciliation: gather the POS now, the posting ledger and QuickBooks now; act on differences.

``reconcile`` re-computes the period's drafts from the POS exports with the saved
mapping, reads the ledger, and asks QuickBooks once per document type for what it holds
in the period (query by TxnDate, our DocNumbers recognised by their PrivateNote), then
reads by Id whatever the ledger sent that the query did not return (cdc says which of
those were deleted, so they need no read). ``posbooks.core.reconcile`` compares.

Actions on one ``DocumentCheck``: ``send_again`` (through the posting engine: create
what is missing or deleted, adopt what another home sent, replace what the POS changed,
restore what was edited in QuickBooks), ``post_adjustment`` (a journal entry for the
difference, its own DocNumber ``<original>A<n>``, PrivateNote naming the original,
recorded in the ledger) and ``accept_as_is`` (who, when, why, in the store).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from posbooks import ledger
from posbooks.core.reconcile import (
    STATUS_LABELS,
    DocumentCheck,
    Side,
    Sources,
    adjustment_lines,
    lines_from_draft,
    lines_from_qbo,
    reconcile_document,
    status_counts,
)
from posbooks.qbo.payloads import (
    ENTITY,
    Document,
    content_hash,
    doc_number,
    money,
    parse_note,
    with_identity,
)
from posbooks.store import Store, utc_now

if TYPE_CHECKING:
    from posbooks.config import Config
    from posbooks.posting import PostOutcome, RetryPolicy
    from posbooks.qbo.gateway import QboGateway

ADJUST_KEY = "adjust "  # ledger doc_key prefix of adjusting entries: "adjust 1", "adjust 2"
_ADJUSTMENT = re.compile(r"^(?P<original>PB\d{6}-[A-Z0-9]{5}-J)A(?P<n>\d+)$")
_OURS = re.compile(r"^PB\d{6}-[A-Z0-9]{5}-(J|R[A-Z0-9]{4})$")
CDC_DAYS = 29  # QuickBooks' change data capture looks back 30 days at most


class ReconcileError(Exception):
    """Reconciliation or one of its actions cannot go on; the message says why in plain words."""


@dataclass(frozen=True)
class Reconciliation:
    """Every document of a period, reconciled, with when it was checked."""

    realm_id: str
    date_from: date
    date_to: date
    doc_type: str
    documents: tuple[DocumentCheck, ...]
    checked_at: datetime
    notes: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """Documents per status (only statuses present)."""
        return status_counts(self.documents)

    def find(self, doc_number: str) -> DocumentCheck:
        """The check of one DocNumber; ``ReconcileError`` when it is not in the period."""
        for check in self.documents:
            if check.doc_number == doc_number:
                return check
        raise ReconcileError(f"{doc_number} is not in this reconciliation")

    def rows(self) -> list[dict]:
        """One flat row per document (amounts as Decimal) for tables, CSV and JSON."""
        return [document_row(c) for c in self.documents]

    def daily(self) -> list[dict]:
        """Per business day: POS total, sent total, QuickBooks total now (Decimal)."""
        days: dict[date, dict] = {}
        for c in self.documents:
            day = days.setdefault(
                c.business_date,
                {"business_date": c.business_date, "pos": Decimal("0.00"),
                 "sent": Decimal("0.00"), "qbo": Decimal("0.00")},
            )  # fmt: skip
            for name, value in (("pos", c.pos_total), ("sent", c.sent_total), ("qbo", c.qbo_total)):
                day[name] += value or 0
        return [days[d] for d in sorted(days)]


def document_row(c: DocumentCheck) -> dict:
    """The bookkeeper's columns for one document."""
    return {
        "business_date": c.business_date,
        "outlet": c.outlet,
        "doc_type": c.doc_type,
        "payment_method": c.doc_key,
        "doc_number": c.doc_number,
        "status": c.status,
        "status_label": STATUS_LABELS.get(c.status, c.status),
        "pos_total": c.pos_total,
        "sent_total": c.sent_total,
        "qbo_total": c.qbo_total,
        "lines_differing": len(c.differences),
        "qbo_id": c.qbo_id or "",
        "adjustments": " ".join(c.adjustments),
        "message": c.message,
    }


def to_csv(result: Reconciliation) -> str:
    """The document rows as CSV text (amounts with two places, blank where absent)."""
    out = io.StringIO()
    rows = result.rows()
    fields = list(rows[0]) if rows else list(document_row.__annotations__)
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def to_json(result: Reconciliation) -> dict:
    """The reconciliation as JSON-ready data: counts, documents with their lines."""

    def amount(value: Decimal | None) -> str | None:
        return None if value is None else money(value)

    docs = []
    for c in result.documents:
        row = {k: (amount(v) if isinstance(v, Decimal) else v) for k, v in document_row(c).items()}
        row["business_date"] = c.business_date.isoformat()
        row["lines"] = [
            {"account": ln.account, "class": ln.class_, "location": ln.location,
             "pos": amount(ln.pos), "sent": amount(ln.sent), "qbo": amount(ln.qbo),
             "differs": ln.differs}
            for ln in c.lines
        ]  # fmt: skip
        docs.append(row)
    return {
        "realm_id": result.realm_id,
        "date_from": result.date_from.isoformat(),
        "date_to": result.date_to.isoformat(),
        "doc_type": result.doc_type,
        "checked_at": result.checked_at.isoformat(),
        "counts": result.counts(),
        "documents": docs,
        "notes": list(result.notes),
    }


# --- gathering ------------------------------------------------------------------------


def _realm(config: Config, store: Store) -> str:
    from posbooks.qbo.auth import connection_status

    status = connection_status(config, store)
    if not status.realm_id or not status.connected:
        raise ReconcileError("QuickBooks is not connected: connect first (posbooks connect).")
    return status.realm_id


@dataclass
class _Pos:
    sides: dict[str, Side] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    identity: dict[str, tuple[date, str, str]] = field(default_factory=dict)
    version: int = 0


def _pos_now(
    store: Store, sources, names, date_from, date_to, outlets, doc_type
) -> _Pos:  # fmt: skip
    from posbooks.mapping import current_mapping
    from posbooks.pos import open_exports
    from posbooks.posting import plan_documents
    from posbooks.preview import drafts_for_day
    from posbooks.qbo.settings import current_settings
    from posbooks.totals import daily_totals

    exports = open_exports([Path(s) for s in sources], names=names)
    exports.raise_if_rejected()
    days = daily_totals(exports, date_from, date_to, outlets=list(outlets) if outlets else None)
    mapping = current_mapping(store)
    pos = _Pos(version=mapping.version)
    for planned in plan_documents(days, mapping, current_settings(store), doc_type):
        if planned.blocked is not None:
            pos.notes[planned.blocked.doc_number or ""] = planned.blocked.message
    for day in days:
        for draft in drafts_for_day(day, doc_type, mapping):
            if not draft.lines:
                continue
            key = getattr(draft, "payment_method", "") or ""
            number = doc_number(day.business_date, day.outlet, doc_type, key)
            pos.sides[number] = Side(lines_from_draft(draft))
            pos.identity[number] = (day.business_date, day.outlet, key)
    return pos


def _qbo_now(gateway: QboGateway, entity: str, date_from: date, date_to: date) -> list[dict]:
    where = f"TxnDate >= '{date_from.isoformat()}' AND TxnDate <= '{date_to.isoformat()}'"
    return [
        o for o in gateway.query(entity, where)
        if parse_note(o.get("PrivateNote")) and str(o.get("DocNumber", "")).startswith("PB")
    ]  # fmt: skip


def _deleted_ids(gateway: QboGateway, entities: list[str], since: datetime) -> set[str] | None:
    """Ids QuickBooks reports deleted since ``since`` (None when cdc cannot tell)."""
    from posbooks.qbo.gateway import QboError

    # QuickBooks stamps changes to the second (in its own zone): look a little further back
    since = max(since - timedelta(minutes=5), utc_now() - timedelta(days=CDC_DAYS))
    try:
        reply = gateway.cdc(entities, since)
    except QboError:
        return None  # a plain read per document tells the same, only slower
    deleted = set()
    for block in reply.get("CDCResponse", []):
        for response in block.get("QueryResponse", []):
            for entity in entities:
                for obj in response.get(entity, []):
                    if obj.get("status") == "Deleted":
                        deleted.add(f"{entity}:{obj.get('Id')}")
    return deleted


def _side(obj: dict) -> Side:
    return Side(lines_from_qbo(obj), str(obj.get("Id")), str(obj.get("SyncToken")))


def _note_identity(obj: dict, doc_type: str) -> tuple[date, str, str]:
    """(date, outlet, payment method) of a document another home wrote, from its PrivateNote.

    The note ends ``journal <outlet> <date>`` or ``receipt <method> <outlet> <date>``; names
    may hold spaces, so the split that gives back the document's own DocNumber is the one.
    """
    day = date.fromisoformat(str(obj.get("TxnDate")))
    words = str(obj.get("PrivateNote", "")).split(" ")[5:-1]  # after "posbooks h mapping vN type"
    number = str(obj.get("DocNumber", ""))
    if doc_type == "journal":
        return day, " ".join(words), ""
    for i in range(1, len(words)):
        method, outlet = " ".join(words[:i]), " ".join(words[i:])
        if doc_number(day, outlet, "receipt", method) == number:
            return day, outlet, method
    return day, " ".join(words) or "(see PrivateNote)", ""


def reconcile(
    config: Config,
    store: Store,
    *,
    sources: Sequence[Path | str],
    date_from: date,
    date_to: date | None = None,
    outlets: Sequence[str] | None = None,
    doc_type: str = "journal",
    names: Sequence[str] | None = None,
    gateway: QboGateway | None = None,
) -> Reconciliation:
    """Reconcile every (date, outlet, document) of the period across POS, ledger and QuickBooks.

    Raises ``ExportRejected`` for bad POS files, ``ReconcileError`` when not connected,
    ``ReconnectNeeded`` / ``QboError`` when QuickBooks cannot be asked.
    """
    date_to = date_to or date_from
    if doc_type not in ENTITY:
        raise ValueError(f"doc_type must be journal or receipt, not {doc_type!r}")
    realm = _realm(config, store)
    pos = _pos_now(store, sources, names, date_from, date_to, outlets, doc_type)
    rows = ledger.ledger_rows(
        store, realm_id=realm, date_from=date_from, date_to=date_to, outlets=outlets
    )
    sent = {r.doc_number: r for r in rows if r.doc_type == doc_type and not _is_adjustment(r)}
    adjust_rows = [r for r in rows if _is_adjustment(r) and r.status == "posted"]
    gateway = gateway or _gateway(config, store)
    entity = ENTITY[doc_type]
    found = _qbo_now(gateway, entity, date_from, date_to)
    by_id = {f"{entity}:{o['Id']}": o for o in found}  # adjusting entries are journals too
    wanted = [(entity, r.qbo_id, r) for r in sent.values() if r.status == "posted" and r.qbo_id]
    wanted += [("JournalEntry", r.qbo_id, r) for r in adjust_rows if r.qbo_id]
    missing = [(e, i) for e, i, _ in wanted if f"{e}:{i}" not in by_id]
    posted_at = [r.posted_at for _, _, r in wanted if r.posted_at]
    deleted = (
        _deleted_ids(gateway, sorted({e for e, _ in missing}), datetime.fromisoformat(min(posted_at)))
        if missing and posted_at else set()
    )  # fmt: skip
    for e, i in missing:
        if deleted is not None and f"{e}:{i}" in deleted:
            continue
        obj = gateway.read(e, i)
        if obj is not None:  # moved out of the period or its TxnDate changed: still there
            by_id[f"{e}:{i}"] = obj
    qbo_by_number: dict[str, dict] = {}
    for obj in by_id.values():
        number = str(obj.get("DocNumber", ""))
        if _OURS.match(number) and number not in qbo_by_number:
            qbo_by_number[number] = obj
    for r in sent.values():  # the very document the ledger sent, even if another shares its number
        if r.qbo_id and f"{entity}:{r.qbo_id}" in by_id:
            qbo_by_number[r.doc_number] = by_id[f"{entity}:{r.qbo_id}"]
    adjustments = _adjustments(by_id, adjust_rows)
    accepted = _acceptances(store, realm, date_from, date_to)

    numbers = set(pos.sides) | set(sent) | set(qbo_by_number)
    checks = []
    for number in numbers:
        row, qbo = sent.get(number), qbo_by_number.get(number)
        if number in pos.identity:
            day, outlet, key = pos.identity[number]
        elif row is not None:
            day, outlet, key = row.business_date, row.outlet, row.doc_key
        else:
            day, outlet, key = _note_identity(qbo, doc_type)  # type: ignore[arg-type]
        if outlets and outlet not in outlets:
            continue
        if not (date_from <= day <= date_to):
            continue
        sent_side = None
        if row is not None and row.status == "posted" and row.payload:
            sent_side = Side(lines_from_qbo(row.payload), row.qbo_id, row.sync_token)
        src = Sources(
            business_date=day, outlet=outlet, doc_type=doc_type, doc_key=key, doc_number=number,
            pos=pos.sides.get(number), sent=sent_side, qbo=_side(qbo) if qbo else None,
            ledger_status=row.status if row else None, ledger_message=row.message if row else "",
            pos_note=pos.notes.get(number, ""), adjustments=adjustments.get(number, ()),
            accepted=accepted.get((day, outlet, doc_type, key), {}),
        )  # fmt: skip
        checks.append(reconcile_document(src))
    checks.sort(key=lambda c: (c.business_date, c.outlet, c.doc_key))
    return Reconciliation(realm, date_from, date_to, doc_type, tuple(checks), utc_now())


def _is_adjustment(row: ledger.LedgerRow) -> bool:
    return row.doc_key.startswith(ADJUST_KEY)


def _adjustments(by_id: dict[str, dict], rows: list) -> dict[str, tuple[tuple[str, Side | None], ...]]:  # fmt: skip
    """Adjusting entries per original DocNumber: the ledger's (None when deleted) and any found."""
    out: dict[str, dict[str, Side | None]] = {}
    for row in rows:
        match = _ADJUSTMENT.match(row.doc_number)
        if match:
            obj = by_id.get(f"JournalEntry:{row.qbo_id}")
            out.setdefault(match["original"], {})[row.doc_number] = _side(obj) if obj else None
    for key, obj in by_id.items():
        match = _ADJUSTMENT.match(str(obj.get("DocNumber", "")))
        if key.startswith("JournalEntry:") and match:
            out.setdefault(match["original"], {})[obj["DocNumber"]] = _side(obj)
    return {n: tuple(sorted(a.items())) for n, a in out.items()}


def _gateway(config: Config, store: Store) -> QboGateway:
    from posbooks.qbo.gateway import open_gateway

    return open_gateway(config, store)


# --- accept as is -----------------------------------------------------------------------


def _acceptances(store: Store, realm: str, date_from: date, date_to: date) -> dict:
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM reconcile_acceptance WHERE realm_id=? AND business_date BETWEEN ? AND ?",
            (realm, date_from.isoformat(), date_to.isoformat()),
        ).fetchall()
    out: dict[tuple, dict[str, str]] = {}
    for r in rows:
        key = (date.fromisoformat(r["business_date"]), r["outlet"], r["doc_type"], r["doc_key"])
        when = r["accepted_at"][:16].replace("T", " ")
        out.setdefault(key, {})[r["fingerprint"]] = (
            f"by {r['accepted_by']} on {when} UTC: {r['reason']}"
        )
    return out


def accept_as_is(
    config: Config, store: Store, check: DocumentCheck, *, who: str, why: str
) -> None:  # fmt: skip
    """Record that ``who`` accepts this document's difference as it is now, and why."""
    if not who.strip() or not why.strip():
        raise ReconcileError("Say who accepts the difference and why.")
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO reconcile_acceptance VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                _realm(config, store), check.business_date.isoformat(), check.outlet,
                check.doc_type, check.doc_key, check.fingerprint, check.status, who.strip(),
                why.strip(), utc_now().isoformat(),
            ),
        )  # fmt: skip


def acceptances(store: Store) -> list[dict]:
    """Every acceptance recorded, newest first (who, when, why, what it was)."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM reconcile_acceptance ORDER BY accepted_at DESC"
        ).fetchall()
    return [dict(r) for r in rows]


# --- send again -------------------------------------------------------------------------


def send_again(
    config: Config,
    store: Store,
    check: DocumentCheck,
    *,
    sources: Sequence[Path | str],
    gateway: QboGateway | None = None,
    policy: RetryPolicy | None = None,
) -> list[PostOutcome]:
    """Make QuickBooks hold what the POS says now, through the posting engine.

    not sent / failed / in QuickBooks only: send (another home's document is adopted);
    deleted: created again under the same DocNumber; POS changed: the document is replaced
    in place; edited in QuickBooks: the sent content is written back over the edit.
    """
    from posbooks.posting import post_day

    if check.status in ("matched", "adjusted"):
        raise ReconcileError(f"{check.doc_number} already agrees; nothing to send.")
    if check.pos_total is None:
        raise ReconcileError(f"The POS export has no {check.doc_number} now; nothing to send.")
    gateway = gateway or _gateway(config, store)
    if check.status == "deleted":
        _forget_deleted(store, gateway.realm_id, check)
    if check.status == "edited" and check.qbo_id and check.sent_total is not None:
        restored = _restore(store, gateway, check)
        if restored is not None:
            return [restored]
    outcomes = post_day(
        config, store, sources=[Path(s) for s in sources], business_date=check.business_date,
        outlets=[check.outlet], doc_type=check.doc_type, replace=True, gateway=gateway,
        policy=policy,
    )  # fmt: skip
    return [o for o in outcomes if o.doc_number == check.doc_number]


def _forget_deleted(store: Store, realm: str, check: DocumentCheck) -> None:
    """The ledger's row stops saying "posted"; a new generation gives the create a new requestid."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE posting_ledger SET status='failed', generation=generation+1, message=?, "
            "updated_at=? WHERE realm_id=? AND doc_number=? AND doc_type=? AND doc_key=?",
            (
                f"deleted in QuickBooks (was Id {check.qbo_id}); sent again",
                utc_now().isoformat(), realm, check.doc_number, check.doc_type, check.doc_key,
            ),
        )  # fmt: skip


def _restore(store: Store, gateway: QboGateway, check: DocumentCheck) -> PostOutcome | None:
    """Write the ledger's payload back over a document edited in QuickBooks (same Id)."""
    from posbooks.posting import PostOutcome
    from posbooks.posting_engine import request_id

    row = next(
        (r for r in ledger.ledger_rows(store, realm_id=gateway.realm_id,
                                       date_from=check.business_date, date_to=check.business_date)
         if r.doc_number == check.doc_number and r.status == "posted"), None,
    )  # fmt: skip
    if row is None or row.payload is None or check.pos_total != check.sent_total:
        return None  # the POS moved on too: the engine replaces with the POS now
    entity = ENTITY[check.doc_type]
    current = gateway.read(entity, row.qbo_id or "")
    if current is None:
        return None
    doc = Document(
        row.business_date, row.outlet, row.doc_type, row.doc_key, row.doc_number,
        row.content_hash, row.mapping_version, row.payload,
    )  # fmt: skip
    sync = str(current["SyncToken"])
    rid = request_id(gateway.realm_id, row.doc_number, row.content_hash, int(sync), "restore")
    obj = gateway.update(entity, with_identity(doc, str(current["Id"]), sync), request_id=rid)
    ledger.record_posted(store, gateway.realm_id, doc, obj)
    return PostOutcome(
        row.business_date, row.outlet, row.doc_type, "updated", row.doc_number, str(obj["Id"]),
        f"restored what posbooks sent (SyncToken {obj.get('SyncToken')})", row.doc_key,
    )  # fmt: skip


# --- adjusting entry --------------------------------------------------------------------


@dataclass(frozen=True)
class Adjustment:
    """An adjusting journal entry posted for a document's difference."""

    doc_number: str
    qbo_id: str
    txn_date: date
    lines: tuple[tuple[str, str, str, Decimal], ...]  # account, class, location, signed amount


def post_adjustment(
    config: Config,
    store: Store,
    check: DocumentCheck,
    *,
    txn_date: date | None = None,
    reason: str = "",
    gateway: QboGateway | None = None,
) -> Adjustment:
    """Post the difference (POS now minus QuickBooks now) as its own journal entry.

    The original stays untouched. DocNumber ``<original>A<n>``; the PrivateNote names the
    original; the ledger records it as doc_key ``adjust <n>`` of the same day and outlet.
    """
    from posbooks.mapping import current_mapping
    from posbooks.posting_engine import request_id
    from posbooks.qbo.gateway import QboError

    if check.doc_type != "journal":
        raise ReconcileError(
            "Adjusting entries are for journal entries; send a sales receipt again instead."
        )
    lines = adjustment_lines(check)
    if not lines:
        raise ReconcileError(f"{check.doc_number}: QuickBooks already agrees with the POS.")
    unmapped = [ln.account for ln in lines if not ln.key.account]
    if unmapped:
        raise ReconcileError(f"Map an account first for: {', '.join(unmapped)}")
    if sum(ln.pos for ln in lines) != 0:  # type: ignore[misc]
        raise ReconcileError(f"{check.doc_number}: the difference does not balance")
    gateway = gateway or _gateway(config, store)
    realm = gateway.realm_id
    n = len(check.adjustments) + 1
    number = f"{check.doc_number}A{n}"
    day = txn_date or check.business_date
    body = _adjustment_body(check, lines, number, day)
    version = current_mapping(store).version
    digest = content_hash(body)
    body["PrivateNote"] = (
        f"posbooks {digest} mapping v{version} adjustment of {check.doc_number} "
        f"(QuickBooks Id {check.qbo_id or 'none'}) {check.outlet} {check.business_date}"
        + (f": {reason}" if reason else "")
    )[:4000]
    doc = Document(check.business_date, check.outlet, "journal", f"{ADJUST_KEY}{n}", number,
                   digest, version, body)  # fmt: skip
    try:
        existing = gateway.query("JournalEntry", f"DocNumber = '{number}'")
        same = [o for o in existing if (parse_note(o.get("PrivateNote")) or ("",))[0] == digest]
        if existing and not same:
            raise ReconcileError(f"{number} already exists in QuickBooks with other lines.")
        if same:
            obj = same[0]  # an earlier try landed although its reply was lost
        else:
            rid = request_id(realm, number, digest, 0, "adjust")
            ledger.record_sending(store, realm, [(doc, rid, 0)])
            obj = gateway.create("JournalEntry", body, request_id=rid)
    except QboError as exc:
        ledger.record_failed(store, realm, doc, f"QuickBooks refused {number}: {exc.detail}")
        raise ReconcileError(f"QuickBooks refused the adjusting entry: {exc.detail}") from None
    ledger.record_posted(store, realm, doc, obj)
    return Adjustment(
        number, str(obj["Id"]), day,
        tuple((ln.account, ln.class_, ln.location, ln.pos) for ln in lines),  # type: ignore[misc]
    )  # fmt: skip


def _adjustment_body(check: DocumentCheck, lines, number: str, day: date) -> dict:
    body_lines = []
    for ln in lines:
        detail: dict = {
            "PostingType": "Debit" if ln.pos > 0 else "Credit",
            "AccountRef": {"value": ln.key.account, "name": ln.account},
        }
        if ln.key.class_:
            detail["ClassRef"] = {"value": ln.key.class_, "name": ln.class_}
        if ln.key.location:
            detail["DepartmentRef"] = {"value": ln.key.location, "name": ln.location}
        body_lines.append(
            {
                "Description": f"Adjustment of {check.doc_number} ({check.outlet} "
                f"{check.business_date}): {ln.account}",
                "Amount": money(abs(ln.pos)),
                "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": detail,
            }
        )
    return {"TxnDate": day.isoformat(), "DocNumber": number, "Line": body_lines}


# --- the workbench (History page) --------------------------------------------------------


def reconcile_period(wb, source, date_from: date, date_to: date, outlets: Sequence[str],
                     doc_type: str) -> Reconciliation:  # fmt: skip
    """``reconcile`` for a page: expected failures become ``WorkbenchError`` in plain words."""
    from posbooks.pos import ExportRejected
    from posbooks.qbo.auth import ReconnectNeeded
    from posbooks.qbo.gateway import QboError
    from posbooks.services import WorkbenchError

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
    except ReconnectNeeded:
        raise WorkbenchError(
            "QuickBooks no longer accepts this connection. Go to Connect and reconnect."
        ) from None
    except QboError as exc:
        raise WorkbenchError(f"QuickBooks did not answer: {exc.detail or exc}") from None


def apply_action(wb, check: DocumentCheck, action: str, *, source, who: str = "", why: str = "",
                 txn_date: date | None = None) -> str:  # fmt: skip
    """Run ``send`` / ``adjust`` / ``accept`` on one document; a sentence saying what happened."""
    from posbooks.qbo.auth import ReconnectNeeded
    from posbooks.qbo.gateway import QboError
    from posbooks.services import WorkbenchError

    try:
        if action == "send":
            outcomes = send_again(wb.config, wb.store, check, sources=list(source.paths))
            return "; ".join(f"{o.doc_number}: {o.status}, {o.message}" for o in outcomes) or (
                f"{check.doc_number}: nothing was sent"
            )
        if action == "adjust":
            adj = post_adjustment(wb.config, wb.store, check, txn_date=txn_date, reason=why)
            return (
                f"Adjusting entry {adj.doc_number} posted on {adj.txn_date} "
                f"(QuickBooks Id {adj.qbo_id}); {check.doc_number} was left as it is."
            )
        if action == "accept":
            accept_as_is(wb.config, wb.store, check, who=who, why=why)
            return f"{check.doc_number} accepted as is by {who.strip()}."
    except ReconcileError as exc:
        raise WorkbenchError(str(exc)) from None
    except ReconnectNeeded:
        raise WorkbenchError("QuickBooks needs you to reconnect: go to Connect.") from None
    except QboError as exc:
        raise WorkbenchError(f"QuickBooks refused: {exc.detail or exc}") from None
    raise ValueError(f"unknown action {action!r}")


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

    from posbooks import services
    from posbooks.config import load_config
    from posbooks.mapping import current_mapping, pos_keys, save_mapping, suggest_mapping
    from posbooks.pos import open_exports
    from posbooks.qbo import auth, local
    from posbooks.qbo.settings import current_settings, refresh_settings
    from posbooks.store import open_store

    config = load_config()
    if not config.is_local:
        return services.open_workbench()
    base = config.sandbox_url.rstrip("/")
    if not local._answers(base):
        from posbooks.qbo.sandbox import start_sandbox

        # lives as long as the kernel; its company persists beside the ledger that refers to it
        base = start_sandbox(port=0, state_file=config.home / local.STATE_FILE).base_url
        config = dataclasses.replace(config, sandbox_url=base)
    local.allow_insecure_transport(base)
    store = open_store(config)
    if not auth.connection_status(config, store).connected:
        auth.auto_approve(config, store)
    settings = current_settings(store) or refresh_settings(config, store)
    if demo_mapping and not current_mapping(store).accounts:
        keys, outlets = pos_keys(open_exports([services.sample_source().paths[0]]))
        mapping = suggest_mapping(keys, settings, outlets=outlets)
        save_mapping(store, mapping, note="suggested by a notebook on the local sandbox")
    return services.Workbench(config, store, sandbox_base_url=base, demo_login=local.DEMO_LOGIN)


__all__ = [
    "Adjustment",
    "DocumentCheck",
    "ReconcileError",
    "Reconciliation",
    "notebook_workbench",
    "accept_as_is",
    "apply_action",
    "reconcile_period",
    "acceptances",
    "post_adjustment",
    "reconcile",
    "send_again",
    "to_csv",
    "to_json",
]
