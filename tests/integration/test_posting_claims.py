"""Claims in the store: one sender per document, and a killed sender's claim is taken over."""

from __future__ import annotations

import subprocess
import sys
import time

from posbooks.posting import ledger
from posbooks.state.store import Store

REALM = "9130357000000001"
DOCS = ["PB261102-BANEQ-J", "PB261102-KLCOU-J"]


def test_a_claim_held_by_a_live_sender_is_respected_then_released(tmp_path):
    store = Store(tmp_path)
    got, busy = ledger.claim(store, REALM, DOCS, "cron", lease=60)
    assert (got, busy) == (set(DOCS), set())
    got, busy = ledger.claim(store, REALM, DOCS, "app", lease=60)
    assert (got, busy) == (set(), set(DOCS))
    ledger.release(store, REALM, DOCS[:1], "cron")
    got, busy = ledger.claim(store, REALM, DOCS, "app", lease=60)
    assert (got, busy) == ({DOCS[0]}, {DOCS[1]})


def test_a_lapsed_lease_is_taken_over(tmp_path):
    store = Store(tmp_path)
    ledger.claim(store, REALM, DOCS, "cron", lease=0.05)
    time.sleep(0.1)
    assert ledger.claim(store, REALM, DOCS, "app", lease=60)[0] == set(DOCS)


def test_the_claim_of_a_killed_sender_on_this_machine_is_taken_over_at_once(tmp_path):
    store = Store(tmp_path)
    code = (
        "import sys; from pathlib import Path; from posbooks.posting import ledger; "
        "from posbooks.state.store import Store; "
        f"ledger.claim(Store(Path(sys.argv[1])), {REALM!r}, {DOCS!r}, 'killed', lease=3600)"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True)  # it has exited
    assert ledger.claim(store, REALM, DOCS, "rerun", lease=60)[0] == set(DOCS)
