"""``posbooks connect``: authorize posbooks in QuickBooks from a terminal.

Prints the authorization URL and waits for the browser's redirect on a loopback listener
(http://127.0.0.1:8599/callback by default). When the redirect URI is not on this machine
(a real Intuit app with an https redirect), paste the address the browser ended on.
``--auto-approve`` signs in and consents through the LOCAL sandbox's own pages.
"""

from __future__ import annotations

import argparse
import sys

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


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Connect, then print the connection status."""
    from posbooks import services
    from posbooks.cli.commands._listener import listen, wait_for_redirect
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
    server = listen(redirect_uri) if listening else None
    try:
        url = services.connect_url(wb, redirect_uri)
        print("Open this address in a browser, sign in to QuickBooks and choose Connect:")
        print(url, flush=True)
        if args.browser:
            import threading
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        if server is not None:
            print(f"Waiting for QuickBooks to send the browser back to {redirect_uri} ...",
                  file=sys.stderr, flush=True)  # fmt: skip
            received = wait_for_redirect(server, args.timeout)
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
