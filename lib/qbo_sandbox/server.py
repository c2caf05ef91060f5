"""The sandbox's tornado application and ``start_sandbox`` (in-process, on a thread)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import requests
import tornado.httpserver
import tornado.netutil
import tornado.web

from qbo_sandbox import admin, api, oauth_pages
from qbo_sandbox.limits import Limits
from qbo_sandbox.oauth import ClientRegistration
from qbo_sandbox.state import DEFAULT_CLIENT, SandboxState

log = logging.getLogger("qbo_sandbox")
REDIRECT_URIS_ENV = "POSBOOKS_SANDBOX_REDIRECT_URIS"


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Access log line without query string, headers or body (they may carry tokens)."""
    request = handler.request
    log.info(
        "%s %s %s %.1fms",
        handler.get_status(),
        request.method,
        request.path,
        1000 * request.request_time(),
    )


def build_application(state: SandboxState) -> tornado.web.Application:
    """All routes of the sandbox over ``state``."""
    s = {"state": state}
    o = oauth_pages
    routes: list[Any] = [
        (r"/", api.IndexHandler, s),
        (o.DISCOVERY_PATH, o.DiscoveryHandler, s),
        *[(alias, o.DiscoveryHandler, s) for alias in o.DISCOVERY_ALIASES],
        (o.AUTHORIZE_PATH, o.AuthorizeHandler, s),
        (o.AUTHORIZE_PATH + "/signin", o.SignInHandler, s),
        (o.AUTHORIZE_PATH + "/consent", o.ConsentHandler, s),
        (o.TOKEN_PATH, o.TokenHandler, s),
        (o.REVOKE_PATH, o.RevokeHandler, s),
        (o.USERINFO_PATH, o.UserInfoHandler, s),
        (o.JWKS_PATH, o.JwksHandler, s),
        # short aliases, for people typing URLs by hand
        (r"/authorize", o.AuthorizeHandler, s),
        (r"/token", o.TokenHandler, s),
        (r"/revoke", o.RevokeHandler, s),
        (r"/oauth2/v1/tokens/revoke", o.RevokeHandler, s),
        (r"/v3/company/([^/]+)/(.*)", api.CompanyApiHandler, s),
        (r"/app/([^/]+)/?(.*)", api.CompanyViewHandler, s),
        (r"/_sandbox/faults", admin.FaultsHandler, s),
        (r"/_sandbox/preferences", admin.PreferencesHandler, s),
        (r"/_sandbox/clock", admin.ClockHandler, s),
        (r"/_sandbox/reset", admin.ResetHandler, s),
        (r"/_sandbox/state", admin.StateHandler, s),
        (r"/_sandbox/redirect_uris", admin.RedirectUriHandler, s),
        (r"/_sandbox/limits", admin.LimitsHandler, s),
    ]
    return tornado.web.Application(
        routes, log_function=log_request, pending_authorizations={}, xsrf_cookies=False
    )


def default_redirect_uris(extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The demo client's redirect URIs, plus ``extra`` and $POSBOOKS_SANDBOX_REDIRECT_URIS."""
    from_env = os.environ.get(REDIRECT_URIS_ENV, "").replace(",", " ").split()
    uris = list(DEFAULT_CLIENT.redirect_uris)
    for uri in [*extra, *from_env]:
        if uri not in uris:
            uris.append(uri)
    return tuple(uris)


@dataclass(frozen=True)
class SandboxHandle:
    """A running sandbox: where it is, how to connect to it, and how to stop it."""

    base_url: str
    discovery_url: str
    api_url: str
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    realm_id: str
    demo_login: dict
    state: SandboxState = field(repr=False, compare=False)
    _stop: Any = field(repr=False, compare=False)

    def info(self) -> dict:
        """The one-line JSON ``posbooks sandbox`` prints at start."""
        return {
            "base_url": self.base_url,
            "discovery_url": self.discovery_url,
            "api_url": self.api_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": list(self.redirect_uris),
            "realm_id": self.realm_id,
            "demo_login": dict(self.demo_login),
        }

    def admin(self, path: str, payload: dict | None = None) -> dict:
        """GET (no payload) or POST (payload) ``/_sandbox/<path>``; raises on HTTP errors."""
        url = self.base_url + (path if path.startswith("/") else "/_sandbox/" + path)
        if payload is None:
            reply = requests.get(url, timeout=10)
        else:
            reply = requests.post(url, json=payload, timeout=10)
        if reply.status_code >= 400:
            raise RuntimeError(f"sandbox admin {path}: HTTP {reply.status_code} {reply.text}")
        return reply.json()

    def stop(self) -> None:
        """Stop serving and wait for the server thread to end."""
        self._stop()


def start_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    state_file: str | os.PathLike | None = None,
    class_tracking: bool | None = None,
    location_tracking: bool = True,
    access_token_ttl: int = 3600,
    limits: Limits | None = None,
    clients: Sequence[ClientRegistration] | None = None,
    company: str | None = None,
) -> SandboxHandle:
    """Start a sandbox on a daemon thread (tornado IOLoop) and return once it listens.

    ``port=0`` picks a free port. ``clients`` default to the demo app ``posbooks-demo``.
    ``company``: the demo company, ``demo`` (default), ``my``, ``uk`` or ``us`` (see
    qbo_sandbox.companies); a state file that already holds a company keeps its own.
    """
    registered = (
        list(clients)
        if clients
        else [
            ClientRegistration(
                DEFAULT_CLIENT.client_id,
                DEFAULT_CLIENT.client_secret,
                default_redirect_uris(),
                DEFAULT_CLIENT.name,
            )
        ]
    )
    state = SandboxState(
        clients=registered,
        class_tracking=class_tracking,
        location_tracking=location_tracking,
        access_token_ttl=access_token_ttl,
        limits=limits,
        state_file=state_file,
        company=company,
    )
    sockets = tornado.netutil.bind_sockets(port, address=host)
    bound_port = sockets[0].getsockname()[1]
    app = build_application(state)
    started = threading.Event()
    loop_box: dict[str, Any] = {}

    async def serve() -> None:
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        stop_event = asyncio.Event()
        loop_box["loop"] = state.loop = asyncio.get_running_loop()
        loop_box["event"] = stop_event
        started.set()
        await stop_event.wait()
        server.stop()
        await server.close_all_connections()
        state.loop = None
        state.save()  # flush a change still waiting for its coalesced write

    thread = threading.Thread(
        target=asyncio.run, args=(serve(),), daemon=True, name=f"qbo-sandbox-{bound_port}"
    )
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the QuickBooks sandbox did not start within 10 s")

    def stop() -> None:
        loop = loop_box["loop"]
        if thread.is_alive():
            loop.call_soon_threadsafe(loop_box["event"].set)
            thread.join(10)

    url_host = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        url_host = "127.0.0.1"
    base_url = f"http://{url_host}:{bound_port}"
    first = registered[0]
    return SandboxHandle(
        base_url=base_url,
        discovery_url=base_url + oauth_pages.DISCOVERY_PATH,
        api_url=base_url + "/v3",
        client_id=first.client_id,
        client_secret=first.client_secret,
        redirect_uris=tuple(first.redirect_uris),
        realm_id=state.user.realm_id,
        demo_login={"username": state.user.username, "password": state.user.password},
        state=state,
        _stop=stop,
    )


def info_line(handle: SandboxHandle) -> str:
    """``handle.info()`` as one line of JSON."""
    return json.dumps(handle.info(), separators=(",", ":"))
