"""``posbooks mapping`` messages that need no QuickBooks connection."""

from __future__ import annotations

import pytest
from posbooks.cli import main


@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))


def test_mapping_rows_from_the_demo_sample_are_flagged_when_books_are_real(
    empty_home, capsys, monkeypatch
):
    """With Intuit configured, suggesting or checking without --source reads the demo."""
    monkeypatch.setenv("QBO_CLIENT_ID", "real-app")
    monkeypatch.setenv("QBO_CLIENT_SECRET", "real-secret-value")
    monkeypatch.setenv("QBO_REDIRECT_URI", "http://localhost:8599/callback")
    monkeypatch.setenv("QBO_ENVIRONMENT", "production")
    assert main(["mapping", "check"]) == 1  # nothing mapped yet
    assert "demo sample data; pass --source" in capsys.readouterr().err
