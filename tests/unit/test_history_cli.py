"""``posbooks history`` on a home where nothing was sent: no QuickBooks needed."""

from __future__ import annotations

import pytest
from posbooks.cli import main


@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))
    for name in ("QBO_CLIENT_ID", "QBO_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)


def test_a_bad_date_is_a_message_not_a_traceback(empty_home, capsys):
    assert main(["history", "--date", "2026-11-31"]) == 2
    err = capsys.readouterr().err
    assert (
        "posbooks history: --date 2026-11-31 is not a date (day is out of range for month)" in err
    )
    assert "dates look like 2026-11-20" in err


def test_an_empty_ledger_and_an_empty_filter_say_different_things(empty_home, capsys):
    assert main(["history"]) == 0
    assert capsys.readouterr().out.strip() == "Nothing sent yet."
    assert main(["history", "--date", "2026-11-01", "--type", "receipt"]) == 0
    assert capsys.readouterr().out.strip() == "Nothing sent matches these filters."
