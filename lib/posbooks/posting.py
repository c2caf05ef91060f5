"""Send a period's journal entries or sales receipts to QuickBooks, exactly once each.

For every (business date, outlet, document) the engine:
1. builds the draft with the saved mapping; a draft with blocking issues is reported
   ``blocked`` and never sent (bad POS input raises before anything is sent);
2. looks in the local ledger: already posted with the same content -> ``unchanged``;
   posted with other content -> ``changed`` (or, with ``replace``, the same QuickBooks
   document is updated with its current SyncToken -> ``updated``);
3. claims the document in the store (one sender per document across processes);
4. looks the DocNumber up in QuickBooks and adopts what it finds (a reply lost after
   QuickBooks committed, a run killed mid-way) when its PrivateNote carries our hash;
5. creates what is still missing, up to 30 per batch request, with a requestid
   derived from (realm, DocNumber, content hash, generation): a retry after a lost
   reply sends the same batch with the same requestid, which QuickBooks replays
   instead of creating again. Step 4 runs before every retry, so requestid replay is
   never the only guard.
Retryable failures (429, 5xx, timeouts, connection errors) back off exponentially with
jitter; a run that is killed is completed by running it again. See docs/posting.md.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from posbooks import ledger
from posbooks.core.journal import journal_entry_for_day
from posbooks.core.mapping_rules import check_mapping
from posbooks.core.model import DayTotals, Issue, Mapping, Ref
from posbooks.core.qbo_settings import QboSettings
from posbooks.core.receipts import sales_receipts_for_day
from posbooks.pos import ExportRejected, Exports, open_exports
from posbooks.qbo.payloads import (
    Document,
    doc_number,
    journal_entry_document,
    parse_note,
    sales_receipt_document,
    with_identity,
)
from posbooks.store import Store

if TYPE_CHECKING:
    from posbooks.config import Config
    from posbooks.qbo.gateway import QboGateway

PosDataRejected = ExportRejected  # bad POS input: nothing is sent
BATCH_SIZE = 30
DRAFT_ONLY_CODES = ("no_mapping", "unmapped_account", "unmapped_item", "unmapped_deposit_account")


@dataclass(frozen=True)
class PostOutcome:
    """What happened to one document. ``status``: created | unchanged | changed |
    updated | blocked | failed, or ``ready`` in a dry run (would be sent)."""

    business_date: date
    outlet: str
    doc_type: str
    status: str
    doc_number: str | None
    qbo_id: str | None
    message: str
    doc_key: str = ""  # the payment method of a sales receipt

    def to_json(self) -> dict:
        """The ``posbooks send --format json`` shape of this outcome."""
        return {
            "business_date": self.business_date.isoformat(),
            "outlet": self.outlet,
            "doc_type": self.doc_type,
            "payment_method": self.doc_key or None,
            "status": self.status,
            "doc_number": self.doc_number,
            "qbo_id": self.qbo_id,
            "message": self.message,
        }


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts per document, backoff with jitter, claim lease, timeouts."""

    attempts: int = 6
    base_seconds: float = 0.5
    max_seconds: float = 30.0
    lease_seconds: float = 120.0
    wait_for_others_seconds: float = 300.0
    http_timeout: float = 30.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> RetryPolicy:
        """Defaults, overridden by POSBOOKS_RETRY_BASE_MS / _ATTEMPTS, POSBOOKS_HTTP_TIMEOUT."""
        env = os.environ if env is None else env
        policy = cls()
        if env.get("POSBOOKS_RETRY_BASE_MS"):
            base = float(env["POSBOOKS_RETRY_BASE_MS"]) / 1000
            policy = RetryPolicy(**{**policy.__dict__, "base_seconds": base})
        if env.get("POSBOOKS_RETRY_ATTEMPTS"):
            policy = RetryPolicy(
                **{**policy.__dict__, "attempts": int(env["POSBOOKS_RETRY_ATTEMPTS"])}
            )
        if env.get("POSBOOKS_HTTP_TIMEOUT"):
            timeout = float(env["POSBOOKS_HTTP_TIMEOUT"])
            policy = RetryPolicy(**{**policy.__dict__, "http_timeout": timeout})
        return policy

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter between half and all of the step."""
        step = min(self.max_seconds, self.base_seconds * (2**attempt))
        return step * random.uniform(0.5, 1.0)


def open_pos_exports(sources: Sequence[Path | str]) -> Exports:
    """Open and validate POS exports; raises ``PosDataRejected`` naming file/row/column."""
    exports = open_exports([Path(s) for s in sources])
    exports.raise_if_rejected()
    return exports


def request_id(realm_id: str, number: str, content_hash: str, generation: int, op: str) -> str:
    """The deterministic requestid (a UUID, 36 characters) of one attempt generation."""
    digest = hashlib.sha256(f"{realm_id}|{number}|{content_hash}|{generation}|{op}".encode())
    return str(uuid.UUID(bytes=digest.digest()[:16]))


# --- planning ------------------------------------------------------------------------


@dataclass
class Planned:
    """A document to send, or the outcome that stops it."""

    doc: Document | None
    blocked: PostOutcome | None = None


def _messages(check: list[Issue], draft_issues: Sequence[Issue]) -> list[str]:
    blocking = [i.message for i in check if i.blocking]
    own = [i for i in draft_issues if i.blocking]
    extra = [i.message for i in own if i.code not in DRAFT_ONLY_CODES]
    messages = blocking + extra
    return messages or [i.message for i in own]


def _keys(day: DayTotals) -> set[tuple[str, str | None]]:
    return {(t.source, t.key) for t in day.totals if t.amount}


def _blocked(day: DayTotals, doc_type: str, key: str, messages: list[str]) -> Planned:
    number = doc_number(day.business_date, day.outlet, doc_type, key)
    outcome = PostOutcome(
        day.business_date, day.outlet, doc_type, "blocked", number, None, "; ".join(messages), key
    )
    return Planned(None, outcome)


def plan_documents(
    days: Sequence[DayTotals], mapping: Mapping, settings: QboSettings | None, doc_type: str
) -> list[Planned]:
    """The documents of each day and outlet, each ready to send or blocked with the reason."""
    planned: list[Planned] = []
    for day in days:
        keys = _keys(day)
        if doc_type == "journal":
            draft = journal_entry_for_day(day, mapping)
            if not draft.lines:
                continue
            check = check_mapping(mapping, settings, keys, "journal", outlets=[day.outlet])
            messages = _messages(check, draft.issues)
            if not messages and not draft.balanced:
                messages = [f"{day.outlet} {day.business_date}: the entry does not balance"]
            if messages:
                planned.append(_blocked(day, "journal", "", messages))
            else:
                planned.append(Planned(journal_entry_document(draft, mapping.version)))
            continue
        for draft in sales_receipts_for_day(day, mapping):
            method = draft.payment_method
            own = {k for k in keys if k[0] != "payment" or k[1] == method}
            check = check_mapping(mapping, settings, own, "receipt", outlets=[day.outlet])
            messages = _messages(check, draft.issues)
            if messages:
                planned.append(_blocked(day, "receipt", method, messages))
                continue
            planned.append(
                Planned(
                    sales_receipt_document(
                        draft, mapping.version, payment_method=_payment_method(settings, method)
                    )
                )
            )
    return planned


def _payment_method(settings: QboSettings | None, name: str) -> Ref | None:
    for method in settings.payment_methods if settings else ():
        if method.active and method.name.casefold() == name.casefold():
            return Ref(method.id, method.name)
    return None


# --- the service ---------------------------------------------------------------------


def post_range(
    config: Config,
    store: Store,
    *,
    sources: Sequence[Path],
    date_from: date,
    date_to: date | None = None,
    outlets: Sequence[str] | None = None,
    doc_type: str = "journal",
    replace: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int, PostOutcome], None] | None = None,
    gateway: QboGateway | None = None,
    policy: RetryPolicy | None = None,
) -> list[PostOutcome]:
    """Post every day and outlet of the period; one outcome per document, in date order.

    Raises ``PosDataRejected`` on bad POS input and ``ReconnectNeeded`` when QuickBooks
    no longer accepts the connection (documents already sent stay in the ledger).
    """
    from posbooks.mapping import current_mapping
    from posbooks.qbo.settings import current_settings
    from posbooks.totals import daily_totals

    if doc_type not in ("journal", "receipt"):
        raise ValueError(f"doc_type must be journal or receipt, not {doc_type!r}")
    policy = policy or RetryPolicy.from_env()
    exports = open_pos_exports(sources)
    days = daily_totals(exports, date_from, date_to, outlets=list(outlets) if outlets else None)
    plan = plan_documents(days, current_mapping(store), current_settings(store), doc_type)
    if dry_run:
        return _dry_run(config, store, plan, replace, progress)
    if gateway is None and any(p.doc for p in plan):
        from posbooks.qbo.gateway import RetryPolicy as ReadRetry
        from posbooks.qbo.gateway import open_gateway

        # the gateway retries reads (DocNumber lookups) on the same backoff scale as writes
        reads = ReadRetry(attempts=policy.attempts, base_delay=policy.base_seconds)
        gateway = open_gateway(config, store, timeout=policy.http_timeout, retry=reads)
    engine = _Engine(store, gateway, policy, replace, progress, len(plan))
    return engine.run(plan)


def post_day(config: Config, store: Store, *, business_date: date, **kwargs) -> list[PostOutcome]:
    """``post_range`` for one business day."""
    return post_range(config, store, date_from=business_date, date_to=business_date, **kwargs)


def _dry_run(
    config: Config,
    store: Store,
    plan: list[Planned],
    replace: bool,
    progress: Callable[[int, int, PostOutcome], None] | None,
) -> list[PostOutcome]:
    from posbooks.qbo.auth import connection_status

    realm = connection_status(config, store).realm_id
    outcomes = []
    for p in plan:
        if p.doc is None:
            outcome = p.blocked
        else:
            doc = p.doc
            row = ledger.find(store, realm, doc) if realm else None
            if row and row.status == "posted" and row.content_hash == doc.content_hash:
                status, message = "unchanged", f"already in QuickBooks (Id {row.qbo_id})"
            elif row and row.status == "posted":
                status = "ready" if replace else "changed"
                message = (
                    f"would update QuickBooks Id {row.qbo_id}"
                    if replace
                    else "POS data or mapping changed since it was posted"
                )
            else:
                status, message = "ready", "would be created"
            outcome = _outcome(doc, status, row.qbo_id if row else None, message)
        outcomes.append(outcome)
        if progress:
            progress(len(outcomes), len(plan), outcome)
    return outcomes


def _outcome(doc: Document, status: str, qbo_id: str | None, message: str) -> PostOutcome:
    return PostOutcome(
        doc.business_date, doc.outlet, doc.doc_type, status, doc.doc_number, qbo_id, message,
        doc.doc_key,
    )  # fmt: skip


def _unwrap(reply: dict, entity: str) -> dict:
    return reply.get(entity, reply) if isinstance(reply, dict) else reply


@dataclass
class _Engine:
    store: Store
    gateway: QboGateway | None
    policy: RetryPolicy
    replace: bool
    progress: Callable[[int, int, PostOutcome], None] | None
    total: int
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    outcomes: dict[str, PostOutcome] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)

    @property
    def realm(self) -> str:
        return self.gateway.realm_id  # type: ignore[union-attr]

    def run(self, plan: list[Planned]) -> list[PostOutcome]:
        docs = [p.doc for p in plan if p.doc is not None]
        order = []
        for p in plan:
            if p.doc is None:
                self._done_outcome(p.blocked)  # type: ignore[arg-type]
                order.append(p.blocked.doc_number)  # type: ignore[union-attr]
            else:
                order.append(p.doc.doc_number)
        try:
            to_create, to_update = self._classify(docs)
            for doc, qbo_id in to_update:
                self._update(doc, qbo_id)
            deferred = self._create_all(to_create)
            self._wait_for_others(deferred)
        finally:
            if self.claimed:
                ledger.release(self.store, self.realm, self.claimed, self.owner)
        return [self.outcomes[n] for n in order]

    def _done_outcome(self, outcome: PostOutcome) -> None:
        self.outcomes[outcome.doc_number or ""] = outcome
        if self.progress:
            self.progress(len(self.outcomes), self.total, outcome)

    def _done(self, doc: Document, status: str, qbo_id: str | None, message: str) -> None:
        self._done_outcome(_outcome(doc, status, qbo_id, message))

    def _classify(self, docs: list[Document]):
        to_create, to_update = [], []
        for doc in docs:
            row = ledger.find(self.store, self.realm, doc)
            if row is None or row.status != "posted":
                to_create.append(doc)
            elif row.content_hash == doc.content_hash:
                self._done(doc, "unchanged", row.qbo_id, f"already in QuickBooks (Id {row.qbo_id})")
            elif self.replace:
                to_update.append((doc, row.qbo_id))
            else:
                self._changed(doc, row.qbo_id)
        return to_create, to_update

    def _changed(self, doc: Document, qbo_id: str | None) -> None:
        self._done(
            doc,
            "changed",
            qbo_id,
            f"POS data or mapping changed since {doc.doc_number} was posted (QuickBooks Id "
            f"{qbo_id}); not sent again. Use --replace to update that document.",
        )

    # --- creating ------------------------------------------------------------------

    def _claim(self, docs: list[Document]) -> tuple[list[Document], list[Document]]:
        numbers = [d.doc_number for d in docs]
        got, _busy = ledger.claim(
            self.store, self.realm, numbers, self.owner, self.policy.lease_seconds
        )
        self.claimed |= got
        return [d for d in docs if d.doc_number in got], [
            d for d in docs if d.doc_number not in got
        ]

    def _groups(self, docs: list[Document]) -> list[tuple[list[Document], str | None]]:
        """Batches to send: an interrupted batch again as it was, the rest in 30s."""
        by_number = {d.doc_number: d for d in docs}
        groups, used = [], set()
        for doc in docs:
            row = ledger.find(self.store, self.realm, doc)
            if doc.doc_number in used or not row or not row.batch_request_id:
                continue
            members = [by_number.get(n) for n in row.batch_members]
            if all(m is not None and m.doc_number not in used for m in members) and all(
                (r := ledger.find(self.store, self.realm, m)) and r.content_hash == m.content_hash
                for m in members
            ):
                groups.append((members, row.batch_request_id))
                used |= set(row.batch_members)
        rest = [d for d in docs if d.doc_number not in used]
        groups += [(rest[i : i + BATCH_SIZE], None) for i in range(0, len(rest), BATCH_SIZE)]
        return groups

    def _create_all(self, docs: list[Document]) -> list[Document]:
        deferred: list[Document] = []
        for group, batch_id in self._groups(docs):
            mine, busy = self._claim(group)
            deferred += busy
            if mine:
                self._create_group(mine, batch_id if not busy else None)
        return deferred

    def _lookup(self, docs: list[Document]) -> dict[str, list[dict]]:
        entity = docs[0].entity
        numbers = ", ".join(f"'{d.doc_number}'" for d in docs)
        found: dict[str, list[dict]] = {}
        for obj in self.gateway.query(entity, f"DocNumber IN ({numbers})"):  # type: ignore[union-attr]
            found.setdefault(obj.get("DocNumber"), []).append(obj)
        return found

    def _adopt(self, doc: Document, objs: list[dict], sent: bool) -> None:
        ours = [(o, parse_note(o.get("PrivateNote"))) for o in objs]
        same = [o for o, note in ours if note and note[0] == doc.content_hash]
        if same:
            obj = same[0]
            ledger.record_posted(self.store, self.realm, doc, obj)
            if sent:
                self._done(doc, "created", str(obj["Id"]), "created in QuickBooks")
            else:
                self._done(doc, "unchanged", str(obj["Id"]), "already in QuickBooks; recorded")
            return
        posbooks_made = [(o, n) for o, n in ours if n]
        if posbooks_made:
            obj, (old_hash, old_version) = posbooks_made[0]
            ledger.record_posted(
                self.store, self.realm, doc, obj, content_hash=old_hash, mapping_version=old_version
            )
            if self.replace:
                self._update(doc, str(obj["Id"]))
            else:
                self._changed(doc, str(obj["Id"]))
            return
        message = (
            f"DocNumber {doc.doc_number} is already used in QuickBooks by a document posbooks "
            f"did not write (Id {objs[0].get('Id')}); rename or delete it there, then send again."
        )
        ledger.record_failed(self.store, self.realm, doc, message)
        self._done(doc, "failed", None, message)

    def _create_group(self, docs: list[Document], batch_id: str | None) -> None:
        from posbooks.qbo.gateway import QboError

        pending = list(docs)
        sent: set[str] = {
            d.doc_number
            for d in docs
            if (r := ledger.find(self.store, self.realm, d)) and r.status == "sending"
        }
        last_error = ""
        for attempt in range(self.policy.attempts):
            if attempt:
                time.sleep(self.policy.backoff(attempt - 1))
            ledger.claim(
                self.store, self.realm, [d.doc_number for d in pending], self.owner,
                self.policy.lease_seconds,
            )  # fmt: skip
            try:
                found = self._lookup(pending)
            except QboError as exc:
                if not exc.retryable:
                    return self._fail_all(pending, f"QuickBooks refused the lookup: {exc.detail}")
                last_error = exc.detail
                continue
            for doc in [d for d in pending if d.doc_number in found]:
                self._adopt(doc, found[doc.doc_number], doc.doc_number in sent)
            missing = [d for d in pending if d.doc_number not in found]
            if len(missing) != len(pending):
                batch_id = None  # that batch was processed: the rest go on their own
            pending = missing
            if not pending:
                return
            sent |= {d.doc_number for d in pending}
            try:
                if len(pending) == 1 and batch_id is None:
                    self._create_one(pending[0])
                    pending = []
                else:
                    batch_id = batch_id or self._batch_id(pending)
                    pending = self._create_batch(pending, batch_id)
            except QboError as exc:
                if not exc.retryable:
                    if len(pending) == 1:
                        return self._refused(pending[0], exc.detail, None)
                    batch_id = None  # a refused batch: send its documents one by one
                    pending_singles = [[d] for d in pending]
                    for single in pending_singles:
                        self._create_group(single, None)
                    return
                last_error = exc.detail
                continue
            if not pending:
                return
        self._fail_all(
            pending,
            f"QuickBooks did not confirm after {self.policy.attempts} tries ({last_error}); "
            "send again to finish: nothing is created twice.",
        )

    def _batch_id(self, docs: list[Document]) -> str:
        ids = "|".join(self._request_id(d) for d in docs)
        return str(uuid.UUID(bytes=hashlib.sha256(f"batch|{ids}".encode()).digest()[:16]))

    def _request_id(self, doc: Document) -> str:
        row = ledger.find(self.store, self.realm, doc)
        generation = row.generation if row else 0
        return request_id(self.realm, doc.doc_number, doc.content_hash, generation, "create")

    def _generation(self, doc: Document) -> int:
        row = ledger.find(self.store, self.realm, doc)
        return row.generation if row else 0

    def _create_one(self, doc: Document) -> None:
        rid = self._request_id(doc)
        ledger.record_sending(self.store, self.realm, [(doc, rid, self._generation(doc))])
        reply = self.gateway.create(doc.entity, doc.body, request_id=rid)  # type: ignore[union-attr]
        obj = _unwrap(reply, doc.entity)
        ledger.record_posted(self.store, self.realm, doc, obj)
        self._done(doc, "created", str(obj.get("Id")), "created in QuickBooks")

    def _create_batch(self, docs: list[Document], batch_id: str) -> list[Document]:
        """Send one batch; returns the documents whose result is still unknown (none)."""
        ledger.record_sending(
            self.store,
            self.realm,
            [(d, self._request_id(d), self._generation(d)) for d in docs],
            batch_request_id=batch_id,
        )
        items = [{"bId": d.doc_number, "operation": "create", d.entity: d.body} for d in docs]
        replies = self.gateway.batch(items, request_id=batch_id)  # type: ignore[union-attr]
        by_bid = {r.get("bId"): r for r in replies}
        unknown = []
        for doc in docs:
            reply = by_bid.get(doc.doc_number)
            if reply is None:
                unknown.append(doc)
            elif "Fault" in reply:
                self._refused(doc, _fault_text(reply["Fault"]), reply)
            else:
                obj = reply[doc.entity]
                ledger.record_posted(self.store, self.realm, doc, obj)
                self._done(doc, "created", str(obj.get("Id")), "created in QuickBooks")
        return unknown

    def _refused(self, doc: Document, detail: str, reply: dict | None) -> None:
        message = f"QuickBooks refused {doc.doc_number}: {detail}"
        ledger.record_failed(
            self.store, self.realm, doc, message, reply=reply, next_generation=True
        )
        self._done(doc, "failed", None, message)

    def _fail_all(self, docs: list[Document], message: str) -> None:
        for doc in docs:
            # outcome unknown: the ledger keeps it "sending" so the next run looks it up
            ledger.record_unknown(self.store, self.realm, doc, message)
            self._done(doc, "failed", None, message)

    def _wait_for_others(self, deferred: list[Document]) -> None:
        """Documents another process was sending: wait for its result, or take over."""
        deadline = time.monotonic() + self.policy.wait_for_others_seconds
        while deferred:
            time.sleep(0.2 + random.uniform(0, 0.2))
            still = []
            for doc in deferred:
                row = ledger.find(self.store, self.realm, doc)
                if row and row.status == "posted":
                    if row.content_hash == doc.content_hash:
                        self._done(doc, "unchanged", row.qbo_id, "sent by another posbooks run")
                    else:
                        self._changed(doc, row.qbo_id)
                    continue
                mine, _ = self._claim([doc])
                if mine:
                    self._create_group(mine, None)
                else:
                    still.append(doc)
            deferred = still
            if deferred and time.monotonic() > deadline:
                self._fail_all(deferred, "another posbooks run is still sending it; try later")
                return

    # --- replacing -----------------------------------------------------------------

    def _update(self, doc: Document, qbo_id: str) -> None:
        from posbooks.qbo.gateway import QboError

        mine, _ = self._claim([doc])
        if not mine:
            self._done(doc, "failed", qbo_id, "another posbooks run is sending it; try later")
            return
        last_error = ""
        for attempt in range(self.policy.attempts):
            if attempt:
                time.sleep(self.policy.backoff(attempt - 1))
            try:
                current = self.gateway.read(doc.entity, qbo_id)  # type: ignore[union-attr]
                if current is None:
                    message = f"QuickBooks Id {qbo_id} no longer exists; it was deleted there"
                    ledger.record_failed(self.store, self.realm, doc, message)
                    self._done(doc, "failed", qbo_id, message)
                    return
                current = _unwrap(current, doc.entity)
                note = parse_note(current.get("PrivateNote"))
                if note and note[0] == doc.content_hash:
                    break  # our update landed though its reply was lost
                rid = request_id(
                    self.realm, doc.doc_number, doc.content_hash, int(current["SyncToken"]),
                    "update",
                )  # fmt: skip
                body = with_identity(doc, qbo_id, str(current["SyncToken"]))
                current = _unwrap(
                    self.gateway.update(doc.entity, body, request_id=rid),  # type: ignore[union-attr]
                    doc.entity,
                )
                break
            except QboError as exc:
                if exc.retryable or exc.kind == "stale":
                    last_error = exc.detail
                    continue
                message = f"QuickBooks refused the update of {doc.doc_number}: {exc.detail}"
                ledger.record_failed(self.store, self.realm, doc, message)
                self._done(doc, "failed", qbo_id, message)
                return
        else:
            message = f"QuickBooks did not confirm the update ({last_error}); send again"
            self._done(doc, "failed", qbo_id, message)
            return
        ledger.record_posted(self.store, self.realm, doc, current)
        self._done(
            doc,
            "updated",
            str(current.get("Id")),
            f"updated in QuickBooks (SyncToken {current.get('SyncToken')})",
        )


def _fault_text(fault: dict) -> str:
    errors = fault.get("Error") or fault.get("error") or []
    parts = [
        f"{e.get('Message') or e.get('message')}: {e.get('Detail') or e.get('detail')} "
        f"(code {e.get('code')})"
        for e in errors
    ]
    return "; ".join(parts) or str(fault)
