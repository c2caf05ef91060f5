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
    """The ``posbooks`` parser with every sub-command."""
    return _parser()[0]


def _parser(only: str | None = None) -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The parser and its sub-commands: all of them, or only those of the module ``only``."""
    parser = argparse.ArgumentParser(
        prog="posbooks",
        description="Book a POS system's daily sales in QuickBooks Online.",
    )
    parser.add_argument("--version", action="version", version=f"posbooks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_modules():
        if only is None or name == only:
            importlib.import_module(f"posbooks.cli.commands.{name}").register(sub)
    return parser, sub


def _command_modules() -> list[str]:
    """The modules of ``posbooks.cli.commands`` that define commands, by name."""
    found = pkgutil.iter_modules(commands.__path__)
    return sorted(m.name for m in found if not m.name.startswith("_"))


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for ``argv``: when it starts with a command, one that knows only it (the
    module named after it: ``outlet-codes`` in ``outlet_codes``), since importing and
    registering the others costs each run ~10 ms; else the whole one, for --help's list and
    the choices an error names."""
    first = argv[0] if argv else "-"
    module = first.replace("-", "_")
    if not first.startswith("-") and module in _command_modules():
        parser, sub = _parser(only=module)
        if first in sub.choices:
            return parser
    return build_parser()


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = parser_for(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        build_parser().print_help()  # every command listed
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
