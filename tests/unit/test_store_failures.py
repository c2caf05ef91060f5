"""The state database fails in one plain sentence naming the file and what to do (issue 16.7).

Each case is made for real: a file that is not SQLite, a folder in its place, a second
writer holding the lock, a disk that fills up (SQLite's own page limit), a home that cannot
be created. The CLI prints the sentence, no traceback; nothing half-saved is left.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from posbooks.core.model import Mapping, Ref
from posbooks.drafts.mapping import current_mapping, save_mapping
from posbooks.state import store as store_mod
from posbooks.state.store import DB_NAME, Store, StoreError, plain_store_error


def _cli(home: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POSBOOKS_HOME": str(home), "POSBOOKS_SANDBOX_URL": "http://127.0.0.1:9"}
    return subprocess.run(
        [sys.executable, "-m", "posbooks.cli", *argv],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def _one_plain_sentence(text: str, path: Path) -> None:
    assert "Traceback" not in text and "sqlite3." not in text
    assert str(path) in text


def test_a_corrupt_database_is_named_with_what_to_do(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"this is a spreadsheet, not a database" * 200)
    with pytest.raises(StoreError) as err:
        Store(tmp_path)
    assert "is damaged" in str(err.value) and "backup" in str(err.value)
    _one_plain_sentence(str(err.value), tmp_path / DB_NAME)


def test_a_folder_in_place_of_the_database_is_named(tmp_path):
    (tmp_path / DB_NAME).mkdir()
    with pytest.raises(StoreError, match="is a folder") as err:
        Store(tmp_path)
    _one_plain_sentence(str(err.value), tmp_path / DB_NAME)


def test_a_database_locked_by_another_writer_says_so_and_saves_nothing(tmp_path, monkeypatch):
    store = Store(tmp_path)
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_SECONDS", 0.2)
    other = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the app in the middle of a send
    try:
        with pytest.raises(StoreError, match="locked by another posbooks") as err:
            save_mapping(store, Mapping(accounts={("sales", "Food"): Ref("1", "Sales")}))
    finally:
        other.execute("ROLLBACK")
        other.close()
    _one_plain_sentence(str(err.value), tmp_path / DB_NAME)
    assert current_mapping(store).version == 0  # nothing saved


def test_a_full_disk_mid_transaction_rolls_back_everything(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(StoreError, match="is full") as err, store.transaction() as conn:
        conn.execute(
            "INSERT INTO mapping_version (saved_at, note, mapping) VALUES ('t', 'first', '{}')"
        )
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")  # the disk has no room left
        conn.execute(
            "INSERT INTO mapping_version (saved_at, note, mapping) VALUES ('t', 'big', ?)",
            ("x" * 1_000_000,),
        )
    _one_plain_sentence(str(err.value), tmp_path / DB_NAME)
    assert current_mapping(store).version == 0  # the first insert went too: nothing half-saved


def test_a_disk_io_error_is_explained(tmp_path):
    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorname = "SQLITE_IOERR_READ"  # as SQLite names it
    message = str(plain_store_error(tmp_path / DB_NAME, exc))
    assert "disk I/O error" in message and "check the disk" in message


def test_errors_of_posbooks_own_are_not_disguised(tmp_path):
    assert plain_store_error(tmp_path / DB_NAME, sqlite3.IntegrityError("UNIQUE failed")) is None


def test_the_cli_prints_one_sentence_for_a_corrupt_database(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / DB_NAME).write_bytes(b"not sqlite " * 500)
    done = _cli(home, "status")
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "is damaged" in lines[0], done.stderr
    _one_plain_sentence(done.stderr, home / DB_NAME)


def test_a_new_home_is_private_and_so_is_its_database(tmp_path):
    home = tmp_path / "new" / "home"
    store = Store(home)
    with store.transaction() as conn:
        conn.execute("INSERT INTO mapping_version (saved_at, note, mapping) VALUES ('t', '', '{}')")
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for name in (DB_NAME, DB_NAME + "-wal"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name


def test_the_app_start_up_says_the_same_sentence(tmp_path, monkeypatch):
    from posbooks import services

    (tmp_path / DB_NAME).mkdir()
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path))
    with pytest.raises(services.StartupError, match="is a folder") as err:
        services.open_workbench()  # app.py shows str(err) with st.error, then stops
    _one_plain_sentence(str(err.value), tmp_path / DB_NAME)


def test_the_app_warns_about_a_key_file_others_can_read(tmp_path, monkeypatch):
    from posbooks import services
    from posbooks.state.config import load_config
    from posbooks.state.crypto import key_file, secret_box

    config = load_config({"POSBOOKS_HOME": str(tmp_path)}, secrets_file=tmp_path / "none.toml")
    wb = services.Workbench(config, Store(tmp_path))
    secret_box(config)
    assert services.home_warnings(wb) == []
    key_file(config).chmod(0o640)
    [warning] = services.home_warnings(wb)
    assert warning.startswith("The key file") and "chmod 600" in warning
