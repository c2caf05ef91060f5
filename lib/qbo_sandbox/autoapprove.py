"""Sign in and consent through the sandbox's own HTML pages, as a user would."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _FormReader(HTMLParser):
    """Collects the first form's action and its hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self.error: str | None = None
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        elif tag == "input" and a.get("type") == "hidden":
            self.hidden[a.get("name", "")] = a.get("value", "")
        elif a.get("class") == "error":
            self._in_error = True

    def handle_data(self, data: str) -> None:
        if self._in_error:
            self.error = (self.error or "") + data
            self._in_error = False


def _form(url: str, html: str) -> tuple[str, dict[str, str]]:
    reader = _FormReader()
    reader.feed(html)
    if reader.action is None:
        raise RuntimeError(f"no form on the sandbox page: {reader.error or html[:200]}")
    return urljoin(url, reader.action), reader.hidden


def approve_authorization(
    auth_url: str, username: str, password: str, *, timeout: float = 10, connect: bool = True
) -> str:
    """Open ``auth_url``, sign in, press Connect (or Cancel when ``connect`` is False).

    Returns the URL the sandbox redirects the browser to (with ``code``, ``state``,
    ``realmId``, or ``error``) without following it. Raises RuntimeError when a page
    shows an error instead (bad request, wrong password).
    """
    with requests.Session() as browser:
        page = browser.get(auth_url, timeout=timeout)
        if page.status_code != 200:
            raise RuntimeError(f"authorization refused (HTTP {page.status_code})")
        action, fields = _form(page.url, page.text)
        signed_in = browser.post(
            action,
            data={**fields, "username": username, "password": password},
            timeout=timeout,
        )
        action, fields = _form(signed_in.url, signed_in.text)
        if not action.endswith("/consent"):
            raise RuntimeError("sign-in failed: the sandbox showed the sign-in page again")
        decision = "connect" if connect else "cancel"
        reply = browser.post(
            action, data={**fields, "decision": decision}, allow_redirects=False, timeout=timeout
        )
        if reply.status_code not in (302, 303) or "Location" not in reply.headers:
            raise RuntimeError(f"consent did not redirect (HTTP {reply.status_code})")
        return reply.headers["Location"]
