"""Every command that takes --date/--to says the same thing about a bad period, and stops."""

from __future__ import annotations

import pytest
from posbooks.cli import main

COMMANDS = ["preview", "send", "reconcile", "history"]


@pytest.fixture(autouse=True)
def empty_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))
    for name in ("QBO_CLIENT_ID", "QBO_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_day_that_does_not_exist_is_named(command, capsys):
    assert main([command, "--date", "2026-02-30"]) == 2
    err = capsys.readouterr().err
    assert f"posbooks {command}: --date 2026-02-30 is not a date" in err
    assert "dates look like 2026-11-20" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_period_that_ends_before_it_starts_is_refused(command, capsys):
    assert main([command, "--date", "2026-11-20", "--to", "2026-11-19"]) == 2
    assert f"posbooks {command}: --to 2026-11-19 is before --date 2026-11-20" in (
        capsys.readouterr().err
    )
