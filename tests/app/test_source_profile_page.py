"""Mapping page: how POS exports are read (the source profile), saved for the next upload."""

from __future__ import annotations

from posbooks.drafts.source_profile import current_source_profile
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import open_page, texts


def test_the_bookkeeper_saves_the_outlet_and_clearing_method(workbench_env):
    at = open_page("mapping")
    assert not at.exception
    (expander,) = [e for e in at.expander if e.label.startswith("How your POS exports are read")]
    assert "POS recognised from the headers" in expander.label
    inputs = {t.label: t for t in at.text_input}
    inputs["Outlet when the export names none"].set_value("Main St")
    inputs["Clearing payment method (exports without tenders)"].set_value("Toast clearing")
    next(b for b in at.button if b.label == "Save how exports are read").click().run()
    assert not at.exception
    assert "Saved (version 1)" in texts(at)
    profile = current_source_profile(open_store(load_config()))
    assert (profile.options.outlet, profile.options.clearing_method) == (
        "Main St",
        "Toast clearing",
    )
