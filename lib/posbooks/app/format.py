"""Formatting, escaping and link building for the workbench pages (pure functions).

Names from QuickBooks and the POS are data, never markup: every name shown through
Markdown passes through ``md_escape`` and every name placed in HTML through ``html.escape``.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

# Characters Streamlit's Markdown (CommonMark + directives + LaTeX) gives meaning to.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&])")


def md_escape(text: object) -> str:
    """Text safe to place inside ``st.markdown``: every Markdown/HTML character escaped."""
    if text is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def money(amount: Decimal | int | None, *, blank_zero: bool = False) -> str:
    """A Decimal as the bookkeeper reads it: ``1,234.50``; ``-12.00``; ``""`` for None."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if blank_zero and value == 0:
        return ""
    return f"{value:,.2f}"


def plural(count: int, noun: str) -> str:
    """``1 day``, ``3 days``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def relative_time(when: datetime | None, now: datetime) -> str:
    """``in 52 minutes`` / ``3 days ago`` / ``never``; both datetimes aware or both naive."""
    if when is None:
        return "never"
    delta = when - now
    future = delta >= timedelta(0)
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        text = plural(int(seconds), "second")
    elif seconds < 3600:
        text = plural(int(seconds // 60), "minute")
    elif seconds < 2 * 86400:
        text = plural(int(seconds // 3600), "hour")
    else:
        text = plural(int(seconds // 86400), "day")
    return f"in {text}" if future else f"{text} ago"


def date_label(day: date) -> str:
    """``Tue 24 Nov 2026``: the weekday matters to a restaurant bookkeeper."""
    return day.strftime("%a %d %b %Y")


def is_loopback_url(url: str) -> bool:
    """True when the URL points at this machine (the local sandbox)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in {"localhost", "::1"} or host.startswith("127.")


def same_tab_link(url: str, label: str) -> str:
    """An HTML link that stays in this browser tab; url and label are escaped."""
    return (
        f'<a href="{html.escape(url, quote=True)}" target="_self" rel="noopener">'
        f"{html.escape(label)}</a>"
    )
