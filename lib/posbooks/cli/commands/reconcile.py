"""``posbooks reconcile``: does QuickBooks still agree with what was sent and with the POS?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from posbooks.cli.commands._period import period_or_exit_status
from posbooks.cli.output import json_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``reconcile`` to the CLI."""
    parser = subparsers.add_parser(
        "reconcile",
        help="compare the POS now, what was sent and what QuickBooks holds now",
        description="Per business day, outlet and document: matched, edited or deleted in "
        "QuickBooks, POS changed since sent, not sent, in QuickBooks only, or failed; with "
        "the lines that differ. Exit 0 when everything agrees, 1 when something differs, "
        "2 when an action (--send-again, --adjust, --accept) is refused.",
    )
    parser.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="first business day")
    parser.add_argument("--to", metavar="YYYY-MM-DD", help="last business day (default: --date)")
    parser.add_argument("--outlet", action="append", metavar="NAME", help="only this outlet")
    parser.add_argument("--type", choices=("journal", "receipt"), default="journal")
    parser.add_argument(
        "--source", nargs="+", metavar="PATH", help="POS exports (default: the sample data)"
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--send-again", metavar="DOCNUMBER", help="send that document again")
    action.add_argument(
        "--adjust", metavar="DOCNUMBER", help="post an adjusting journal entry for its difference"
    )
    action.add_argument("--accept", metavar="DOCNUMBER", help="accept its difference as is")
    parser.add_argument("--by", metavar="NAME", help="who accepts (with --accept)")
    parser.add_argument("--why", metavar="TEXT", default="", help="why (--accept, --adjust)")
    parser.set_defaults(func=run)


AGREES = ("matched", "adjusted")  # one row each; "accepted" still says who accepted what


def _money(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def table(result) -> str:
    """Documents with status and totals; the differing lines of each under it; counts."""
    from posbooks.core.reconcile import STATUS_LABELS

    head = ("Date", "Outlet", "DocNumber", "Status", "POS now", "Sent", "QuickBooks")
    rows = [head] + [
        (str(c.business_date), c.outlet, c.doc_number, c.label,
         _money(c.pos_total), _money(c.sent_total), _money(c.qbo_total))
        for c in result.documents
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    out = []
    for i, row in enumerate(rows):
        out.append("  ".join(v.rjust(w) if j >= 4 else v.ljust(w)
                             for j, (v, w) in enumerate(zip(row, widths, strict=True))))  # fmt: skip
        check = result.documents[i - 1] if i else None
        # one compared on its total alone (no mapping saved) says why, even when it agrees
        if check is not None and (check.status not in AGREES or not check.lines_compared):
            out.append(f"    {check.message}")
            for ln in check.differences:
                where = " / ".join(p for p in (ln.account, ln.class_, ln.location) if p)
                out.append(
                    f"    {where}: POS {_money(ln.pos) or '-'}, sent {_money(ln.sent) or '-'}, "
                    f"QuickBooks {_money(ln.qbo) or '-'}"
                )
    counts = result.counts()
    out.append(
        ", ".join(f"{n} {_in_a_sentence(STATUS_LABELS[s])}" for s, n in counts.items())
        or "No documents in this period."
    )
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    """Reconcile; exit 0 all agree, 1 differences, 2 bad input, 3 reconnect needed."""
    from posbooks import services
    from posbooks.services import (
        ConfigError,
        ExportRejected,
        QboError,
        ReconcileError,
        ReconnectNeeded,
    )

    period = period_or_exit_status("reconcile", args.date, args.to)
    if isinstance(period, int):
        return period
    date_from, date_to = period
    if args.accept and not (args.by and args.why):
        print("posbooks reconcile: --accept needs --by NAME and --why TEXT", file=sys.stderr)
        return 2
    sources = [Path(p) for p in args.source] if args.source else [services.default_source()]
    try:
        wb = services.local_workbench()
        if wb.config.is_local:
            services.start_local_sandbox(wb.config)
        result = services.reconcile_documents(
            wb, sources, date_from, date_to, args.outlet, args.type
        )
        chosen = args.send_again or args.adjust or args.accept
        if chosen:
            check = result.find(chosen)
            if args.send_again:
                # stopped: ReconcileError, refused like --adjust and --accept (exit 2)
                outcomes = services.send_again(wb, check, sources)
                for o in outcomes:
                    print(o.summary, file=sys.stderr)
            elif args.adjust:
                adj = services.post_adjustment(wb, check, args.why)
                print(f"{adj.doc_number}: posted (QuickBooks Id {adj.qbo_id})", file=sys.stderr)
            else:
                services.accept_as_is(wb, check, args.by, args.why)
                print(f"{chosen}: accepted as is by {args.by}", file=sys.stderr)
            result = services.reconcile_documents(
                wb, sources, date_from, date_to, args.outlet, args.type
            )
    except ExportRejected as exc:
        print(f"posbooks reconcile: the POS data was rejected.\n{exc}", file=sys.stderr)
        return 2
    except (ConfigError, ReconcileError) as exc:
        print(f"posbooks reconcile: {exc}", file=sys.stderr)
        return 2
    except ReconnectNeeded as exc:
        print(f"posbooks reconcile: {exc} Run `posbooks connect`.", file=sys.stderr)
        return 3
    except QboError as exc:
        print(f"posbooks reconcile: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json_text(services.reconcile_json(result), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        sys.stdout.write(services.reconcile_csv(result))
    else:
        print(table(result))
    good = {"matched", "adjusted", "accepted"}
    return 0 if all(c.status in good for c in result.documents) else 1


def _in_a_sentence(label: str) -> str:
    """A status label inside a sentence: 'Edited in QuickBooks' -> 'edited in QuickBooks'.

    Only a plain capitalised first word is lowered; names (QuickBooks, DocNumber) keep theirs.
    """
    first, _, rest = label.partition(" ")
    if first.istitle():
        first = first.lower()
    return f"{first} {rest}" if rest else first
