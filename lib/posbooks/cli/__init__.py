"""The ``posbooks`` command line.

Each sub-command lives in its own module under ``posbooks.cli.commands`` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (a callable taking the
parsed ``argparse.Namespace`` and returning the exit status). Modules are discovered,
so adding a command touches no other file.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from posbooks import __version__
from posbooks.cli import commands
from posbooks.cli.output import printable_output


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posbooks",
        description="Book a POS system's daily sales in QuickBooks Online.",
    )
    parser.add_argument("--version", action="version", version=f"posbooks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"posbooks.cli.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        with printable_output():  # names from the POS and QuickBooks cannot drive the terminal
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader stopped reading (`posbooks history | head`): not an error to report;
        # point stdout at /dev/null so the interpreter's final flush does not raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a command whose pipe closed
    except Exception as exc:
        # imported only now: posbooks.services takes a while to load, `--help` needs none of it
        from posbooks.services import StoreError

        if not isinstance(exc, StoreError):
            raise
        # any command: the state database's sentence, no traceback
        print(f"posbooks {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
