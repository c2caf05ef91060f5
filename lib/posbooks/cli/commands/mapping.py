"""``posbooks mapping export|import|check|suggest|source``: the saved mapping (and how POS
exports are read) from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from posbooks.cli.output import json_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``mapping`` and its actions to the CLI."""
    parser = subparsers.add_parser(
        "mapping",
        help="export, import, check or suggest the POS -> QuickBooks mapping",
        description="Where each POS amount goes in QuickBooks. Every save is a new version.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    _add_source_action(actions)

    export = actions.add_parser("export", help="print the current mapping as JSON")
    export.add_argument("--output", "-o", type=Path, help="write to FILE instead of stdout")
    export.set_defaults(func=_export)

    imp = actions.add_parser("import", help="save a mapping JSON file as a new version")
    imp.add_argument("file", type=Path)
    imp.add_argument("--note", default="", help="why this version (kept in the history)")
    imp.set_defaults(func=_import)

    for name, func, text in (
        ("check", _check, "list what stops the current mapping from sending"),
        ("suggest", _suggest, "suggest accounts by name and type for the POS data"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument(
            "--source", nargs="+", type=Path, help="POS export files (default: the sample data)"
        )
        action.add_argument("--type", choices=("journal", "receipt"), default="journal")
        action.add_argument("--format", choices=("table", "json"), default="table")
        action.set_defaults(func=func)
        if name == "suggest":
            action.add_argument(
                "--save", action="store_true", help="save the suggestions as a new version"
            )


def _add_source_action(actions) -> None:
    """``posbooks mapping source``: how POS exports are read (the source profile)."""
    from posbooks.cli.commands._presets import PRESET_NAMES

    source = actions.add_parser(
        "source",
        help="show or set how POS exports are read: preset and its options",
        description="The source profile saved in the home: which POS preset reads the "
        "exports (default: recognised from the headers) and the options the files alone do "
        "not tell. With no option, prints the current profile. See docs/pos-presets.md.",
    )
    source.add_argument(
        "--preset",
        choices=[*PRESET_NAMES, "auto"],
        help="always read uploads as this POS (auto: recognise from headers)",
    )
    source.add_argument("--tax-code", metavar="CODE", help="tax code of the export's tax")
    source.add_argument(
        "--tax-code-for",
        nargs=2,
        action="append",
        metavar=("OUTLET", "CODE"),
        help="tax code of one outlet (repeatable)",
    )
    dates = source.add_mutually_exclusive_group()
    dates.add_argument(
        "--day-first",
        action="store_const",
        const=True,
        dest="day_first",
        help="dates are DD/MM/YYYY",
    )
    dates.add_argument(
        "--month-first",
        action="store_const",
        const=False,
        dest="day_first",
        help="dates are MM/DD/YYYY",
    )
    dates.add_argument(
        "--dates-auto",
        action="store_const",
        const="auto",
        dest="day_first",
        help="date order from the file (month first when it cannot tell)",
    )
    source.add_argument(
        "--cutoff-hour",
        type=int,
        metavar="H",
        help="receipts before this hour (0-12) belong to the day before",
    )
    source.add_argument(
        "--time-zone",
        metavar="ZONE",
        help="the export's times are UTC: count "
        "business days in ZONE (e.g. America/New_York; '' = times are local)",
    )
    source.add_argument("--outlet", metavar="NAME", help="outlet when the export has none")
    source.add_argument("--gratuity-as", choices=("service_charge", "tip"))
    source.add_argument(
        "--clearing-method",
        metavar="NAME",
        help="payment method for each receipt's total when the export has no "
        "tenders (Square items alone, Toast without PaymentDetails)",
    )
    source.add_argument(
        "--split-tender",
        choices=("refuse", "clearing"),
        help="Loyverse receipts paid several ways: refuse, or to the clearing method",
    )
    source.add_argument(
        "--column",
        action="append",
        metavar="ROLE=HEADER",
        help="generic mapping: which column is date, outlet, receipt, category, "
        "item, quantity, payment_method, tax_code, line_type + amount, or amount "
        "columns sales, discount, service_charge, tax, tip, rounding, payment, "
        "payment:<method> (repeatable; saves the mapping for files with that header)",
    )
    source.add_argument(
        "--line-type",
        action="append",
        metavar="VALUE=TYPE",
        help="generic mapping: a word of the kind column and the line type it "
        "means, e.g. Verkauf=item (repeatable)",
    )
    source.add_argument("--clear-columns", action="store_true", help="forget the column mapping")
    source.add_argument(
        "--preview",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="show the first 20 lines these files give with the profile, and "
        "every problem (nothing is saved unless options are given too)",
    )
    source.add_argument("--reset", action="store_true", help="back to the defaults")
    source.set_defaults(func=_source)  # fmt: skip


def _source(args: argparse.Namespace) -> int:
    import dataclasses

    from posbooks import services
    from posbooks.services import SourceProfile

    wb = services.local_workbench()
    profile = SourceProfile() if args.reset else services.source_profile(wb)
    changes: dict = {}
    for name in ("tax_code", "cutoff_hour", "outlet", "gratuity_as", "clearing_method",
                 "split_tender", "time_zone"):  # fmt: skip
        if getattr(args, name) is not None:
            value = getattr(args, name)
            changes[name] = (value or None) if name in ("outlet", "time_zone") else value
    if args.day_first is not None:
        changes["day_first"] = None if args.day_first == "auto" else args.day_first
    if args.clear_columns:
        changes["columns"], changes["line_type_values"] = (), ()
    for flag, name in ((args.column, "columns"), (args.line_type, "line_type_values")):
        if not flag:
            continue
        pairs = dict(changes.get(name, getattr(profile.options, name)))
        for text in flag:
            role, sep, header = text.partition("=")
            if not sep or not role.strip() or not header.strip():
                print(f"posbooks mapping source: '{text}' is not NAME=VALUE", file=sys.stderr)
                return 2
            pairs[role.strip()] = header.strip()
        changes[name] = tuple(pairs.items())
    if "columns" in changes and changes["columns"]:
        wrong = services.column_mapping_problems(dict(changes["columns"]))
        if wrong:
            print(f"posbooks mapping source: the column mapping: {'; '.join(wrong)}",
                  file=sys.stderr)  # fmt: skip
            return 2
    if args.tax_code_for:
        by_outlet = {**dict(profile.options.tax_code_by_outlet), **dict(args.tax_code_for)}
        changes["tax_code_by_outlet"] = tuple(by_outlet.items())
    preset = profile.preset
    if args.preset is not None:
        preset = None if args.preset == "auto" else args.preset
    if changes or args.preset is not None or args.reset:
        try:
            options = dataclasses.replace(profile.options, **changes)
        except ValueError as exc:
            print(f"posbooks mapping source: {exc}", file=sys.stderr)
            return 2
        profile = services.save_profile(wb, SourceProfile(preset, options))
        print(f"Saved source profile version {profile.version}.")
    print(f"Source profile: {profile.describe()}")
    if args.preview:
        return _preview_lines(args.preview, profile)
    return 0


def _preview_lines(paths: list[Path], profile) -> int:
    """The first 20 canonical lines the files give with ``profile``, then every problem."""
    from posbooks import services

    exports = services.profile_exports(paths, profile)
    for description in (r.description for r in exports.recognised):
        print(f"Recognised: {description}")
    rows = services.profile_first_lines(paths, profile)
    for file, row, day, outlet, receipt, kind, key, amount in rows:
        where = f"{file} row {row}"
        print(f"  {where:<22} {day}  {outlet:<12} {receipt:<10} {kind:<14} {key:<14} {amount:>12}")
    for problem in exports.problems:
        print(f"PROBLEM {problem}")
    return 1 if exports.problems else 0


def _export(args: argparse.Namespace) -> int:
    from posbooks import services

    text = (
        json_text(services.export_mapping(services.local_workbench()), indent=2, ensure_ascii=False)
        + "\n"
    )
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"Mapping written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _import(args: argparse.Namespace) -> int:
    from posbooks import services
    from posbooks.services import MappingFormatError

    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
        wb = services.local_workbench()
        mapping = services.import_mapping(
            wb, data, note=args.note or f"imported from {args.file.name}"
        )
    except json.JSONDecodeError as exc:  # say where, in words, not Python's "char 0"
        print(
            f"{args.file}, line {exc.lineno}: cannot import the mapping: not valid JSON "
            f"({exc.msg}); export one with `posbooks mapping export`.",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        print(f"{args.file}: cannot import the mapping: {exc.strerror}", file=sys.stderr)
        return 2
    except MappingFormatError as exc:
        print(f"{args.file}: cannot import the mapping: {exc}", file=sys.stderr)
        return 2
    print(f"Saved mapping version {mapping.version} from {args.file}.")
    return 0


def _context(args: argparse.Namespace):
    from posbooks import services

    wb = services.local_workbench()
    if not args.source and not wb.config.is_local:
        print(
            "note: these rows come from posbooks' demo sample data; pass --source with your "
            "own POS exports to map what your tills really sell.",
            file=sys.stderr,
        )
    return (wb, *services.mapping_context(wb, args.source))


def _check(args: argparse.Namespace) -> int:
    from posbooks.services import PosDataRejected, check_mapping

    try:
        _, settings, mapping, keys, outlets = _context(args)
    except PosDataRejected as exc:
        print(exc, file=sys.stderr)
        return 2
    issues = check_mapping(mapping, settings, keys, args.type, outlets=outlets)
    blocking = [i for i in issues if i.blocking]
    if args.format == "json":
        print(
            json_text(
                {
                    "mapping_version": mapping.version,
                    "ok": not blocking,
                    "issues": [
                        {
                            "code": i.code,
                            "message": i.message,
                            "blocking": i.blocking,
                            "source": i.source,
                            "key": i.key,
                        }  # fmt: skip
                        for i in issues
                    ],
                },
                indent=2,
            )
        )
    else:
        print(f"Mapping version {mapping.version}: {len(blocking)} problem(s) block sending.")
        for issue in issues:
            print(f"  {'BLOCKS' if issue.blocking else 'note  '}  {issue.message}")
    return 1 if blocking else 0


def _suggest(args: argparse.Namespace) -> int:
    from posbooks import services
    from posbooks.services import PosDataRejected, suggest_mapping

    try:
        wb, settings, mapping, keys, outlets = _context(args)
    except PosDataRejected as exc:
        print(exc, file=sys.stderr)
        return 2
    if settings is None:
        print(
            "QuickBooks settings were never fetched: run `posbooks refresh-settings` first.",
            file=sys.stderr,
        )
        return 2
    suggested = suggest_mapping(keys, settings, outlets=outlets, base=mapping)
    if args.save:
        suggested = services.save_mapping(
            wb, suggested, note="suggested by posbooks mapping suggest"
        )
        rows = services.mapping_rows(keys, settings, suggested, doc_type=args.type)
    else:  # unsaved suggestions read "suggested", not "mapped": nothing is kept without --save
        rows = services.mapping_rows(
            keys, settings, mapping, doc_type=args.type, suggestion=suggested
        )
    if args.format == "json":
        print(
            json_text(
                {
                    "saved_version": suggested.version if args.save else None,
                    "rows": [
                        {
                            "label": r.label,
                            "source": r.source,
                            "key": r.key,
                            "account_id": r.account_id,
                            "account_name": r.account_name,
                            "status": r.status,
                        }  # fmt: skip
                        for r in rows
                    ],
                    "deposits": [
                        {"payment_method": m, "account_id": r.id, "account_name": r.name}
                        for m, r in sorted(suggested.deposits.items())
                    ],
                },
                indent=2,
            )
        )
    else:
        for row in rows:
            print(f"  {row.label:<32} {row.account_name or '-':<34} {row.status}")
        for method, ref in sorted(suggested.deposits.items()):
            journal = suggested.accounts.get(("payment", method))
            print(
                f"  Sales receipts paid by {method} deposit to '{ref.name}' (QuickBooks deposits "
                f"receipts only to Bank or Other Current Asset); journal entries use "
                f"'{journal.name if journal else '-'}'."
            )
        if args.save:
            print(f"Saved as mapping version {suggested.version}.")
        else:
            print("Nothing saved: run `posbooks mapping suggest --save` to keep these.")
    return 0
