"""Building many small immutable records at once, without the cycle collector's pauses.

A year's preview for a 20-outlet chain builds about half a million small immutable
objects (daily totals, entry lines, tie-out rows). None of them can take part in a
reference cycle, yet CPython's cyclic collector runs every 700 container allocations
and, as the heap grows, walks the older generations too: on the 20-outlet year that
was a third of the build time (bench/RESULTS.md, Findings). Reference counting still
frees everything at once; only the search for cycles is deferred until the build ends.

Streamlit serves each session from its own thread and ``gc.disable`` is process-wide,
so the pause is counted: the collector resumes when the last concurrent build leaves,
and only if it was running when the first one came in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector for the duration of a bulk build."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
