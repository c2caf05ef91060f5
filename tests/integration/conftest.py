"""Fixtures for tests against the local QuickBooks sandbox over real HTTP.

``sandbox``: one server per test process (xdist worker); ``fresh_sandbox``: the same
server reset (new demo company, no tokens, faults or counters, real time);
``tokens``: tokens obtained through the real OAuth flow (sign-in and consent forms);
``qb``: a python-quickbooks client on the sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from posbooks.qbo.sandbox import SandboxHandle, start_sandbox
from posbooks.qbo.sandbox.autoapprove import approve_authorization
from quickbooks import QuickBooks

# requests-oauthlib refuses plain http (checked per request); the sandbox is loopback
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

MINOR_VERSION = 75


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


def auth_client_for(handle: SandboxHandle, redirect_uri: str | None = None) -> AuthClient:
    """intuit-oauth's AuthClient pointed at the sandbox's discovery document."""
    return AuthClient(
        handle.client_id,
        handle.client_secret,
        redirect_uri or handle.redirect_uris[0],
        handle.discovery_url,
    )


def connect(handle: SandboxHandle, scopes: list[Scopes] | None = None) -> AuthClient:
    """Run the whole OAuth flow through the HTML forms; returns the AuthClient holding tokens."""
    client = auth_client_for(handle)
    url = client.get_authorization_url(scopes or [Scopes.ACCOUNTING], "state-123")
    redirect = approve_authorization(
        url, handle.demo_login["username"], handle.demo_login["password"]
    )
    params = {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}
    assert params["state"] == "state-123"
    client.get_bearer_token(params["code"], realm_id=params["realmId"])
    return client


@pytest.fixture
def tokens(fresh_sandbox: SandboxHandle) -> dict:
    """{"access_token", "refresh_token", "realm_id"} from the real OAuth flow."""
    client = connect(fresh_sandbox)
    return {
        "access_token": client.access_token,
        "refresh_token": client.refresh_token,
        "realm_id": client.realm_id,
    }


def quickbooks_client(handle: SandboxHandle, tokens: dict) -> QuickBooks:
    """python-quickbooks on the sandbox with the given tokens (Decimal amounts)."""
    auth = auth_client_for(handle)
    auth.access_token = tokens["access_token"]
    auth.refresh_token = tokens["refresh_token"]
    auth.realm_id = tokens["realm_id"]
    qb = QuickBooks(
        auth_client=auth,
        refresh_token=tokens["refresh_token"],
        company_id=tokens["realm_id"],
        minorversion=MINOR_VERSION,
        use_decimal=True,
    )
    qb.api_url_v3 = handle.api_url  # instance attribute wins over Intuit's URL
    return qb


@pytest.fixture
def qb(fresh_sandbox: SandboxHandle, tokens: dict) -> QuickBooks:
    """A python-quickbooks client connected to the fresh sandbox's demo company."""
    return quickbooks_client(fresh_sandbox, tokens)


@pytest.fixture
def needs_accounting(sandbox: SandboxHandle) -> None:
    """Skip while the accounting half of the sandbox (company.py) is not there."""
    if not sandbox.state.accounting_available:
        pytest.skip("posbooks.qbo.sandbox.company is not available yet")
