"""``posbooks sandbox``: run the local QuickBooks Online stand-in until stopped."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import signal
import sys
import threading

DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sandbox`` sub-command."""
    parser = subparsers.add_parser(
        "sandbox",
        help="run the local QuickBooks Online sandbox (OAuth2 + v3 API)",
        description=(
            "Serve a local QuickBooks Online stand-in. Prints one line of JSON with the "
            "URLs and demo credentials, then serves until SIGINT/SIGTERM."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    parser.add_argument("--state", metavar="FILE", help="persist companies and tokens here")
    parser.add_argument(
        "--company",
        choices=("demo", "my", "uk", "us"),
        default=os.environ.get("POSBOOKS_SANDBOX_COMPANY") or None,
        help=(
            "the demo company: demo (default; lenient about tax), my (Malaysia, SST per "
            "tax code), uk (VAT, classes per transaction, a closing date), us (sales tax); "
            "default $POSBOOKS_SANDBOX_COMPANY (so `make run` and a background sandbox "
            "can start another one)"
        ),
    )
    parser.add_argument(
        "--no-class-tracking",
        action="store_true",
        help="start the demo company with 'Track classes' off",
    )
    parser.add_argument(
        "--no-location-tracking",
        action="store_true",
        help="start the demo company with 'Track locations' off",
    )
    parser.add_argument("--access-token-ttl", type=int, default=3600, metavar="SECONDS")
    # None: the demo client (qbo_sandbox.state.DEFAULT_CLIENT, imported only to serve)
    parser.add_argument("--client-id")
    parser.add_argument("--client-secret")
    parser.add_argument(
        "--no-secret-in-info",
        action="store_true",
        help="leave the client secret out of the JSON line (for a log file: sandbox.log)",
    )
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        metavar="URI",
        help="another allowed redirect URI (repeatable; also $POSBOOKS_SANDBOX_REDIRECT_URIS)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (anyone who can reach it can connect)",
    )
    parser.add_argument("--verbose", action="store_true", help="log each request (no bodies)")
    parser.add_argument(
        "--stop",
        action="store_true",
        help="stop the sandbox posbooks started in the background for this POSBOOKS_HOME",
    )
    parser.set_defaults(func=run_sandbox)


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine only (localhost, 127.x, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def stop_background_sandbox() -> int:
    """Stop the sandbox ``posbooks connect``/``send`` started for this home; exit status."""
    from posbooks import services

    config = services.home_config()
    if services.stop_local_sandbox(config):
        print(f"Stopped the local QuickBooks sandbox of {config.home} (its company is kept).")
        return 0
    print(f"No sandbox started by posbooks is running for {config.home}.", file=sys.stderr)
    return 1


def run_sandbox(args: argparse.Namespace) -> int:
    """Start the sandbox, print its JSON line, serve until a signal; exit status."""
    from qbo_sandbox import ClientRegistration, start_sandbox
    from qbo_sandbox.server import default_redirect_uris, info_line
    from qbo_sandbox.state import DEFAULT_CLIENT

    if args.stop:
        return stop_background_sandbox()
    if not is_loopback_host(args.host):
        if not args.allow_remote:
            print(
                f"Refusing to bind {args.host}: the sandbox has demo credentials and no TLS. "
                "Use --allow-remote if you really mean it.",
                file=sys.stderr,
            )
            return 2
        print(
            f"WARNING: the sandbox listens on {args.host}; others on the network can reach "
            "it (the admin API still answers loopback only).",
            file=sys.stderr,
        )
    if args.access_token_ttl < 1:
        print("--access-token-ttl must be at least 1 second", file=sys.stderr)
        return 2
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    client = ClientRegistration(
        args.client_id or DEFAULT_CLIENT.client_id,
        args.client_secret or DEFAULT_CLIENT.client_secret,
        default_redirect_uris(args.redirect_uri),
        "posbooks",
    )
    try:
        handle = start_sandbox(
            host=args.host,
            port=args.port,
            state_file=args.state,
            class_tracking=False if args.no_class_tracking else None,
            location_tracking=not args.no_location_tracking,
            access_token_ttl=args.access_token_ttl,
            clients=[client],
            company=args.company,
        )
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    except ValueError as exc:  # unreadable --state file
        print(f"Cannot start the sandbox: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    line = info_line(handle)
    if args.no_secret_in_info:
        info = json.loads(line)
        info.pop("client_secret", None)
        line = json.dumps(info, separators=(",", ":"))
    print(line, flush=True)
    stop.wait()
    handle.stop()
    print("Sandbox stopped.", file=sys.stderr)
    return 0
