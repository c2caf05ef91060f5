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


# What GFM turns into a link even when escaped: Streamlit's Markdown finds bare URLs
# (``http://``, ``https://``, ``www.``) and e-mail addresses in the text *after* the escapes
# are read, so a backslash cannot stop them. An invisible word joiner (U+2060) inside the
# pattern does: ``http\u2060://``, ``www\u2060.``, ``@\u2060``.
WORD_JOINER = "\u2060"
_AUTOLINK_PARTS = re.compile(r"://|(?<![^\W_])www(?=\.)|@", re.IGNORECASE)


def unlinked(text: str) -> str:
    """``text`` with every bare URL and e-mail address broken by an invisible word joiner."""

    def part(match: re.Match) -> str:
        found = match.group()
        return WORD_JOINER + found if found == "://" else found + WORD_JOINER

    return _AUTOLINK_PARTS.sub(part, text)


def md_escape(text: object) -> str:
    """Text safe to place in anything Streamlit renders as Markdown: ``st.markdown``, alerts,
    captions, widget labels, ``help=`` tooltips, expander titles, progress and toast texts.

    Every Markdown/HTML character is escaped (no image, link, HTML, directive or LaTeX) and
    bare URLs and e-mail addresses are neutralised (no autolink); newlines become spaces.
    """
    if text is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", unlinked(str(text))).replace("\n", " ")


def chart_label(text: object) -> str:
    """A name for a Plotly chart (axis, legend, hover): Plotly reads ``<a href>``, ``<b>``
    and friends in text, and shows HTML entities as the characters they stand for."""
    return html.escape("" if text is None else str(text), quote=False)


def money(amount: Decimal | int | None, *, blank_zero: bool = False) -> str:
    """A Decimal as the bookkeeper reads it: ``1,234.50``; ``-12.00``; ``""`` for None."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if blank_zero and value == 0:
        return ""
    return f"{value:,.2f}"


EMPTY = "—"  # a value that is not there, in every table (never a blank or a bullet)


def amount_or_dash(amount: Decimal | int | None) -> str:
    """``money`` for a table cell: ``—`` where a source has no such amount."""
    return EMPTY if amount is None else money(amount)


_TECHNICAL_ASIDE = re.compile(r"\s*\((?:[^()]*\b(?:SyncToken|invalid_grant)\b[^()]*)\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`])")


def for_people(message: str) -> tuple[str, str]:
    """A message split for a page: the main text in plain words, and what goes into a
    details fold (SyncTokens, ``invalid_grant``, sentences naming CLI commands in backticks).
    """
    asides = [m.group(0).strip() for m in _TECHNICAL_ASIDE.finditer(message)]
    text = _TECHNICAL_ASIDE.sub("", message)
    kept, folded = [], list(asides)
    for sentence in _SENTENCE.split(text):
        technical = "`" in sentence or "SyncToken" in sentence or "invalid_grant" in sentence
        (folded if technical and kept else kept).append(sentence)
    return " ".join(kept).strip(), " ".join(folded).strip()


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
