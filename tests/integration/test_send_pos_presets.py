"""Real-shaped POS exports (Square items + transactions, Toast with its options) sent to the
local QuickBooks sandbox over HTTP: the journal entry QuickBooks holds carries what the
export collected."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from posbooks.core.model import Ref
from posbooks.drafts.mapping import pos_keys, save_mapping, suggest_mapping
from posbooks.drafts.source_profile import SourceProfile, save_source_profile
from posbooks.pos.presets import SourceOptions
from posbooks.posting.plan import open_pos_exports, post_range
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.settings import refresh_settings
from posbooks.state.store import Store
from posting_support import documents_in_quickbooks, home_dir, local_config

__all__ = ["home_dir"]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "presets"


def _send(handle, home: Path, sources: list[Path], profile: SourceProfile | None, day):
    config = local_config(handle, home)
    store = Store(config.home)
    if profile is not None:
        save_source_profile(store, profile)
    qbo_connect.auto_approve(config, store)
    settings = refresh_settings(config, store)
    keys, outlets = pos_keys(open_pos_exports(sources, store))
    mapping = suggest_mapping(keys, settings, outlets=outlets)
    # What the suggestions cannot guess (a US tax, a clearing account), the bookkeeper picks.
    first_of = {}
    for account in settings.accounts:
        first_of.setdefault(account.account_type, Ref(account.id, account.name))
    wanted = {"payment": "Other Current Asset", "tax": "Other Current Liability",
              "tip": "Other Current Liability", "rounding": "Expense"}  # fmt: skip
    accounts = dict(mapping.accounts)
    for source, key in keys:
        if (source, key) not in accounts:
            accounts[(source, key)] = first_of[wanted.get(source, "Income")]
    save_mapping(store, replace(mapping, accounts=accounts), note="suggested, then completed")
    return post_range(config, store, sources=sources, date_from=day, date_to=day,
                      doc_type="journal")  # fmt: skip


def _debits(entry: dict, description: str) -> Decimal:
    return sum(
        (Decimal(str(line["Amount"])) for line in entry["Line"]
         if line["JournalEntryLineDetail"]["PostingType"] == "Debit"
         and description in line.get("Description", "")),
        Decimal("0.00"),
    )  # fmt: skip


def test_a_square_day_reaches_quickbooks_with_its_total_collected(fresh_sandbox, home_dir):
    from datetime import date

    sources = sorted((FIXTURES / "square").glob("*.csv"))
    outcomes = _send(fresh_sandbox, home_dir, sources, None, date(2024, 8, 24))
    assert [(o.outlet, o.status) for o in outcomes] == [("Fraser Highland", "created")], outcomes
    (entry,) = documents_in_quickbooks(fresh_sandbox, "journal")
    # Every tender Square collected is a debit: 1,325.58 in all (Total Collected).
    assert _debits(entry, "Payment - ") == Decimal("1325.58")


def test_a_toast_day_with_a_clearing_method_and_an_outlet_name(fresh_sandbox, home_dir):
    from datetime import date

    sources = sorted((FIXTURES / "toast_damaged_ids").glob("[IO]*.csv"))  # no PaymentDetails
    profile = SourceProfile(None, SourceOptions(outlet="Main St", clearing_method="Toast clearing"))
    outcomes = _send(fresh_sandbox, home_dir, sources, profile, date(2024, 3, 5))
    assert [(o.outlet, o.status) for o in outcomes] == [("Main St", "created")], outcomes
    (entry,) = documents_in_quickbooks(fresh_sandbox, "journal")
    assert _debits(entry, "Payment - Toast clearing") == Decimal("92.14")  # OrderDetails Total
