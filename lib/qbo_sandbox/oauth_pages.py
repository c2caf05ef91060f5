"""Intuit-like OAuth2/OpenID endpoints: discovery, sign-in and consent pages, tokens."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from qbo_sandbox.handlers import SandboxHandler
from qbo_sandbox.oauth import SCOPES, ClientRegistration, OAuthError

# Paths mirror Intuit's hosts (appcenter /connect/oauth2, oauth.platform /oauth2/v1/...).
AUTHORIZE_PATH = "/connect/oauth2"
TOKEN_PATH = "/oauth2/v1/tokens/bearer"
REVOKE_PATH = "/v2/oauth2/tokens/revoke"
USERINFO_PATH = "/v1/openid_connect/userinfo"
JWKS_PATH = "/op/v1/jwks"
ISSUER_PATH = "/op/v1"
DISCOVERY_PATH = "/.well-known/openid-configuration"
# Intuit's own discovery paths, served too (same document)
DISCOVERY_ALIASES = (
    "/.well-known/openid-sandbox-configuration",
    "/.well-known/openid_sandbox_configuration",
    "/.well-known/openid_configuration",
)
BROWSER_COOKIE = "qbo_sandbox_browser"
PENDING_TTL_SECONDS = 900


@dataclass
class PendingAuthorization:
    """A sign-in/consent in progress, bound to one browser cookie and a per-step nonce."""

    client: ClientRegistration
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    browser: str
    nonce: str
    created: float
    signed_in: bool = False
    oidc_nonce: str | None = None  # the client's OpenID nonce, for its id_token


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><style>
body{{font-family:system-ui,sans-serif;background:#f4f5f8;margin:0}}
main{{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;
box-shadow:0 1px 4px #0002}} h1{{font-size:1.3rem;color:#2ca01c}}
.error{{color:#b00020}} button{{padding:.5rem 1.2rem;margin-right:.5rem}}
label{{display:block;margin:.6rem 0}} input{{width:100%;padding:.4rem}}
</style></head><body><main><p>Intuit QuickBooks (local sandbox)</p>{body}</main></body></html>"""


def page(title: str, body: str) -> str:
    """A whole HTML page; ``body`` must already be escaped."""
    return _PAGE.format(title=escape(title), body=body)


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to whatever query it already has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class DiscoveryHandler(SandboxHandler):
    """GET the OpenID discovery document intuit-oauth reads in ``AuthClient()``."""

    def get(self) -> None:
        base = self.base_url()
        self.write_json(
            {
                "issuer": base + ISSUER_PATH,
                "authorization_endpoint": base + AUTHORIZE_PATH,
                "token_endpoint": base + TOKEN_PATH,
                "revocation_endpoint": base + REVOKE_PATH,
                "userinfo_endpoint": base + USERINFO_PATH,
                "jwks_uri": base + JWKS_PATH,
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": sorted(SCOPES),
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
                "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
            }
        )


class AuthorizeHandler(SandboxHandler):
    """GET /connect/oauth2: check the request, then show the sign-in page."""

    def error_page(self, message: str) -> None:
        # Never redirect on a bad client or redirect_uri: the URI itself is not trusted
        state = self.get_query_argument("state", None)
        echo = f"<p>state: <code>{escape(state)}</code></p>" if state else ""
        self.set_status(400)
        self.finish(
            page(
                "Authorization error",
                f'<h1>Something went wrong</h1><p class="error">{escape(message)}</p>{echo}',
            )
        )

    def get(self) -> None:
        args = {k: self.get_query_argument(k, "") for k in ("client_id", "redirect_uri", "scope")}
        client = self.state.oauth.clients.get(args["client_id"])
        if client is None:
            return self.error_page(f"Unknown client_id {args['client_id']!r}.")
        if args["redirect_uri"] not in client.redirect_uris:
            return self.error_page(
                f"The redirect_uri {args['redirect_uri']!r} is not registered for this app."
            )
        scopes = tuple(args["scope"].split())
        unknown = [s for s in scopes if s not in SCOPES]
        if not scopes or unknown:
            return self.error_page(f"Invalid scope: {' '.join(unknown) or '(none given)'}.")
        if self.get_query_argument("response_type", "") != "code":
            return self.error_page("response_type must be 'code'.")
        browser = self.get_cookie(BROWSER_COOKIE) or secrets.token_urlsafe(16)
        self.set_cookie(BROWSER_COOKIE, browser, httponly=True, samesite="Lax")
        request_id = secrets.token_urlsafe(16)
        pending = PendingAuthorization(
            client,
            args["redirect_uri"],
            scopes,
            self.get_query_argument("state", None),
            browser,
            secrets.token_urlsafe(16),
            time.monotonic(),
            oidc_nonce=self.get_query_argument("nonce", None),
        )
        store = self.settings["pending_authorizations"]
        for stale in [
            k for k, v in store.items() if time.monotonic() - v.created > PENDING_TTL_SECONDS
        ]:
            del store[stale]  # abandoned sign-ins must not pile up in memory
        store[request_id] = pending
        self.finish(sign_in_page(request_id, pending, error=None))


def sign_in_page(request_id: str, pending: PendingAuthorization, error: str | None) -> str:
    """The sign-in form (a POST with a hidden request id and per-step nonce)."""
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return page(
        "Sign in",
        f"<h1>Sign in to continue to {escape(pending.client.name)}</h1>{message}"
        f'<form method="post" action="{AUTHORIZE_PATH}/signin">'
        f'<input type="hidden" name="request" value="{escape(request_id)}">'
        f'<input type="hidden" name="nonce" value="{escape(pending.nonce)}">'
        '<label>Email or user ID <input name="username" autocomplete="username"></label>'
        '<label>Password <input name="password" type="password" '
        'autocomplete="current-password"></label>'
        '<button type="submit">Sign in</button></form>',
    )


def consent_page(request_id: str, pending: PendingAuthorization, company: str) -> str:
    """The consent form naming the app, the company and each scope."""
    items = "".join(
        f"<li>{escape(SCOPES[s])} (<code>{escape(s)}</code>)</li>" for s in pending.scopes
    )
    return page(
        "Connect",
        f"<h1>{escape(pending.client.name)} wants to connect to {escape(company)}</h1>"
        f"<p>{escape(pending.client.name)} will be able to:</p><ul>{items}</ul>"
        f'<form method="post" action="{AUTHORIZE_PATH}/consent">'
        f'<input type="hidden" name="request" value="{escape(request_id)}">'
        f'<input type="hidden" name="nonce" value="{escape(pending.nonce)}">'
        '<button type="submit" name="decision" value="connect">Connect</button>'
        '<button type="submit" name="decision" value="cancel">Cancel</button></form>',
    )


class _AuthorizeStep(SandboxHandler):
    """Shared checks of the sign-in and consent POSTs (CSRF: cookie + single-use nonce)."""

    def pending_or_error(self, *, signed_in: bool) -> tuple[str, PendingAuthorization] | None:
        request_id = self.get_body_argument("request", "")
        store = self.settings["pending_authorizations"]
        pending = store.get(request_id)
        valid = (
            pending is not None
            and pending.signed_in == signed_in
            and time.monotonic() - pending.created < PENDING_TTL_SECONDS
            and secrets.compare_digest(self.get_body_argument("nonce", ""), pending.nonce)
            and secrets.compare_digest(self.get_cookie(BROWSER_COOKIE) or "", pending.browser)
        )
        if not valid:
            store.pop(request_id, None)
            self.set_status(400)
            self.finish(
                page(
                    "Session expired",
                    '<h1>This sign-in page has expired</h1><p class="error">Start connecting '
                    "again from the app.</p>",
                )
            )
            return None
        pending.nonce = secrets.token_urlsafe(16)  # each form can be submitted once
        return request_id, pending


class SignInHandler(_AuthorizeStep):
    """POST the sign-in form: wrong credentials re-show it, right ones show consent."""

    def post(self) -> None:
        found = self.pending_or_error(signed_in=False)
        if found is None:
            return
        request_id, pending = found
        user = self.state.user
        username = self.get_body_argument("username", "").strip()
        password = self.get_body_argument("password", "")
        if username.lower() != user.username or not secrets.compare_digest(
            password.encode(), user.password.encode()
        ):
            self.finish(sign_in_page(request_id, pending, "Wrong email or password."))
            return
        pending.signed_in = True
        book = self.state.books.get(user.realm_id)
        company = book.company_name() if book is not None else f"company {user.realm_id}"
        self.finish(consent_page(request_id, pending, company))


class ConsentHandler(_AuthorizeStep):
    """POST the consent form: Connect redirects with a code, Cancel with access_denied."""

    def post(self) -> None:
        found = self.pending_or_error(signed_in=True)
        if found is None:
            return
        request_id, pending = found
        del self.settings["pending_authorizations"][request_id]
        params: dict[str, str] = {}
        if self.get_body_argument("decision", "") == "connect":
            user = self.state.user
            params["code"] = self.state.oauth.issue_code(
                pending.client.client_id,
                pending.redirect_uri,
                user.realm_id,
                pending.scopes,
                user.username,
                nonce=pending.oidc_nonce,
            )
            if pending.state is not None:
                params["state"] = pending.state
            if "com.intuit.quickbooks.accounting" in pending.scopes:
                params["realmId"] = user.realm_id
        else:
            params["error"] = "access_denied"
            if pending.state is not None:
                params["state"] = pending.state
        self.state.changed()
        self.redirect(with_query(pending.redirect_uri, params))


class _ClientAuthenticated(SandboxHandler):
    """Endpoints that need HTTP Basic client authentication."""

    def check_xsrf_cookie(self) -> None:  # API endpoints: no browser forms
        pass

    def client(self) -> ClientRegistration:
        """The app authenticated by HTTP Basic or, failing that, by form fields."""
        if "Authorization" not in self.request.headers:
            client_id = self.get_body_argument("client_id", "")
            secret = self.get_body_argument("client_secret", "")
            if not client_id:
                raise OAuthError("invalid_client", 401)
            return self.state.oauth.authenticate_client(client_id, secret)
        scheme, _, encoded = self.request.headers.get("Authorization", "").partition(" ")
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        client_id, sep, secret = decoded.partition(":")
        if scheme.lower() != "basic" or not sep:
            raise OAuthError("invalid_client", 401)
        return self.state.oauth.authenticate_client(client_id, secret)

    def oauth_error(self, error: OAuthError) -> None:
        body = {"error": error.error}
        if error.description:
            body["error_description"] = error.description
        if error.status == 401:
            self.set_header("WWW-Authenticate", 'Basic realm="posbooks-qbo-sandbox"')
        self.write_json(body, error.status)


class TokenHandler(_ClientAuthenticated):
    """POST /oauth2/v1/tokens/bearer: authorization_code and refresh_token grants."""

    def post(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Pragma", "no-cache")
        try:
            client = self.client()
            grant_type = self.get_body_argument("grant_type", "")
            if grant_type == "authorization_code":
                reply = self.state.oauth.exchange_code(
                    client,
                    self.get_body_argument("code", ""),
                    self.get_body_argument("redirect_uri", ""),
                    id_token_for=lambda grant, nonce: self.state.signer.sign(
                        issuer=self.base_url() + ISSUER_PATH,
                        client_id=client.client_id,
                        subject=grant.username,
                        realm_id=grant.realm_id,
                        nonce=nonce,
                    ),
                )
            elif grant_type == "refresh_token":
                reply = self.state.oauth.refresh(
                    client, self.get_body_argument("refresh_token", "")
                )
            else:
                raise OAuthError("unsupported_grant_type")
        except OAuthError as error:
            return self.oauth_error(error)
        self.state.changed()
        self.write_json(reply)


class RevokeHandler(_ClientAuthenticated):
    """POST /oauth2/v1/tokens/revoke with ``{"token": ...}`` (JSON or form)."""

    def post(self) -> None:
        try:
            client = self.client()
        except OAuthError as error:
            return self.oauth_error(error)
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            try:
                token = str(json.loads(self.request.body or b"{}").get("token", ""))
            except (ValueError, AttributeError):
                token = ""
        else:
            token = self.get_body_argument("token", "")
        if not token:
            return self.oauth_error(OAuthError("invalid_request", description="token missing"))
        # RFC 7009: an unknown token is not an error; the reply is 200 either way
        if self.state.oauth.revoke(client, token):
            self.state.changed()
        self.set_status(200)
        self.finish()


class UserInfoHandler(SandboxHandler):
    """GET the OpenID userinfo of the signed-in demo user (needs the openid scope)."""

    def get(self) -> None:
        check = self.state.oauth.check_access(self.bearer_token())
        if not check.ok or check.grant is None:
            self.set_header("WWW-Authenticate", 'Bearer error="invalid_token"')
            return self.write_json({"error": "invalid_token"}, 401)
        if "openid" not in check.grant.scopes:
            return self.write_json({"error": "insufficient_scope"}, 403)
        user = self.state.user
        info: dict[str, object] = {"sub": check.grant.username}
        if "email" in check.grant.scopes:
            info.update({"email": user.username, "emailVerified": True})
        if "profile" in check.grant.scopes:
            info.update({"givenName": user.given_name, "familyName": user.family_name})
        self.write_json(info)


class JwksHandler(SandboxHandler):
    """GET the public keys that verify id_tokens."""

    def get(self) -> None:
        self.write_json(self.state.signer.jwks())
