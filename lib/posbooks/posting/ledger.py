"""The posting ledger and send claims: what posbooks sent to QuickBooks, and who is sending.

Ledger status per document:
- ``sending``: handed to QuickBooks, outcome not yet known (a lost reply, a killed run);
  the next send looks the DocNumber up in QuickBooks before anything else.
- ``posted``: QuickBooks holds it (``qbo_id``, ``sync_token``) with ``content_hash``.
- ``failed``: QuickBooks refused it, or posbooks did not send it (its DocNumber is taken
  in QuickBooks by a document posbooks did not write, the look-up was refused); ``message``
  says why. Sending again retries it.

A claim row gives one process the right to send a document for a lease (seconds). A
claim whose lease ran out, or whose owner process on this host is gone, is taken over.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from posbooks.qbo.payloads import Document
from posbooks.state.store import Store, utc_now

HOST = socket.gethostname()


@dataclass(frozen=True)
class LedgerRow:
    """One document posbooks sent (or tried to send) to QuickBooks."""

    realm_id: str
    business_date: date
    outlet: str
    doc_type: str
    doc_key: str
    doc_number: str
    content_hash: str
    mapping_version: int
    request_id: str | None
    generation: int
    qbo_id: str | None
    sync_token: str | None
    status: str
    message: str
    payload: dict | None
    reply: dict | None
    attempts: int
    created_at: str
    updated_at: str
    posted_at: str | None
    batch_request_id: str | None = None
    batch_members: tuple[str, ...] = ()


def _row(r: sqlite3.Row) -> LedgerRow:
    return LedgerRow(
        realm_id=r["realm_id"],
        business_date=date.fromisoformat(r["business_date"]),
        outlet=r["outlet"],
        doc_type=r["doc_type"],
        doc_key=r["doc_key"],
        doc_number=r["doc_number"],
        content_hash=r["content_hash"],
        mapping_version=r["mapping_version"],
        request_id=r["request_id"],
        generation=r["generation"],
        qbo_id=r["qbo_id"],
        sync_token=r["sync_token"],
        status=r["status"],
        message=r["message"],
        payload=json.loads(r["payload"]) if r["payload"] else None,
        reply=json.loads(r["reply"]) if r["reply"] else None,
        attempts=r["attempts"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        posted_at=r["posted_at"],
        batch_request_id=r["batch_request_id"],
        batch_members=tuple(json.loads(r["batch_members"] or "[]")),
    )


def ledger_rows(
    store: Store,
    *,
    realm_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    doc_type: str | None = None,
    outlets: Iterable[str] | None = None,
) -> list[LedgerRow]:
    """Ledger rows, newest change first, optionally narrowed by realm, dates, type, outlets."""
    where, params = ["1=1"], []
    for column, op, value in (
        ("realm_id", "=", realm_id),
        ("business_date", ">=", date_from and date_from.isoformat()),
        ("business_date", "<=", date_to and date_to.isoformat()),
        ("doc_type", "=", doc_type),
    ):
        if value is not None:
            where.append(f"{column} {op} ?")
            params.append(value)
    if outlets is not None:
        outlets = list(outlets)
        where.append(f"outlet IN ({','.join('?' * len(outlets))})")
        params.extend(outlets)
    with store.read() as conn:
        rows = conn.execute(
            f"SELECT * FROM posting_ledger WHERE {' AND '.join(where)} "
            "ORDER BY updated_at DESC, business_date DESC, outlet, doc_number",
            params,
        ).fetchall()
    return [_row(r) for r in rows]


def find(store: Store, realm_id: str, doc: Document) -> LedgerRow | None:
    """The ledger row of ``doc`` in ``realm_id``, if posbooks ever sent it there."""
    with store.read() as conn:
        r = conn.execute(
            "SELECT * FROM posting_ledger WHERE realm_id=? AND business_date=? AND outlet=? "
            "AND doc_type=? AND doc_key=?",
            (realm_id, doc.business_date.isoformat(), doc.outlet, doc.doc_type, doc.doc_key),
        ).fetchone()
    return _row(r) if r else None


def find_many(store: Store, realm_id: str, docs: Iterable[Document]) -> dict[str, LedgerRow]:
    """The ledger rows of ``docs`` by DocNumber (one read for a whole batch)."""
    wanted = {(d.business_date.isoformat(), d.outlet, d.doc_type, d.doc_key) for d in docs}
    if not wanted:
        return {}
    dates = sorted({w[0] for w in wanted})
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM posting_ledger WHERE realm_id=? AND business_date BETWEEN ? AND ?",
            (realm_id, dates[0], dates[-1]),
        ).fetchall()
    found = {}
    for r in rows:
        if (r["business_date"], r["outlet"], r["doc_type"], r["doc_key"]) in wanted:
            found[r["doc_number"]] = _row(r)
    return found


def record_sending(
    store: Store,
    realm_id: str,
    docs: Iterable[tuple[Document, str, int]],
    *,
    batch_request_id: str | None = None,
) -> None:
    """Mark documents as handed to QuickBooks (doc, its requestid, its generation)."""
    docs = list(docs)
    members = json.dumps([d.doc_number for d, _, _ in docs]) if batch_request_id else None
    now = utc_now().isoformat()
    with store.transaction() as conn:
        for doc, request_id, generation in docs:
            conn.execute(
                """
                INSERT INTO posting_ledger (realm_id, business_date, outlet, doc_type, doc_key,
                    doc_number, content_hash, mapping_version, request_id, generation, status,
                    payload, attempts, created_at, updated_at, batch_request_id, batch_members)
                VALUES (?,?,?,?,?,?,?,?,?,?,'sending',?,1,?,?,?,?)
                ON CONFLICT (realm_id, business_date, outlet, doc_type, doc_key) DO UPDATE SET
                    doc_number=excluded.doc_number, content_hash=excluded.content_hash,
                    mapping_version=excluded.mapping_version, request_id=excluded.request_id,
                    generation=excluded.generation, payload=excluded.payload,
                    status=CASE WHEN status='posted' THEN status ELSE 'sending' END,
                    attempts=attempts+1, updated_at=excluded.updated_at,
                    batch_request_id=excluded.batch_request_id,
                    batch_members=excluded.batch_members, message=''
                """,
                (
                    realm_id,
                    doc.business_date.isoformat(),
                    doc.outlet,
                    doc.doc_type,
                    doc.doc_key,
                    doc.doc_number,
                    doc.content_hash,
                    doc.mapping_version,
                    request_id,
                    generation,
                    json.dumps(doc.body),
                    now,
                    now,
                    batch_request_id,
                    members,
                ),  # fmt: skip
            )


def record_posted(
    store: Store,
    realm_id: str,
    doc: Document,
    obj: dict,
    *,
    content_hash: str | None = None,
    mapping_version: int | None = None,
    message: str = "",
) -> None:
    """QuickBooks holds ``doc`` as ``obj`` (its Id and SyncToken are kept)."""
    record_posted_many(
        store, realm_id, [(doc, obj)], content_hash=content_hash,
        mapping_version=mapping_version, message=message,
    )  # fmt: skip


def record_posted_many(
    store: Store,
    realm_id: str,
    posted: Iterable[tuple[Document, dict]],
    *,
    content_hash: str | None = None,
    mapping_version: int | None = None,
    message: str = "",
) -> None:
    """Several documents QuickBooks now holds, in one transaction (a batch's results)."""
    now = utc_now().isoformat()
    with store.transaction() as conn:
        for doc, obj in posted:
            conn.execute(
                """
                INSERT INTO posting_ledger (realm_id, business_date, outlet, doc_type, doc_key,
                    doc_number, content_hash, mapping_version, qbo_id, sync_token, status,
                    message, payload, reply, attempts, created_at, updated_at, posted_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,'posted',?,?,?,0,?,?,?)
                ON CONFLICT (realm_id, business_date, outlet, doc_type, doc_key) DO UPDATE SET
                    doc_number=excluded.doc_number, content_hash=excluded.content_hash,
                    mapping_version=excluded.mapping_version, qbo_id=excluded.qbo_id,
                    sync_token=excluded.sync_token, status='posted', message=excluded.message,
                    payload=excluded.payload, reply=excluded.reply,
                    updated_at=excluded.updated_at, posted_at=excluded.posted_at,
                    batch_request_id=NULL, batch_members=NULL
                """,
                (
                    realm_id,
                    doc.business_date.isoformat(),
                    doc.outlet,
                    doc.doc_type,
                    doc.doc_key,
                    doc.doc_number,
                    content_hash or doc.content_hash,
                    doc.mapping_version if mapping_version is None else mapping_version,
                    str(obj.get("Id")),
                    str(obj.get("SyncToken")),
                    message,
                    json.dumps(doc.body),
                    json.dumps(obj, default=str),
                    now,
                    now,
                    now,
                ),  # fmt: skip
            )


def record_failed(
    store: Store, realm_id: str, doc: Document, message: str, *, reply: dict | None = None,
    next_generation: bool = False,
) -> None:  # fmt: skip
    """QuickBooks refused ``doc``, or posbooks refused to send it (its DocNumber is taken there).

    The row is written even when nothing was ever sent, so History says why (no QuickBooks
    Id). A definite refusal moves to a new requestid; a posted row stays posted and only its
    message changes; a row not posted takes the content of the latest attempt.
    """
    now = utc_now().isoformat()
    with store.transaction() as conn:
        conn.execute(
            """
            INSERT INTO posting_ledger (realm_id, business_date, outlet, doc_type, doc_key,
                doc_number, content_hash, mapping_version, status, message, payload, reply,
                attempts, created_at, updated_at)
            VALUES (?,?,?,?,?,?,?,?,'failed',?,?,?,0,?,?)
            ON CONFLICT (realm_id, business_date, outlet, doc_type, doc_key) DO UPDATE SET
                doc_number=CASE WHEN status='posted' THEN doc_number ELSE excluded.doc_number END,
                content_hash=CASE WHEN status='posted' THEN content_hash
                    ELSE excluded.content_hash END,
                mapping_version=CASE WHEN status='posted' THEN mapping_version
                    ELSE excluded.mapping_version END,
                payload=CASE WHEN status='posted' THEN payload ELSE excluded.payload END,
                status=CASE WHEN status='posted' THEN status ELSE 'failed' END,
                message=excluded.message, reply=COALESCE(excluded.reply, reply),
                updated_at=excluded.updated_at, generation=generation + ?,
                batch_request_id=NULL, batch_members=NULL
            """,
            (
                *_identity(realm_id, doc),
                doc.doc_number,
                doc.content_hash,
                doc.mapping_version,
                message,
                json.dumps(doc.body),
                json.dumps(reply, default=str) if reply else None,
                now,
                now,
                1 if next_generation else 0,
            ),  # fmt: skip
        )


def record_unknown(store: Store, realm_id: str, doc: Document, message: str) -> None:
    """QuickBooks never confirmed ``doc``: keep it ``sending`` (and its batch) for the next run.

    A document never handed to QuickBooks (its DocNumber look-up was refused or never
    answered) gets a ``failed`` row with the reason, so History shows it.
    """
    now = utc_now().isoformat()
    with store.transaction() as conn:
        conn.execute(
            "UPDATE posting_ledger SET message=?, updated_at=? WHERE realm_id=? AND "
            "business_date=? AND outlet=? AND doc_type=? AND doc_key=? AND status='sending'",
            (message, now, *_identity(realm_id, doc)),
        )
        conn.execute(
            """
            INSERT INTO posting_ledger (realm_id, business_date, outlet, doc_type, doc_key,
                doc_number, content_hash, mapping_version, status, message, payload,
                attempts, created_at, updated_at)
            VALUES (?,?,?,?,?,?,?,?,'failed',?,?,0,?,?)
            ON CONFLICT (realm_id, business_date, outlet, doc_type, doc_key) DO NOTHING
            """,
            (
                *_identity(realm_id, doc),
                doc.doc_number,
                doc.content_hash,
                doc.mapping_version,
                message,
                json.dumps(doc.body),
                now,
                now,
            ),  # fmt: skip
        )


def _identity(realm_id: str, doc: Document) -> tuple[str, str, str, str, str]:
    """The ledger's key of ``doc``: realm, business date, outlet, type, key."""
    return (realm_id, doc.business_date.isoformat(), doc.outlet, doc.doc_type, doc.doc_key)


# --- claims ---------------------------------------------------------------------------


def _owner_gone(pid: int, host: str) -> bool:
    if host != HOST:
        return False  # another machine: only its lease can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(
    store: Store, realm_id: str, doc_numbers: Iterable[str], owner: str, lease: float
) -> tuple[set[str], set[str]]:
    """Claim documents for ``owner``; returns (claimed, held by someone else).

    Claims ``owner`` already holds are renewed. A lapsed lease, or an owner process on
    this host that no longer exists (killed), is taken over.
    """
    now = time.time()
    claimed, busy = set(), set()
    with store.transaction() as conn:
        for number in doc_numbers:
            r = conn.execute(
                "SELECT owner, pid, host, expires_at FROM posting_claim "
                "WHERE realm_id=? AND doc_number=?",
                (realm_id, number),
            ).fetchone()
            if r and r["owner"] != owner and r["expires_at"] > now:
                if not _owner_gone(r["pid"], r["host"]):
                    busy.add(number)
                    continue
            conn.execute(
                "INSERT OR REPLACE INTO posting_claim "
                "(realm_id, doc_number, owner, pid, host, expires_at) VALUES (?,?,?,?,?,?)",
                (realm_id, number, owner, os.getpid(), HOST, now + lease),
            )
            claimed.add(number)
    return claimed, busy


def release(store: Store, realm_id: str, doc_numbers: Iterable[str], owner: str) -> None:
    """Give up ``owner``'s claims on these documents."""
    with store.transaction() as conn:
        conn.executemany(
            "DELETE FROM posting_claim WHERE realm_id=? AND doc_number=? AND owner=?",
            [(realm_id, n, owner) for n in doc_numbers],
        )
