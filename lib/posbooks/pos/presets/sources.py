"""Uploaded or ``--source`` files grouped by POS and kind, extracted into canonical Parquet
files that the existing validation then reads (``open_exports`` calls ``read_sources``).
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from posbooks.pos.checks import literal, quote
from posbooks.pos.columns import REQUIRED, normalise
from posbooks.pos.presets.base import LINE_COLUMNS, Match, SourceOptions
from posbooks.pos.presets.files import PosFile, read_headers
from posbooks.pos.problems import Problem

_CACHE_SIZE = 16
_cache: OrderedDict[tuple, tuple] = OrderedDict()
_lock = threading.Lock()
_spill_dir: tempfile.TemporaryDirectory | None = None


@dataclass(frozen=True)
class Recognised:
    """What posbooks understood a group of files to be, and the export's own totals."""

    preset: str
    description: str  # "Square export: items + transactions, 31 transactions, ..."
    files: tuple[str, ...]
    name: str  # the name its canonical lines carry (source_file)
    own_totals: tuple[tuple[date, str, Decimal], ...] = ()
    total_label: str = ""
    compares: str = "payments"


@dataclass
class Sources:
    """What ``open_exports`` reads instead of the given files, and what was recognised."""

    paths: list[Path]
    names: list[str]
    problems: list[Problem] = field(default_factory=list)
    recognised: list[Recognised] = field(default_factory=list)
    # name given to open_exports -> canonical Parquet (to trace a row back to the POS file)
    lines_of: dict[str, Path] = field(default_factory=dict)

    def translate(self, problems: Sequence[Problem]) -> list[Problem]:
        """Validation problems on extracted lines, told in the POS file's row and column."""
        out = []
        for p in problems:
            path = self.lines_of.get(p.file)
            if path is None or p.row is None:
                out.append(p)
                continue
            found = _origin(path, p.row)
            out.append(p if found is None else Problem(found[0], found[1], found[2], p.message))
        return out


def first_lines(
    paths: Sequence[Path],
    *,
    preset: str | None = None,
    options: SourceOptions | None = None,
    limit: int = 20,
) -> list[tuple]:
    """The first ``limit`` canonical lines each recognised file gives, in the file's row
    order, even when validation then refuses them (a mapping being tried out):
    (file, row, business_date, outlet, receipt_no, line_type, key, amount)."""
    sources = read_sources(paths, [Path(p).name for p in paths], preset=preset, options=options)
    rows: list[tuple] = []
    con = duckdb.connect()
    for path in sources.lines_of.values():
        rows += con.execute(
            f"SELECT pos_file, pos_row, business_date, outlet, receipt_no, line_type, "
            f"coalesce(category, tax_code, payment_method, ''), amount "
            f"FROM read_parquet({literal(str(path))}) ORDER BY pos_file, pos_row LIMIT {limit}"
        ).fetchall()
    con.close()
    return rows[:limit]


def _origin(path: Path, row: int) -> tuple | None:
    con = duckdb.connect()
    try:
        found = con.execute(
            f"SELECT pos_file, pos_row, pos_column FROM read_parquet({literal(str(path))}, "
            f"file_row_number = true) WHERE file_row_number = ?",
            [row - 2],
        ).fetchall()
        return found[0] if found else None
    finally:
        con.close()


def _looks_canonical(file: PosFile) -> bool:
    """A file meant as posbooks' own export (at most a few required columns astray)."""
    present = {normalise(h) for h in file.headers} & set(REQUIRED)
    return len(present) > len(REQUIRED) // 2


def _spill_path() -> Path:
    global _spill_dir
    with _lock:
        if _spill_dir is None:
            _spill_dir = tempfile.TemporaryDirectory(prefix="posbooks-presets-")
    return Path(_spill_dir.name) / f"{uuid.uuid4().hex}.parquet"


def _file_key(file: PosFile) -> tuple:
    try:
        stat = file.path.stat()
    except OSError:
        return (str(file.path), file.name)
    return (str(file.path.resolve()), file.name, stat.st_size, stat.st_mtime_ns)


def clear_cache() -> None:
    """Forget every extraction (tests)."""
    with _lock:
        _cache.clear()


def read_sources(
    paths: Sequence[Path],
    names: Sequence[str],
    *,
    preset: str | None = None,
    options: SourceOptions | None = None,
) -> Sources:
    """Group the files by POS (or the forced ``preset``), extract each group to canonical lines.

    Canonical exports pass through untouched. A file no preset recognises is passed on too
    when it looks like a canonical export (its problems are then the canonical ones), else it
    is refused saying what posbooks can read.
    """
    from posbooks.pos.presets import PRESETS

    options = options or SourceOptions()
    if preset is not None and preset not in PRESETS:
        known = ", ".join(PRESETS)
        raise ValueError(f"unknown preset '{preset}' (known: {known})")
    out = Sources([], [])
    pending: list[PosFile] = []
    for path, name in zip(paths, names, strict=True):
        file = read_headers(Path(path), name)
        if file is None or (preset is None and _looks_canonical(file)):
            out.paths.append(Path(path))
            out.names.append(name)
        else:
            pending.append(file)
    # The generic mapper only reads files whose header its saved column mapping names.
    candidates = [PRESETS[preset]] if preset else list(PRESETS.values())
    for module in candidates:
        if not pending:
            break
        match = module.identify(pending, options)
        if match is None:
            continue
        claimed = {id(f) for f in match.all_files()}
        pending = [f for f in pending if id(f) not in claimed]
        _extract(out, module, match, options)
    for file in pending:
        if preset == "generic":
            mapped = ", ".join(h for _, h in options.columns) or "none saved yet"
            message = (f"its header does not have the columns the saved column mapping names "
                       f"({mapped}): map them with posbooks mapping source --column ROLE=HEADER "
                       "(see docs/pos-presets.md)")  # fmt: skip
            out.problems.append(Problem(file.name, 1, None, message))
        elif preset is not None:
            wanted = "; ".join(
                f"{kind}: {', '.join(cols)}" for kind, cols in PRESETS[preset].kinds.items()
            )
            message = (f"is not a {PRESETS[preset].title} file: its header lacks the columns "
                       f"that identify one ({wanted})")  # fmt: skip
            out.problems.append(Problem(file.name, 1, None, message))
        else:
            out.problems.append(Problem(file.name, 1, None, (
                "is not a file posbooks recognises: not its own export (docs/pos-export-format.md) "
                "nor a Square, Toast or Loyverse export (docs/pos-presets.md). Map its columns "
                "once with a column-mapping profile (posbooks mapping source --preset generic ...)"
            )))  # fmt: skip
    return out


def _extract(out: Sources, module, match: Match, options: SourceOptions) -> None:
    files = match.all_files()
    key = (module.name, repr(options), tuple(sorted(_file_key(f) for f in files)),
           tuple((k, tuple(f.name for f in v)) for k, v in sorted(match.files.items())))  # fmt: skip
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        cached = _run(module, match, options)
        with _lock:
            _cache[key] = cached
            while len(_cache) > _CACHE_SIZE:
                old = _cache.popitem(last=False)[1]
                if old[0] is not None:
                    old[0].unlink(missing_ok=True)
    path, problems, recognised = cached
    out.problems.extend(problems)
    if path is not None:
        out.paths.append(path)
        out.names.append(recognised.name)
        out.lines_of[recognised.name] = path
        out.recognised.append(recognised)


def _run(module, match: Match, options: SourceOptions) -> tuple:
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass
    extraction = module.extract(con, match, options)
    files = tuple(f.name for f in match.all_files())
    if extraction.lines is None:
        return None, list(extraction.problems), None
    path = _spill_path()
    columns = ", ".join(quote(c) for c in LINE_COLUMNS)
    con.execute(
        f"COPY (SELECT {columns} FROM ({extraction.lines}) ORDER BY business_date, outlet, "
        f"receipt_no, pos_file, pos_row) TO {literal(str(path))} (FORMAT parquet)"
    )
    con.close()
    name = " + ".join(files)
    recognised = Recognised(module.name, extraction.description, files, name,
                            tuple(extraction.own_totals), extraction.total_label,
                            extraction.compares)  # fmt: skip
    return path, [], recognised


def unrecognised_files(
    paths: Sequence[Path],
    names: Sequence[str],
    *,
    preset: str | None = None,
    options: SourceOptions | None = None,
) -> list[PosFile]:
    """The files no preset (nor the saved column mapping) recognises and that are not
    posbooks' own export: the ones a column mapping could read. Headers only, no extraction."""
    from posbooks.pos.presets import PRESETS

    options = options or SourceOptions()
    pending = []
    for path, name in zip(paths, names, strict=True):
        file = read_headers(Path(path), name)
        if file is not None and not (preset is None and _looks_canonical(file)):
            pending.append(file)
    candidates = [PRESETS[preset]] if preset in PRESETS else list(PRESETS.values())
    for module in candidates:
        if not pending:
            break
        match = module.identify(pending, options)
        if match is not None:
            claimed = {id(f) for f in match.all_files()}
            pending = [f for f in pending if id(f) not in claimed]
    return pending
