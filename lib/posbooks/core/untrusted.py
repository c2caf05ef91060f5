"""Names from the POS and QuickBooks are user data: make them harmless where they are shown.

Two outputs have their own dangers (the pages' Markdown is escaped in ``posbooks.app.format``):

- a CSV opened in a spreadsheet runs a text cell that starts like a formula
  (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``): ``spreadsheet_cell`` prefixes ``'``;
- a terminal obeys control characters (ESC starts a sequence that can retitle the window,
  rewrite earlier lines or hide text; BEL rings; NUL truncates in some tools):
  ``printable`` removes them from what the CLI prints.
"""

from __future__ import annotations

import re

# OWASP's list of characters a spreadsheet treats as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# C0 and C1 control characters and DEL, but not tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet will show, not run.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    ``'`` (spreadsheets show the rest as text). Only text is touched: amounts (Decimal),
    counts (int) and dates are written as they are, so ``-12.00`` stays a number that a
    spreadsheet can sum. A name like ``-5 Jalan Ampang`` reads ``'-5 Jalan Ampang``.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def printable(text: object, *, keep_line_breaks: bool = False) -> str:
    """``text`` without control characters (C0, DEL, C1): safe to print in a terminal.

    Tabs stay; newlines stay only with ``keep_line_breaks`` (a message of several lines),
    otherwise they become spaces (a name in a table row must stay on its row).
    """
    value = "" if text is None else str(text)
    if keep_line_breaks:
        return _CONTROLS.sub("", value)
    return _CONTROLS.sub("", value.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
