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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from posbooks.core.docnumbers import DocNumbers, duplicated
from posbooks.core.errors import WorkbenchError
from posbooks.core.journal import journal_entry_for_day
from posbooks.core.left_out import note_left_out, without_left_out
from posbooks.core.mapping_rules import check_mapping
from posbooks.core.model import (
    DAY_RECEIPT_KEY,
    DayTotals,
    Issue,
    JournalDraft,
    Mapping,
    ReceiptDraft,
    Ref,
)
from posbooks.core.qbo_settings import QboSettings, books_closed_message
from posbooks.core.receipt_day import receipts_for_day
from posbooks.core.taxcodes import tax_rates_for
from posbooks.pos import ExportRejected, Exports
from posbooks.posting import ledger
from posbooks.posting.engine import SendRun
from posbooks.posting.numbering import doc_numbers
from posbooks.posting.outcome import PostOutcome, RetryPolicy
from posbooks.qbo.payloads import Document, journal_entry_document, sales_receipt_document
from posbooks.state.store import Store

if TYPE_CHECKING:
    from posbooks.qbo.gateway import QboGateway
    from posbooks.state.config import Config

PosDataRejected = ExportRejected  # bad POS input: nothing is sent
DRAFT_ONLY_CODES = ("no_mapping", "unmapped_account", "unmapped_item", "unmapped_deposit_account")
NO_MAPPING = (
    "Nothing is mapped to QuickBooks yet: run `posbooks refresh-settings`, then "
    "`posbooks mapping suggest --save` (or `posbooks mapping import FILE`), then send again."
)


def open_pos_exports(sources: Sequence[Path | str], store: Store | None = None) -> Exports:
    """Open and validate POS exports, read with the home's source profile (``store``);
    raises ``PosDataRejected`` naming file/row/column."""
    from posbooks.drafts.source_profile import open_sources

    exports = open_sources([Path(s) for s in sources], store=store)
    exports.raise_if_rejected()
    return exports


# --- planning ------------------------------------------------------------------------


@dataclass
class Planned:
    """A document to send, or the outcome that stops it."""

    doc: Document | None
    blocked: PostOutcome | None = None


def _messages(check: list[Issue], draft_issues: Sequence[Issue]) -> list[str]:
    if any(i.code == "no_mapping" for i in draft_issues):
        return [NO_MAPPING]  # one instruction, not every row of the mapping listed
    blocking = [i.message for i in check if i.blocking]
    own = [i for i in draft_issues if i.blocking]
    extra = [i.message for i in own if i.code not in DRAFT_ONLY_CODES]
    messages = blocking + extra
    return messages or [i.message for i in own]


def _keys(day: DayTotals) -> set[tuple[str, str | None]]:
    return {(t.source, t.key) for t in day.totals if t.amount}


def _blocked(
    day: DayTotals, doc_type: str, key: str, messages: list[str], numbers: DocNumbers
) -> Planned:
    number = numbers.number(day.business_date, day.outlet, doc_type, key)
    outcome = PostOutcome(
        day.business_date, day.outlet, doc_type, "blocked", number, None, "; ".join(messages), key
    )
    return Planned(None, outcome)


def blocking_messages(
    day: DayTotals, draft: JournalDraft | ReceiptDraft, mapping: Mapping,
    settings: QboSettings | None,
) -> list[str]:  # fmt: skip
    """Why ``draft`` (one of ``day``'s documents) cannot be sent, in words; [] when it can."""
    if settings is not None and settings.closed_through(day.business_date):
        return [books_closed_message(day.business_date, settings.preferences.book_close_date)]
    keys = _keys(day)
    if isinstance(draft, JournalDraft):
        check = check_mapping(mapping, settings, keys, "journal", outlets=[day.outlet])
        messages = _messages(check, draft.issues)
        if not messages and not draft.balanced:
            messages = [f"{day.outlet} {day.business_date}: the entry does not balance"]
        return messages
    own = {k for k in keys if k[0] != "payment" or k[1] == draft.payment_method}
    check = check_mapping(mapping, settings, own, "receipt", outlets=[day.outlet])
    return _messages(check, draft.issues)


def plan_documents(
    days: Sequence[DayTotals], mapping: Mapping, settings: QboSettings | None, doc_type: str,
    numbers: DocNumbers,
) -> list[Planned]:  # fmt: skip
    """The documents of each day and outlet, each ready to send or blocked with the reason.

    Raises ``DuplicateDocNumbers`` when two documents would share a DocNumber: nothing of
    such a plan may be sent (codes make it impossible; this is the last guard).
    """
    planned: list[Planned] = []
    for day in days:
        sendable, gone = without_left_out(day, mapping)  # types set to None on purpose
        if doc_type == "journal":
            draft = note_left_out(journal_entry_for_day(sendable, mapping), gone, mapping)
            if not draft.lines:
                continue
            messages = blocking_messages(day, draft, mapping, settings)
            if messages:
                planned.append(_blocked(day, "journal", "", messages, numbers))
            else:
                number = numbers.number(day.business_date, day.outlet, "journal")
                planned.append(
                    Planned(journal_entry_document(draft, mapping.version, doc_number=number))
                )
            continue
        for built in receipts_for_day(sendable, mapping, settings):  # one a day, or per method
            draft = note_left_out(built, gone, mapping)
            method = draft.payment_method
            messages = blocking_messages(day, draft, mapping, settings)
            kind = draft.doc_type  # "refund" for a method that paid out more than it took
            if messages:
                planned.append(_blocked(day, kind, method, messages, numbers))
                continue
            document = sales_receipt_document(
                draft,
                mapping.version,
                doc_number=numbers.number(day.business_date, day.outlet, kind, method),
                payment_method=_payment_method(settings, method),
                tax_rates=tax_rates_for(mapping, settings),
                sales_tax_code=None if mapping.tax_codes else mapping.sales_tax_code,
            )
            planned.append(Planned(document))
    _refuse_shared_numbers(planned)
    return planned


class DuplicateDocNumbers(WorkbenchError):
    """Two documents of one plan would share a DocNumber: the plan is refused whole."""


def _refuse_shared_numbers(planned: list[Planned]) -> None:
    outcomes = [p.doc or p.blocked for p in planned]
    shared = duplicated(o.doc_number for o in outcomes if o is not None and o.doc_number)
    if shared:
        who = {
            n: sorted(f"{o.outlet} {o.business_date}" for o in outcomes if o and o.doc_number == n)
            for n in shared
        }
        detail = "; ".join(f"{n}: {', '.join(names)}" for n, names in who.items())
        raise DuplicateDocNumbers(
            f"Nothing was sent: documents of different outlets or days would share a DocNumber "
            f"({detail}). Give each outlet its own code (posbooks outlet-codes) and send again."
        )


def period_numbers(store: Store, days: Sequence[DayTotals]) -> DocNumbers:
    """The home's DocNumbers with a code for every outlet and payment method of ``days``."""
    outlets = [d.outlet for d in days]
    keys = [t.key or "" for d in days for t in d.totals if t.source == "payment"]
    return doc_numbers(store, outlets, keys)


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
    allow_both_types: bool = False,
    restore: dict[str, str] | None = None,
) -> list[PostOutcome]:
    """Post every day and outlet of the period; one outcome per document, in date order.

    A day and outlet already sent as the other document type (journal vs receipts) is
    ``blocked``: both would book its sales twice. ``allow_both_types`` sends anyway (after
    the other one was deleted in QuickBooks). ``restore`` (DocNumber -> the SyncToken the
    bookkeeper saw) writes those documents back over an edit made in QuickBooks, only while
    QuickBooks still holds that edit (``posbooks.posting.restore``).

    Raises ``PosDataRejected`` on bad POS input and ``ReconnectNeeded`` when QuickBooks
    no longer accepts the connection (documents already sent stay in the ledger, and
    the exception's ``outcomes`` say what this run did before the refusal).
    """
    from posbooks.pos.totals import daily_totals

    if doc_type not in ("journal", "receipt"):
        raise ValueError(f"doc_type must be journal or receipt, not {doc_type!r}")
    exports = open_pos_exports(sources, store)
    days = daily_totals(exports, date_from, date_to, outlets=list(outlets) if outlets else None)
    return post_days(
        config,
        store,
        days,
        doc_type=doc_type,
        replace=replace,
        dry_run=dry_run,
        progress=progress,
        gateway=gateway,
        policy=policy,
        allow_both_types=allow_both_types,
        restore=restore,
    )


def post_days(
    config: Config,
    store: Store,
    days: Sequence[DayTotals],
    *,
    doc_type: str = "journal",
    replace: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int, PostOutcome], None] | None = None,
    gateway: QboGateway | None = None,
    policy: RetryPolicy | None = None,
    allow_both_types: bool = False,
    restore: dict[str, str] | None = None,
) -> list[PostOutcome]:
    """``post_range`` for daily totals already computed (e.g. by a preview on screen)."""
    from posbooks.drafts.mapping import current_mapping
    from posbooks.qbo.settings import current_settings

    if doc_type not in ("journal", "receipt"):
        raise ValueError(f"doc_type must be journal or receipt, not {doc_type!r}")
    policy = policy or RetryPolicy.from_env()
    from posbooks.core.mapping_rules import mapping_to_send

    settings = current_settings(store)
    mapping = mapping_to_send(current_mapping(store), settings)  # classes off: not sent
    plan = plan_documents(days, mapping, settings, doc_type, period_numbers(store, days))
    if not allow_both_types:
        plan = _block_days_sent_as_other_type(config, store, plan, doc_type)
    if doc_type == "receipt":
        plan = _block_days_sent_in_other_grouping(config, store, plan)
    if dry_run:
        return _dry_run(config, store, plan, replace, progress)
    if gateway is None and any(p.doc for p in plan):
        from posbooks.qbo.gateway import RetryPolicy as ReadRetry
        from posbooks.qbo.gateway import open_gateway

        # the gateway retries reads (DocNumber lookups) on the same backoff scale as writes
        reads = ReadRetry(attempts=policy.attempts, base_delay=policy.base_seconds)
        gateway = open_gateway(config, store, timeout=policy.http_timeout, retry=reads)
    return _send(store, gateway, policy, replace, plan, progress, restore or {})


def _block_days_sent_as_other_type(
    config: Config, store: Store, plan: list[Planned], doc_type: str
) -> list[Planned]:
    from posbooks.qbo.auth import connection_status

    realm = connection_status(config, store).realm_id
    docs = [p.doc for p in plan if p.doc is not None]
    if not realm or not docs:
        return plan
    other = "receipt" if doc_type == "journal" else "journal"
    others = ("receipt", "refund") if doc_type == "journal" else ("journal",)
    sent: dict[tuple[date, str], list[str]] = {}
    rows = [
        row
        for kind in others
        for row in ledger.ledger_rows(
            store,
            realm_id=realm,
            date_from=min(d.business_date for d in docs),
            date_to=max(d.business_date for d in docs),
            doc_type=kind,
        )
    ]
    for row in rows:
        if row.status in ("posted", "sending"):
            sent.setdefault((row.business_date, row.outlet), []).append(row.doc_number)
    what = {"journal": "a journal entry", "receipt": "sales receipts"}
    checked = []
    for p in plan:
        numbers = sent.get((p.doc.business_date, p.doc.outlet)) if p.doc else None
        if not numbers:
            checked.append(p)
            continue
        message = (
            f"{p.doc.outlet} {p.doc.business_date} was already sent as {what[other]} "
            f"({', '.join(sorted(numbers))}); sending {what[doc_type]} too would book "
            f"its sales twice. Delete {'it' if other == 'journal' else 'them'} in QuickBooks "
            "first, then send with "
            "`posbooks send --allow-both-types`."
        )
        checked.append(Planned(None, _outcome(p.doc, "blocked", None, message)))
    return checked


def _block_days_sent_in_other_grouping(
    config: Config, store: Store, plan: list[Planned]
) -> list[Planned]:
    """A day sent as one receipt per payment method is not sent again as one receipt a day,
    nor the other way round: both would book its sales twice."""
    from posbooks.qbo.auth import connection_status

    realm = connection_status(config, store).realm_id
    docs = [p.doc for p in plan if p.doc is not None]
    if not realm or not docs:
        return plan
    sent: dict[tuple[date, str], list[tuple[str, str]]] = {}
    for row in ledger.ledger_rows(
        store,
        realm_id=realm,
        date_from=min(d.business_date for d in docs),
        date_to=max(d.business_date for d in docs),
        doc_type="receipt",
    ):
        if row.status in ("posted", "sending"):
            sent.setdefault((row.business_date, row.outlet), []).append(
                (row.doc_key, row.doc_number)
            )
    checked = []
    for p in plan:
        rows = sent.get((p.doc.business_date, p.doc.outlet), []) if p.doc else []
        per_day = p.doc is not None and p.doc.doc_key == DAY_RECEIPT_KEY
        other = [n for key, n in rows if (key == DAY_RECEIPT_KEY) != per_day]
        if not other:
            checked.append(p)
            continue
        was = "one sales receipt per payment method" if per_day else "one sales receipt a day"
        message = (
            f"{p.doc.outlet} {p.doc.business_date} was already sent as {was} "
            f"({', '.join(sorted(other))}); sending it the other way too would book its sales "
            "twice. Keep that form for this day on the Mapping page, or delete those receipts "
            "in QuickBooks first."
        )
        checked.append(Planned(None, _outcome(p.doc, "blocked", None, message)))
    return checked


def _send(
    store: Store,
    gateway: QboGateway | None,
    policy: RetryPolicy,
    replace: bool,
    plan: list[Planned],
    progress: Callable[[int, int, PostOutcome], None] | None,
    restore: dict[str, str],
) -> list[PostOutcome]:
    outcomes: dict[str, PostOutcome] = {}

    def report(outcome: PostOutcome) -> None:
        outcomes[outcome.doc_number or ""] = outcome
        if progress:
            progress(len(outcomes), len(plan), outcome)

    for p in plan:
        if p.blocked is not None:
            report(p.blocked)
    from posbooks.qbo.auth import ReconnectNeeded

    docs = [p.doc for p in plan if p.doc is not None]
    try:
        if docs:
            run = SendRun(store, gateway, policy, replace, _outcome, report, restore=restore)  # type: ignore[arg-type]
            run.send(docs)
    except ReconnectNeeded as exc:
        # the caller still learns what was done before QuickBooks refused the connection
        stopped = (
            "not confirmed: QuickBooks refused the connection first; send again after "
            "reconnecting (nothing is created twice)"
        )
        for doc in docs:
            outcomes.setdefault(doc.doc_number, _outcome(doc, "failed", None, stopped))
        exc.outcomes = tuple(_in_plan_order(plan, outcomes))
        raise
    return _in_plan_order(plan, outcomes)


def _in_plan_order(plan: list[Planned], outcomes: dict[str, PostOutcome]) -> list[PostOutcome]:
    return [outcomes[p.doc.doc_number if p.doc else p.blocked.doc_number] for p in plan]  # type: ignore[union-attr]


def post_day(
    config: Config,
    store: Store,
    *,
    sources: Sequence[Path],
    business_date: date,
    outlets: Sequence[str] | None = None,
    doc_type: str = "journal",
    replace: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int, PostOutcome], None] | None = None,
    gateway: QboGateway | None = None,
    policy: RetryPolicy | None = None,
    restore: dict[str, str] | None = None,
) -> list[PostOutcome]:
    """``post_range`` for one business day."""
    return post_range(
        config, store, sources=sources, date_from=business_date, date_to=business_date,
        outlets=outlets, doc_type=doc_type, replace=replace, dry_run=dry_run,
        progress=progress, gateway=gateway, policy=policy, restore=restore,
    )  # fmt: skip


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
