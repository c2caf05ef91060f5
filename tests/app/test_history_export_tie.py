"""History page: a reconciled day of a recognised POS export is tied to the export's own
total (Square's Total Collected), as Preview & Send shows it."""

from __future__ import annotations

from pathlib import Path

from posbooks import services
from posbooks.qbo import connect as qbo_connect
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import open_page

SQUARE = Path(__file__).resolve().parents[1] / "fixtures" / "presets" / "square"


def test_history_ties_the_reconciled_day_to_the_exports_total_collected(workbench_env):
    config = load_config()
    qbo_connect.auto_approve(config, open_store(config))
    at = open_page("history")
    files = sorted(SQUARE.glob("*.csv"))
    source = services.save_uploads(at.session_state["workbench"],
                                   [(f.name, f.read_bytes()) for f in files])  # fmt: skip
    at.session_state["data_source"] = source  # as Preview & Send leaves it after the upload
    at.run()
    assert not at.exception, at.exception
    assert not [e for e in at.expander if "export's own totals" in e.label]  # not reconciled yet
    next(b for b in at.button if b.label == "Reconcile").click().run()
    assert not at.exception, at.exception
    (tie,) = [e for e in at.expander if e.label == "Tie-out to the POS export's own totals"]
    frame = tie.dataframe[0].value
    assert frame.to_dict("records") == [{
        "Day": "2024-08-24", "Outlet": "Fraser Highland",
        "Export says": "Total Collected 1,325.58", "Booked": "payments 1,325.58", "Ties": "yes",
    }]  # fmt: skip
