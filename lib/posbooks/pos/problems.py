"""What is wrong with a POS export, in words a bookkeeper can act on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

# A broken 10-million-line file must not produce 10 million messages.
MAX_PROBLEMS_PER_FILE = 200
# How many problems str(ExportRejected) spells out before summarising.
MAX_PROBLEMS_IN_MESSAGE = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an export file.

    ``row`` is the row as the user sees it: the spreadsheet/CSV line number with the
    header as row 1 (Parquet: 1-based data row + 1, the same rule). ``row`` and
    ``column`` are None when the problem concerns the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"

    def in_file(self, file: str) -> Problem:
        """The same problem reported under another file name (e.g. the upload name)."""
        return replace(self, file=file)


class ExportRejected(Exception):
    """Raised when one or more export files have problems; nothing may be posted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(describe_problems(self.problems))


def describe_problems(problems: tuple[Problem, ...], limit: int = MAX_PROBLEMS_IN_MESSAGE) -> str:
    """A readable, capped list of problems: one per line, then a count of the rest."""
    files = sorted({p.file for p in problems})
    head = f"{len(problems)} problem(s) in {', '.join(files)}; nothing was read from these files:"
    lines = [head, *(f"  {p}" for p in problems[:limit])]
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more")
    return "\n".join(lines)


def capped(file: str, problems: list[Problem], total: int | None = None) -> list[Problem]:
    """At most MAX_PROBLEMS_PER_FILE problems, the last one saying how many were left out."""
    total = len(problems) if total is None else total
    if total <= MAX_PROBLEMS_PER_FILE:
        return problems
    kept = problems[: MAX_PROBLEMS_PER_FILE - 1]
    return [*kept, Problem(file, None, None, f"... and {total - len(kept)} more problems")]
