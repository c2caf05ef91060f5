"""Helpers for the workbench's AppTest tests: sessions, pages and the OAuth round trip."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from qbo_sandbox import SandboxHandle
from qbo_sandbox.autoapprove import approve_authorization
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60  # AppTest's default of 3 s is too short for a first DuckDB open


def new_session() -> AppTest:
    """A new browser session of the workbench (not yet run)."""
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def open_page(page: str) -> AppTest:
    """A new session showing ``pages/<page>.py``."""
    at = new_session().run()
    if page != "connect":
        at.switch_page(f"pages/{page}.py").run()
    return at


def callback_params(auth_url: str, sandbox: SandboxHandle) -> dict[str, str]:
    """Sign in and consent on the sandbox's pages; the query the browser would come back with."""
    login = sandbox.demo_login
    final = approve_authorization(auth_url, login["username"], login["password"])
    return {k: v[0] for k, v in parse_qs(urlsplit(final).query).items()}


def connect_through_app(sandbox: SandboxHandle) -> AppTest:
    """Connect like a user: take the app's Connect link, approve, come back to the app."""
    at = new_session().run()
    url = at.get("link_button")[0].proto.url
    at = new_session()
    for key, value in callback_params(url, sandbox).items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    """Every message, markdown and caption on the page, for 'the user sees ...' checks."""
    parts = []
    for kind in ("success", "error", "warning", "info", "markdown", "caption"):
        parts += [str(e.value) for e in getattr(at, kind)]
    # drop Markdown escapes and the word joiners that stop autolinks (format.md_escape)
    return "\n".join(parts).replace("\\", "").replace("\u2060", "")


def page_source(at: AppTest) -> str:
    """Everything the browser would receive for this run (every element's message)."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)
