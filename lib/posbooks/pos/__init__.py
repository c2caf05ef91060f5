"""POS export readers: files in, one canonical DuckDB view of sales lines out.

See docs/pos-export-format.md for the format and the messages a user may see.
"""

from __future__ import annotations

from posbooks.pos.columns import CANONICAL_COLUMNS, VIEW_COLUMNS
from posbooks.pos.exports import VIEW_NAME, Exports, clear_cache, open_exports
from posbooks.pos.problems import ExportRejected, Problem

__all__ = [
    "CANONICAL_COLUMNS",
    "VIEW_COLUMNS",
    "VIEW_NAME",
    "ExportRejected",
    "Exports",
    "Problem",
    "clear_cache",
    "open_exports",
]
