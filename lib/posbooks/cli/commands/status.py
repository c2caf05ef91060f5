"""``posbooks status``: which company posbooks is connected to, and the health of its tokens."""

from __future__ import annotations

import argparse

from posbooks.cli.commands._connection import open_home, reports_errors, when
from posbooks.cli.output import json_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``status`` to the CLI."""
    parser = subparsers.add_parser(
        "status",
        help="show the QuickBooks connection: company, environment, token health",
        description="Show the QuickBooks connection. Never prints a token. Exit status 0 "
        "when connected, 1 when not connected or reconnecting is needed.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Print the connection status (no network call)."""
    from posbooks import services

    wb = open_home(start_sandbox=False)
    config = wb.config
    status = services.connection(wb)
    settings = services.current_settings(wb)
    if args.format == "json":
        data = status.to_json()
        data["settings_fetched_at"] = (
            settings.fetched_at.isoformat() if settings and settings.fetched_at else None
        )
        data["home"] = str(config.home)
        print(json_text(data, indent=2, ensure_ascii=False))
        return 0 if status.connected else 1
    state = "connected" if status.connected else (
        "reconnect needed" if status.reconnect_needed else "not connected"
    )  # fmt: skip
    lines = [f"QuickBooks:    {state}", f"Environment:   {status.environment}"]
    # another working directory means another .posbooks: say which home was read
    lines.append(f"Home:          {config.home}")
    if status.realm_id:
        lines.append(
            f"Company:       {status.company_name or '(name unknown)'} (realm {status.realm_id})"
        )
    if status.connected:
        expires = status.access_expires_at
        health = "valid until" if expires and expires > services.utc_now() else "expired at"
        lines.append(f"Access token:  {health} {when(expires)} (renewed automatically)")
        lines.append(
            f"Connection:    valid until {when(status.refresh_expires_at, date_only=True)}"
            f" (last renewed {when(status.refresh_obtained_at)})"
        )
    if settings is not None:
        lines.append(f"Settings:      fetched {when(settings.fetched_at)}")
    lines.append(status.message)
    print("\n".join(lines))
    return 0 if status.connected else 1
