"""Loopback-only test controls under /_sandbox/: faults, limits, clock, reset, state.

A web page open in the developer's browser is on loopback too, so the peer address is not
enough (issue 16.5: a ``no-cors`` text/plain POST from another origin reset the company).
Every admin call must also name a loopback host (``Host: 127.0.0.1:<port>``, ``localhost``,
``[::1]``: a DNS-rebound name is refused), carry no ``Origin`` other than the sandbox's own,
and a call that changes anything must send ``Content-Type: application/json``, which a
browser sends cross-origin only after a CORS preflight the sandbox never answers.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from datetime import date
from urllib.parse import urlsplit

import tornado.web

from qbo_sandbox.faults import parse_fault
from qbo_sandbox.handlers import SandboxHandler
from qbo_sandbox.limits import Limits


def is_loopback_peer(address: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1 (also IPv4-mapped), the only peers admin accepts."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def is_loopback_host(host: str | None) -> bool:
    """True when a Host header (``name[:port]``) names this machine: a loopback address,
    ``localhost`` or a ``*.localhost`` name (which resolve to loopback only)."""
    if not host:
        return False
    name = urlsplit("//" + host).hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    return is_loopback_peer(name)


def admin_refusal(
    method: str, host: str | None, origin: str | None, content_type: str | None
) -> str | None:
    """Why an admin request that came from a loopback peer is refused, or None to serve it."""
    if not is_loopback_host(host):
        return "the sandbox admin API answers requests addressed to a loopback host only"
    if origin is not None and origin != f"http://{host}":
        return "the sandbox admin API refuses requests from web pages of another origin"
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if method not in ("GET", "HEAD", "OPTIONS", "DELETE") and mime != "application/json":
        return "sandbox admin calls that change anything must send Content-Type: application/json"
    return None


class AdminHandler(SandboxHandler):
    """Base: refuse anyone but this machine's own clients, and answer errors as JSON."""

    def check_xsrf_cookie(self) -> None:  # JSON only, same origin only (admin_refusal)
        pass

    def prepare(self) -> None:
        if not is_loopback_peer(self.request.remote_ip):
            self.write_json({"error": "the sandbox admin API answers loopback clients only"}, 403)
            return
        headers = self.request.headers
        refusal = admin_refusal(
            self.request.method or "",
            headers.get("Host"),
            headers.get("Origin"),
            headers.get("Content-Type"),
        )
        if refusal:
            self.write_json({"error": refusal}, 403)

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.write_json({"error": self._reason}, status_code)

    def payload(self) -> dict:
        return self.json_body()


class FaultsHandler(AdminHandler):
    """POST a fault for the next N matching /v3 requests; GET pending; DELETE clears."""

    def get(self) -> None:
        self.write_json({"pending": self.state.faults.pending()})

    def post(self) -> None:
        try:
            fault = parse_fault(self.payload())
        except ValueError as exc:
            raise tornado.web.HTTPError(400, reason=str(exc)) from exc
        self.state.faults.add(fault)
        self.write_json({"pending": self.state.faults.pending()})

    def delete(self) -> None:
        self.state.faults.clear()
        self.write_json({"pending": []})


class PreferencesHandler(AdminHandler):
    """POST preferences to every company: booleans class_tracking (both class settings),
    class_tracking_per_txn, class_tracking_per_line, location_tracking,
    warn_duplicate_journal_number; book_close_date "YYYY-MM-DD" or "" (books open)."""

    FLAGS = (
        "class_tracking",
        "location_tracking",
        "class_tracking_per_txn",
        "class_tracking_per_line",
        "warn_duplicate_journal_number",
    )

    def post(self) -> None:
        payload = self.payload()
        flags = {k: payload.get(k) for k in self.FLAGS}
        close = payload.get("book_close_date")
        if (
            set(payload) - set(flags) - {"book_close_date"}
            or any(v is not None and not isinstance(v, bool) for v in flags.values())
            or (close is not None and not _is_date_or_empty(close))
        ):
            raise tornado.web.HTTPError(
                400,
                reason="expected booleans "
                + ", ".join(self.FLAGS)
                + ' and/or book_close_date "YYYY-MM-DD" or ""',
            )
        for book in self.state.books.values():
            book.set_preferences(**flags, book_close_date=close)
        self.state.changed()
        applied = {k: v for k, v in {**flags, "book_close_date": close}.items() if v is not None}
        self.write_json({"applied": applied})


def _is_date_or_empty(value: object) -> bool:
    if value == "":
        return True
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


class ClockHandler(AdminHandler):
    """POST {"advance_seconds": N} and/or {"freeze": bool}; GET reads the clock."""

    def get(self) -> None:
        clock = self.state.clock
        self.write_json(
            {
                "now": clock.now().isoformat(),
                "offset_seconds": clock.offset_seconds,
                "frozen": clock.frozen,
            }
        )

    def post(self) -> None:
        payload = self.payload()
        seconds = payload.get("advance_seconds", 0)
        freeze = payload.get("freeze")
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            raise tornado.web.HTTPError(400, reason="advance_seconds must be a number >= 0")
        if freeze is not None and not isinstance(freeze, bool):
            raise tornado.web.HTTPError(400, reason="freeze must be true or false")
        if freeze is not None:
            self.state.clock.freeze(freeze)
        self.state.clock.advance(seconds)
        self.state.changed()
        self.get()


class ResetHandler(AdminHandler):
    """POST: fresh demo company, tokens/faults/counters cleared, apps kept, real time.

    {"company": "my"} gives another demo company (demo, my, uk, us); {} the one it started with.
    """

    def post(self) -> None:
        company = self.payload().get("company")
        try:
            self.state.reset(company)
        except ValueError as exc:
            raise tornado.web.HTTPError(400, reason=str(exc)) from exc
        self.write_json(
            {"reset": True, "realm_ids": sorted(self.state.books), "company": self.state.company}
        )


class RedirectUriHandler(AdminHandler):
    """POST {"client_id", "redirect_uri"}: allow one more redirect URI for a registered app.

    Only loopback URIs (http://127.x, localhost, [::1]): an app on another local port (a
    second workbench) can connect to a sandbox someone else started, and nothing else can.
    """

    def post(self) -> None:
        data = self.payload()
        client = self.state.oauth.clients.get(str(data.get("client_id", "")))
        uri = str(data.get("redirect_uri", ""))
        parts = urlsplit(uri)
        if client is None:
            raise tornado.web.HTTPError(404, reason="no such client_id")
        if parts.scheme not in ("http", "https") or not is_loopback_host(parts.netloc):
            raise tornado.web.HTTPError(400, reason="only loopback redirect URIs can be added")
        if uri not in client.redirect_uris:
            registration = dataclasses.replace(client, redirect_uris=(*client.redirect_uris, uri))
            self.state.oauth.register([registration])
            self.state.changed()
        self.write_json({"client_id": client.client_id, "redirect_uris":
                         list(self.state.oauth.clients[client.client_id].redirect_uris)})  # fmt: skip


class StateHandler(AdminHandler):
    """GET a summary: entity counts, tokens issued (never values), faults, counters."""

    def get(self) -> None:
        self.write_json(self.state.summary())


class LimitsHandler(AdminHandler):
    """POST some of {"per_minute", "per_second", "batch_per_minute"}; GET the current."""

    def get(self) -> None:
        self.write_json(self.state.limiter.limits.to_json())

    def post(self) -> None:
        try:
            limits = Limits.from_json({**self.state.limiter.limits.to_json(), **self.payload()})
        except ValueError as exc:
            raise tornado.web.HTTPError(400, reason=str(exc)) from exc
        self.state.limiter.set_limits(limits)
        self.get()
