"""`posbooks --help`, `posbooks status` and a preview of a file whose verdict is kept answer at
once: they load no library they do not use.

Each of these costs tens to hundreds of milliseconds to import; a command imports only
what it uses (measured, bytecode written: --help 0.33 s -> 0.07 s, status 0.29 s -> 0.12 s,
the second preview of a year's Parquet 0.63 s -> 0.27 s where DuckDB's own query in a
fresh interpreter takes 0.19 s). Checked by what the process loaded, not by timing, so a
busy machine cannot fail it and a new top-level import cannot bring the cost back unnoticed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest
from posbooks.drafts.preview import default_source

HEAVY = ("streamlit", "plotly", "pandas", "duckdb", "pyarrow", "quickbooks", "qbo_sandbox",
         "posbooks.pos", "posbooks.drafts")  # fmt: skip
# What talks to QuickBooks or reads other formats: a preview from kept verdicts needs DuckDB
# and posbooks' readers, none of these. (Not "intuitlib" itself: intuit-oauth's .pth file
# makes that empty namespace package in every interpreter, at start-up.)
NOT_FOR_A_PREVIEW = ("requests", "intuitlib.client", "jwt", "cryptography", "urllib3",
                     "quickbooks", "pyarrow", "numpy", "pandas", "streamlit", "plotly",
                     "qbo_sandbox", "http.server")  # fmt: skip
SAMPLE = default_source()


def run_loaded(argv: list[str], home) -> tuple[int, set[str]]:
    """The exit status of ``posbooks ARGV`` in a fresh interpreter, and every module it loaded."""
    script = (
        "import contextlib, io, json, sys\n"
        "from posbooks.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        status = main({argv!r})\n"
        "    except SystemExit as exc:\n"
        "        status = exc.code\n"
        "print(json.dumps([status, sorted(sys.modules)]))\n"
    )
    env = {**os.environ, "POSBOOKS_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    status, modules = json.loads(done.stdout.splitlines()[-1])
    return status, set(modules)


def loaded_of(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The modules of ``modules`` that are one of ``names`` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.parametrize("argv", [["--help"], ["status"], ["preview", "--help"]])
def test_quick_commands_load_no_heavy_library(argv, tmp_path):
    _, loaded = run_loaded(argv, tmp_path / "home")
    assert loaded_of(loaded, HEAVY + NOT_FOR_A_PREVIEW) == []


@pytest.mark.skipif(not SAMPLE.is_file(), reason="data/sample_sales.parquet missing")
def test_a_preview_from_a_kept_verdict_loads_no_client_or_arrow_library(tmp_path):
    home = tmp_path / "home"
    home.mkdir()  # verdicts are kept only in a home that exists
    ((day,),) = duckdb.sql(f"SELECT max(business_date) FROM read_parquet('{SAMPLE}')").fetchall()
    argv = ["preview", "--source", str(SAMPLE), "--date", str(day), "--format", "json"]
    first, _ = run_loaded(argv, home)  # validates the file and keeps its verdict
    assert first == 0
    assert any((home / "verdicts").iterdir()), "the first preview kept no verdict"

    second, loaded = run_loaded(argv, home)

    assert second == 0
    assert "posbooks.pos.exports" in loaded  # it did read the exports
    assert loaded_of(loaded, NOT_FOR_A_PREVIEW) == []


@pytest.mark.skipif(not SAMPLE.is_file(), reason="data/sample_sales.parquet missing")
def test_a_first_preview_of_a_clean_csv_loads_no_arrow_library(tmp_path):
    # A clean CSV is judged by one DuckDB pass: Arrow's reader (and pyarrow's ~0.2 s import)
    # is only for files that pass needs to look closer at.
    home = tmp_path / "home"
    home.mkdir()
    ((day,),) = duckdb.sql(f"SELECT max(business_date) FROM read_parquet('{SAMPLE}')").fetchall()
    csv = tmp_path / "sales.csv"
    duckdb.execute(f"COPY (SELECT * FROM read_parquet('{SAMPLE}')) TO '{csv}' (HEADER)")
    argv = ["preview", "--source", str(csv), "--date", str(day), "--format", "json"]

    status, loaded = run_loaded(argv, home)

    assert status == 0
    assert "posbooks.pos.clean_csv" in loaded  # the quick pass read it
    assert loaded_of(loaded, NOT_FOR_A_PREVIEW) == []


@pytest.mark.parametrize("argv", [["status"], ["outlet-codes"], ["preview", "--help"]])
def test_a_command_loads_its_own_module_only(argv, tmp_path):
    # Every command's module registering its parser cost each run ~20 ms; now a run loads
    # the one it names (outlet-codes lives in outlet_codes).
    _, loaded = run_loaded(argv, tmp_path / "home")
    commands = [m for m in loaded if m.startswith("posbooks.cli.commands.")]
    own = "posbooks.cli.commands." + argv[0].replace("-", "_")
    assert own in commands
    assert [m for m in commands if m != own and not m.split(".")[-1].startswith("_")] == []


@pytest.mark.parametrize("argv", [["--help"], ["-h", "send"], ["outlet_codes"], ["sned"]])
def test_help_and_a_mistyped_command_still_list_every_command(argv, tmp_path):
    script = f"from posbooks.cli import main\nmain({argv!r})\n"
    env = {**os.environ, "POSBOOKS_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    shown = done.stdout + done.stderr
    for command in ("connect", "history", "outlet-codes", "preview", "refresh-settings", "send"):
        assert command in shown, shown
