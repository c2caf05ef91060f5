"""Who may use the workbench when it is served beyond this computer (pure decisions).

On 127.0.0.1 only this computer's user reaches the workbench, so it needs no sign-in. On any
other address (``0.0.0.0``, a LAN or public address, Streamlit's default of every
interface) anyone who can reach the port could send to the company's books, so the app
requires sign-in through Streamlit's ``st.login`` (OpenID Connect, configured in
``[auth]`` of ``.streamlit/secrets.toml``) and refuses to run without it.
``POSBOOKS_REQUIRE_SIGN_IN=1`` asks for sign-in on loopback too (behind a reverse proxy on
the same machine the app sees only 127.0.0.1). ``POSBOOKS_ALLOWED_USERS`` narrows who of
the provider's users get in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32  # characters; it signs the identity cookie
DOCS = "docs/configuration.md, 'Serving the workbench beyond this computer'"


def is_loopback_address(address: str | None) -> bool:
    """True when Streamlit's ``server.address`` serves this computer only.

    Empty means every interface (Streamlit's default), so not loopback; a Unix socket may
    be published by any proxy, so not loopback either.
    """
    host = (address or "").strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host in {"localhost", "::1"} or host.startswith("127.")


def truthy(value: object) -> bool:
    """``1``, ``true``, ``yes``, ``on`` (any case) as a setting that is switched on."""
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SignInGate:
    """Whether sign-in is required, and why the app cannot offer it (``problem``)."""

    required: bool
    problem: str | None = None
    provider: str | None = None  # for st.login(provider); None: the default provider


def sign_in_gate(
    address: str | None,
    *,
    require: object = "",
    auth: Mapping | None = None,
    authlib_installed: bool = True,
) -> SignInGate:
    """What the app must do before any page runs, served on ``address``."""
    beyond = not is_loopback_address(address)
    if not beyond and not truthy(require):
        return SignInGate(required=False)
    where = (
        f"served on {address or 'every network interface'}, beyond this computer"
        if beyond
        else "set to require sign-in (POSBOOKS_REQUIRE_SIGN_IN)"
    )

    def refuse(what: str) -> str:
        return (
            f"posbooks will not start: the workbench is {where}, so it needs sign-in, and "
            f"{what}. Nothing was opened or sent. See {DOCS}, or serve it on 127.0.0.1."
        )

    if not authlib_installed:
        return SignInGate(
            True, refuse("Authlib, which Streamlit's sign-in needs, is not installed")
        )
    what, provider = auth_problem(auth)
    return SignInGate(True, refuse(what) if what else None, provider)


def auth_problem(auth: Mapping | None) -> tuple[str | None, str | None]:
    """(what is missing in ``[auth]``, or None; the provider to sign in with)."""
    if not auth:
        return "no [auth] section is configured in .streamlit/secrets.toml", None
    missing = [k for k in ("redirect_uri", "cookie_secret") if not auth.get(k)]
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    provider = None
    section: Mapping = auth
    if len(named) == 1 and not auth.get("client_id"):
        provider, section = named[0], auth[named[0]]
    elif len(named) > 1:
        return (
            f"[auth] names several providers ({', '.join(sorted(named))}); posbooks signs in "
            "with one: keep one provider section",
            None,
        )
    prefix = f"auth.{provider}." if provider else "auth."
    missing += [prefix + k for k in PROVIDER_KEYS if not section.get(k)]
    if missing:
        return f"[auth] in .streamlit/secrets.toml lacks {', '.join(missing)}", provider
    if len(str(auth["cookie_secret"])) < MIN_COOKIE_SECRET:
        return (
            f"[auth] cookie_secret is shorter than {MIN_COOKIE_SECRET} characters (it signs "
            "the sign-in cookie: use a long random one)",
            provider,
        )
    if not str(auth["redirect_uri"]).rstrip("/").endswith("/oauth2callback"):
        return "[auth] redirect_uri must be this app's address ending in /oauth2callback", provider
    return None, provider


def allowed_users(setting: object) -> tuple[str, ...]:
    """``POSBOOKS_ALLOWED_USERS``: e-mail addresses or subject ids, by commas or spaces."""
    return tuple(u.lower() for u in str(setting or "").replace(",", " ").split())


def is_allowed(user: Mapping, allowed: Sequence[str]) -> bool:
    """Any signed-in user when ``allowed`` is empty; else one whose e-mail or subject is in it."""
    if not allowed:
        return True
    return any(str(user.get(k) or "").lower() in allowed for k in ("email", "sub"))


def user_label(user: Mapping) -> str:
    """How the signed-in user is named in the sidebar (plain text; escape for Markdown)."""
    return str(user.get("email") or user.get("name") or user.get("sub") or "signed in")
