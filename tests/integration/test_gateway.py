"""The gateway against the sandbox: fresh tokens, faults retried, errors a bookkeeper reads."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from intuitlib.client import AuthClient
from posbooks.qbo import auth
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.gateway import ClientLimits, QboError, RetryPolicy, open_gateway
from posbooks.state.config import Config
from posbooks.state.store import Store, utc_now
from qbo_sandbox import SandboxHandle

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
ACCESS_TTL = 3600


def _config(handle: SandboxHandle, home: Path) -> Config:
    return Config(
        home=home,
        environment="local",
        client_id=handle.client_id,
        client_secret=handle.client_secret,
        redirect_uri=handle.redirect_uris[0],
        sandbox_url=handle.base_url,
    )


@pytest.fixture
def connected(fresh_sandbox: SandboxHandle, tmp_path: Path) -> tuple[Config, Store]:
    config = _config(fresh_sandbox, tmp_path / "home")
    store = Store(config.home)
    qbo_connect.auto_approve(config, store)
    return config, store


def _served(handle: SandboxHandle) -> dict:
    return handle.admin("state")["faults_served"]


def _journal(doc_number: str, amount: str = "12.50") -> dict:
    """A balanced entry: cash in, food sales out."""
    line = {"DetailType": "JournalEntryLineDetail", "Amount": Decimal(amount)}
    return {
        "DocNumber": doc_number,
        "TxnDate": "2026-11-01",
        "Line": [
            {
                **line,
                "JournalEntryLineDetail": {"PostingType": "Debit", "AccountRef": {"value": "2"}},
            },
            {
                **line,
                "JournalEntryLineDetail": {"PostingType": "Credit", "AccountRef": {"value": "11"}},
            },
        ],
    }


def test_an_expired_access_token_is_refreshed_and_the_new_refresh_token_kept(
    connected, fresh_sandbox
):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    _, before = auth.current_tokens(config, store)
    fresh_sandbox.admin("clock", {"advance_seconds": ACCESS_TTL + 60})  # QuickBooks: expired
    accounts = gateway.query("Account")
    assert any(a["Name"] == "Cash on Hand" for a in accounts)
    _, after = auth.current_tokens(config, store)
    assert after.refresh_token != before.refresh_token
    assert after.access_token != before.access_token
    by_status = fresh_sandbox.admin("state")["requests"]["by_status"]
    assert by_status.get("401") == 1  # one refused call, then one refresh and a retry
    # a new process (a new gateway) starts from the stored, rotated tokens
    fresh_sandbox.admin("clock", {"advance_seconds": 25 * 3600})  # old refresh tokens die
    restarted = open_gateway(config, store, retry=FAST)
    assert restarted.read("CompanyInfo", restarted.realm_id)["CompanyName"].startswith("Nasi")


def test_a_token_about_to_expire_is_refreshed_before_the_call(connected, fresh_sandbox):
    config, store = connected
    soon = lambda: utc_now() + timedelta(seconds=ACCESS_TTL - 60)  # noqa: E731
    gateway = open_gateway(config, store, retry=FAST, clock=soon)
    _, before = auth.current_tokens(config, store)
    gateway.query("Class")
    _, after = auth.current_tokens(config, store)
    assert after.refresh_token != before.refresh_token
    state = fresh_sandbox.admin("state")
    assert "401" not in state["requests"]["by_status"]  # no refused call: refreshed first
    assert state["oauth"]["issued"]["refreshes"] == 1


class _HeldAtTheTokenEndpoint(AuthClient):
    """intuit-oauth's client that says when it is about to refresh, then waits for ``go``."""

    def __init__(self, config: Config, about_to_refresh, go) -> None:
        super().__init__(
            config.client_id, config.client_secret, config.redirect_uri, auth.discovery_url(config)
        )
        self._about_to_refresh, self._go = about_to_refresh, go

    def refresh(self, refresh_token=None):  # noqa: D102 - intuit-oauth's API
        self._about_to_refresh.set()
        self._go.wait(30)
        return super().refresh(refresh_token=refresh_token)


def _refresh_after_a_401(config: Config, refused_access_token: str, about, go) -> None:
    """Another process: QuickBooks refused its access token, so it refreshes (held)."""
    client = _HeldAtTheTokenEndpoint(config, about, go)
    store = Store(config.home)
    auth.refresh_tokens(config, store, client=client, failed_access_token=refused_access_token)


def test_two_processes_refreshing_at_once_keep_the_connection(connected, fresh_sandbox):
    """Both processes got a 401 for the same access token and refresh at the same moment.

    The first is held at the token endpoint with the refresh token it read; the second must
    wait for it and use what it got, not refresh the same token again. Intuit keeps a used
    refresh token alive about 24 h, which would hide a second use in a quick test, so the
    sandbox clock moves 25 h while the first is held: a token someone else already used is
    then refused (invalid_grant) and the connection would be lost.
    """
    config, store = connected
    _, before = auth.current_tokens(config, store)
    ctx = multiprocessing.get_context("spawn")
    about, go = ctx.Event(), ctx.Event()
    first = ctx.Process(target=_refresh_after_a_401, args=(config, before.access_token, about, go))
    first.start()
    second: dict = {}

    def refresh_here() -> None:
        try:
            second["tokens"] = auth.refresh_tokens(
                config, Store(config.home), failed_access_token=before.access_token
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            second["error"] = exc

    try:
        assert about.wait(60), "the other process never reached the token endpoint"
        here = threading.Thread(target=refresh_here, daemon=True)
        here.start()
        here.join(2)  # ours waits for the other's transaction; without one it refreshes now
        fresh_sandbox.admin("clock", {"advance_seconds": 25 * 3600})
        go.set()
        first.join(60)
        here.join(30)
    finally:
        go.set()
        first.join(10)
        if first.is_alive():
            first.kill()
    assert first.exitcode == 0, "the held process lost the connection"
    assert "error" not in second, second.get("error")
    status = auth.connection_status(config, store)
    assert status.connected and not status.reconnect_needed, status.message
    assert second["tokens"][1].refresh_token == auth.current_tokens(config, store)[1].refresh_token
    assert fresh_sandbox.admin("state")["oauth"]["issued"]["refreshes"] == 1  # one for both
    gateway = open_gateway(config, Store(config.home), retry=FAST)
    assert len(gateway.query("Department")) == 3


@pytest.mark.parametrize("kind", ["http_429", "http_500", "http_503", "xml_throttle"])
def test_a_failing_read_is_retried_until_it_succeeds(connected, fresh_sandbox, kind):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    before = _served(fresh_sandbox).get(kind, 0)
    fresh_sandbox.admin("faults", {"kind": kind, "count": 2, "path": "query"})
    names = [m["Name"] for m in gateway.query("PaymentMethod")]
    assert "TNG eWallet" in names
    assert _served(fresh_sandbox)[kind] == before + 2


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("http_429", "throttle"), ("xml_throttle", "throttle"), ("http_503", "server")],
)
def test_a_read_failing_every_time_ends_in_a_retryable_error(
    connected, fresh_sandbox, kind, expected
):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    before = _served(fresh_sandbox).get(kind, 0)
    fresh_sandbox.admin("faults", {"kind": kind, "count": 10, "path": "query"})
    with pytest.raises(QboError) as err:
        gateway.query("Item")
    assert (err.value.kind, err.value.retryable) == (expected, True)
    assert _served(fresh_sandbox)[kind] == before + FAST.attempts
    if expected == "throttle":
        assert err.value.code == "3001" and "throttling" in str(err.value)


def test_a_reply_slower_than_the_timeout_is_a_timeout(connected, fresh_sandbox):
    config, store = connected
    gateway = open_gateway(config, store, timeout=0.3, retry=RetryPolicy(attempts=1))
    fresh_sandbox.admin("faults", {"kind": "delay", "seconds": 1.5, "path": "query"})
    started = time.monotonic()
    with pytest.raises(QboError) as err:
        gateway.query("Class")
    assert time.monotonic() - started < 1.4
    assert (err.value.kind, err.value.retryable) == ("timeout", True)
    # the sandbox still answers the delayed query and counts it when done: let it finish
    # here, or it lands in the request counters of the next test on this worker
    time.sleep(max(0.0, started + 1.7 - time.monotonic()))


def test_writes_are_not_retried_and_say_so(connected, fresh_sandbox):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    fresh_sandbox.admin("faults", {"kind": "http_503", "count": 1, "path": "journalentry"})
    with pytest.raises(QboError) as err:
        gateway.create("JournalEntry", _journal("GW-1"))
    assert (err.value.kind, err.value.status, err.value.retryable) == ("server", 503, True)
    assert gateway.query("JournalEntry", "DocNumber = 'GW-1'") == []


def test_a_reply_lost_after_commit_is_a_connection_error_and_the_entry_exists(
    connected, fresh_sandbox
):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    fresh_sandbox.admin("faults", {"kind": "drop_after_commit", "path": "journalentry"})
    with pytest.raises(QboError) as err:
        gateway.create("JournalEntry", _journal("GW-2"), request_id="req-gw-2")
    assert (err.value.kind, err.value.retryable) == ("connection", True)
    found = gateway.query("JournalEntry", "DocNumber = 'GW-2'")
    assert len(found) == 1
    # the same requestid replays the original reply instead of creating a second entry
    again = gateway.create("JournalEntry", _journal("GW-2"), request_id="req-gw-2")
    assert again["Id"] == found[0]["Id"]
    assert len(gateway.query("JournalEntry", "DocNumber = 'GW-2'")) == 1


def test_create_update_delete_round_trip_with_exact_amounts(connected):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    created = gateway.create("JournalEntry", _journal("GW-3", "1234567.89"))
    assert Decimal(str(created["Line"][0]["Amount"])) == Decimal("1234567.89")
    updated = gateway.update(
        "JournalEntry",
        {"Id": created["Id"], "SyncToken": created["SyncToken"], "PrivateNote": "checked"},
        sparse=True,
    )
    assert updated["PrivateNote"] == "checked" and updated["SyncToken"] != created["SyncToken"]
    with pytest.raises(QboError) as err:  # the old SyncToken is stale now
        gateway.update("JournalEntry", {**created, "PrivateNote": "late"})
    assert err.value.kind == "stale" and err.value.code == "5010" and not err.value.retryable
    gateway.delete("JournalEntry", created["Id"], updated["SyncToken"])
    assert gateway.read("JournalEntry", created["Id"]) is None


def test_an_unbalanced_entry_is_a_validation_error(connected):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    entry = _journal("GW-4")
    entry["Line"][1]["Amount"] = Decimal("12.49")
    with pytest.raises(QboError) as err:
        gateway.create("JournalEntry", entry)
    assert err.value.kind == "validation" and not err.value.retryable
    assert err.value.status == 400 and err.value.code


def test_batch_answers_each_item_in_order(connected):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    bad = _journal("GW-6")
    bad["Line"][0]["Amount"] = Decimal("1.00")
    replies = gateway.batch(
        [
            {"operation": "create", "JournalEntry": _journal("GW-5")},
            {"operation": "create", "JournalEntry": bad},
        ]
    )
    assert [r["bId"] for r in replies] == ["0", "1"]
    assert replies[0]["JournalEntry"]["DocNumber"] == "GW-5"
    assert "Fault" in replies[1]
    with pytest.raises(ValueError, match="at most 30"):
        gateway.batch([{"operation": "create", "JournalEntry": _journal("x")}] * 31)


def test_cdc_and_journal_report(connected):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    created = gateway.create("JournalEntry", _journal("GW-7"))
    changes = gateway.cdc(["JournalEntry"], utc_now() - timedelta(days=1))
    assert created["Id"] in str(changes)
    report = gateway.report("JournalReport", start_date="2026-11-01", end_date="2026-11-01")
    assert "GW-7" in str(report)


def test_the_client_limiter_keeps_under_quickbooks_limits(connected, fresh_sandbox):
    """Two gateways (as two processes would have) share one limit through the store."""
    config, store = connected
    fresh_sandbox.admin("limits", {"per_second": 4})
    limits = ClientLimits(per_second=3, per_minute=100, batch_per_minute=10)
    gateways = [
        open_gateway(config, Store(config.home), retry=RetryPolicy(attempts=1), limits=limits)
        for _ in range(2)
    ]

    def four_calls(gateway):
        for _ in range(4):
            gateway.query_raw("SELECT COUNT(*) FROM Class")

    started = time.monotonic()
    threads = [threading.Thread(target=four_calls, args=(g,)) for g in gateways]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert time.monotonic() - started >= 2.0  # 8 calls at 3 per second
    state = fresh_sandbox.admin("state")["requests"]
    assert state["throttled_429"] == 0
    assert state["by_path"]["POST /v3/company/{id}/query"] == 8


def test_revoked_connection_raises_reconnect_needed_and_posts_nothing(connected, fresh_sandbox):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    _, tokens = auth.current_tokens(config, store)
    AuthClient(
        config.client_id, config.client_secret, config.redirect_uri, fresh_sandbox.discovery_url
    ).revoke(token=tokens.refresh_token)
    with pytest.raises(auth.ReconnectNeeded, match="posbooks connect"):
        gateway.create("JournalEntry", _journal("GW-8"))
    assert auth.connection_status(config, store).reconnect_needed
    counts = fresh_sandbox.admin("state")["entities"][gateway.realm_id]
    assert counts.get("JournalEntry", 0) == 0
    with pytest.raises(auth.ReconnectNeeded):
        open_gateway(config, store)


def test_query_pages_through_everything(connected, fresh_sandbox, monkeypatch):
    config, store = connected
    from posbooks.qbo import gateway as gateway_module

    monkeypatch.setattr(gateway_module, "PAGE_SIZE", 5)  # 24 accounts: five pages
    gateway = open_gateway(config, store, retry=FAST)
    accounts = gateway.query("Account", "Active IN (true, false)", order_by="Id")
    assert len(accounts) == 24 and len({a["Id"] for a in accounts}) == 24
    assert fresh_sandbox.admin("state")["requests"]["by_path"]["POST /v3/company/{id}/query"] == 5


def test_a_requestid_quickbooks_would_refuse_is_caught_before_sending(connected):
    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    with pytest.raises(ValueError, match="1 to 50 characters"):
        gateway.create("JournalEntry", _journal("GW-9"), request_id="x" * 51)
    with pytest.raises(ValueError, match="1 to 36 characters"):
        gateway.batch(
            [{"operation": "create", "JournalEntry": _journal("GW-9")}], request_id="y" * 37
        )
    assert gateway.query("JournalEntry", "DocNumber = 'GW-9'") == []


def test_a_batch_quickbooks_refuses_with_code_400_is_not_mistaken_for_a_token_problem(
    connected, fresh_sandbox, monkeypatch
):
    """python-quickbooks maps codes 1-499 to AuthorizationException; QuickBooks' "more than
    30 operations" fault is code 400. It must read as a refused request, not renew tokens."""
    from posbooks.qbo import gateway as gateway_module

    config, store = connected
    gateway = open_gateway(config, store, retry=FAST)
    _, before = auth.current_tokens(config, store)
    monkeypatch.setattr(gateway_module, "BATCH_MAX", 40)  # let 31 reach QuickBooks
    items = [
        {"bId": str(i), "operation": "create", "JournalEntry": _journal(f"GW-B{i}")}
        for i in range(31)
    ]
    with pytest.raises(QboError) as err:
        gateway.batch(items)
    assert err.value.kind == "validation" and not err.value.retryable
    assert err.value.status == 400 and "at most 30" in str(err.value)
    _, after = auth.current_tokens(config, store)
    assert after.refresh_token == before.refresh_token  # no refresh was attempted
    requests_seen = fresh_sandbox.admin("state")["requests"]
    assert requests_seen["by_status"].get("400") == 1  # sent once, not retried
