"""``posbooks connect``: authorize posbooks in QuickBooks from a terminal.

Prints the authorization URL and waits for the browser's redirect on a loopback listener
(http://127.0.0.1:8599/callback by default). When the redirect URI is not on this machine
(a real Intuit app with an https redirect), paste the address the browser ended on.
``--auto-approve`` signs in and consents through the LOCAL sandbox's own pages.
"""

from __future__ import annotations

import argparse
import html
import sys
import threading
import time
import webbrowser
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlsplit

from posbooks.cli.commands._connection import open_home, reports_errors

CLI_REDIRECT_URI = "http://127.0.0.1:8599/callback"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``connect`` to the CLI."""
    parser = subparsers.add_parser(
        "connect",
        help="connect posbooks to a QuickBooks company (OAuth2)",
        description="Print the QuickBooks authorization URL and wait for the redirect.",
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="sign in and consent automatically (local sandbox only)",
    )
    parser.add_argument(
        "--redirect-uri",
        help=f"where QuickBooks sends the browser back (default {CLI_REDIRECT_URI} for the "
        "local sandbox, QBO_REDIRECT_URI for Intuit); must be registered for the app",
    )
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS")
    parser.add_argument("--browser", action="store_true", help="open the URL in a browser")
    parser.set_defaults(func=run)


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


def _listen(redirect_uri: str) -> HTTPServer:
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


def _wait_for_redirect(server: HTTPServer, timeout: float) -> str:
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


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Connect, then print the connection status."""
    from posbooks import services
    from posbooks.services import AuthorizationFailed

    wb = open_home()
    config = wb.config
    if args.auto_approve:
        status = services.auto_approve(wb)
        print(status.message)
        return 0 if status.connected else 1
    redirect_uri = args.redirect_uri or (
        CLI_REDIRECT_URI if config.is_local else config.redirect_uri
    )
    listening = services.is_loopback(redirect_uri)
    server = _listen(redirect_uri) if listening else None
    try:
        url = services.connect_url(wb, redirect_uri)
        print("Open this address in a browser, sign in to QuickBooks and choose Connect:")
        print(url, flush=True)
        if args.browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        if server is not None:
            print(f"Waiting for QuickBooks to send the browser back to {redirect_uri} ...",
                  file=sys.stderr, flush=True)  # fmt: skip
            received = _wait_for_redirect(server, args.timeout)
        else:
            try:
                received = input("Paste the address the browser ended on: ").strip()
            except EOFError:
                raise AuthorizationFailed(
                    f"{redirect_uri} is not on this machine, so posbooks cannot hear the "
                    "redirect: run `posbooks connect` in a terminal and paste the address, or "
                    "pass --redirect-uri http://localhost:8599/callback (registered in your app)."
                ) from None
    finally:
        if server is not None:
            server.server_close()
    status = services.complete_connect(wb, received, redirect_uri)
    print(status.message)
    return 0 if status.connected else 1
