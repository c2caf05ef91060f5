"""OAuth2 / OpenID state of the sandbox: registered apps, codes, token chains.

Pure bookkeeping over the sandbox clock; the HTTP handlers live in ``oauth_pages``.
Only SHA-256 hashes of tokens and codes are kept, so neither memory dumps nor the
state file hold a usable token.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

SCOPES = {
    "com.intuit.quickbooks.accounting": "Manage your QuickBooks company's accounting data",
    "openid": "Sign you in with your Intuit account",
    "profile": "See your name",
    "email": "See your email address",
}
CODE_TTL = timedelta(minutes=10)
REFRESH_TTL_SECONDS = 8726400  # what Intuit returns as x_refresh_token_expires_in (101 days)
REFRESH_GRACE = timedelta(hours=24)  # a replaced refresh token keeps working this long
GRANT_MAX_AGE = timedelta(days=5 * 365)  # Intuit's hard maximum for a refresh-token chain


class OAuthError(Exception):
    """An OAuth error answered as ``{"error": code}`` with ``status``."""

    def __init__(self, error: str, status: int = 400, description: str = "") -> None:
        super().__init__(description or error)
        self.error = error
        self.status = status
        self.description = description


@dataclass(frozen=True)
class ClientRegistration:
    """An app allowed to connect: its id, secret, redirect URIs and display name."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    name: str = "posbooks"

    def to_json(self) -> dict:
        """For the state file (local, loopback-only sandbox: the secret is demo material)."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": list(self.redirect_uris),
            "name": self.name,
        }

    @classmethod
    def from_json(cls, data: dict) -> ClientRegistration:
        """Inverse of ``to_json``."""
        return cls(
            data["client_id"], data["client_secret"], tuple(data["redirect_uris"]), data["name"]
        )


@dataclass(frozen=True)
class DemoUser:
    """The one person who can sign in, and the company they own."""

    username: str
    password: str
    realm_id: str
    given_name: str = "Demo"
    family_name: str = "Bookkeeper"


@dataclass
class Grant:
    """One 'connection' of an app to a company: the root of a token chain."""

    grant_id: str
    client_id: str
    realm_id: str
    scopes: tuple[str, ...]
    username: str
    created: float
    revoked: bool = False


@dataclass
class RefreshRecord:
    grant_id: str
    expires: float
    replaced_at: float | None = None  # when a refresh handed out its successor


@dataclass
class AccessRecord:
    grant_id: str
    expires: float


@dataclass
class CodeRecord:
    client_id: str
    redirect_uri: str
    realm_id: str
    scopes: tuple[str, ...]
    username: str
    expires: float
    used: bool = False
    nonce: str | None = None  # OpenID: echoed in the id_token, so the client can match it


@dataclass
class AccessCheck:
    """Result of checking a Bearer token against a company."""

    ok: bool
    detail: str = ""
    grant: Grant | None = None
    known: bool = True  # False: no token, or one this sandbox never issued


def token_hash(token: str) -> str:
    """What the sandbox stores instead of a token or code."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class OAuthAuthority:
    """Issues, rotates, checks and revokes tokens. Thread-safe."""

    clock: Callable[[], datetime]
    access_token_ttl: int = 3600
    clients: dict[str, ClientRegistration] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshRecord] = field(default_factory=dict)
    access_tokens: dict[str, AccessRecord] = field(default_factory=dict)
    codes: dict[str, CodeRecord] = field(default_factory=dict)
    issued: dict[str, int] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def _now(self) -> float:
        return self.clock().timestamp()

    def _count(self, what: str) -> None:
        self.issued[what] = self.issued.get(what, 0) + 1

    def register(self, clients: Sequence[ClientRegistration]) -> None:
        """Add or replace registered apps."""
        with self._lock:
            for client in clients:
                self.clients[client.client_id] = client

    def authenticate_client(self, client_id: str, client_secret: str) -> ClientRegistration:
        """The app whose credentials these are, or OAuthError invalid_client (401)."""
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(
            client.client_secret.encode(), client_secret.encode()
        ):
            raise OAuthError("invalid_client", 401)
        return client

    def issue_code(
        self,
        client_id: str,
        redirect_uri: str,
        realm_id: str,
        scopes: Sequence[str],
        user: str,
        nonce: str | None = None,
    ) -> str:
        """A single-use authorization code, valid ten minutes, bound to ``redirect_uri``
        (and to the OpenID ``nonce`` of the authorization request, if it had one)."""
        code = "AB" + secrets.token_urlsafe(24)
        with self._lock:
            self.codes[token_hash(code)] = CodeRecord(
                client_id,
                redirect_uri,
                realm_id,
                tuple(scopes),
                user,
                self._now() + CODE_TTL.total_seconds(),
                nonce=nonce,
            )
            self._count("authorization_codes")
        return code

    def exchange_code(
        self,
        client: ClientRegistration,
        code: str,
        redirect_uri: str,
        *,
        id_token_for: Callable[[Grant, str | None], str] | None = None,
    ) -> dict:
        """authorization_code grant: a token response, or OAuthError invalid_grant.

        With the openid scope the reply carries ``id_token_for(grant, nonce)`` as ``id_token``.
        """
        with self._lock:
            record = self.codes.get(token_hash(code))
            if record is None or record.client_id != client.client_id:
                raise OAuthError("invalid_grant", description="unknown authorization code")
            if record.used:
                raise OAuthError("invalid_grant", description="authorization code already used")
            if self._now() > record.expires:
                raise OAuthError("invalid_grant", description="authorization code expired")
            if record.redirect_uri != redirect_uri:
                raise OAuthError("invalid_grant", description="redirect_uri does not match")
            record.used = True
            grant = Grant(
                secrets.token_hex(8),
                client.client_id,
                record.realm_id,
                record.scopes,
                record.username,
                self._now(),
            )
            self.grants[grant.grant_id] = grant
            reply = self._token_response(grant)
            if "openid" in grant.scopes and id_token_for is not None:
                reply["id_token"] = id_token_for(grant, record.nonce)
            return reply

    def refresh(self, client: ClientRegistration, refresh_token: str) -> dict:
        """refresh_token grant: always a new refresh token; the old one lives 24 h more."""
        with self._lock:
            now = self._now()
            record = self.refresh_tokens.get(token_hash(refresh_token))
            grant = self.grants.get(record.grant_id) if record else None
            if record is None or grant is None or grant.client_id != client.client_id:
                raise OAuthError("invalid_grant", description="Incorrect or invalid refresh token")
            if grant.revoked:
                raise OAuthError("invalid_grant", description="refresh token revoked")
            if now > record.expires or now > grant.created + GRANT_MAX_AGE.total_seconds():
                raise OAuthError("invalid_grant", description="refresh token expired")
            if record.replaced_at is not None and (
                now > record.replaced_at + REFRESH_GRACE.total_seconds()
            ):
                raise OAuthError("invalid_grant", description="refresh token was replaced")
            if record.replaced_at is None:
                record.replaced_at = now
            self._count("refreshes")
            return self._token_response(grant)

    def _token_response(self, grant: Grant) -> dict:
        now = self._now()
        access = "eyJ" + secrets.token_urlsafe(48)  # Intuit's are JWTs; ours are opaque
        refresh = "RT1-" + secrets.token_urlsafe(32)
        self.access_tokens[token_hash(access)] = AccessRecord(
            grant.grant_id, now + self.access_token_ttl
        )
        self.refresh_tokens[token_hash(refresh)] = RefreshRecord(
            grant.grant_id, now + REFRESH_TTL_SECONDS
        )
        self._count("access_tokens")
        self._count("refresh_tokens")
        return {
            "token_type": "bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.access_token_ttl,
            "x_refresh_token_expires_in": REFRESH_TTL_SECONDS,
        }

    def revoke(self, client: ClientRegistration, token: str) -> bool:
        """Revoke the whole chain a refresh or access token belongs to; False if unknown."""
        with self._lock:
            digest = token_hash(token)
            record = self.refresh_tokens.get(digest) or self.access_tokens.get(digest)
            grant = self.grants.get(record.grant_id) if record else None
            if grant is None or grant.client_id != client.client_id:
                return False
            grant.revoked = True
            self._count("revocations")
            return True

    def revoke_grant(self, grant: Grant) -> None:
        """Revoke a connection, as when its user disconnects the app in QuickBooks."""
        with self._lock:
            grant.revoked = True
            self._count("revocations")

    def check_access(self, token: str | None, realm_id: str | None = None) -> AccessCheck:
        """Whether a Bearer token may call the API (of ``realm_id`` when given)."""
        if not token:
            return AccessCheck(False, "Authorization header missing or not Bearer", known=False)
        with self._lock:
            record = self.access_tokens.get(token_hash(token))
            grant = self.grants.get(record.grant_id) if record else None
            if record is None or grant is None:
                return AccessCheck(False, "Malformed bearer token or unknown token", known=False)
            if grant.revoked:
                return AccessCheck(False, "Token revoked")
            if self._now() > record.expires:
                return AccessCheck(False, "Token expired")
            if realm_id is not None and grant.realm_id != realm_id:
                return AccessCheck(False, f"Token not valid for company {realm_id}")
            return AccessCheck(True, grant=grant)

    def forget_tokens(self) -> None:
        """Drop every code, grant and token (sandbox reset); apps stay registered."""
        with self._lock:
            self.grants.clear()
            self.refresh_tokens.clear()
            self.access_tokens.clear()
            self.codes.clear()
            self.issued.clear()

    def summary(self) -> dict:
        """Counts only, never token values."""
        with self._lock:
            now = self._now()
            live = [
                r
                for r in self.access_tokens.values()
                if r.expires >= now and not self.grants[r.grant_id].revoked
            ]
            return {
                "clients": sorted(self.clients),
                "issued": dict(self.issued),
                "connections": len(self.grants),
                "revoked_connections": sum(1 for g in self.grants.values() if g.revoked),
                "live_access_tokens": len(live),
            }

    def to_json(self) -> dict:
        """Persistable state: apps and hashed tokens."""
        with self._lock:
            return {
                "clients": [c.to_json() for c in self.clients.values()],
                "grants": [vars(g) for g in self.grants.values()],
                "refresh_tokens": {k: vars(v) for k, v in self.refresh_tokens.items()},
                "access_tokens": {k: vars(v) for k, v in self.access_tokens.items()},
                "issued": dict(self.issued),
            }

    def load_json(self, data: dict) -> None:
        """Restore what ``to_json`` wrote (codes are short-lived and not kept)."""
        with self._lock:
            self.register([ClientRegistration.from_json(c) for c in data.get("clients", [])])
            for g in data.get("grants", []):
                self.grants[g["grant_id"]] = Grant(**{**g, "scopes": tuple(g["scopes"])})
            for k, v in data.get("refresh_tokens", {}).items():
                self.refresh_tokens[k] = RefreshRecord(**v)
            for k, v in data.get("access_tokens", {}).items():
                self.access_tokens[k] = AccessRecord(**v)
            self.issued.update(data.get("issued", {}))
