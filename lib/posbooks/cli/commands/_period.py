"""The ``--date D [--to D2]`` period every sub-command reads, with one wording for mistakes."""

from __future__ import annotations

import sys
from datetime import date


def _day(command: str, option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise PeriodError(
            f"posbooks {command}: {option} {text} is not a date ({exc}); dates look like 2026-11-20"
        ) from None


class PeriodError(ValueError):
    """A --date/--to that is not a date, or a --to before --date; the message says which."""


def parse_period(
    command: str, date_text: str | None, to_text: str | None, *, open_ended: bool = False
) -> tuple[date | None, date | None]:
    """(date_from, date_to) from the options; --to defaults to --date unless ``open_ended``."""
    date_from = _day(command, "--date", date_text) if date_text else None
    date_to = _day(command, "--to", to_text) if to_text else None
    if date_to is None and not open_ended:
        date_to = date_from
    if date_from and date_to and date_to < date_from:
        raise PeriodError(f"posbooks {command}: --to {date_to} is before --date {date_from}")
    return date_from, date_to


def period_or_exit_status(
    command: str, date_text: str | None, to_text: str | None, *, open_ended: bool = False
) -> tuple[date | None, date | None] | int:
    """The period, or 2 after printing what is wrong (the CLI's status for bad input)."""
    try:
        return parse_period(command, date_text, to_text, open_ended=open_ended)
    except PeriodError as exc:
        print(exc, file=sys.stderr)
        return 2
