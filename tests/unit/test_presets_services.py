"""The workbench's upload path: real-shaped POS exports are recognised, read with the home's
source profile, and the preview ties each day to the export's own total."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from posbooks import services
from posbooks.app.preview import export_tie_rows
from posbooks.state.config import load_config
from posbooks.state.store import open_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "presets"


def _workbench(tmp_path, monkeypatch) -> services.Workbench:
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))
    config = load_config()
    return services.Workbench(config, open_store(config))


def _upload(wb, folder: str, pattern: str = "*.csv") -> services.DataSource:
    files = sorted((FIXTURES / folder).glob(pattern))
    return services.save_uploads(wb, [(f.name, f.read_bytes()) for f in files])


def test_uploaded_square_exports_are_recognised_and_tie(tmp_path, monkeypatch):
    wb = _workbench(tmp_path, monkeypatch)
    summary = services.summarize_source(_upload(wb, "square"))
    assert summary.ok, summary.problems
    assert summary.recognised == (
        "Square export: items + transactions, 8 transactions, 24 Aug 2024, "
        "location Fraser Highland",
    )
    assert summary.outlets == ("Fraser Highland",)
    assert ("sales", "Gift cards sold") in summary.keys
    pv = services.preview_period(wb, summary, date(2024, 8, 24), date(2024, 8, 24),
                                 ["Fraser Highland"], "journal")  # fmt: skip
    assert export_tie_rows(pv.result) == [{
        "Day": "2024-08-24", "Outlet": "Fraser Highland",
        "Export says": "Total Collected 1,325.58", "Booked": "payments 1,325.58", "Ties": "yes",
    }]  # fmt: skip


def test_options_saved_in_the_workbench_apply_to_the_next_upload(tmp_path, monkeypatch):
    wb = _workbench(tmp_path, monkeypatch)
    summary = services.summarize_source(_upload(wb, "toast"))
    assert not summary.ok
    assert "no Location column: set the outlet name" in summary.problems[0].message
    services.save_source_options(wb, None, outlet="Main St")
    summary = services.summarize_source(_upload(wb, "toast"))
    assert summary.ok, summary.problems
    assert summary.outlets == ("Main St",)
    assert services.source_profile(wb).options.outlet == "Main St"
