"""Connecting a QuickBooks company: the code exchange, then the company read through the gateway.

Its own module because it needs both ``auth`` (tokens) and ``gateway`` (which builds on
``auth``): keeping it here leaves those two without a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from posbooks.qbo import auth
from posbooks.qbo.errors import QboError
from posbooks.qbo.gateway import open_gateway
from posbooks.qbo.local import ensure_local_sandbox, is_loopback

if TYPE_CHECKING:
    from posbooks.state.config import Config
    from posbooks.state.store import Store


def complete_authorization(
    config: Config,
    store: Store,
    *,
    code: str,
    state: str,
    realm_id: str,
    redirect_uri: str | None = None,
    error: str | None = None,
) -> auth.ConnectionStatus:
    """Exchange the callback's ``code`` for tokens and record the company.

    ``error`` is the callback's ``error`` parameter (e.g. ``access_denied``) when the user
    declined. Raises AuthorizationFailed with what to do for a bad, reused or expired
    state, a declined consent or a refused code.
    """
    auth.exchange_code(
        config, store, code=code, state=state, realm_id=realm_id,
        redirect_uri=redirect_uri, error=error,
    )  # fmt: skip
    _record_company_name(config, store, realm_id)
    return auth.connection_status(config, store)


def _record_company_name(config: Config, store: Store, realm_id: str) -> None:
    """Read the company the callback named with the new tokens: QuickBooks refuses them for a
    company the user did not authorize, so a forged realmId ends here, disconnected."""
    try:
        gateway = open_gateway(config, store)
        info = gateway.read("CompanyInfo", gateway.realm_id) or {}
    except (QboError, auth.ReconnectNeeded) as exc:
        if isinstance(exc, auth.ReconnectNeeded) or getattr(exc, "status", None) in (401, 403):
            auth.disconnect(config, store)
            raise auth.AuthorizationFailed(
                f"QuickBooks refused this sign-in for company {realm_id!r}, the company named "
                "in the reply to posbooks: that reply did not come from your sign-in as it was. "
                "Nothing was connected; run connect again."
            ) from None
        message = f"Connected, but the company name could not be read: {exc}"
        with store.transaction() as conn:
            conn.execute("UPDATE qbo_connection SET message=? WHERE id=1", (message,))
        return
    name = info.get("CompanyName") or info.get("LegalName")
    with store.transaction() as conn:
        conn.execute("UPDATE qbo_connection SET company_name=? WHERE id=1", (name,))


def auto_approve(config: Config, store: Store) -> auth.ConnectionStatus:
    """Connect to the LOCAL sandbox by signing in and consenting through its own pages."""
    if not config.is_local or not is_loopback(config.sandbox_url):
        raise auth.AuthorizationFailed(
            "Automatic approval only works with the local QuickBooks sandbox. For Intuit, "
            "open the authorization URL and sign in yourself."
        )
    from qbo_sandbox.autoapprove import approve_authorization

    info = ensure_local_sandbox(config)
    url = auth.start_authorization(config, store)
    try:
        final = approve_authorization(
            url, info.demo_login["username"], info.demo_login["password"], timeout=auth.AUTH_TIMEOUT
        )
    except (RuntimeError, requests.RequestException) as exc:
        raise auth.AuthorizationFailed(f"Signing in to the local sandbox failed: {exc}") from None
    params = auth.redirect_parameters(final)
    return complete_authorization(
        config,
        store,
        code=params.get("code", ""),
        state=params.get("state", ""),
        realm_id=params.get("realmId", ""),
        error=params.get("error"),
    )
