"""Two outlets of one chain, named alike, each booked as its own document (issue 16.1).

"Nasi & Co Bukit Bintang" and "Nasi & Co Johor Bahru" used to share PB261120-NASE4-J: one
run said "2 created" and listed Johor Bahru twice, the ledger recorded both as one
QuickBooks document, and reconcile then called it "matched". Now each outlet has its own
code, so each day ends as two entries in QuickBooks, each reconciled to its own outlet.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from posbooks.drafts.preview import default_source
from posbooks.posting.ledger import ledger_rows
from posbooks.reconcile.gather import reconcile
from posting_support import DAY1, DAY3, connect_home, documents_in_quickbooks, home_dir

__all__ = ["home_dir"]  # fixture used below
BB, JB = "Nasi & Co Bukit Bintang", "Nasi & Co Johor Bahru"


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory) -> Path:
    """The sample's Bangsar and KLCC days renamed as two outlets of one chain."""
    path = tmp_path_factory.mktemp("chain") / "chain.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT * REPLACE (CASE outlet WHEN 'Bangsar' THEN '{BB}' ELSE '{JB}' END "
        f"AS outlet) FROM read_parquet('{default_source()}') WHERE outlet IN ('Bangsar', 'KLCC') "
        f"AND business_date BETWEEN DATE '{DAY1}' AND DATE '{DAY3}') TO '{path}' (FORMAT parquet)"
    )
    return path


def test_each_outlet_gets_its_own_entry_and_reconciles_to_itself(
    fresh_sandbox, home_dir, chain_file
):
    fresh_sandbox.admin("limits", {"per_second": 100})
    home = connect_home(fresh_sandbox, home_dir, chain_file)

    outcomes = home.send(DAY1, source=chain_file)
    assert sorted((o.outlet, o.status) for o in outcomes) == [(BB, "created"), (JB, "created")]
    numbers = {o.outlet: o.doc_number for o in outcomes}
    assert numbers[BB] != numbers[JB]
    assert all(len(n) <= 21 for n in numbers.values())

    held = {d["DocNumber"]: d for d in documents_in_quickbooks(fresh_sandbox, "journal")}
    assert set(held) == set(numbers.values())  # two entries, not one
    for outlet, number in numbers.items():
        assert held[number]["PrivateNote"].endswith(f"journal {outlet} {DAY1.isoformat()}")
    rows = [r for r in ledger_rows(home.store) if r.business_date == DAY1]
    assert len({r.qbo_id for r in rows}) == 2

    for outlets in (None, [BB]):
        result = reconcile(home.config, home.store, sources=[chain_file], date_from=DAY1,
                           outlets=outlets)  # fmt: skip
        by_outlet = {c.outlet: c for c in result.documents}
        assert set(by_outlet) == ({BB, JB} if outlets is None else {BB})
        for outlet, check in by_outlet.items():
            assert (check.status, check.doc_number) == ("matched", numbers[outlet])
            assert check.qbo_id == held[numbers[outlet]]["Id"]

    # a re-run sends nothing more
    again = home.send(DAY1, source=chain_file)
    assert sorted(o.status for o in again) == ["unchanged", "unchanged"]
    assert len(documents_in_quickbooks(fresh_sandbox, "journal")) == 2
