"""Documents QuickBooks holds as posbooks' own that this home's ledger never sent.

History looks for them before the first send: sent from another computer or an earlier
posbooks home, they would otherwise surface only in a reconciliation of their period.
Only QuickBooks and the ledger are read (no POS drafts), so a year costs two queries, not
the minute a year of drafts takes; Reconcile compares the POS once a period is chosen.
"""

from __future__ import annotations

from datetime import date

from posbooks.core.docnumbers import OUR_DOC_NUMBER
from posbooks.core.reconcile import DocumentCheck, Side, Sources, lines_from_qbo, reconcile_document
from posbooks.posting import ledger
from posbooks.posting.numbering import doc_numbers
from posbooks.qbo.payloads import ENTITY, note_identity
from posbooks.reconcile import gather as reconcile


def documents_not_in_ledger(wb, date_from: date, date_to: date) -> list[DocumentCheck]:
    """Journal entries and sales receipts dated ``date_from``..``date_to`` that QuickBooks
    holds under posbooks' DocNumber and note with no posted ledger row here, by day/outlet.

    Each is a ``DocumentCheck`` of status ``qbo_only`` with QuickBooks' total (no POS side).
    Expected failures (not connected, reconnect needed, QuickBooks not answering) raise
    ``WorkbenchError`` in plain words.
    """
    from posbooks.core.errors import WorkbenchError
    from posbooks.qbo.errors import plain_quickbooks_errors

    with plain_quickbooks_errors():
        try:
            realm = reconcile.connected_realm(wb.config, wb.store)
            rows = ledger.ledger_rows(
                wb.store, realm_id=realm, date_from=date_from, date_to=date_to
            )
            gateway = reconcile.gateway_for(wb.config, wb.store)
            numbers = doc_numbers(wb.store)
            where = f"TxnDate >= '{date_from.isoformat()}' AND TxnDate <= '{date_to.isoformat()}'"
            found = [
                (doc_type, obj)
                for doc_type, entity in ENTITY.items()
                for obj in gateway.query(entity, where)
                if OUR_DOC_NUMBER.match(str(obj.get("DocNumber")))
                # a copy keeps the memo but names another day: not posbooks' document
                and note_identity(obj.get("PrivateNote"), str(obj.get("DocNumber")), numbers)
                is not None
            ]
        except reconcile.ReconcileError as exc:
            raise WorkbenchError(str(exc)) from None
    known = {(r.doc_type, r.doc_number): r for r in rows}
    checks = []
    for doc_type, obj in found:
        number = str(obj["DocNumber"])
        row = known.get((doc_type, number))
        if row is not None and row.status == "posted":
            continue
        noted = note_identity(obj.get("PrivateNote"), number, numbers)
        day, outlet, key = noted.business_date, noted.outlet, noted.doc_key  # type: ignore[union-attr]
        qbo = Side(lines_from_qbo(obj), str(obj.get("Id")), str(obj.get("SyncToken")))
        checks.append(
            reconcile_document(
                Sources(
                    business_date=day,
                    outlet=outlet,
                    doc_type=doc_type,
                    doc_key=key,
                    doc_number=number,
                    qbo=qbo,
                    ledger_status=row.status if row else None,
                    ledger_message=row.message if row else "",
                )  # fmt: skip
            )
        )
    return sorted(checks, key=lambda c: (c.business_date, c.outlet, c.doc_type, c.doc_key))
