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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only the sub-command ``only`` when there is one of that
    name: a run then loads one command module, not all of them (~20 ms of every run)."""
    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    names = [n for n in names if not n.startswith("_")]
    module = (only or "").replace("-", "_")  # outlet-codes lives in outlet_codes
    if module in names:
        parser, sub = _top_level()
        importlib.import_module(f"posbooks.cli.commands.{module}").register(sub)
        if only in sub.choices:
            return parser
    parser, sub = _top_level()
    for name in names:
        importlib.import_module(f"posbooks.cli.commands.{name}").register(sub)
    return parser


def _top_level() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog="posbooks",
        description="Book a POS system's daily sales in QuickBooks Online.",
    )
    parser.add_argument("--version", action="version", version=f"posbooks {__version__}")
    return parser, parser.add_subparsers(dest="command", metavar="COMMAND")


def _command_named(argv: Sequence[str]) -> str | None:
    """The sub-command a command line names: its first word (the top level takes no values),
    or None when the top level is asked for its help first (`posbooks -h send` lists all)."""
    for arg in argv:
        if arg in ("-h", "--help"):
            return None
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_named(argv))
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
