"""Widget values that survive going to another page and back (pure, over session state).

Streamlit forgets a widget's value when a run does not draw it, which is every run on
another page. Each page keeps a copy under ``_kept_<key>`` and puts it back under the
widget's key before drawing the widget (never passing ``value=`` as well).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

_PREFIX = "_kept_"


def restore(
    state: MutableMapping[str, Any],
    key: str,
    default: Any,
    fix: Callable[[Any], Any] | None = None,
) -> Any:
    """Put ``key``'s kept value (or ``default``) back before its widget is drawn.

    ``fix`` turns a value no longer allowed (a day outside the data, an outlet it does
    not have) into an allowed one; it returns None for "use the default".
    """
    value = state[key] if key in state else state.get(_PREFIX + key, default)
    if fix is not None:
        value = fix(value)
        if value is None:
            value = default
    state[key] = value
    return value


def keep(state: MutableMapping[str, Any], *keys: str) -> None:
    """Copy the widgets' current values aside, for the next visit to this page."""
    for key in keys:
        if key in state:
            state[_PREFIX + key] = state[key]


def forget(state: MutableMapping[str, Any], *keys: str) -> None:
    """Drop a widget's value and its kept copy (e.g. a deleted upload)."""
    for key in keys:
        state.pop(key, None)
        state.pop(_PREFIX + key, None)
