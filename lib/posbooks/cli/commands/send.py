"""``posbooks send``: post a day or a period to QuickBooks, exactly once per document."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from posbooks.cli.commands._period import period_or_exit_status
from posbooks.cli.output import json_text, raw_stream
from posbooks.core.untrusted import printable

FAILING = ("failed", "blocked")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``send`` to the CLI."""
    parser = subparsers.add_parser(
        "send",
        help="send journal entries or sales receipts to QuickBooks",
        description="Post each business day and outlet of a period to QuickBooks. Days "
        "already posted are not sent again; changed days are reported (see --replace).",
    )
    parser.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="first business day")
    parser.add_argument("--to", metavar="YYYY-MM-DD", help="last business day (default: --date)")
    parser.add_argument("--outlet", action="append", metavar="NAME", help="only this outlet")
    parser.add_argument("--type", choices=("journal", "receipt"), default="journal")
    parser.add_argument(
        "--source",
        nargs="+",
        metavar="PATH",
        help="POS exports (default: the sample data, local sandbox only)",
    )
    parser.add_argument(
        "--replace", action="store_true", help="update documents whose POS data or mapping changed"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be sent; send nothing"
    )
    parser.add_argument(
        "--allow-both-types",
        action="store_true",
        help="send even days already sent as the other type (journal vs receipts); delete "
        "those in QuickBooks first, or the sales are booked twice",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def _progress_printer(stream):
    def show(done: int, total: int, outcome) -> None:
        what = f"{outcome.business_date} {outcome.outlet} {outcome.doc_key}".strip()
        if stream.isatty():
            bar = "#" * (30 * done // max(total, 1))
            line = printable(f"[{bar:<30}] {done}/{total} {what}: {outcome.status}")
            raw_stream(stream).write(f"\r{line}\033[K")  # our own sequences, around a clean line
            if done == total:
                stream.write("\n")
        else:
            stream.write(f"{done}/{total} {what}: {outcome.status}\n")
        stream.flush()

    return show


def _table(outcomes) -> str:
    if not outcomes:
        return "Nothing to send."
    rows = [("Date", "Outlet", "Document", "Status", "DocNumber", "QuickBooks Id", "Message")]
    for o in outcomes:
        doc = "Journal entry" if o.doc_type == "journal" else f"Receipt {o.doc_key}"
        rows.append(
            (
                str(o.business_date),
                o.outlet,
                doc,
                o.status,
                o.doc_number or "",
                o.qbo_id or "",
                o.message,
            )  # fmt: skip
        )
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:6], widths, strict=False)) + "  " + r[6]
        for r in rows
    ]
    counts = Counter(o.status for o in outcomes)
    lines.append(
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "Nothing to send."
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Send; exit 1 when anything failed or was blocked, 2 on bad input, 3 to reconnect."""
    from posbooks import services
    from posbooks.services import (
        ConfigError,
        CryptoError,
        DuplicateDocNumbers,
        PosDataRejected,
        QboError,
        ReconnectNeeded,
        SandboxUnavailable,
        StoreError,
    )

    period = period_or_exit_status("send", args.date, args.to)
    if isinstance(period, int):
        return period
    date_from, date_to = period
    sources = [Path(p) for p in args.source] if args.source else [services.default_source()]
    try:
        config = services.home_config()
        if not config.is_local and not args.source:
            print(
                "posbooks send: name the POS exports with --source FILE... when sending to "
                "Intuit QuickBooks; without it posbooks would send its demo sample data "
                f"({sources[0].name}), which must never reach real books.",
                file=sys.stderr,
            )
            return 2
        wb = services.local_workbench(config)
        if config.is_local and not args.dry_run:
            if services.start_local_sandbox(config):
                from posbooks.cli.commands._connection import sandbox_started

                print(sandbox_started(config, config.sandbox_url), file=sys.stderr)
        outcomes = services.post_period(
            wb,
            sources=sources,
            date_from=date_from,
            date_to=date_to,
            outlets=args.outlet,
            doc_type=args.type,
            replace=args.replace,
            dry_run=args.dry_run,
            allow_both_types=args.allow_both_types,
            progress=_progress_printer(sys.stderr) if date_to > date_from else None,
        )
    except PosDataRejected as exc:
        print(
            f"posbooks send: the POS data was rejected; nothing was sent.\n{exc}", file=sys.stderr
        )
        return 2
    except (ConfigError, DuplicateDocNumbers) as exc:
        print(f"posbooks send: {exc}", file=sys.stderr)
        return 2
    except ReconnectNeeded as exc:
        if exc.outcomes:  # what this run did before QuickBooks refused the connection
            _print_outcomes(exc.outcomes, args.format)
        again = " Then send the same period again: nothing already sent is sent twice."
        print(f"posbooks send: {exc}{again if exc.outcomes else ''}", file=sys.stderr)
        return 3
    except (QboError, SandboxUnavailable, StoreError, CryptoError) as exc:
        print(f"posbooks send: {exc}", file=sys.stderr)
        return 1
    _print_outcomes(outcomes, args.format)
    if not outcomes or (args.outlet and set(args.outlet) - {o.outlet for o in outcomes}):
        seen = {o.outlet for o in outcomes}
        for note in services.period_notes(wb, sources, date_from, date_to, args.outlet, seen):
            print(f"note: {note}", file=sys.stderr)
    return 1 if any(o.status in FAILING for o in outcomes) else 0


def _print_outcomes(outcomes, output_format: str) -> None:
    if output_format == "json":
        print(json_text([o.to_json() for o in outcomes], indent=2, ensure_ascii=False))
    else:
        print(_table(outcomes))
