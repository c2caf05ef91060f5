"""Loopback-only test controls under /_sandbox/: faults, limits, clock, reset, state."""

from __future__ import annotations

import ipaddress

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


class AdminHandler(SandboxHandler):
    """Base: refuse anyone but this machine, and answer errors as JSON."""

    def check_xsrf_cookie(self) -> None:  # loopback JSON API, no browser forms
        pass

    def prepare(self) -> None:
        if not is_loopback_peer(self.request.remote_ip):
            self.write_json({"error": "the sandbox admin API answers loopback clients only"}, 403)

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
    """POST {"class_tracking": bool, "location_tracking": bool} to every company."""

    def post(self) -> None:
        payload = self.payload()
        flags = {k: payload.get(k) for k in ("class_tracking", "location_tracking")}
        if set(payload) - set(flags) or any(
            v is not None and not isinstance(v, bool) for v in flags.values()
        ):
            raise tornado.web.HTTPError(
                400, reason="expected booleans class_tracking and/or location_tracking"
            )
        for book in self.state.books.values():
            book.set_preferences(**flags)
        self.state.changed()
        self.write_json({"applied": {k: v for k, v in flags.items() if v is not None}})


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
    """POST: fresh demo company, tokens/faults/counters cleared, apps kept, real time."""

    def post(self) -> None:
        self.state.reset()
        self.write_json({"reset": True, "realm_ids": sorted(self.state.books)})


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
