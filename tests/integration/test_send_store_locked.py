"""``posbooks send`` while another posbooks holds the state database (issue 16.7).

The lock is real (a second SQLite connection in the middle of a write transaction, as the
app in the middle of a send); the wait is shortened from 30 s. The command ends in one
sentence naming the file, QuickBooks receives nothing, and the same send afterwards posts
every document exactly once.
"""

from __future__ import annotations

import sqlite3

from posbooks.state import store as store_mod
from posting_support import DAY1, Home, cli, documents_in_quickbooks, home, home_dir, pos_file

__all__ = ["cli", "home", "home_dir", "pos_file"]


def test_a_locked_database_stops_send_in_one_sentence_with_nothing_half_posted(
    cli, home: Home, monkeypatch
):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_SECONDS", 0.3)
    db = home.config.home / store_mod.DB_NAME
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        status, out, err = cli("send", "--date", str(DAY1), "--source", str(home.pos_file))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert status == 1
    lines = [line for line in err.splitlines() if line.strip() and "%" not in line]
    assert lines and "Traceback" not in err and "sqlite3" not in err
    assert str(db) in lines[-1] and "locked by another posbooks" in lines[-1]
    assert documents_in_quickbooks(home.handle, "journal") == []

    status, out, _ = cli("send", "--date", str(DAY1), "--source", str(home.pos_file))
    assert status == 0 and "3 created" in out
    numbers = [d["DocNumber"] for d in documents_in_quickbooks(home.handle, "journal")]
    assert len(numbers) == 3 == len(set(numbers))
