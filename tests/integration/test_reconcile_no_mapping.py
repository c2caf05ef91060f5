"""Reconcile in a home with no mapping saved: lines cannot be compared, totals still are.

A second posbooks home (or one before ``mapping suggest --save``) re-reads the POS but
cannot put its amounts on accounts. Setting those unmapped lines against QuickBooks' read
"POS 0.00 vs QuickBooks 75.55" although the totals agree; the document says why instead.
"""

from __future__ import annotations

import json
import re

import pytest
from posbooks import services
from posbooks.app import reconcile as ui_reconcile
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.settings import refresh_settings
from posbooks.reconcile.actions import post_adjustment
from posbooks.reconcile.gather import ReconcileError, reconcile, to_json
from posbooks.services import reconcile_period
from posbooks.state.store import Store
from posting_support import DAY1, Home, home, home_dir, local_config, pos_file

__all__ = ["home", "home_dir", "pos_file"]  # fixtures used below

NO_MAPPING = "No mapping is saved in this home, so the POS lines cannot be put on accounts"


@pytest.fixture
def unmapped(home: Home, tmp_path) -> Home:
    """A second home on the same company: connected, settings fetched, no mapping saved."""
    config = local_config(home.handle, tmp_path / "second-home")
    store = Store(config.home)
    qbo_connect.auto_approve(config, store)
    refresh_settings(config, store)
    return Home(config, store, home.handle, home.pos_file)


def test_another_homes_documents_are_compared_on_their_totals_only(home: Home, unmapped: Home):
    home.send(DAY1)
    result = reconcile(unmapped.config, unmapped.store, sources=[unmapped.pos_file],
                       date_from=DAY1)  # fmt: skip
    assert result.counts() == {"qbo_only": 3}
    for check in result.documents:
        assert NO_MAPPING in check.message and "(they agree)" in check.message, check.message
        assert f"totals: POS now {check.pos_total:,.2f}, QuickBooks now" in check.message
        assert check.pos_total == check.qbo_total > 0
        assert check.differences == () and check.lines, "QuickBooks' lines, none differing"
        assert all(ln.pos is None for ln in check.lines)
    assert all(not d["lines_compared"] for d in to_json(result)["documents"])

    # the History page renders the same result: no differing line, the reason in the message
    wb = services.Workbench(unmapped.config, unmapped.store)
    source = services.DataSource((unmapped.pos_file,), (unmapped.pos_file.name,), "test")
    page = reconcile_period(wb, source, DAY1, DAY1, [], "journal")
    rows = ui_reconcile.document_rows(page.documents)
    assert {r["Lines differing"] for r in rows} == {0}
    assert all(NO_MAPPING in r["Message"] for r in rows)
    lines = ui_reconcile.line_rows(page.documents[0])
    assert lines and not any(r["Differs"] for r in lines)
    assert {r["POS now"] for r in lines} == {"—"}  # not compared: no amount shown

    # the command line: each document's message, no "POS 0.00 vs ..." line under it
    out, err = unmapped.cli("reconcile", "--date", str(DAY1), "--source",
                            str(unmapped.pos_file)).communicate(timeout=60)  # fmt: skip
    assert out.count(NO_MAPPING) == 3, (out, err)
    assert re.search(r": POS [-\d]", out) is None, "no line set against the unmapped POS"
    assert out.rstrip().splitlines()[-1] == "3 in QuickBooks, not in the ledger"

    # adopting needs the mapping the document was built with: refused, exit 2, nothing sent
    number = result.documents[0].doc_number
    proc = unmapped.cli("reconcile", "--date", str(DAY1), "--source", str(unmapped.pos_file),
                        "--send-again", number)  # fmt: skip
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (2, ""), err
    assert f"Sending {number} again stopped:" in err


def test_a_day_never_sent_before_a_mapping_is_saved(unmapped: Home):
    result = reconcile(unmapped.config, unmapped.store, sources=[unmapped.pos_file],
                       date_from=DAY1, outlets=["KLCC"])  # fmt: skip
    [check] = result.documents
    assert check.status == "not_sent" and check.pos_total > 0
    assert check.message.startswith(
        f"The POS has this document but it was never sent. {NO_MAPPING}"
    )
    assert f"totals: POS now {check.pos_total:,.2f}." in check.message
    assert check.differences == ()
    out, _ = unmapped.cli("reconcile", "--date", str(DAY1), "--outlet", "KLCC", "--format",
                          "json", "--source", str(unmapped.pos_file)).communicate(timeout=60)  # fmt: skip
    [doc] = json.loads(out)["documents"]
    assert doc["lines_compared"] is False and doc["lines_differing"] == 0


def test_no_adjusting_entry_from_lines_that_were_not_compared(home: Home, unmapped: Home):
    """Posting 'POS minus QuickBooks' per line would reverse the whole day."""
    home.send(DAY1, outlets=["KLCC"])
    check = reconcile(unmapped.config, unmapped.store, sources=[unmapped.pos_file],
                      date_from=DAY1, outlets=["KLCC"]).documents[0]  # fmt: skip
    with pytest.raises(ReconcileError, match="nothing was posted"):
        post_adjustment(unmapped.config, unmapped.store, check)
