"""Restore a document edited in QuickBooks: the engine's update path for reconcile's "send again".

The bookkeeper reconciled and saw the edit at SyncToken ``seen``. The engine then:
1. claims the document (a second session waits, then finds the restore done: ``unchanged``);
2. reads it by Id: deleted since, or edited again since (another SyncToken), is refused in
   plain words and nothing is written;
3. updates it with SyncToken ``seen`` itself, so an edit landing between the read and the
   update is refused by QuickBooks (stale object, 5010) instead of being overwritten;
4. after a lost reply reads again: the SyncToken one past ``seen`` with exactly the lines
   posbooks wrote means the update landed; it is recorded, never sent twice.
The ledger records the restored document (same Id, new SyncToken).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from posbooks.core.reconcile import lines_from_qbo, net_by_key
from posbooks.posting import ledger
from posbooks.posting.outcome import RetryPolicy, request_id
from posbooks.qbo.errors import QboError
from posbooks.qbo.payloads import Document, with_identity

if TYPE_CHECKING:
    from posbooks.posting.ledger import LedgerRow
    from posbooks.qbo.gateway import QboGateway
    from posbooks.state.store import Store


class SendingRun(Protocol):
    """What restoring needs of the engine's ``SendRun`` (which calls it): claims, the
    gateway, the retry policy and the way outcomes are recorded."""

    store: Store
    gateway: QboGateway
    policy: RetryPolicy

    @property
    def realm(self) -> str: ...

    def claim_waiting(self, doc: Document) -> bool: ...

    def _claim(self, docs: list[Document]) -> object: ...

    def _done(self, doc: Document, status: str, qbo_id: str | None, message: str) -> None: ...


def _same_lines(obj: dict, body: dict) -> bool:
    return net_by_key(lines_from_qbo(obj)) == net_by_key(lines_from_qbo(body))


def restore_edited(run: SendingRun, doc: Document, row: LedgerRow, seen: str) -> None:
    """Write ``doc`` over QuickBooks document ``row.qbo_id``, edited there up to ``seen``."""
    number, qbo_id = doc.doc_number, row.qbo_id or ""
    if not run.claim_waiting(doc):
        busy = "another posbooks run is still sending it; try later"
        return run._done(doc, "failed", qbo_id, busy)
    row = ledger.find(run.store, run.realm, doc) or row  # another session may have restored it
    same = row.content_hash == doc.content_hash
    what = "restored what posbooks sent" if same else "replaced the edit with the POS now"
    rid = request_id(run.realm, number, doc.content_hash, int(seen), "restore")
    sent, last_error = False, ""
    for attempt in range(run.policy.attempts):
        if attempt:
            time.sleep(run.policy.backoff(attempt - 1))
            run._claim([doc])  # renew the lease
        try:
            current = run.gateway.read(doc.entity, qbo_id)
            if current is None:
                gone = (
                    f"{number} (QuickBooks Id {qbo_id}) was deleted in QuickBooks since you "
                    "reconciled; nothing was written. Reconcile again, then send it again."
                )
                return run._done(doc, "failed", qbo_id, gone)
            token = str(current.get("SyncToken"))
            if token != seen:
                if row.sync_token == token and same:
                    done = f"already restored by another posbooks session (SyncToken {token})"
                    return run._done(doc, "unchanged", qbo_id, done)
                if sent and token == str(int(seen) + 1) and _same_lines(current, doc.body):
                    break  # our update landed although its reply was lost
                return run._done(doc, "failed", qbo_id, _edited_again(number, seen, token))
            sent = True
            current = run.gateway.update(
                doc.entity, with_identity(doc, qbo_id, seen), request_id=rid
            )
            break
        except QboError as exc:
            if exc.kind == "stale":  # edited in QuickBooks between our read and our update
                return run._done(doc, "failed", qbo_id, _edited_again(number, seen, None))
            if exc.retryable:
                last_error = exc.detail
                continue
            message = f"QuickBooks refused the update of {number}: {exc.detail}"
            ledger.record_failed(run.store, run.realm, doc, message)
            return run._done(doc, "failed", qbo_id, message)
    else:
        message = f"QuickBooks did not confirm the update ({last_error}); send again"
        return run._done(doc, "failed", qbo_id, message)
    ledger.record_posted(run.store, run.realm, doc, current)
    run._done(doc, "updated", str(current.get("Id")), f"{what} (SyncToken {current['SyncToken']})")


def _edited_again(number: str, seen: str, now: str | None) -> str:
    """Why nothing was written: QuickBooks holds a later edit than the one reconciled."""
    moved = f"SyncToken {seen} -> {now}" if now else f"its SyncToken moved past {seen}"
    return (
        f"{number} was changed in QuickBooks again since you reconciled ({moved}); nothing "
        "was written. Reconcile again to see that change, then choose what to do."
    )
