"""The state store: WAL SQLite that two processes can write at once, migrated in order."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from posbooks.state import store as store_module
from posbooks.state.store import MIGRATIONS, Store


def test_new_home_is_created_in_wal_mode_with_all_migrations(tmp_path: Path):
    store = Store(tmp_path / "home")
    assert (tmp_path / "home" / "posbooks.db").is_file()
    with store.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    assert store.applied_migrations() == [name for name, _ in MIGRATIONS]


def test_reopening_does_not_reapply_migrations(tmp_path: Path):
    Store(tmp_path)
    with Store(tmp_path).transaction() as conn:
        conn.execute("INSERT INTO qbo_settings VALUES ('1', 'now', '{}')")
    assert len(Store(tmp_path).applied_migrations()) == len(MIGRATIONS)


def test_an_appended_migration_runs_once_on_an_existing_home(tmp_path: Path, monkeypatch):
    Store(tmp_path)
    extra = MIGRATIONS + [
        (
            "9999_test",
            "CREATE TABLE t (x INTEGER); CREATE TRIGGER tr AFTER INSERT ON t "
            "BEGIN UPDATE t SET x = x + 1; END;",
        )
    ]
    monkeypatch.setattr(store_module, "MIGRATIONS", extra)
    store = Store(tmp_path)
    assert store.applied_migrations()[-1] == "9999_test"
    with store.transaction() as conn:
        conn.execute("INSERT INTO t VALUES (1)")
    with store.read() as conn:
        assert conn.execute("SELECT x FROM t").fetchone()[0] == 2
    Store(tmp_path)  # a second open must not fail on "table t already exists"


def test_a_failing_transaction_leaves_nothing_behind(tmp_path: Path):
    store = Store(tmp_path)
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            conn.execute("INSERT INTO qbo_settings VALUES ('1', 'now', '{}')")
            raise RuntimeError("boom")
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM qbo_settings").fetchone()[0] == 0


def test_a_broken_migration_names_the_database_and_migration(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS + [("0999_bad", "CREATE TABLEX")])
    with pytest.raises(store_module.StoreError, match=r"posbooks.db: migration 0999_bad failed"):
        Store(tmp_path)


def _add_counts(home: str, n: int) -> None:
    store = Store(Path(home))
    for _ in range(n):
        with store.transaction() as conn:
            (value,) = conn.execute(
                "SELECT fetched_at FROM qbo_settings WHERE realm_id='c'"
            ).fetchone()
            conn.execute(
                "UPDATE qbo_settings SET fetched_at=? WHERE realm_id='c'", (str(int(value) + 1),)
            )


def test_two_processes_writing_at_once_lose_no_update(tmp_path: Path):
    store = Store(tmp_path)
    with store.transaction() as conn:
        conn.execute("INSERT INTO qbo_settings VALUES ('c', '0', '{}')")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_counts, args=(str(tmp_path), 100)) for _ in range(2)]
    for p in procs:
        p.start()
    _add_counts(str(tmp_path), 100)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with store.read() as conn:
        assert conn.execute("SELECT fetched_at FROM qbo_settings").fetchone()[0] == "300"


def test_a_reader_sees_committed_data_while_a_writer_holds_the_lock(tmp_path: Path):
    store = Store(tmp_path)
    with store.transaction() as conn:
        conn.execute("INSERT INTO qbo_settings VALUES ('a', '1', '{}')")
    with store.transaction() as writer:
        writer.execute("UPDATE qbo_settings SET fetched_at='2'")
        with store.read() as reader:  # WAL: not blocked, sees the last commit
            assert reader.execute("SELECT fetched_at FROM qbo_settings").fetchone()[0] == "1"
    raw = sqlite3.connect(tmp_path / "posbooks.db")
    assert raw.execute("SELECT fetched_at FROM qbo_settings").fetchone()[0] == "2"
    raw.close()


def test_ledger_commits_are_flushed_to_disk_and_only_the_call_log_skips_it(tmp_path):
    """A posted document must not be forgotten after a power cut: writes are
    synchronous=FULL (fsync at commit); only durable=False (the API call log) is NORMAL."""
    store = Store(tmp_path)
    with store.transaction() as conn:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with store.transaction(durable=False) as conn:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    with store.transaction() as conn:  # a fresh connection: NORMAL did not leak into it
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
