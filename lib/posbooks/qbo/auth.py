"""The QuickBooks connection: OAuth2 authorization, tokens at rest, refresh, disconnect.

Tokens live in the store as one Fernet blob (``posbooks.state.crypto``); the OAuth ``state`` is
stored server-side so the callback may land in another browser session or process.
Refreshing happens inside a store write transaction that re-reads the tokens first, so
two processes refreshing at once never lose the newest refresh token.
"""

from __future__ import annotations

import functools
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from posbooks.qbo.local import ensure_local_sandbox
from posbooks.qbo.redaction import install_log_redaction, register_secret
from posbooks.state.crypto import CryptoError, secret_box
from posbooks.state.store import utc_now

if TYPE_CHECKING:
    from intuitlib.client import AuthClient
    from intuitlib.exceptions import AuthClientError

    from posbooks.state.config import Config
    from posbooks.state.store import Store

# intuit-oauth (with jwt, cryptography and requests: ~70 ms) is imported by the functions
# that talk to QuickBooks, not here: `posbooks status` reads the stored connection only.

STATE_TTL = timedelta(minutes=10)
REFRESH_MARGIN = timedelta(minutes=5)  # refresh an access token with less than this left
AUTH_TIMEOUT = 20.0  # below the store's 30 s busy timeout: refresh holds the write lock
_refresh_lock = threading.Lock()  # one refresh at a time per process (the store covers others)


class AuthorizationFailed(Exception):
    """Connecting did not work; the message tells the bookkeeper what to do."""


class ReconnectNeeded(Exception):
    """QuickBooks no longer accepts this connection (invalid_grant): connect again.

    ``outcomes``: when raised out of ``posbooks.posting.plan.post_range``, one outcome per
    document of the run (what was done before the refusal, the rest ``failed``).
    """

    outcomes: tuple = ()


class TokenRefreshFailed(Exception):
    """The token endpoint refused a refresh for a reason other than invalid_grant."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ConnectionStatus:
    """What a bookkeeper needs to know about the connection. Never holds a token."""

    connected: bool
    reconnect_needed: bool
    message: str
    realm_id: str | None
    company_name: str | None
    environment: str
    access_expires_at: datetime | None = None
    refresh_obtained_at: datetime | None = None
    refresh_expires_at: datetime | None = None

    def to_json(self) -> dict:
        """Plain JSON for ``posbooks status --format json`` and the app."""
        out = dict(vars(self))
        for key in ("access_expires_at", "refresh_obtained_at", "refresh_expires_at"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


@dataclass(frozen=True)
class Tokens:
    """The OAuth tokens of a connection; ``repr`` hides the token values."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_obtained_at: datetime
    refresh_expires_at: datetime | None

    def to_json(self) -> dict:
        return {"access_token": self.access_token, "refresh_token": self.refresh_token}


@functools.cache
def _auth_client_class() -> type[AuthClient]:
    """``_AuthClient``, defined on first use (its base class is intuit-oauth's)."""
    from intuitlib.client import AuthClient

    class _AuthClient(AuthClient):
        """intuit-oauth's client (a requests.Session) with a timeout on every call it makes."""

        request_timeout = AUTH_TIMEOUT

        def request(self, method, url, *args, **kwargs):  # noqa: D102 - requests.Session API
            kwargs.setdefault("timeout", self.request_timeout)
            return super().request(method, url, *args, **kwargs)

    return _AuthClient


def __getattr__(name: str):
    """``_AuthClient`` on demand (PEP 562), so importing this module loads no intuit-oauth."""
    if name == "_AuthClient":
        return _auth_client_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def environment_key(config: Config) -> str:
    """Which QuickBooks a stored connection belongs to (a local sandbox by its URL)."""
    return f"local {config.sandbox_url}" if config.is_local else config.environment


def discovery_url(config: Config) -> str:
    """What intuit-oauth takes as ``environment``: sandbox/production or a discovery URL."""
    if config.is_local:
        return ensure_local_sandbox(config).discovery_url
    return config.environment


def api_url(config: Config) -> str:
    """python-quickbooks' ``api_url_v3`` for this configuration."""
    if config.is_local:
        return config.sandbox_url.rstrip("/") + "/v3"
    if config.environment.lower() in ("sandbox", "sand"):
        return "https://sandbox-quickbooks.api.intuit.com/v3"
    if config.environment.lower() in ("production", "prod"):
        return "https://quickbooks.api.intuit.com/v3"
    parts = urlsplit(config.environment)  # a discovery URL: its server serves the API too
    return f"{parts.scheme}://{parts.netloc}/v3"


def auth_client(config: Config, redirect_uri: str | None = None) -> AuthClient:
    """An intuit-oauth client for ``config`` (fetches the discovery document)."""
    from intuitlib.exceptions import AuthClientError

    install_log_redaction()  # every path to a token passes here: logs are redacted first
    register_secret(config.client_secret)
    try:
        return _auth_client_class()(
            config.client_id,
            config.client_secret,
            redirect_uri or config.redirect_uri,
            discovery_url(config),
        )
    except AuthClientError as exc:
        raise AuthorizationFailed(
            f"QuickBooks' OpenID discovery document could not be read (HTTP {exc.status_code})."
        ) from None


def _is_invalid_grant(exc: AuthClientError) -> bool:
    return exc.status_code in (400, 401) and b"invalid_grant" in (exc.content or b"")


def _tokens_from(client: AuthClient) -> Tokens:
    now = utc_now()
    register_secret(client.access_token)
    register_secret(client.refresh_token)
    refresh_ttl = client.x_refresh_token_expires_in
    return Tokens(
        access_token=client.access_token,
        refresh_token=client.refresh_token,
        access_expires_at=now + timedelta(seconds=int(client.expires_in or 3600)),
        refresh_obtained_at=now,
        refresh_expires_at=now + timedelta(seconds=int(refresh_ttl)) if refresh_ttl else None,
    )


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _write_tokens(conn: sqlite3.Connection, config: Config, realm_id: str, tokens: Tokens) -> None:
    blob = secret_box(config).seal(tokens.to_json())
    now = utc_now().isoformat()
    conn.execute(
        """INSERT INTO qbo_connection (id, environment, realm_id, tokens, access_expires_at,
               refresh_obtained_at, refresh_expires_at, reconnect_needed, message,
               connected_at, updated_at)
           VALUES (1, ?, ?, ?, ?, ?, ?, 0, '', ?, ?)
           ON CONFLICT (id) DO UPDATE SET environment=excluded.environment,
               realm_id=excluded.realm_id, tokens=excluded.tokens,
               access_expires_at=excluded.access_expires_at,
               refresh_obtained_at=excluded.refresh_obtained_at,
               refresh_expires_at=excluded.refresh_expires_at, reconnect_needed=0, message='',
               updated_at=excluded.updated_at""",
        (
            environment_key(config),
            realm_id,
            blob,
            tokens.access_expires_at.isoformat(),
            tokens.refresh_obtained_at.isoformat(),
            tokens.refresh_expires_at.isoformat() if tokens.refresh_expires_at else None,
            now,
            now,
        ),
    )


def _read_tokens(config: Config, row: sqlite3.Row) -> Tokens:
    data = secret_box(config).open(row["tokens"])
    register_secret(data["access_token"])
    register_secret(data["refresh_token"])
    return Tokens(
        access_token=data["access_token"],
        refresh_token=data["refresh_token"],
        access_expires_at=datetime.fromisoformat(row["access_expires_at"]),
        refresh_obtained_at=datetime.fromisoformat(row["refresh_obtained_at"]),
        refresh_expires_at=_iso(row["refresh_expires_at"]),
    )


def _mark_reconnect_needed(conn: sqlite3.Connection, message: str) -> None:
    conn.execute(
        "UPDATE qbo_connection SET reconnect_needed=1, tokens=NULL, message=?, updated_at=?"
        " WHERE id=1",
        (message, utc_now().isoformat()),
    )


def start_authorization(config: Config, store: Store, redirect_uri: str | None = None) -> str:
    """The URL where the user signs in to QuickBooks and grants access.

    Its ``state`` is random, stored here, single-use and valid for 10 minutes.
    """
    redirect_uri = redirect_uri or config.redirect_uri
    client = auth_client(config, redirect_uri)
    state = secrets.token_urlsafe(32)
    now = utc_now()
    with store.transaction() as conn:
        conn.execute("DELETE FROM oauth_state WHERE expires_at < ?", (now.isoformat(),))
        conn.execute(
            "INSERT INTO oauth_state (state, redirect_uri, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (state, redirect_uri, now.isoformat(), (now + STATE_TTL).isoformat()),
        )
    from intuitlib.enums import Scopes

    return client.get_authorization_url([Scopes.ACCOUNTING], state)


def _consume_state(store: Store, state: str) -> str:
    """Mark ``state`` used and return its redirect URI, or raise AuthorizationFailed."""
    now = utc_now()
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM oauth_state WHERE state=?", (state or "",)).fetchone()
        if row is not None and row["used_at"] is None and _iso(row["expires_at"]) >= now:
            conn.execute("UPDATE oauth_state SET used_at=? WHERE state=?", (now.isoformat(), state))
            return row["redirect_uri"]
    if row is None:
        raise AuthorizationFailed(
            "This sign-in reply does not match a connection posbooks started (unknown state). "
            "Start again with Connect."
        )
    if row["used_at"] is not None:
        raise AuthorizationFailed(
            "This sign-in reply was already used (state is single-use). Start again with Connect."
        )
    raise AuthorizationFailed(
        "This sign-in took longer than 10 minutes and expired. Start again with Connect."
    )


def exchange_code(
    config: Config,
    store: Store,
    *,
    code: str,
    state: str,
    realm_id: str,
    redirect_uri: str | None = None,
    error: str | None = None,
) -> ConnectionStatus:
    """Exchange the callback's ``code`` for tokens (``qbo.connect`` then reads the company).

    ``error`` is the callback's ``error`` parameter (e.g. ``access_denied``) when the user
    declined. Raises AuthorizationFailed with what to do for a bad, reused or expired
    state, a declined consent or a refused code.
    """
    register_secret(code)
    stored_redirect = _consume_state(store, state)
    if redirect_uri and redirect_uri != stored_redirect:
        raise AuthorizationFailed(
            "The sign-in reply arrived at a different address than the one it was started for."
        )
    if error:
        raise AuthorizationFailed(
            f"QuickBooks access was not granted ({error}). Connect again and choose Connect "
            "on the QuickBooks consent page."
        )
    if not code or not realm_id:
        raise AuthorizationFailed("The sign-in reply lacks the code or the company (realmId).")
    from intuitlib.exceptions import AuthClientError

    client = auth_client(config, stored_redirect)
    try:
        client.get_bearer_token(code, realm_id=realm_id)
    except AuthClientError as exc:
        reason = "invalid_grant" if _is_invalid_grant(exc) else f"HTTP {exc.status_code}"
        raise AuthorizationFailed(
            f"QuickBooks refused the authorization code ({reason}: expired, already used or "
            "issued for another app). Start again with Connect."
        ) from None
    tokens = _tokens_from(client)
    with store.transaction() as conn:
        _write_tokens(conn, config, realm_id, tokens)
        conn.execute(
            "UPDATE qbo_connection SET company_name=NULL, connected_at=? WHERE id=1",
            (utc_now().isoformat(),),
        )
    return connection_status(config, store)


def _connection_row(store: Store) -> sqlite3.Row | None:
    with store.read() as conn:
        return conn.execute("SELECT * FROM qbo_connection WHERE id=1").fetchone()


def connection_status(config: Config, store: Store) -> ConnectionStatus:
    """The connection as stored (no network call): connected, reconnect needed, or none."""
    label = config.environment_label
    row = _connection_row(store)
    if row is None:
        return ConnectionStatus(
            False, False, "Not connected to QuickBooks. Run `posbooks connect`.", None, None, label
        )
    base = {
        "realm_id": row["realm_id"],
        "company_name": row["company_name"],
        "environment": label,
        "access_expires_at": _iso(row["access_expires_at"]),
        "refresh_obtained_at": _iso(row["refresh_obtained_at"]),
        "refresh_expires_at": _iso(row["refresh_expires_at"]),
    }
    company = row["company_name"] or f"company {row['realm_id']}"
    if row["environment"] != environment_key(config):
        message = (
            f"The stored connection is to {row['environment']}, but posbooks is configured "
            f"for {label}. Run `posbooks connect` to connect this environment."
        )
        return ConnectionStatus(False, True, message, **base)
    if row["reconnect_needed"] or row["tokens"] is None:
        return ConnectionStatus(False, True, row["message"] or "Reconnect needed.", **base)
    try:
        _read_tokens(config, row)
    except CryptoError as exc:
        return ConnectionStatus(False, True, str(exc), **base)
    refresh_expires = base["refresh_expires_at"]
    if refresh_expires and refresh_expires <= utc_now():
        message = (
            f"The QuickBooks connection to {company} expired on {refresh_expires:%Y-%m-%d}. "
            "Run `posbooks connect` again."
        )
        return ConnectionStatus(False, True, message, **base)
    message = row["message"] or f"Connected to {company} on {label}."
    return ConnectionStatus(True, False, message, **base)


def current_tokens(config: Config, store: Store) -> tuple[str, Tokens]:
    """The realm and tokens of a usable connection, or ReconnectNeeded saying why not."""
    status = connection_status(config, store)
    if not status.connected:
        raise ReconnectNeeded(status.message)
    row = _connection_row(store)
    return row["realm_id"], _read_tokens(config, row)


def refresh_tokens(
    config: Config,
    store: Store,
    *,
    client: AuthClient | None = None,
    failed_access_token: str | None = None,
    margin: timedelta = REFRESH_MARGIN,
    now: datetime | None = None,
) -> tuple[str, Tokens]:
    """Tokens good for the next call, refreshed when needed.

    Refreshes when the access token has less than ``margin`` left, or when QuickBooks
    refused ``failed_access_token`` (401) and nobody has refreshed since. Runs in a store
    write transaction that re-reads the tokens, so concurrent processes refresh once and
    the rotated refresh token is committed before the new access token is used.
    invalid_grant marks the connection "reconnect needed" and raises ReconnectNeeded.
    """
    from intuitlib.exceptions import AuthClientError

    reconnect_message: str | None = None
    with _refresh_lock, store.transaction() as conn:
        row = conn.execute("SELECT * FROM qbo_connection WHERE id=1").fetchone()
        if row is None or row["reconnect_needed"] or row["tokens"] is None:
            raise ReconnectNeeded(connection_status(config, store).message)
        stored = _read_tokens(config, row)
        now = now or utc_now()
        someone_refreshed = failed_access_token and stored.access_token != failed_access_token
        if not failed_access_token or someone_refreshed:
            if stored.access_expires_at - now > margin:
                return row["realm_id"], stored
        client = client or auth_client(config)
        try:
            client.refresh(refresh_token=stored.refresh_token)
        except AuthClientError as exc:
            if not _is_invalid_grant(exc):
                raise TokenRefreshFailed(
                    f"QuickBooks refused to refresh the access token (HTTP {exc.status_code}).",
                    exc.status_code,
                ) from None
            company = row["company_name"] or f"company {row['realm_id']}"
            reconnect_message = (
                f"QuickBooks no longer accepts this connection to {company} (invalid_grant: "
                "revoked, expired or disconnected in QuickBooks). Run `posbooks connect` again."
            )
            _mark_reconnect_needed(conn, reconnect_message)
        else:
            tokens = _tokens_from(client)
            _write_tokens(conn, config, row["realm_id"], tokens)
            return row["realm_id"], tokens
    raise ReconnectNeeded(reconnect_message)


def disconnect(config: Config, store: Store) -> ConnectionStatus:
    """Revoke the connection at QuickBooks and delete the tokens here."""
    import requests
    from intuitlib.exceptions import AuthClientError

    row = _connection_row(store)
    if row is None:
        return connection_status(config, store)
    note = "Tokens revoked at QuickBooks and deleted here."
    try:
        tokens = _read_tokens(config, row) if row["tokens"] is not None else None
    except CryptoError:
        tokens = None
    if tokens is not None:
        try:
            auth_client(config).revoke(token=tokens.refresh_token)
        except AuthClientError as exc:
            if not _is_invalid_grant(exc):
                note = f"QuickBooks did not confirm the revocation (HTTP {exc.status_code}); tokens deleted here."
        except (requests.RequestException, AuthorizationFailed) as exc:
            note = f"QuickBooks could not be reached to revoke ({type(exc).__name__}); tokens deleted here."
    else:
        note = "Tokens deleted here."
    with store.transaction() as conn:
        conn.execute("DELETE FROM qbo_connection WHERE id=1")
    company = row["company_name"] or f"company {row['realm_id']}"
    return ConnectionStatus(
        False, False, f"Disconnected from {company}. {note}", None, None, config.environment_label
    )


def redirect_parameters(url: str) -> dict[str, str]:
    """code, state, realmId and error of a redirect URL QuickBooks sent the browser to."""
    query = parse_qs(urlsplit(url).query)
    return {k: v[0] for k, v in query.items() if v}
