"""``posbooks outlet-codes``: the code each outlet has in DocNumbers, and choosing one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``outlet-codes`` to the CLI."""
    parser = subparsers.add_parser(
        "outlet-codes",
        help="list or choose each outlet's code in DocNumbers (PB261120-<code>-J)",
        description="Every outlet has a short code of its own in the DocNumbers posbooks "
        "sends, so two outlets never share a document. Codes are given once; choose your own "
        "before an outlet's first send (never after: QuickBooks holds the old numbers).",
    )
    parser.add_argument(
        "--source", nargs="+", metavar="PATH",
        help="give codes now to the outlets of these POS exports (default: the sample data)",
    )  # fmt: skip
    parser.add_argument(
        "--set", action="append", default=[], metavar="OUTLET=CODE",
        help="give OUTLET the code CODE (2-5 letters or digits; repeatable)",
    )  # fmt: skip
    parser.set_defaults(func=run)


def printable(text: str) -> str:
    """A name as the terminal may show it: no control characters (ESC, BEL, NUL...)."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def run(args: argparse.Namespace) -> int:
    """Assign codes to the exports' outlets, apply --set, print the table."""
    from posbooks import services
    from posbooks.services import CodeError, ConfigError, ExportRejected, StoreError

    try:
        wb = services.local_workbench()
        sources = [Path(s) for s in args.source] if args.source else [services.default_source()]
        services.assign_outlet_codes(wb, sources)
        for choice in args.set:
            outlet, sep, code = choice.rpartition("=")
            if not sep or not outlet:
                print(f"posbooks outlet-codes: --set takes OUTLET=CODE, not {choice!r}",
                      file=sys.stderr)  # fmt: skip
                return 2
            services.set_outlet_code(wb, outlet, code)
    except (CodeError, services.WorkbenchError, ConfigError, StoreError) as exc:
        print(f"posbooks outlet-codes: {printable(str(exc))}", file=sys.stderr)
        return 2
    except ExportRejected as exc:
        print(f"posbooks outlet-codes: the POS data was rejected.\n{exc}", file=sys.stderr)
        return 2
    rows = [(c.outlet, c.code, c.locked) for c in services.outlet_codes(wb)]
    width = max([len("Outlet"), *(len(printable(o)) for o, _, _ in rows)])
    print(f"{'Outlet':<{width}}  Code   Changeable")
    for outlet, code, locked in rows:
        note = "no: documents were sent under it" if locked else "yes"
        print(f"{printable(outlet):<{width}}  {code:<5}  {note}")
    return 0
