"""Whatever fails on the way, each day reaches QuickBooks exactly once and the ledger agrees.

Each case sends journal entries or sales receipts for one outlet-day (a single request,
or one batch for the receipts) or a three-day range (batches) while the sandbox
misbehaves, then counts the documents QuickBooks holds per DocNumber.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from posbooks.posting.ledger import ledger_rows
from posbooks.posting.outcome import PostOutcome
from posbooks.qbo import auth
from posbooks.qbo.auth import ReconnectNeeded
from posting_support import (
    DAY1,
    DAY2,
    DAY3,
    FAST,
    Home,
    assert_exactly_once,
    connect_home,
    documents_in_quickbooks,
    home_dir,
    pos_file,
)

__all__ = ["home_dir", "pos_file"]

WRITES = r"^(batch|journalentry|salesreceipt)$"
SCOPES = {"single": (DAY1, None, ["Bangsar"]), "range": (DAY1, DAY3, None)}


@pytest.fixture(params=["journal", "receipt"])
def doc_type(request) -> str:
    return request.param


@pytest.fixture
def case_home(fresh_sandbox, home_dir, pos_file, doc_type) -> Home:
    return connect_home(fresh_sandbox, home_dir, pos_file, doc_type=doc_type)


def send(home: Home, scope: str, doc_type: str, **kwargs) -> list[PostOutcome]:
    date_from, date_to, outlets = SCOPES[scope]
    return home.send(date_from, date_to, outlets=outlets, doc_type=doc_type, **kwargs)


def sent_ok(outcomes: list[PostOutcome]) -> None:
    assert outcomes
    assert {o.status for o in outcomes} <= {"created", "blocked"}, [
        (o.doc_number, o.status, o.message) for o in outcomes if o.status != "created"
    ]
    assert any(o.status == "created" for o in outcomes)


@pytest.mark.parametrize("scope", ["single", "range"])
@pytest.mark.parametrize(
    ("kind", "count"),
    [
        ("http_429", 2),
        ("http_500", 2),
        ("http_503", 1),
        ("xml_throttle", 2),
        ("drop_after_commit", 1),
    ],
)
def test_write_faults_never_duplicate(case_home: Home, doc_type, scope, kind, count):
    case_home.fault(kind, count=count, path=WRITES)
    outcomes = send(case_home, scope, doc_type)
    sent_ok(outcomes)
    assert case_home.handle.admin("faults")["pending"] == []  # the faults were really hit
    assert_exactly_once(case_home, doc_type, outcomes)


@pytest.mark.parametrize("scope", ["single", "range"])
def test_a_reply_slower_than_the_timeout_is_not_sent_twice(case_home: Home, doc_type, scope):
    case_home.fault("delay", path=WRITES, seconds=1.2)
    started = time.monotonic()
    outcomes = send(case_home, scope, doc_type, policy=replace(FAST, http_timeout=0.4))
    sent_ok(outcomes)
    time.sleep(max(0.0, 1.5 - (time.monotonic() - started)))  # let the slow request finish
    assert_exactly_once(case_home, doc_type, outcomes)


def test_a_lookup_that_fails_first_is_retried(case_home: Home, doc_type):
    case_home.fault("http_500", count=1, path=r"^query$")
    outcomes = send(case_home, "range", doc_type)
    sent_ok(outcomes)
    assert_exactly_once(case_home, doc_type, outcomes)


class ClockJump:
    """A gateway that moves the sandbox clock past the access token's life before a write."""

    def __init__(self, gateway, handle, seconds: float):
        self._gateway, self._handle, self._seconds = gateway, handle, seconds

    def __getattr__(self, name):
        return getattr(self._gateway, name)

    def _jump(self):
        if self._seconds:
            self._handle.admin("clock", {"advance_seconds": self._seconds})
            self._seconds = 0

    def batch(self, *args, **kwargs):
        self._jump()
        return self._gateway.batch(*args, **kwargs)

    def create(self, *args, **kwargs):
        self._jump()
        return self._gateway.create(*args, **kwargs)


def test_access_token_expiring_mid_range(case_home: Home, doc_type):
    from posbooks.qbo.gateway import open_gateway

    gateway = ClockJump(open_gateway(case_home.config, case_home.store), case_home.handle, 3700)
    outcomes = send(case_home, "range", doc_type, gateway=gateway)
    sent_ok(outcomes)
    assert_exactly_once(case_home, doc_type, outcomes)


def test_rotated_refresh_tokens_are_kept_and_used(case_home: Home, doc_type):
    home = case_home
    _, before = auth.current_tokens(home.config, home.store)
    day1 = home.send(DAY1, doc_type=doc_type)
    home.handle.admin("clock", {"advance_seconds": 3700})  # access token expired: refresh
    day2 = home.send(DAY2, doc_type=doc_type)
    _, after = auth.current_tokens(home.config, home.store)
    assert after.refresh_token != before.refresh_token
    # a day later the refresh token posbooks started with is dead; the rotated one works
    home.handle.admin("clock", {"advance_seconds": 25 * 3600})
    day3 = home.send(DAY3, doc_type=doc_type)
    for outcomes in (day1, day2, day3):
        sent_ok(outcomes)
    assert_exactly_once(home, doc_type, day1 + day2 + day3)


def test_a_revoked_refresh_token_means_reconnect_and_nothing_posted(case_home: Home, doc_type):
    home = case_home
    _, tokens = auth.current_tokens(home.config, home.store)
    home.handle.admin("clock", {"advance_seconds": 3700})
    auth.auth_client(home.config).revoke(token=tokens.refresh_token)
    with pytest.raises(ReconnectNeeded):
        send(home, "range", doc_type)
    status = auth.connection_status(home.config, home.store)
    assert status.reconnect_needed
    assert documents_in_quickbooks(home.handle, doc_type) == []
    assert ledger_rows(home.store) == []
