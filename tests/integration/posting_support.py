"""Shared set-up for the posting tests: a small POS export, a connected home, QBO counts.

Import the fixtures into a test module with ``from posting_support import ...``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
import requests
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from posbooks.core.model import Ref
from posbooks.drafts.mapping import current_mapping, pos_keys, save_mapping, suggest_mapping
from posbooks.drafts.preview import default_source
from posbooks.posting.outcome import RetryPolicy
from posbooks.posting.plan import open_pos_exports, post_range
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.settings import current_settings, refresh_settings
from posbooks.state.config import Config
from posbooks.state.store import Store
from qbo_sandbox import SandboxHandle
from qbo_sandbox.autoapprove import approve_authorization
from quickbooks import QuickBooks

DAY1, DAY2, DAY3 = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)
OUTLETS = ("Bangsar", "KLCC", "Mont Kiara")
ENTITY = {"journal": "JournalEntry", "receipt": "SalesReceipt", "refund": "RefundReceipt"}
# fast retries for tests: milliseconds, not seconds
FAST = RetryPolicy(attempts=6, base_seconds=0.02, max_seconds=0.2, http_timeout=5.0)


@pytest.fixture(scope="session")
def pos_file(tmp_path_factory) -> Path:
    """Three business days (2026-11-02..04) of the sample data, as a Parquet export."""
    path = tmp_path_factory.mktemp("pos") / "three_days.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_parquet('{default_source()}') "
        f"WHERE business_date BETWEEN DATE '{DAY1}' AND DATE '{DAY3}') TO '{path}' (FORMAT parquet)"
    )
    return path


def local_config(handle: SandboxHandle, home: Path) -> Config:
    """posbooks pointed at the test's sandbox, with its own home."""
    return Config(
        home=home,
        environment="local",
        client_id=handle.client_id,
        client_secret=handle.client_secret,
        redirect_uri=handle.redirect_uris[0],
        sandbox_url=handle.base_url,
    )


@dataclass
class Home:
    """A connected posbooks home with settings fetched and a suggested mapping saved."""

    config: Config
    store: Store
    handle: SandboxHandle
    pos_file: Path

    def send(self, date_from=DAY1, date_to=None, *, doc_type="journal", **kwargs):
        return post_range(
            self.config,
            self.store,
            sources=[kwargs.pop("source", self.pos_file)],
            date_from=date_from,
            date_to=date_to,
            doc_type=doc_type,
            policy=kwargs.pop("policy", FAST),
            **kwargs,
        )

    def env(self) -> dict[str, str]:
        """Environment for a ``posbooks`` subprocess using this home."""
        return {
            **os.environ,
            "POSBOOKS_HOME": str(self.config.home),
            "POSBOOKS_SANDBOX_URL": self.config.sandbox_url,
            "QBO_CLIENT_ID": self.config.client_id,
            "QBO_CLIENT_SECRET": self.config.client_secret,
            "QBO_REDIRECT_URI": self.config.redirect_uri,
            "QBO_ENVIRONMENT": "local",
            "POSBOOKS_RETRY_BASE_MS": "20",
            "POSBOOKS_HTTP_TIMEOUT": "5",
        }

    def cli(self, *args: str, **kwargs) -> subprocess.Popen:
        """Start ``posbooks ARGS`` in a subprocess on this home."""
        return subprocess.Popen(
            [sys.executable, "-m", "posbooks.cli", *args],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **kwargs,
        )

    def fault(self, kind: str, *, count: int = 1, path: str | None = None, seconds: float = 0):
        payload = {"kind": kind, "count": count, "seconds": seconds}
        if path:
            payload["path"] = path
        self.handle.admin("faults", payload)

    def clear_faults(self) -> None:
        requests.delete(f"{self.handle.base_url}/_sandbox/faults", timeout=10)


def connect_home(handle: SandboxHandle, home: Path, pos_file: Path, doc_type="journal") -> Home:
    config = local_config(handle, home)
    store = Store(config.home)
    qbo_connect.auto_approve(config, store)
    settings = refresh_settings(config, store)
    keys, outlets = pos_keys(open_pos_exports([pos_file]))
    mapping = suggest_mapping(keys, settings, outlets=outlets)
    if doc_type == "receipt":
        # a sales receipt deposits only to Bank / Other Current Asset: vouchers via Undeposited Funds
        funds = next(a for a in settings.accounts if a.account_subtype == "UndepositedFunds")
        accounts = {**mapping.accounts, ("payment", "Voucher"): Ref(funds.id, funds.name)}
        mapping = replace(mapping, accounts=accounts)
    save_mapping(store, mapping, note="suggested, confirmed by the test")
    return Home(config, store, handle, pos_file)


@pytest.fixture
def home_dir(tmp_path: Path) -> Iterator[Path]:
    """A POSBOOKS_HOME on tmpfs when there is one: a store commit costs ~17 ms on this
    disk (fsync) and ~2 ms in memory; what is tested here is the logic, not the disk."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path / "home"
        return
    path = Path(tempfile.mkdtemp(prefix="posbooks-test-", dir=shm))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def home(fresh_sandbox: SandboxHandle, home_dir: Path, pos_file: Path) -> Home:
    """Connected, settings fetched, suggested mapping saved (journal entries)."""
    return connect_home(fresh_sandbox, home_dir, pos_file)


@pytest.fixture
def cli(home: Home, monkeypatch, tmp_path, capsys):
    """Run ``posbooks ARGS`` in-process on the test's home; returns (status, out, err)."""
    from posbooks.cli import main

    monkeypatch.chdir(tmp_path)  # no stray .streamlit/secrets.toml
    for name, value in home.env().items():
        if name.startswith(("POSBOOKS_", "QBO_")):
            monkeypatch.setenv(name, value)

    def run(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def receipt_home(fresh_sandbox: SandboxHandle, home_dir: Path, pos_file: Path) -> Home:
    """As ``home``, with vouchers deposited to Undeposited Funds for sales receipts."""
    return connect_home(fresh_sandbox, home_dir, pos_file, doc_type="receipt")


def quickbooks(handle: SandboxHandle) -> QuickBooks:
    """A python-quickbooks client on its own fresh connection (sandbox clock respected)."""
    client = AuthClient(
        handle.client_id, handle.client_secret, handle.redirect_uris[0], handle.discovery_url
    )
    url = client.get_authorization_url([Scopes.ACCOUNTING], "posting-test")
    final = approve_authorization(url, handle.demo_login["username"], handle.demo_login["password"])
    params = {k: v[0] for k, v in parse_qs(urlsplit(final).query).items()}
    client.get_bearer_token(params["code"], realm_id=params["realmId"])
    qb = QuickBooks(
        auth_client=client,
        refresh_token=client.refresh_token,
        company_id=client.realm_id,
        minorversion=75,
        use_decimal=True,
    )
    qb.api_url_v3 = handle.api_url
    return qb


def documents_in_quickbooks(handle: SandboxHandle, doc_type: str) -> list[dict]:
    """Every JournalEntry / SalesReceipt the sandbox holds (as QuickBooks JSON)."""
    entity = ENTITY[doc_type]
    reply = quickbooks(handle).query(f"SELECT * FROM {entity} STARTPOSITION 1 MAXRESULTS 1000")
    return reply.get("QueryResponse", {}).get(entity, [])


def doc_number_counts(handle: SandboxHandle, doc_type: str) -> Counter:
    return Counter(d["DocNumber"] for d in documents_in_quickbooks(handle, doc_type))


def assert_exactly_once(home: Home, doc_type: str, outcomes) -> None:
    """One QuickBooks document per expected DocNumber, none other, and a ledger that agrees."""
    from posbooks.posting.ledger import ledger_rows

    expected = {o.doc_number for o in outcomes if o.status != "blocked"}
    documents = documents_in_quickbooks(home.handle, doc_type)
    counts = Counter(d["DocNumber"] for d in documents)
    assert {n: c for n, c in counts.items() if c != 1} == {}, "a document was created twice"
    assert set(counts) == expected
    qbo_ids = {d["DocNumber"]: d["Id"] for d in documents}
    rows = {r.doc_number: r for r in ledger_rows(home.store, doc_type=doc_type)}
    assert set(rows) == expected
    assert {n: (r.status, r.qbo_id) for n, r in rows.items()} == {
        n: ("posted", qbo_ids[n]) for n in expected
    }


__all__ = [
    "DAY1",
    "DAY2",
    "DAY3",
    "FAST",
    "OUTLETS",
    "Home",
    "assert_exactly_once",
    "connect_home",
    "current_mapping",
    "current_settings",
    "doc_number_counts",
    "documents_in_quickbooks",
    "home",
    "home_dir",
    "pos_file",
    "quickbooks",
    "receipt_home",
]
