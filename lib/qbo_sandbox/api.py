"""/v3/company/{realm}/... (after token, fault and throttle checks), /app views, index."""

from __future__ import annotations

import asyncio
import json
import logging
from html import escape

from qbo_sandbox.faults import (
    authentication_fault,
    system_fault,
    throttle_fault,
    throttle_fault_xml,
)
from qbo_sandbox.handlers import SandboxHandler

log = logging.getLogger("qbo_sandbox")
INVALID_TOKEN = 'Bearer realm="Intuit", error="invalid_token"'

try:  # written by the accounting half of the sandbox
    from qbo_sandbox.views import render_view
except ImportError:  # pragma: no cover - only while views.py is missing
    render_view = None  # type: ignore[assignment]


class CompanyApiHandler(SandboxHandler):
    """The v3 accounting API of one company, as python-quickbooks calls it."""

    def check_xsrf_cookie(self) -> None:  # bearer-token API, no cookies
        pass

    async def get(self, realm_id: str, subpath: str) -> None:
        await self.serve(realm_id, subpath)

    async def post(self, realm_id: str, subpath: str) -> None:
        await self.serve(realm_id, subpath)

    async def serve(self, realm_id: str, subpath: str) -> None:
        state = self.state
        now = state.clock.now()
        token = self.bearer_token()
        check = state.oauth.check_access(token, realm_id)
        if not check.ok:
            # Missing, never-issued and expired tokens get the gateway's lowercase body
            # (expired: recorded in errors/qbo_api_401_token_expired_lowercase.yml, with the
            # WWW-Authenticate header); revoked or other-company tokens the capitalised
            # Fault (assumed).
            expired = check.detail.startswith("Token expired")
            body = authentication_fault(now, check.detail, lowercase=not check.known or expired)
            self.set_header("WWW-Authenticate", INVALID_TOKEN)
            return self.write_json(body, 401)
        book = state.books.get(realm_id)
        if book is None:
            return self.write_json(system_fault(now, 503), 503)
        fault = state.faults.take(subpath)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            fault = None
        if fault is not None and fault.kind in ("http_429", "xml_throttle"):
            state.counters["throttled 429"] += 1
            if fault.kind == "xml_throttle":
                self.set_status(429)
                self.set_header("Content-Type", "application/xml")
                return self.finish(throttle_fault_xml(now))
            return self.write_json(throttle_fault(now), 429)
        if fault is not None and fault.kind == "revoke" and check.grant is not None:
            # Disconnected in QuickBooks just before this request: every token of the
            # connection is dead, and this request is refused like any revoked token.
            state.oauth.revoke_grant(check.grant)
            self.set_header("WWW-Authenticate", INVALID_TOKEN)
            return self.write_json(authentication_fault(now, "Token revoked"), 401)
        if fault is not None and fault.kind in ("http_500", "http_503"):
            status = int(fault.kind[-3:])
            return self.write_json(system_fault(now, status), status)
        if not state.limiter.admit(realm_id, now.timestamp(), is_batch=subpath == "batch"):
            state.counters["throttled 429"] += 1
            return self.write_json(throttle_fault(now), 429)
        query = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        try:
            reply = book.handle(
                self.request.method or "GET",
                subpath,
                query,
                self.request.body or b"",
                self.request.headers.get("Content-Type"),
            )
        except Exception:  # a sandbox bug must still look like QuickBooks failing
            log.exception("v3 %s %s failed", self.request.method, subpath)
            return self.write_json(system_fault(now, 500), 500)
        if self.request.method == "POST" and reply.status == 200 and subpath != "query":
            state.changed()  # queries are POSTs too, but change nothing
        if fault is not None and fault.kind == "drop_after_commit":
            # The write is done; the client never hears back, as when a connection dies
            self.set_status(reply.status)
            self.request.connection.close()
            self._finished = True
            self.on_finish()
            return
        self.set_status(reply.status)
        if isinstance(reply.body, dict | list):
            self.set_header("Content-Type", reply.content_type or "application/json")
            self.finish(json.dumps(reply.body))
        else:
            self.set_header("Content-Type", reply.content_type)
            self.finish(reply.body)


class CompanyViewHandler(SandboxHandler):
    """/app/{realm}/...: the read-only 'QuickBooks website' pages (no sign-in needed)."""

    def get(self, realm_id: str, view_path: str) -> None:
        book = self.state.books.get(realm_id)
        result = None
        if book is not None and render_view is not None:
            query = {k: self.get_query_argument(k) for k in self.request.query_arguments}
            result = render_view(book, view_path, query, base_path=f"/app/{realm_id}")
        if result is None:
            self.set_status(404)
            self.finish(
                "<!doctype html><title>Not found</title><h1>Page not found</h1>"
                f"<p>No page {escape(view_path or '/')} for company {escape(realm_id)}.</p>"
                '<p><a href="/">Back to the sandbox</a></p>'
            )
            return
        status, html = result
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(html)


class IndexHandler(SandboxHandler):
    """GET /: what this server is, with a link to each company's pages."""

    def get(self) -> None:
        links = "".join(
            f'<li><a href="/app/{escape(realm)}/">{escape(book.company_name())}</a> '
            f"(realm {escape(realm)})</li>"
            for realm, book in self.state.books.items()
        )
        base = escape(self.base_url())
        self.finish(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>posbooks QuickBooks sandbox</title></head><body>"
            "<h1>posbooks QuickBooks Online sandbox</h1>"
            "<p>A local stand-in for QuickBooks Online. Companies:</p>"
            f"<ul>{links or '<li>none yet</li>'}</ul>"
            f"<p>OpenID discovery: <code>{base}/.well-known/openid-configuration</code>; "
            f"API base for python-quickbooks: <code>{base}/v3</code>.</p></body></html>"
        )
