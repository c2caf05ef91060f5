"""What the CLI prints passes through ``printable``: names from the POS and QuickBooks
cannot drive the terminal.

An outlet called ``Bangsar\\x1b]0;pwned\\x07`` would retitle the window, ``\\x1b[2J`` clears
the screen and a bare ``\\r`` rewrites the line before it. ``printable_output`` wraps
stdout and stderr while a command runs, so every command, present and future, table, JSON
or CSV, prints without C0/C1 control characters (newlines and tabs stay). Our own terminal
sequences (the send progress bar) go to ``raw``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from posbooks.core.untrusted import printable


class PrintableStream:
    """A text stream that drops control characters from whatever is written to it."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(printable(text, keep_line_breaks=True))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):  # flush, isatty, fileno, encoding, ...
        return getattr(self.raw, name)


def raw_stream(stream) -> TextIO:
    """The terminal behind ``stream``, for sequences posbooks writes on purpose."""
    return getattr(stream, "raw", stream)


@contextmanager
def printable_output() -> Iterator[None]:
    """stdout and stderr without control characters for the duration of a command."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(saved[0]), PrintableStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


_RAW_IN_JSON = re.compile(r"[\x7f-\x9f]")  # json.dumps escapes C0 itself, never DEL or C1


def json_text(data: object, **options) -> str:
    """``json.dumps(data, **options)`` with every control character as a ``\\uXXXX`` escape.

    JSON is for programs: names stay whole (a reader gets them back exactly), yet nothing
    raw reaches a terminal, even with ``ensure_ascii=False``.
    """
    text = json.dumps(data, **options)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
