"""``posbooks disconnect``: revoke the QuickBooks connection and delete its tokens."""

from __future__ import annotations

import argparse

from posbooks.cli.commands._connection import open_home, reports_errors


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``disconnect`` to the CLI."""
    parser = subparsers.add_parser(
        "disconnect", help="revoke the QuickBooks connection and delete the stored tokens"
    )
    parser.set_defaults(func=run)


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Revoke at QuickBooks, delete here, say what happened."""
    from posbooks import services

    print(services.disconnect(open_home()).message)
    return 0
