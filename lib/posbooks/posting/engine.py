"""The exactly-once sender behind ``posbooks.posting.plan.post_range`` (see that module's docstring).

One ``SendRun`` per call: it owns its claims (released at the end, even on error), asks
the ledger before QuickBooks, and QuickBooks (by DocNumber) before every create. A document
edited in QuickBooks is restored over the edit the bookkeeper saw (``posting_restore``).
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from posbooks.core.qbo_settings import books_closed_message
from posbooks.posting import ledger
from posbooks.posting.outcome import PostOutcome, RetryPolicy, request_id
from posbooks.posting.restore import restore_edited
from posbooks.qbo.payloads import Document, parse_note, with_identity, written_for
from posbooks.state.store import Store

if TYPE_CHECKING:
    from posbooks.qbo.gateway import QboGateway

BATCH_SIZE = 30  # QuickBooks' limit of operations per batch request


def _unwrap(reply: dict, entity: str) -> dict:
    return reply.get(entity, reply) if isinstance(reply, dict) else reply


def _written_for(doc: Document, obj: dict) -> bool:
    """Whether a posbooks PrivateNote names this very document (type, method, outlet, date)."""
    return written_for(obj.get("PrivateNote"), doc)  # the same reading as reconcile's


def _taken(doc: Document, obj: dict) -> str:
    """Why ``doc`` is not created: QuickBooks holds ``obj`` under its DocNumber."""
    note = parse_note(obj.get("PrivateNote"))
    whose = (
        f"a posbooks document for something else (Id {obj.get('Id')}: "
        f"{str(obj.get('PrivateNote')).split(' ', 4)[-1]})"
        if note
        else f"a document posbooks did not write (Id {obj.get('Id')})"
    )
    return (
        f"DocNumber {doc.doc_number} is already used in QuickBooks by {whose}; nothing was "
        "sent. Rename or delete it there, then send again."
    )


def fault_text(fault: dict) -> str:
    """A QuickBooks Fault as one line: message, detail and code of each error."""
    errors = fault.get("Error") or fault.get("error") or []
    parts = [
        f"{e.get('Message') or e.get('message')}: {e.get('Detail') or e.get('detail')} "
        f"(code {e.get('code')})"
        for e in errors
    ]
    return "; ".join(parts) or str(fault)


@dataclass
class SendRun:
    """Sends a list of documents once each; collects one outcome per DocNumber."""

    store: Store
    gateway: QboGateway
    policy: RetryPolicy
    replace: bool
    make_outcome: Callable[[Document, str, str | None, str], PostOutcome]
    report: Callable[[PostOutcome], None]
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    claimed: set[str] = field(default_factory=set)
    # DocNumber -> SyncToken the bookkeeper saw: write back over that edit in QuickBooks
    restore: dict[str, str] = field(default_factory=dict)

    @property
    def realm(self) -> str:
        return self.gateway.realm_id

    def send(self, docs: list[Document]) -> None:
        """Create, update or recognise every document; claims are released at the end."""
        try:
            to_create, to_update, to_restore = self._classify(docs)
            for doc, row in to_restore:
                restore_edited(self, doc, row, self.restore[doc.doc_number])
            for doc, qbo_id in to_update:
                self._update(doc, qbo_id)
            deferred = []
            for group, batch_id in self._groups(to_create):
                mine, busy = self._claim(group)
                deferred += busy
                if mine:
                    self._create_group(mine, batch_id if not busy else None)
            self._wait_for_others(deferred)
        finally:
            if self.claimed:
                ledger.release(self.store, self.realm, self.claimed, self.owner)

    def _done(self, doc: Document, status: str, qbo_id: str | None, message: str) -> None:
        self.report(self.make_outcome(doc, status, qbo_id, message))

    def _changed(self, doc: Document, qbo_id: str | None) -> None:
        self._done(
            doc,
            "changed",
            qbo_id,
            f"POS data or mapping changed since {doc.doc_number} was posted (QuickBooks Id "
            f"{qbo_id}); not sent again. Use --replace to update that document.",
        )

    def _classify(self, docs: list[Document]):
        rows = ledger.find_many(self.store, self.realm, docs)
        to_create, to_update, to_restore = [], [], []
        for doc in docs:
            row = rows.get(doc.doc_number)
            if row is None or row.status != "posted":
                to_create.append(doc)
            elif doc.doc_number in self.restore:
                to_restore.append((doc, row))
            elif row.content_hash == doc.content_hash:
                self._done(doc, "unchanged", row.qbo_id, f"already in QuickBooks (Id {row.qbo_id})")
            elif self.replace:
                to_update.append((doc, row.qbo_id))
            else:
                self._changed(doc, row.qbo_id)
        return to_create, to_update, to_restore

    def claim_waiting(self, doc: Document) -> bool:
        """Claim ``doc``, waiting while another live run holds it (False: it held on too long)."""
        deadline = time.monotonic() + self.policy.wait_for_others_seconds
        while not self._claim([doc])[0]:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2 + random.uniform(0, 0.2))
        return True

    def _claim(self, docs: list[Document]) -> tuple[list[Document], list[Document]]:
        numbers = [d.doc_number for d in docs]
        got, _ = ledger.claim(
            self.store, self.realm, numbers, self.owner, self.policy.lease_seconds
        )
        self.claimed |= got
        return [d for d in docs if d.doc_number in got], [
            d for d in docs if d.doc_number not in got
        ]

    def _groups(self, docs: list[Document]) -> list[tuple[list[Document], str | None]]:
        """Batches to send: an interrupted batch again exactly as it was, the rest by 30."""
        rows = ledger.find_many(self.store, self.realm, docs)
        by_number = {d.doc_number: d for d in docs}
        groups, used = [], set()
        for doc in docs:
            row = rows.get(doc.doc_number)
            if doc.doc_number in used or not row or not row.batch_request_id:
                continue
            members = [by_number.get(n) for n in row.batch_members]
            if all(
                m is not None
                and m.doc_number not in used
                and (r := rows.get(m.doc_number)) is not None
                and r.batch_request_id == row.batch_request_id
                and r.content_hash == m.content_hash
                for m in members
            ):
                groups.append((members, row.batch_request_id))
                used |= set(row.batch_members)
        rest = [d for d in docs if d.doc_number not in used]
        groups += [(rest[i : i + BATCH_SIZE], None) for i in range(0, len(rest), BATCH_SIZE)]
        return groups

    # --- creating ------------------------------------------------------------------

    def _lookup(self, docs: list[Document]) -> dict[str, list[dict]]:
        """What QuickBooks holds under the documents' DocNumbers, per entity (a day's sales
        and refund receipts are looked up in SalesReceipt and RefundReceipt)."""
        found: dict[str, list[dict]] = {}
        for entity in dict.fromkeys(d.entity for d in docs):
            numbers = ", ".join(f"'{d.doc_number}'" for d in docs if d.entity == entity)
            for obj in self.gateway.query(entity, f"DocNumber IN ({numbers})"):
                found.setdefault(obj.get("DocNumber"), []).append(obj)
        return found

    def _adopt(self, found: dict[str, list[dict]], docs: list[Document], sent: set[str]) -> None:
        """Record what QuickBooks already holds: ours with the same content is kept as is."""
        same: list[tuple[Document, dict]] = []
        for doc in docs:
            objs = found[doc.doc_number]
            notes = [(o, parse_note(o.get("PrivateNote"))) for o in objs]
            match = next((o for o, n in notes if n and n[0] == doc.content_hash), None)
            if match is not None:
                same.append((doc, match))
                continue
            ours = next(((o, n) for o, n in notes if n and _written_for(doc, o)), None)
            if ours is not None:
                obj, (old_hash, old_version) = ours
                ledger.record_posted(
                    self.store, self.realm, doc, obj, content_hash=old_hash,
                    mapping_version=old_version,
                )  # fmt: skip
                if self.replace:
                    self._update(doc, str(obj["Id"]))
                else:
                    self._changed(doc, str(obj["Id"]))
                continue
            message = _taken(doc, objs[0])
            ledger.record_failed(self.store, self.realm, doc, message)  # History keeps why
            self._done(doc, "failed", None, message)
        ledger.record_posted_many(self.store, self.realm, same)
        for doc, obj in same:
            if doc.doc_number in sent:
                self._done(doc, "created", str(obj["Id"]), "created in QuickBooks")
            else:
                self._done(doc, "unchanged", str(obj["Id"]), "already in QuickBooks; recorded")

    def _create_group(self, docs: list[Document], batch_id: str | None) -> None:
        """Create ``docs`` (one request or one batch), retrying until each is known."""
        from posbooks.qbo.errors import QboError

        rows = ledger.find_many(self.store, self.realm, docs)
        sent = {n for n, r in rows.items() if r.status == "sending"}  # tried by an earlier run
        pending, last_error = list(docs), ""
        for attempt in range(self.policy.attempts):
            if attempt:
                self.policy.pause(attempt - 1, last_error)  # the page shows the wait
                self._claim(pending)  # renew the lease
            try:
                found = self._lookup(pending)
            except QboError as exc:
                if not exc.retryable:
                    return self._unknown(pending, f"QuickBooks refused the lookup: {exc.detail}")
                last_error = exc.detail
                continue
            self._adopt(found, [d for d in pending if d.doc_number in found], sent)
            if found:
                batch_id = None  # that batch was processed: the rest go on their own
            pending = [d for d in pending if d.doc_number not in found]
            if not pending:
                return
            sent |= {d.doc_number for d in pending}
            try:
                if len(pending) == 1 and batch_id is None:
                    self._create_one(pending[0])
                    return
                batch_id = batch_id or self._batch_id(pending)
                self._create_batch(pending, batch_id)
                return
            except QboError as exc:
                if exc.retryable:
                    last_error = exc.detail
                    continue
                if len(pending) == 1:
                    return self._refused(pending[0], exc.detail or str(exc), None, exc.code)
                for doc in pending:  # the batch was refused whole: each on its own
                    self._create_group([doc], None)
                return
        self._unknown(
            pending,
            f"QuickBooks did not confirm after {self.policy.attempts} tries ({last_error}); "
            "send again to finish: nothing is created twice.",
        )

    def _request_ids(self, docs: list[Document]) -> list[tuple[Document, str, int]]:
        rows = ledger.find_many(self.store, self.realm, docs)
        out = []
        for doc in docs:
            generation = rows[doc.doc_number].generation if doc.doc_number in rows else 0
            rid = request_id(self.realm, doc.doc_number, doc.content_hash, generation, "create")
            out.append((doc, rid, generation))
        return out

    def _batch_id(self, docs: list[Document]) -> str:
        ids = "|".join(rid for _, rid, _ in self._request_ids(docs))
        return str(uuid.UUID(bytes=hashlib.sha256(f"batch|{ids}".encode()).digest()[:16]))

    def _create_one(self, doc: Document) -> None:
        attempt = self._request_ids([doc])
        ledger.record_sending(self.store, self.realm, attempt)
        obj = _unwrap(
            self.gateway.create(doc.entity, doc.body, request_id=attempt[0][1]), doc.entity
        )
        ledger.record_posted(self.store, self.realm, doc, obj)
        self._done(doc, "created", str(obj.get("Id")), "created in QuickBooks")

    def _create_batch(self, docs: list[Document], batch_id: str) -> None:
        ledger.record_sending(
            self.store, self.realm, self._request_ids(docs), batch_request_id=batch_id
        )
        items = [{"bId": d.doc_number, "operation": "create", d.entity: d.body} for d in docs]
        replies = {r.get("bId"): r for r in self.gateway.batch(items, request_id=batch_id)}
        created = []
        for doc in docs:
            reply = replies.get(doc.doc_number) or {"Fault": {"Error": [{"Message": "no reply"}]}}
            if "Fault" in reply:
                errors = reply["Fault"].get("Error") or [{}]
                self._refused(doc, fault_text(reply["Fault"]), reply, str(errors[0].get("code")))
            else:
                created.append((doc, reply[doc.entity]))
        ledger.record_posted_many(self.store, self.realm, created)
        for doc, obj in created:
            self._done(doc, "created", str(obj.get("Id")), "created in QuickBooks")

    def _refused(
        self, doc: Document, detail: str, reply: dict | None, code: str | None = None
    ) -> None:
        if code == "6140":  # "Duplicate Document Number": taken since our lookup
            found = self._lookup([doc])
            if found:
                return self._adopt(found, [doc], {doc.doc_number})
        message = f"QuickBooks refused {doc.doc_number}: {detail}"
        if code == "6210":  # Account Period Closed: the same words as posbooks' own check
            message = f"QuickBooks refused {doc.doc_number}: " + books_closed_message(
                doc.business_date, None
            )
        ledger.record_failed(
            self.store, self.realm, doc, message, reply=reply, next_generation=True
        )
        self._done(doc, "failed", None, message)

    def _unknown(self, docs: list[Document], message: str) -> None:
        for doc in docs:
            # outcome unknown: the ledger keeps it "sending" so the next run looks it up
            ledger.record_unknown(self.store, self.realm, doc, message)
            self._done(doc, "failed", None, message)

    def _wait_for_others(self, deferred: list[Document]) -> None:
        """Documents another process was sending: wait for its result, or take over."""
        deadline = time.monotonic() + self.policy.wait_for_others_seconds
        while deferred:
            time.sleep(0.2 + random.uniform(0, 0.2))
            rows = ledger.find_many(self.store, self.realm, deferred)
            still = []
            for doc in deferred:
                row = rows.get(doc.doc_number)
                if row and row.status == "posted":
                    if row.content_hash == doc.content_hash:
                        self._done(doc, "unchanged", row.qbo_id, "sent by another posbooks run")
                    else:
                        self._changed(doc, row.qbo_id)
                elif self._claim([doc])[0]:
                    self._create_group([doc], None)
                else:
                    still.append(doc)
            deferred = still
            if deferred and time.monotonic() > deadline:
                self._unknown(deferred, "another posbooks run is still sending it; try later")
                return

    # --- replacing -----------------------------------------------------------------

    def _update(self, doc: Document, qbo_id: str) -> None:
        """Update QuickBooks document ``qbo_id`` in place with ``doc`` (keeps its Id)."""
        from posbooks.qbo.errors import QboError

        if not self._claim([doc])[0]:
            self._done(doc, "failed", qbo_id, "another posbooks run is sending it; try later")
            return
        last_error = ""
        for attempt in range(self.policy.attempts):
            if attempt:
                self.policy.pause(attempt - 1, last_error)
            try:
                current = self.gateway.read(doc.entity, qbo_id)
                if current is None:
                    message = f"QuickBooks Id {qbo_id} no longer exists: it was deleted there"
                    ledger.record_failed(self.store, self.realm, doc, message)
                    return self._done(doc, "failed", qbo_id, message)
                current = _unwrap(current, doc.entity)
                note = parse_note(current.get("PrivateNote"))
                if not (note and note[0] == doc.content_hash):  # else: a lost reply had landed
                    sync = str(current["SyncToken"])
                    rid = request_id(
                        self.realm, doc.doc_number, doc.content_hash, int(sync), "update"
                    )
                    reply = self.gateway.update(
                        doc.entity, with_identity(doc, qbo_id, sync), request_id=rid
                    )
                    current = _unwrap(reply, doc.entity)
                break
            except QboError as exc:
                if exc.retryable or exc.kind == "stale":
                    last_error = exc.detail
                    continue
                message = f"QuickBooks refused the update of {doc.doc_number}: {exc.detail}"
                if exc.code == "6210":
                    message = f"QuickBooks refused the update of {doc.doc_number}: " + (
                        books_closed_message(doc.business_date, None)
                    )
                ledger.record_failed(self.store, self.realm, doc, message)
                return self._done(doc, "failed", qbo_id, message)
        else:
            message = f"QuickBooks did not confirm the update ({last_error}); send again"
            return self._done(doc, "failed", qbo_id, message)
        ledger.record_posted(self.store, self.realm, doc, current)
        sync = current.get("SyncToken")
        self._done(
            doc, "updated", str(current.get("Id")), f"updated in QuickBooks (SyncToken {sync})"
        )
