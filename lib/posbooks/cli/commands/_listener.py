"""The loopback listener of ``posbooks connect``: hears QuickBooks' one redirect.

A module of its own, imported only by ``connect``'s ``run``: every command module is
imported to build the parser, and ``http.server`` alone costs ~40 ms to import.
"""

from __future__ import annotations

import html
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlsplit


class _Callback(BaseHTTPRequestHandler):
    """Answers the one redirect from QuickBooks and hands its URL to the waiting command."""

    # A socket timeout: a client that connects and sends nothing (or half a request) is
    # dropped after this, so `--timeout` holds (an idle client held `--timeout 5` for 28 s).
    timeout = 2.0

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        from posbooks.services import redirect_parameters

        expected = self.server.expected_path  # type: ignore[attr-defined]
        if urlsplit(self.path).path != expected:
            self.send_error(404)
            return
        self.server.received = self.path  # type: ignore[attr-defined]
        params = redirect_parameters(self.path)
        message = (
            "QuickBooks did not grant access. You can close this tab."
            if params.get("error")
            else "posbooks received the QuickBooks authorization. You can close this tab."
        )
        body = f"<!doctype html><title>posbooks</title><p>{html.escape(message)}</p>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the request line carries the authorization code: never log it


def listen(redirect_uri: str) -> HTTPServer:
    """A server on the loopback address of ``redirect_uri``, ready for its one redirect."""
    from posbooks.services import AuthorizationFailed

    parts = urlsplit(redirect_uri)
    try:
        server = HTTPServer((parts.hostname or "127.0.0.1", parts.port or 80), _Callback)
    except OSError as exc:
        raise AuthorizationFailed(
            f"Cannot listen on {parts.netloc} for the QuickBooks redirect ({exc.strerror}). "
            "Is another `posbooks connect` running?"
        ) from None
    server.expected_path = parts.path or "/"  # type: ignore[attr-defined]
    server.received = None  # type: ignore[attr-defined]
    return server


def wait_for_redirect(server: HTTPServer, timeout: float) -> str:
    """The path QuickBooks redirected the browser to (``AuthorizationFailed`` after ``timeout``)."""
    from posbooks.services import AuthorizationFailed

    deadline = time.monotonic() + timeout
    server.timeout = 0.5
    while server.received is None:  # type: ignore[attr-defined]
        left = deadline - time.monotonic()
        _Callback.timeout = max(min(2.0, left), 0.1)  # nor may a slow client outlast it
        if left <= 0:
            raise AuthorizationFailed(
                f"No answer from QuickBooks within {timeout:.0f} s. Run `posbooks connect` again."
            )
        server.handle_request()
    return server.received  # type: ignore[attr-defined]
