"""One typed DuckDB pass over a CSV export: clean, or look closer.

DuckDB reads a CSV on every core; Arrow's reader fed through Python, as the exact
validation does, took ~8x as long for a chain's year (10.4 M lines). Here DuckDB reads the
text (strict: a row of the wrong width stops it), types every value by the same SQL as
``checks`` and writes only the typed canonical lines to the scratch Parquet file, with a flag
on any row a rule finds wrong. The file is clean when no row is flagged, the rows are
exactly the file's lines (no blank line, no quoted newline: row numbers stay the line
numbers the user sees) and ``clean_parquet`` finds the receipts sound. Anything else, and
the file is validated by the exact path, whose messages name every problem.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from posbooks.pos import loaders
from posbooks.pos.checks import column_plan, literal, quote
from posbooks.pos.clean_parquet import GROUPED_TEXT, CleanFile, clean_parquet
from posbooks.pos.columns import CANONICAL_COLUMNS, match_headers


def clean_csv(
    con: duckdb.DuckDBPyConnection, path: Path, scratch: Callable[[], str]
) -> tuple[CleanFile, str] | None:
    """The verdict on a clean CSV and the SELECT of its typed lines (read from the file by
    DuckDB on use), or None when the file needs the exact validation."""
    stream = loaders.stream_csv(path)  # the header as the exact readers see it
    if stream is None:
        return None
    match = match_headers(stream.headers)
    if match.problems:
        return None
    position = {h: i for i, h in enumerate(stream.headers)}
    plans = {
        n: column_plan(n, "VARCHAR" if n in match.source_of else None) for n, _ in CANONICAL_COLUMNS
    }
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(stream.headers))) + "}"
    source = (
        f"read_csv({literal(str(path))}, header = true, columns = {columns}, "
        f"delim = {literal(stream.separator)}, quote = '\"', escape = '\"', "
        "strict_mode = true, auto_detect = false, null_padding = false)"
    )
    raw = ", ".join(
        f"c{position[match.source_of[n]]} AS {quote('r_' + n)}" for n, _ in CANONICAL_COLUMNS
        if n in match.source_of
    )  # fmt: skip
    typed = ", ".join(f"{plans[n].typed} AS {quote('t_' + n)}" for n, _ in CANONICAL_COLUMNS)
    # Grouped text is taken as read: clean_parquet finds it trimmed and not blank on the
    # grouped rows (or looks closer), which costs nothing next to trimming 10 M values each.
    kept_raw = {n for n in GROUPED_TEXT if n in match.source_of}

    def canonical(raw_too: set[str]) -> str:
        return ", ".join(
            f"{quote(('r_' if n in kept_raw | raw_too else 't_') + n)} AS {quote(n)}"
            for n, _ in CANONICAL_COLUMNS
        )

    # Optional values that did not type; every other rule clean_parquet sees for itself.
    flags = [
        f"CASE WHEN {quote('t_' + n)} IS NULL THEN NULLIF(trim({quote('r_' + n)}), '') "
        "IS NOT NULL ELSE false END"
        for n in ("quantity", "closed_at") if n in match.source_of
    ]  # fmt: skip
    if "voided" in match.source_of:
        flags.append('"t_voided" IS NULL')
    typed_from = f"FROM (SELECT *, {typed} FROM (SELECT {raw} FROM {source}))"
    flagged = f"({' OR '.join(flags) or 'false'}) AS flagged"
    lines = f"SELECT {canonical(set())}, {flagged} {typed_from}"
    # The check groups the dates as read and types them per day (clean_parquet's date_text):
    # typing 10 M date strings one by one cost ~0.5 s.
    dated = "business_date" in match.source_of
    checked = f"SELECT {canonical({'business_date'} if dated else set())}, {flagged} {typed_from}"
    names = {n: n for n, _ in CANONICAL_COLUMNS}
    # Lines are counted (and the bytes checked UTF-8) while DuckDB reads: it lets go of the
    # GIL, so the count costs ~0.4 s of wall time on a 932 MiB file instead of ~0.9 s.
    # (Imported here: with logging and queue it costs every preview ~4 ms, a Parquet one too.)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="posbooks-count") as pool:
        counting = pool.submit(loaders.utf8_line_count, path)

        def rows_expected() -> int | None:
            count = counting.result()
            return None if count is None else count - 1

        try:
            clean = clean_parquet(con, f"({checked})", names, dict(CANONICAL_COLUMNS), "flagged",
                                  rows_expected, one_pass=True, scratch=scratch,
                                  date_text=dated)  # fmt: skip
        except duckdb.Error:  # DuckDB's reader refused a line: the exact readers will say why
            return None
    if clean is None:
        return None
    listed = ", ".join(quote(n) for n in names)
    # DuckDB keeps the file's order, so the n-th row read is the file's line n + 1.
    return clean, f"SELECT {listed}, row_number() OVER () + 1 AS source_row FROM ({lines})"
