"""Validation verdicts kept on disk, so a new process does not validate an unchanged file again.

A chain's year of Parquet takes about a second to validate; the CLI, a cron job and each
restart of the workbench would pay it on every run. The verdict (accepted with its date
span, receipt counts and per-day sums, or the list of problems) is kept in
``POSBOOKS_HOME/verdicts/`` under the file's fingerprint:

    sha256 of: the rules' version, the file's absolute path, its size, its mtime in ns,
    and its bytes (whole when <= 4 MiB; else the first and last MiB, where a Parquet
    file keeps its footer with every row group's statistics, and 16 blocks of 64 KiB
    spread evenly in between)

Any change to a file changes its size, mtime or footer, so it gets a new fingerprint and
is validated again; old entries are pruned, least recently used first. Each entry is a
folder written under a temporary name and renamed into place, so two processes
validating the same file at once both succeed and a reader never sees half an entry.
Only Parquet verdicts are kept (a CSV's or workbook's typed lines live in a per-process
scratch file, which a verdict cannot outlive).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import uuid
from datetime import date
from pathlib import Path

import duckdb

from posbooks.pos.checks import literal

# Raise whenever validation rules or what a verdict holds change: older entries are ignored.
RULES_VERSION = 1
MAX_ENTRIES = 64
KEEP_IN_USE_SECONDS = 24 * 3600
_WHOLE = 4 << 20
_EDGE = 1 << 20
_BLOCK = 64 << 10
_BLOCKS = 16
_VERDICT = "verdict.json"
_TABLES = ("receipts", "day_sums")


def write_private(con: duckdb.DuckDBPyConnection, select: str, path: str | Path) -> str:
    """``select`` written to the Parquet file ``path``, readable by its owner only (DuckDB
    writes a new file with the umask's mode); the one writer of posbooks' scratch and kept
    tables."""
    con.execute(f"COPY ({select}) TO {literal(str(path))} (FORMAT parquet)")
    os.chmod(path, 0o600)
    return str(path)


def fingerprint(path: Path, size: int, mtime_ns: int) -> str:
    """The content fingerprint of ``path`` (see the module's docstring)."""
    digest = hashlib.sha256(json.dumps([RULES_VERSION, str(path), size, mtime_ns]).encode())
    with open(path, "rb") as f:
        if size <= _WHOLE:
            digest.update(f.read())
        else:
            step = (size - 2 * _EDGE) // (_BLOCKS + 1)
            offsets = [(0, _EDGE), *((_EDGE + step * i, _BLOCK) for i in range(1, _BLOCKS + 1)),
                       (size - _EDGE, _EDGE)]  # fmt: skip
            for offset, length in offsets:
                f.seek(offset)
                digest.update(f.read(length))
    return digest.hexdigest()


def default_dir() -> Path | None:
    """Where verdicts are kept: ``verdicts/`` in POSBOOKS_HOME (default ``.posbooks`` here).

    None when that home does not exist: reading a file never creates a home.
    """
    home = Path(os.environ.get("POSBOOKS_HOME") or Path.cwd() / ".posbooks").expanduser()
    return home / "verdicts" if home.is_dir() else None


def load(folder: Path, key: str) -> dict | None:
    """The kept verdict for ``key`` (its JSON, with the Parquet file of each table under the
    table's name), or None."""
    entry = folder / key
    try:
        verdict = json.loads((entry / _VERDICT).read_text(encoding="utf-8"))
        if verdict.get("rules") != RULES_VERSION:
            return None
        for name in _TABLES:  # read where they are: a preview loads neither pyarrow nor them
            table_file = entry / f"{name}.parquet"
            verdict[name] = str(table_file) if table_file.exists() else None
        os.utime(entry)  # recently used: pruned last
    except (OSError, ValueError, duckdb.Error):
        return None  # absent, being pruned or damaged: validate again
    for name in ("first_date", "last_date"):
        if verdict.get(name):
            verdict[name] = date.fromisoformat(verdict[name])
    return verdict


def save(folder: Path, key: str, verdict: dict) -> None:
    """Keep ``verdict`` (JSON-able values, dates, and under _TABLES' names Arrow tables or
    Parquet files, which are copied).

    Best effort: a home that cannot be written (full disk, read-only) only costs speed.
    """
    entry = folder / key
    if entry.exists():
        return
    scratch = folder / f".{key}.{uuid.uuid4().hex}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        scratch.mkdir(mode=0o700)
        plain = {"rules": RULES_VERSION}
        for name, value in verdict.items():
            if name not in _TABLES:
                plain[name] = value.isoformat() if isinstance(value, date) else value
            elif isinstance(value, str):  # a Parquet file already (a quick verdict's)
                shutil.copyfile(value, scratch / f"{name}.parquet")
                os.chmod(scratch / f"{name}.parquet", 0o600)
            elif value is not None:  # an Arrow table (the exact validation's)
                with duckdb.connect() as con:
                    con.register("kept", value)
                    write_private(con, "SELECT * FROM kept", scratch / f"{name}.parquet")
        fd = os.open(scratch / _VERDICT, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(plain, f)
        os.rename(scratch, entry)  # atomic; fails if another process kept it first
    except (OSError, duckdb.Error):
        shutil.rmtree(scratch, ignore_errors=True)
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    """Drop the least recently used entries beyond MAX_ENTRIES, unless used within a day
    (a running workbench may still read their tables)."""
    try:
        entries = sorted(
            (e for e in folder.iterdir() if not e.name.startswith(".")),
            key=lambda e: e.stat().st_mtime_ns,
        )
    except OSError:
        return
    stale = time.time() - KEEP_IN_USE_SECONDS
    for entry in entries[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < stale:
                shutil.rmtree(entry, ignore_errors=True)
    for scratch in folder.glob(".*"):  # left by a process killed while saving
        with contextlib.suppress(OSError):
            if scratch.stat().st_mtime < stale:
                shutil.rmtree(scratch, ignore_errors=True)
