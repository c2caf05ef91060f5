"""``posbooks refresh-settings``: fetch the company's accounts, lists and preferences."""

from __future__ import annotations

import argparse

from posbooks.cli.commands._connection import open_home, reports_errors
from posbooks.cli.output import json_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``refresh-settings`` to the CLI."""
    parser = subparsers.add_parser(
        "refresh-settings",
        help="fetch accounts, classes, locations, items, payment methods, tax codes, preferences",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Fetch and store the settings; print what was found."""
    from posbooks import services

    settings = services.fetch_settings(open_home())
    if args.format == "json":
        print(json_text(services.settings_json(settings), indent=2, ensure_ascii=False))
        return 0
    inactive = sum(1 for a in settings.accounts if not a.active)
    prefs = settings.preferences
    print(
        f"{settings.company_name}: {len(settings.accounts)} accounts ({inactive} inactive), "
        f"{len(settings.classes)} classes, {len(settings.departments)} locations, "
        f"{len(settings.items)} items, {len(settings.payment_methods)} payment methods, "
        f"{len(settings.tax_codes)} tax codes.\n"
        f"Track classes: {'on' if prefs.class_tracking else 'off'}; "
        f"track locations: {'on' if prefs.location_tracking else 'off'}."
    )
    return 0
