"""A Parquet file's verdict is kept in the home: the next process does not validate it again,
and any change to the file is validated afresh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from posbooks.pos import exports, open_exports
from posbooks.pos.totals import daily_totals

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_sales.parquet"


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("POSBOOKS_HOME", str(home))
    exports.clear_cache()
    yield home
    exports.clear_cache()


def copy_of_sample(target: Path, where: str = "true") -> Path:
    duckdb.sql(f"COPY (SELECT * FROM read_parquet('{SAMPLE}') WHERE {where}) TO '{target}'")
    return target


def everything(result) -> tuple:
    """What a preview can see of an open export: its lines, and the totals of every day."""
    lines = result.con.sql("SELECT * FROM pos_lines ORDER BY source_row").fetchall()
    first, last = result.con.sql(
        "SELECT min(business_date), max(business_date) FROM pos_lines"
    ).fetchall()[0]
    return lines, daily_totals(result, first, last)


def test_quick_verdict_on_a_clean_file_equals_the_full_validation(home, tmp_path, monkeypatch):
    path = copy_of_sample(tmp_path / "sales.parquet")
    quick = open_exports([path])
    assert quick.ok, quick.problems
    seen = everything(quick)
    exports.clear_cache()
    monkeypatch.setattr(
        exports, "clean_parquet", lambda *args, **kwargs: None
    )  # force the full checks
    monkeypatch.delenv("POSBOOKS_HOME")
    monkeypatch.chdir(tmp_path)  # no home here: nothing kept, validated in full
    full = open_exports([path])
    assert full.ok
    assert seen == everything(full)
    assert seen == everything(quick)  # kept in the home: still readable after clear_cache


def test_second_process_reads_the_kept_verdict(home, tmp_path):
    path = copy_of_sample(tmp_path / "sales.parquet")
    assert open_exports([path]).ok
    assert len(list((home / "verdicts").iterdir())) == 1
    # A new process in which validating would fail: it must not validate.
    script = (
        "import sys; from posbooks.pos import exports\n"
        "exports._check_parquet = lambda path: sys.exit('validated again')\n"
        f"r = exports.open_exports([{str(path)!r}]); assert r.ok, r.problems\n"
        "print(r.con.sql('SELECT count(*) FROM pos_lines').fetchall()[0][0])\n"
    )
    env = {**os.environ, "POSBOOKS_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    assert int(done.stdout) == count


def test_a_changed_file_is_validated_again(home, tmp_path):
    path = copy_of_sample(tmp_path / "sales.parquet")
    assert open_exports([path]).ok
    stat = path.stat()
    # The same file with one payment line gone: its receipt no longer balances.
    changed = copy_of_sample(tmp_path / "changed.parquet", "NOT (line_type = 'payment' AND "
                             "receipt_no = (SELECT min(receipt_no) FROM read_parquet("
                             f"'{SAMPLE}') WHERE NOT voided))")  # fmt: skip
    changed.replace(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: content still tells
    exports.clear_cache()
    result = open_exports([path])
    assert not result.ok
    assert "does not balance" in str(result.problems[0])
    # And the rejection is kept too, word for word.
    exports.clear_cache()
    assert open_exports([path]).problems == result.problems


def test_without_a_home_nothing_is_kept_and_no_home_is_made(tmp_path, monkeypatch):
    monkeypatch.delenv("POSBOOKS_HOME")
    monkeypatch.chdir(tmp_path)
    exports.clear_cache()
    assert open_exports([copy_of_sample(tmp_path / "sales.parquet")]).ok
    assert not (tmp_path / ".posbooks").exists()


def test_quick_verdict_on_a_clean_csv_equals_the_exact_validation(tmp_path, monkeypatch):
    path = tmp_path / "sales.csv"
    duckdb.sql(f"COPY (SELECT * FROM read_parquet('{SAMPLE}')) TO '{path}' (HEADER)")
    exports.clear_cache()
    quick = open_exports([path])
    assert quick.ok, quick.problems
    assert "read_csv(" in next(iter(exports._cache.values())).parquet_sql  # the one DuckDB pass
    seen = everything(quick)
    exports.clear_cache()
    monkeypatch.setattr(
        exports, "clean_csv", lambda *args, **kwargs: None
    )  # force the exact readers
    exact = open_exports([path])
    assert exact.ok
    assert seen == everything(exact)
    exports.clear_cache()


def test_a_verdict_whose_home_is_gone_is_validated_again(tmp_path, monkeypatch):
    """One process, two homes (a notebook switching companies, a home deleted and made
    again): the file's verdict kept in the first home must not be read from the second."""
    path = copy_of_sample(tmp_path / "sales.parquet")
    exports.clear_cache()
    first = tmp_path / "first"
    first.mkdir()
    monkeypatch.setenv("POSBOOKS_HOME", str(first))
    seen = everything(open_exports([path]))
    shutil.rmtree(first)
    second = tmp_path / "second"
    second.mkdir()
    monkeypatch.setenv("POSBOOKS_HOME", str(second))
    again = open_exports([path])
    assert again.ok, again.problems
    assert everything(again) == seen
    assert len(list((second / "verdicts").iterdir())) == 1
    exports.clear_cache()
