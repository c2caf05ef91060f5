"""What to do about a difference: send again, post an adjusting entry, or accept it as is.

Actions on one ``posbooks.core.reconcile.DocumentCheck`` (from ``posbooks.reconcile.gather``):
``send_again`` (through the posting engine: create what is missing or deleted, adopt
what another home sent, replace what the POS changed, restore what was edited in
QuickBooks), ``post_adjustment`` (a journal entry for the difference, its own DocNumber
``<original>A<n>``, PrivateNote naming the original, recorded in the ledger) and
``accept_as_is`` (who, when, why, in the store). ``apply_action`` runs one for a page.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from posbooks.core.qbo_settings import books_closed_message
from posbooks.core.reconcile import DocumentCheck, adjustment_lines
from posbooks.posting import ledger
from posbooks.qbo.payloads import Document, content_hash, money, parse_note
from posbooks.qbo.settings import current_settings
from posbooks.reconcile.gather import ADJUST_KEY, ReconcileError, connected_realm, gateway_for
from posbooks.state.store import Store, utc_now

if TYPE_CHECKING:
    from posbooks.posting.outcome import PostOutcome, RetryPolicy
    from posbooks.qbo.gateway import QboGateway
    from posbooks.state.config import Config

CLAIM_SECONDS = 120.0  # one poster per adjusting DocNumber, as the engine claims documents


# --- accept as is -----------------------------------------------------------------------


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
                connected_realm(config, store), check.business_date.isoformat(), check.outlet,
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
    in place; edited in QuickBooks: the POS now (what was sent, unless the POS changed too)
    is written back over the edit, claimed like every send and only over the edit this
    check saw: edited again or deleted since, the restore is refused (``ReconcileError``)
    and nothing is written; another session's restore of the same edit is ``unchanged``.
    """
    from posbooks.posting.plan import post_day

    if check.status in ("matched", "adjusted"):
        raise ReconcileError(f"{check.doc_number} already agrees; nothing to send.")
    if check.pos_total is None:
        raise ReconcileError(f"The POS export has no {check.doc_number} now; nothing to send.")
    gateway = gateway or gateway_for(config, store)
    if check.status == "deleted":
        _forget_deleted(store, gateway.realm_id, check)
    restore = {}
    if check.status == "edited" and check.qbo_sync_token is not None:
        restore = {check.doc_number: check.qbo_sync_token}
    outcomes = post_day(
        config, store, sources=[Path(s) for s in sources], business_date=check.business_date,
        outlets=[check.outlet], doc_type="receipt" if check.doc_type == "refund" else check.doc_type,
        replace=True, gateway=gateway,
        policy=policy, restore=restore,
    )  # fmt: skip
    outcomes = [o for o in outcomes if o.doc_number == check.doc_number]
    refused = [o for o in outcomes if restore and o.status == "failed"]
    if refused:
        raise ReconcileError(refused[0].message)
    return outcomes


STOPPED = ("failed", "blocked")  # the engine left QuickBooks without the POS now


def why_not_sent(outcomes: Sequence[PostOutcome]) -> str:
    """Why a send again was stopped (by posbooks or QuickBooks), a sentence per document;
    "" when every document went through. The CLI and History refuse the action with it."""
    return "; ".join(
        f"Sending {o.doc_number} again stopped: {o.message}"
        for o in outcomes
        if o.status in STOPPED
    )


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


# --- adjusting entry --------------------------------------------------------------------


@dataclass(frozen=True)
class Adjustment:
    """An adjusting journal entry posted for a document's difference."""

    doc_number: str
    qbo_id: str
    txn_date: date
    lines: tuple[tuple[str, str, str, Decimal], ...]  # account, class, location, signed amount


# Statuses with no posbooks document in QuickBooks to adjust, and what to do instead.
NOT_ADJUSTABLE = {
    "conflict": "Rename or delete the document holding its DocNumber in QuickBooks, then "
    "send it again.",
    "failed": "Send it again.",
    "not_sent": "Send it.",
    "qbo_only": "Adopt it first (send again), then adjust.",
}


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
    from posbooks.drafts.mapping import current_mapping
    from posbooks.posting.outcome import request_id
    from posbooks.qbo.errors import QboError

    if check.doc_type != "journal":
        raise ReconcileError(
            "Adjusting entries are for journal entries; send a sales receipt again instead."
        )
    if check.status in NOT_ADJUSTABLE:  # nothing posbooks sent is in QuickBooks to adjust
        raise ReconcileError(
            f"{check.doc_number} is '{check.label}': an adjusting entry corrects a document "
            f"posbooks sent, and QuickBooks holds none of this day's; nothing was posted. "
            + NOT_ADJUSTABLE[check.status]
        )
    if not check.lines_compared:  # every line would look like a difference to post
        raise ReconcileError(
            f"No mapping is saved in this home, so {check.doc_number}'s lines cannot be "
            "compared with the POS; nothing was posted. Save a mapping first."
        )
    lines = adjustment_lines(check)
    if not lines:
        raise ReconcileError(f"{check.doc_number}: QuickBooks already agrees with the POS.")
    unmapped = [ln.account for ln in lines if not ln.key.account]
    if unmapped:
        raise ReconcileError(f"Map an account first for: {', '.join(unmapped)}")
    if sum(ln.pos for ln in lines) != 0:  # type: ignore[misc]
        raise ReconcileError(f"{check.doc_number}: the difference does not balance")
    day = txn_date or check.business_date
    settings = current_settings(store)
    if settings is not None and settings.closed_through(day):
        raise ReconcileError(books_closed_message(day, settings.preferences.book_close_date))
    gateway = gateway or gateway_for(config, store)
    realm = gateway.realm_id
    n = len(check.adjustments) + 1
    number = f"{check.doc_number}A{n}"
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
    owner = uuid.uuid4().hex
    if not ledger.claim(store, realm, [number], owner, CLAIM_SECONDS)[0]:
        raise ReconcileError(f"Another posbooks run is posting {number} right now; try later.")
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
    finally:
        ledger.release(store, realm, [number], owner)
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


# --- for the workbench -----------------------------------------------------------------


def apply_action(wb, check: DocumentCheck, action: str, *, source, who: str = "", why: str = "",
                 txn_date: date | None = None) -> str:  # fmt: skip
    """Run ``send`` / ``adjust`` / ``accept`` on one document; a sentence saying what happened."""
    from posbooks.core.errors import WorkbenchError
    from posbooks.qbo.auth import ReconnectNeeded
    from posbooks.qbo.errors import QboError

    try:
        if action == "send":
            outcomes = send_again(wb.config, wb.store, check, sources=list(source.paths))
            stopped = why_not_sent(outcomes)
            if stopped:  # shown as an error, not as a success that says "failed"
                raise ReconcileError(stopped)
            return "; ".join(o.summary for o in outcomes) or (
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


__all__ = [
    "Adjustment",
    "accept_as_is",
    "acceptances",
    "apply_action",
    "post_adjustment",
    "send_again",
    "why_not_sent",
]
