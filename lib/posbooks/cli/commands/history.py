"""``posbooks history``: the posting ledger, newest first."""

from __future__ import annotations

import argparse

from posbooks.cli.commands._period import period_or_exit_status
from posbooks.cli.output import json_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``history`` to the CLI."""
    parser = subparsers.add_parser(
        "history", help="list what posbooks sent to QuickBooks (the posting ledger)"
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="from this business day")
    parser.add_argument("--to", metavar="YYYY-MM-DD", help="up to this business day")
    parser.add_argument("--type", choices=("journal", "receipt"))
    parser.add_argument("--limit", type=int, default=0, help="at most N rows (0: all)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the ledger rows."""
    from posbooks import services
    from posbooks.core.render import document_type, sent_amount, sent_total, status_words

    period = period_or_exit_status("history", args.date, args.to, open_ended=True)
    if isinstance(period, int):
        return period
    date_from, date_to = period
    wb = services.local_workbench()
    rows = services.history(wb, date_from=date_from, date_to=date_to, doc_type=args.type)
    if args.limit:
        rows = rows[: args.limit]
    if args.format == "json":
        keys = ("realm_id", "doc_type", "doc_key", "doc_number", "content_hash",
                "mapping_version", "request_id", "qbo_id", "sync_token", "status", "message",
                "attempts", "created_at", "updated_at", "posted_at")  # fmt: skip
        print(
            json_text(
                [
                    {
                        "business_date": r.business_date.isoformat(),
                        "outlet": r.outlet,
                        **{k: getattr(r, k) for k in keys},
                        "total": str(amount) if (amount := sent_amount(r)) is not None else None,
                        "status_words": status_words(r),
                    }  # fmt: skip
                    for r in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not rows:
        filtered = args.date or args.to or args.type
        print("Nothing sent matches these filters." if filtered else "Nothing sent yet.")
        return 0
    currency = (
        (settings.preferences.home_currency or "")
        if (settings := services.current_settings(wb))
        else ""
    )
    total = f"Total {currency}".strip()
    print(f"{'Date':<10}  {'Outlet':<12}  {'Document':<27}  {'DocNumber':<21}  {total:>14}  "
          f"{'Status':<30}  QuickBooks Id  Updated")  # fmt: skip
    for r in rows:
        print(
            f"{r.business_date!s:<10}  {r.outlet:<12}  {document_type(r.doc_type, r.doc_key):<27}  "
            f"{r.doc_number:<21}  {sent_total(r):>14}  {status_words(r):<30}  "
            f"{r.qbo_id or '—':<13}  {r.updated_at[:19]}"
            + (f"  {r.message}" if r.status != "posted" and r.message else "")  # why not posted
        )
    return 0
