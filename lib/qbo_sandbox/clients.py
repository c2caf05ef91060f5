"""intuit-oauth and python-quickbooks clients wired to a running sandbox.

For tests, notebooks and demos: plain http is only acceptable because the sandbox
listens on loopback, so callers set OAUTHLIB_INSECURE_TRANSPORT themselves. Keeping the
client libraries' tokens out of logs is the caller's business too (posbooks installs its
log redaction before it uses these; see posbooks.qbo.redaction).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from quickbooks import QuickBooks

from qbo_sandbox.autoapprove import approve_authorization
from qbo_sandbox.server import SandboxHandle

MINOR_VERSION = 75


def auth_client_for(handle: SandboxHandle, redirect_uri: str | None = None) -> AuthClient:
    """intuit-oauth's AuthClient pointed at the sandbox's discovery document."""
    return AuthClient(
        handle.client_id,
        handle.client_secret,
        redirect_uri or handle.redirect_uris[0],
        handle.discovery_url,
    )


def connect(
    handle: SandboxHandle, scopes: list[Scopes] | None = None, state: str = "posbooks-state"
) -> AuthClient:
    """Run the whole OAuth flow through the sandbox's HTML forms as the demo user.

    Returns the AuthClient holding access_token, refresh_token and realm_id.
    """
    client = auth_client_for(handle)
    url = client.get_authorization_url(scopes or [Scopes.ACCOUNTING], state)
    login = handle.demo_login
    redirect = approve_authorization(url, login["username"], login["password"])
    params = {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}
    if params.get("state") != state:
        raise RuntimeError("the sandbox redirected with another state")
    client.get_bearer_token(params["code"], realm_id=params.get("realmId"))
    return client


def quickbooks_client(
    handle: SandboxHandle, tokens: dict, *, minorversion: int = MINOR_VERSION
) -> QuickBooks:
    """python-quickbooks on the sandbox with ``tokens`` ({access_token, refresh_token,
    realm_id}); amounts parse as Decimal."""
    auth = auth_client_for(handle)
    auth.access_token = tokens["access_token"]
    auth.refresh_token = tokens["refresh_token"]
    auth.realm_id = tokens["realm_id"]
    qb = QuickBooks(
        auth_client=auth,
        refresh_token=tokens["refresh_token"],
        company_id=tokens["realm_id"],
        minorversion=minorversion,
        use_decimal=True,
    )
    qb.api_url_v3 = handle.api_url  # instance attribute wins over Intuit's URL
    return qb
