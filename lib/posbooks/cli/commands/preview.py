"""``posbooks preview``: a period's journal entries or sales receipts, without sending."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from posbooks.cli.commands._period import period_or_exit_status
from posbooks.cli.commands._presets import PRESET_NAMES
from posbooks.cli.output import json_text

if TYPE_CHECKING:
    from posbooks.services import Mapping, SourceProfile


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``preview`` to the CLI."""
    parser = subparsers.add_parser(
        "preview",
        help="show the drafts of a day or period, tied back to the POS totals",
        description="Build each business day's Journal Entry or Sales Receipts from POS "
        "exports and show them with debits, credits and issues. Nothing is sent.",
    )
    parser.add_argument(
        "--source", nargs="+", metavar="PATH", help="POS export files (Parquet, CSV, .xlsx); "
        "default: the sample data/sample_sales.parquet",
    )  # fmt: skip
    parser.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="first business day")
    parser.add_argument("--to", metavar="YYYY-MM-DD", help="last business day (default: --date)")
    parser.add_argument(
        "--outlet", action="append", metavar="NAME", help="only this outlet (repeatable)"
    )
    parser.add_argument("--type", choices=("journal", "receipt"), default="journal")
    parser.add_argument(
        "--mapping", metavar="FILE", help="mapping JSON (accounts, classes, ...); default: the "
        "mapping last saved in POSBOOKS_HOME, else POS account types only",
    )  # fmt: skip
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--preset", choices=PRESET_NAMES, help="read the exports as this POS's (default: "
        "recognised from the headers, or the preset saved with `posbooks mapping source`)",
    )  # fmt: skip
    parser.set_defaults(func=run)


def _saved_mapping() -> tuple[Mapping | None, SourceProfile | None]:
    """The mapping last saved in this home (what ``send`` would use), or None if none is;
    and the source profile (how POS exports are read), None when no home exists."""
    from posbooks import services

    saved = services.saved_home_mapping()  # a preview never creates a home
    if saved is None:
        return None, None  # previewing needs no connection: POS account types only, as before
    mapping, profile, home = saved
    if profile.version:
        print(f"Source profile version {profile.version}: {profile.describe()}.", file=sys.stderr)
    if not mapping.version:
        return None, profile
    print(f"Mapping version {mapping.version} saved in {home}.", file=sys.stderr)
    return mapping, profile


def run(args: argparse.Namespace) -> int:
    """Print the preview; exit 1 on rejected exports or a mapping error, 2 on bad options."""
    period = period_or_exit_status("preview", args.date, args.to)
    if isinstance(period, int):
        return period
    date_from, date_to = period
    from posbooks import services

    paths = [Path(p) for p in args.source] if args.source else [services.default_source()]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        hint = "" if args.source else " (the sample data: run `make sample`, or pass --source)"
        for path in missing:
            print(f"posbooks preview: {path}: no such file{hint}", file=sys.stderr)
        return 1
    from posbooks.services import ExportRejected, MappingFormatError

    try:
        mapping, profile = _saved_mapping()
        if args.mapping:
            mapping = services.mapping_file(args.mapping)
        result = services.preview_drafts(paths, date_from, date_to, args.outlet, args.type, mapping,
                         preset=args.preset, profile=profile)  # fmt: skip
    except MappingFormatError as exc:
        print(f"posbooks preview: mapping {exc}", file=sys.stderr)
        return 1
    except ExportRejected as exc:
        print("posbooks preview: the exports were rejected, nothing previewed:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json_text(services.preview_json(result), indent=2, ensure_ascii=False))
    else:
        print(services.preview_text(result), end="")
    if not result.ties:
        print("posbooks preview: the drafts do not tie to the POS totals", file=sys.stderr)
        return 1
    return 0
