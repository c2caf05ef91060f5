"""The journey against the sandbox's US company (sales tax) over HTTP: connect, refresh, map,
send journal entries and receipts with a refund day, send again, reconcile.

A US company keeps tax out of tax codes on a POS daily summary: journal lines to Sales Tax
Payable, as US integrations send them (issue 12); posbooks' own check lets that through
there, unlike in a company that taxes by code."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from posbooks.core.model import Ref
from posbooks.drafts.mapping import current_mapping, save_mapping
from posbooks.qbo.settings import current_settings
from posbooks.reconcile.gather import reconcile
from posting_support import DAY2, Home, connect_home, doc_number_counts, home_dir, pos_file
from qbo_sandbox import SandboxHandle
from test_refund_receipts import refund_file

__all__ = ["home_dir", "pos_file", "refund_file"]  # fixtures used below


@pytest.fixture
def us_home(fresh_sandbox: SandboxHandle, home_dir: Path, pos_file: Path):
    fresh_sandbox.admin("reset", {"company": "us"})
    fresh_sandbox.admin("limits", {"per_second": 100})
    home = connect_home(fresh_sandbox, home_dir, pos_file, doc_type="receipt")
    settings = current_settings(home.store)
    payable = next(a for a in settings.accounts if a.account_subtype == "SalesTaxPayable")
    item = next(i for i in settings.items if i.name == "Sales Tax")
    mapping = current_mapping(home.store)
    accounts = {
        **mapping.accounts,
        **{k: Ref(payable.id, payable.name) for k in (("tax", "SST6"), ("tax", "SST10"))},
    }
    items = {**mapping.items, "tax": Ref(item.id, item.name)}
    save_mapping(home.store, replace(mapping, accounts=accounts, items=items), note="US tax")
    yield home
    fresh_sandbox.admin("reset", {})


def test_the_us_journey_journal_receipts_refund_resend_reconcile(us_home: Home, refund_file):
    home = us_home
    settings = current_settings(home.store)
    assert settings.country == "US" and not settings.taxes_by_code

    [journal] = home.send(DAY2, outlets=["KLCC"])
    assert journal.status == "created", journal.message
    receipts = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt", source=refund_file)
    assert receipts and all(o.status == "created" for o in receipts), [o.message for o in receipts]
    assert any(o.doc_type == "refund" for o in receipts)

    again = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt", source=refund_file)
    assert {o.status for o in again} == {"unchanged"}
    assert set(doc_number_counts(home.handle, "receipt").values()) == {1}
    assert Counter(doc_number_counts(home.handle, "refund")).most_common(1)[0][1] == 1

    checked = reconcile(
        home.config, home.store, sources=[refund_file], date_from=DAY2, doc_type="receipt",
        outlets=["Bangsar"],
    )  # fmt: skip
    assert {c.status for c in checked.documents} == {"matched"}
    journals = reconcile(
        home.config, home.store, sources=[home.pos_file], date_from=DAY2, outlets=["KLCC"]
    )
    assert {c.status for c in journals.documents} == {"matched"}
