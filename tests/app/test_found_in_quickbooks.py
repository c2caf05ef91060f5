"""Looking in QuickBooks for posbooks documents this home's ledger never sent (History's
view before the first send): only QuickBooks and the ledger are read."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from posbooks import services
from posbooks.drafts.mapping import pos_keys, save_mapping, suggest_mapping
from posbooks.pos import open_exports
from posbooks.posting.plan import post_range
from posbooks.qbo import auth
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.settings import refresh_settings
from posbooks.reconcile.found import documents_not_in_ledger
from posbooks.state.config import load_config
from posbooks.state.store import open_store

SOURCE = services.sample_source()


def _home(config):
    """A connected home with the suggested mapping saved."""
    store = open_store(config)
    qbo_connect.auto_approve(config, store)
    settings = refresh_settings(config, store)
    keys, outlets = pos_keys(open_exports(list(SOURCE.paths)))
    save_mapping(store, suggest_mapping(keys, settings, outlets=outlets), note="test")
    return config, store


def _post(home, day, outlets, doc_type="journal"):
    config, store = home
    return post_range(config, store, sources=list(SOURCE.paths), date_from=day,
                      outlets=outlets, doc_type=doc_type)  # fmt: skip


def test_finds_what_another_home_sent_and_not_what_this_ledger_holds(workbench_env, tmp_path):
    day = services.summarize_source(SOURCE).last_day
    here = _home(load_config())
    other = _home(load_config(env={**os.environ, "POSBOOKS_HOME": str(tmp_path / "other")}))
    assert [o.status for o in _post(here, day, ["KLCC"])] == ["created"]
    # the other home sends the whole day (KLCC is already there: recorded, not created again)
    assert sorted(o.status for o in _post(other, day, None)) == ["created", "created", "unchanged"]
    receipts = _post(other, day - timedelta(days=1), ["Bangsar"], "receipt")
    assert receipts and {o.status for o in receipts} == {"created"}

    found = documents_not_in_ledger(services.open_workbench(), day - timedelta(days=1), day)
    assert {c.status for c in found} == {"qbo_only"}
    assert [(c.business_date, c.outlet, c.doc_type, c.doc_key) for c in found] == [
        *sorted((day - timedelta(days=1), "Bangsar", "receipt", o.doc_key) for o in receipts),
        (day, "Bangsar", "journal", ""),
        (day, "Mont Kiara", "journal", ""),
    ]  # KLCC is in this ledger: not found
    assert all(c.qbo_total and c.qbo_total > 0 and c.pos_total is None for c in found)
    assert {c.doc_number for c in found} >= {o.doc_number for o in receipts}


def test_not_connected_says_so_in_plain_words(workbench_env):
    day = services.summarize_source(SOURCE).last_day
    with pytest.raises(services.WorkbenchError, match="not connected"):
        documents_not_in_ledger(services.open_workbench(), day, day)


def test_a_copy_of_another_outlets_entry_under_our_docnumber_is_not_found(workbench_env, tmp_path):
    """QuickBooks' copy keeps the memo: KLCC's note under Bangsar's DocNumber is not Bangsar's."""
    from posbooks.posting.numbering import doc_numbers
    from posbooks.qbo.gateway import open_gateway
    from posbooks.state.store import open_store

    day = services.summarize_source(SOURCE).last_day
    _home(load_config())
    other = _home(load_config(env={**os.environ, "POSBOOKS_HOME": str(tmp_path / "other")}))
    [klcc] = _post(other, day, ["KLCC"])
    gateway = open_gateway(*other)
    bangsar = doc_numbers(open_store(load_config()), ["Bangsar"]).number(day, "Bangsar", "journal")
    original = gateway.read("JournalEntry", klcc.qbo_id)
    gateway.create("JournalEntry", {
        "TxnDate": day.isoformat(), "DocNumber": bangsar,
        "PrivateNote": original["PrivateNote"],
        "Line": [{k: v for k, v in ln.items() if k != "Id"} for ln in original["Line"]],
    })  # fmt: skip

    found = documents_not_in_ledger(services.open_workbench(), day, day)
    assert [(c.doc_number, c.outlet) for c in found] == [(klcc.doc_number, "KLCC")]


def _look_before_the_first_send(wb, day):
    return documents_not_in_ledger(wb, day, day)


def _reconcile(wb, day):
    from posbooks.services import reconcile_period

    return reconcile_period(wb, SOURCE, day, day, [], "journal")


@pytest.mark.parametrize("look", [_look_before_the_first_send, _reconcile])
def test_a_connection_revoked_in_quickbooks_asks_to_reconnect(workbench_env, look):
    """Revoked in QuickBooks: History's look and Reconcile say what to do, in plain words."""
    config, store = _home(load_config())
    _, tokens = auth.current_tokens(config, store)
    auth.auth_client(config).revoke(token=tokens.refresh_token)
    day = services.summarize_source(SOURCE).last_day
    with pytest.raises(services.WorkbenchError, match="^QuickBooks no longer accepts"):
        look(services.open_workbench(), day)
