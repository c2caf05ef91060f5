"""What the connection commands share: configuration, store, and errors as plain messages."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a command runs: `posbooks --help` loads none of them
    from posbooks.services import Config, Workbench


def expected_errors() -> tuple[type[Exception], ...]:
    """Failures a bookkeeper can act on: printed as one message, exit status 1, no traceback."""
    from posbooks import services

    return services.command_errors()


def open_home(*, start_sandbox: bool = True) -> Workbench:
    """The configuration and store; the local sandbox started first when it is used."""
    from posbooks import services

    def tell(config: Config, base_url: str) -> None:
        print(sandbox_started(config, base_url), file=sys.stderr)

    return services.command_workbench(start_sandbox=start_sandbox, sandbox_started=tell)


def sandbox_started(config: Config, base_url: str) -> str:
    """What to tell a bookkeeper when posbooks started the sandbox: it stays running."""
    return (
        f"Started the local QuickBooks sandbox at {base_url} in the background "
        f"(log: {config.home / 'sandbox.log'}). It keeps running; "
        "`posbooks sandbox --stop` stops it."
    )


def reports_errors(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the expected failures of ``run`` into a message on stderr and exit status 1."""

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except Exception as exc:
            from posbooks.services import redact

            if isinstance(exc, expected_errors()):
                print(f"posbooks {args.command}: {redact(str(exc))}", file=sys.stderr)
                return 1
            # only a command that loaded requests can fail with its errors: importing it
            # here would cost `posbooks status` ~70 ms for nothing
            requests = sys.modules.get("requests")
            if requests is None or not isinstance(exc, requests.RequestException):
                raise
            print(
                f"posbooks {args.command}: QuickBooks could not be reached "
                f"({type(exc).__name__}): {redact(str(exc))}",
                file=sys.stderr,
            )
            return 1

    return wrapper


def when(value: datetime | None, *, date_only: bool = False) -> str:
    """A time as a bookkeeper reads it, in UTC."""
    if value is None:
        return "unknown"
    return f"{value:%Y-%m-%d}" if date_only else f"{value:%Y-%m-%d %H:%M} UTC"
