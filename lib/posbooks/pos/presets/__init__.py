"""POS presets: Square, Toast and Loyverse exports (and any CSV through a saved column
mapping) read as they come, into posbooks' canonical sales lines.

Each preset module has one shape (like beangulp importers): ``identify(files) -> Match or
None`` from the headers alone, and ``extract(con, match, options) -> Extraction`` (canonical
lines as DuckDB SQL, or problems naming file, row and the POS's own column). The registry
``PRESETS`` lists them; a new POS is one new module and its tests. ``read_sources`` groups
files by kind, extracts, and hands canonical files to the existing validation.
"""

from __future__ import annotations

from posbooks.pos.presets import generic, loyverse, square, toast
from posbooks.pos.presets.base import Extraction, Match, SourceOptions
from posbooks.pos.presets.sources import Recognised, Sources, read_sources

# Tried in this order; generic only identifies files its saved profile names.
PRESETS = {m.name: m for m in (square, toast, loyverse, generic)}

__all__ = [
    "PRESETS",
    "Extraction",
    "Match",
    "Recognised",
    "SourceOptions",
    "Sources",
    "read_sources",
]
