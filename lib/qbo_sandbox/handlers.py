"""Shared base for every sandbox request handler: JSON replies, counting, no body logs."""

from __future__ import annotations

import json
import secrets

import tornado.web

from qbo_sandbox.state import SandboxState


class SandboxHandler(tornado.web.RequestHandler):
    """A handler with the sandbox state at hand; counts every request it answers."""

    def initialize(self, state: SandboxState) -> None:
        self.state = state

    def set_default_headers(self) -> None:
        # Intuit tags every reply with a transaction id; clients log it for support
        self.set_header("intuit_tid", secrets.token_hex(12))
        self.set_header("Server", "posbooks-qbo-sandbox")

    def on_finish(self) -> None:
        self.state.count_request(self.request.method or "", self.request.path, self.get_status())

    def write_json(self, body: dict | list, status: int = 200) -> None:
        """Send ``body`` as JSON with ``status`` and finish."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json;charset=UTF-8")
        self.finish(json.dumps(body))

    def base_url(self) -> str:
        """Scheme, host and port this request reached, e.g. ``http://127.0.0.1:8765``."""
        return f"{self.request.protocol}://{self.request.host}"

    def bearer_token(self) -> str | None:
        """The token of an ``Authorization: Bearer ...`` header, if any."""
        header = self.request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None

    def json_body(self) -> dict:
        """The request body parsed as a JSON object, or HTTP 400."""
        try:
            payload = json.loads(self.request.body or b"{}")
        except ValueError as exc:
            raise tornado.web.HTTPError(400, reason="body is not JSON") from exc
        if not isinstance(payload, dict):
            raise tornado.web.HTTPError(400, reason="body must be a JSON object")
        return payload
