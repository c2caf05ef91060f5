"""A pytest plugin (``pytest_plugins = ["qbo_sandbox.testing"]``): fixtures for tests against the local QuickBooks sandbox over real HTTP.

``sandbox``: one server per test process (xdist worker); ``fresh_sandbox``: the same
server reset (new demo company, no tokens, faults or counters, default limits, real
time); ``tokens``: tokens obtained through the real OAuth flow (sign-in and consent
forms); ``qb``: a python-quickbooks client on the sandbox (Decimal amounts); ``use_company``: switch
to another demo company (qbo_sandbox.companies) for one test.
Helpers for more connections: ``qbo_sandbox.clients``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from quickbooks import QuickBooks

from qbo_sandbox import SandboxHandle, start_sandbox
from qbo_sandbox.clients import connect, quickbooks_client

# requests-oauthlib refuses plain http (checked per request); the sandbox is loopback
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxHandle]:
    """A sandbox for the whole test session of this worker."""
    handle = start_sandbox()
    yield handle
    handle.stop()


@pytest.fixture
def fresh_sandbox(sandbox: SandboxHandle) -> SandboxHandle:
    """The session sandbox, reset: fresh demo company, tokens/faults cleared, real time."""
    sandbox.admin("reset", {})
    return sandbox


@pytest.fixture
def tokens(fresh_sandbox: SandboxHandle) -> dict:
    """{"access_token", "refresh_token", "realm_id"} from the real OAuth flow."""
    client = connect(fresh_sandbox)
    return {
        "access_token": client.access_token,
        "refresh_token": client.refresh_token,
        "realm_id": client.realm_id,
    }


@pytest.fixture
def qb(fresh_sandbox: SandboxHandle, tokens: dict) -> QuickBooks:
    """A python-quickbooks client connected to the fresh sandbox's demo company."""
    return quickbooks_client(fresh_sandbox, tokens)


@pytest.fixture
def use_company(fresh_sandbox: SandboxHandle) -> Iterator[Callable[[str], dict]]:
    """``use_company("uk")``: the sandbox reset to that demo company (demo, my, uk, us) and
    tokens for it from the real OAuth flow; the default company again after the test."""

    def use(key: str) -> dict:
        fresh_sandbox.admin("reset", {"company": key})
        client = connect(fresh_sandbox)
        return {
            "access_token": client.access_token,
            "refresh_token": client.refresh_token,
            "realm_id": client.realm_id,
        }

    yield use
    fresh_sandbox.admin("reset", {})


@pytest.fixture
def needs_accounting(sandbox: SandboxHandle) -> None:
    """Skip while the accounting half of the sandbox (company.py) is not there."""
    if not sandbox.state.accounting_available:
        pytest.skip("qbo_sandbox.company is not available yet")
