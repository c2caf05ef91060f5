"""The one door to the QuickBooks accounting API: tokens, limits, retries, errors.

python-quickbooks builds the URLs, sends ``minorversion``/``requestid`` and parses faults
(amounts as Decimal); this module adds what it lacks: a timeout on every call, a fresh
access token (before expiry, and once after a 401), a rate limiter shared by the threads
and processes of one home, retries with backoff and jitter for reads, and one exception
type, ``QboError``, whose text never holds a token or the client secret.

Writes are never retried here: a reply lost after QuickBooks committed would create a
second document. They raise ``QboError(retryable=True)`` and the posting engine decides.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import requests
from quickbooks import QuickBooks
from quickbooks import exceptions as qbe

from posbooks.qbo.auth import (
    REFRESH_MARGIN,
    AuthorizationFailed,
    ReconnectNeeded,
    TokenRefreshFailed,
    api_url,
    auth_client,
    current_tokens,
    refresh_tokens,
)
from posbooks.qbo.errors import QboError
from posbooks.qbo.redaction import install_log_redaction
from posbooks.state.store import utc_now

if TYPE_CHECKING:
    from intuitlib.client import AuthClient

    from posbooks.qbo.auth import Tokens
    from posbooks.state.config import Config
    from posbooks.state.store import Store

__all__ = ["QboError", "QboGateway", "ReconnectNeeded", "RetryPolicy", "ClientLimits"]

MINOR_VERSION = 75  # pinned: python-quickbooks' minimum supported minorversion
PAGE_SIZE = 1000  # QuickBooks' maximum MAXRESULTS
BATCH_MAX = 30
log = logging.getLogger("posbooks.qbo")


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter for idempotent calls."""

    attempts: int = 5  # tries in all, the first included
    base_delay: float = 1.0
    max_delay: float = 60.0  # Intuit advises waiting up to 60 s after a throttle

    def delay(self, attempt: int, error: QboError | None = None) -> float:
        """Seconds to wait before try number ``attempt + 1`` (``attempt`` counts from 0)."""
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        wait = random.uniform(ceiling / 2, ceiling)
        if error is not None and error.retry_after:
            wait = max(wait, min(error.retry_after, self.max_delay))
        return wait


@dataclass(frozen=True)
class ClientLimits:
    """Our own ceiling per company, a little under QuickBooks' 10/s, 500/min, 40 batch/min."""

    per_second: int = 9
    per_minute: int = 480
    batch_per_minute: int = 38


# Windows a little longer than QuickBooks' own: calls reach it later than we admit them.
SECOND, MINUTE = 1.1, 61.0


class _CallLimiter:
    """Admits calls under ``ClientLimits`` per realm, counted in the store.

    The store is shared by every thread and process of one home, so together they stay
    under the limit; another home talking to the same company is not seen (best effort).
    """

    def __init__(self, store: Store, realm_id: str, limits: ClientLimits):
        self.store, self.realm_id, self.limits = store, realm_id, limits

    def acquire(self, *, is_batch: bool = False) -> None:
        while True:
            wait = self._try_admit(is_batch)
            if wait <= 0:
                return
            time.sleep(wait)

    def _try_admit(self, is_batch: bool) -> float:
        with self.store.transaction(durable=False) as conn:
            now = time.time()  # read under the lock: a stale time would admit calls early
            conn.execute("DELETE FROM qbo_call_log WHERE at < ?", (now - MINUTE,))
            rows = conn.execute(
                "SELECT at, is_batch FROM qbo_call_log WHERE realm_id=? ORDER BY at",
                (self.realm_id,),
            ).fetchall()
            last_second = [r["at"] for r in rows if r["at"] > now - SECOND]
            batches = [r["at"] for r in rows if r["is_batch"]]
            waits = [0.0]
            if len(last_second) >= self.limits.per_second:
                waits.append(last_second[-self.limits.per_second] + SECOND - now)
            if len(rows) >= self.limits.per_minute:
                waits.append(rows[-self.limits.per_minute]["at"] + MINUTE - now)
            if is_batch and len(batches) >= self.limits.batch_per_minute:
                waits.append(batches[-self.limits.batch_per_minute] + MINUTE - now)
            wait = max(waits)
            if wait <= 0:
                conn.execute(
                    "INSERT INTO qbo_call_log (realm_id, at, is_batch) VALUES (?, ?, ?)",
                    (self.realm_id, now, int(is_batch)),
                )
                return 0.0
        return max(wait, 0.005)


class _QuickBooks(QuickBooks):
    """python-quickbooks with our session, a timeout and the last HTTP reply kept per thread."""

    def process_request(self, request_type, url, headers="", params="", data=""):
        call = self._call  # threading.local set by the gateway
        headers.update({"Authorization": "Bearer " + call.access_token})
        call.response = None
        response = self.session.request(
            request_type, url, headers=headers, params=params, data=data, timeout=call.timeout
        )
        call.response = response
        return response


def _json_dumps(payload: Any) -> str:
    """JSON with Decimals written as exact numbers (never through float)."""
    marks: dict[str, str] = {}

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            mark = f"\u0000decimal{len(marks)}\u0000"
            marks[json.dumps(mark)] = format(value, "f")
            return mark
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    text = json.dumps(payload, default=default)
    for mark, number in marks.items():
        text = text.replace(mark, number)
    return text


# What renewing the access token may raise besides ReconnectNeeded (which callers see as is).
_TOKEN_FAILURES = (TokenRefreshFailed, AuthorizationFailed, requests.RequestException)
_XML_CODE = re.compile(r'<Error[^>]*\bcode="(\d+)"')
_STATUS_IN_MESSAGE = re.compile(r"statusCode=(\d{3})")


def _fault_code(exc: qbe.QuickbooksException, body: str) -> str | None:
    """The Intuit error code, also from XML and lowercase-keyed faults."""
    if exc.error_code and exc.error_code not in (10000, 401):
        return str(exc.error_code)
    match = _XML_CODE.search(body)
    if match:
        return match.group(1)
    try:
        data = json.loads(body)
        fault = data.get("Fault") or data.get("fault") or {}
        errors = fault.get("Error") or fault.get("error") or []
        if errors and errors[0].get("code"):
            return str(errors[0]["code"])
    except (ValueError, AttributeError):
        pass
    return str(exc.error_code) if exc.error_code else None


def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None


def to_qbo_error(exc: BaseException, response: requests.Response | None, what: str) -> QboError:
    """Map a python-quickbooks / requests / refresh failure of ``what`` to a QboError."""
    if isinstance(exc, requests.Timeout):
        return QboError(
            f"{what}: QuickBooks did not answer in time.", kind="timeout", retryable=True
        )
    if isinstance(exc, requests.ConnectionError):
        return QboError(
            f"{what}: the connection to QuickBooks broke before a reply arrived "
            "(a change may or may not have been saved).",
            kind="connection",
            retryable=True,
        )
    if isinstance(exc, AuthorizationFailed):
        return QboError(f"{what}: {exc}", kind="auth")
    if isinstance(exc, TokenRefreshFailed):
        server = (exc.status or 0) >= 500
        return QboError(
            f"{what}: {exc}",
            kind="server" if server else "auth",
            status=exc.status,
            retryable=server,
        )
    if not isinstance(exc, qbe.QuickbooksException):
        return QboError(f"{what}: {type(exc).__name__}: {exc}", kind="server", retryable=False)
    body = response.text if response is not None else ""
    status = response.status_code if response is not None else None
    code = _fault_code(exc, body)
    found = _STATUS_IN_MESSAGE.search(f"{exc.message} {body}")
    status = status or (int(found.group(1)) if found else None)
    detail = (
        f"{exc.message} {exc.detail}".strip()
        if "Error reading json" not in exc.message
        else body[:500]
    )
    text = f"{what}: {detail}"
    if status == 401 or code == "3200":
        return QboError(text, kind="auth", code=code, status=status, detail=detail)
    if status == 429 or code == "3001" or "ThrottleExceeded" in body:
        return QboError(
            f"{what}: QuickBooks is throttling requests (too many in a short time).",
            kind="throttle",
            code=code or "3001",
            status=status,
            retryable=True,
            detail=detail,
            retry_after=_retry_after(response),
        )
    if code == "610" or status == 404:
        return QboError(text, kind="not_found", code=code, status=status, detail=detail)
    if code == "5010":
        return QboError(text, kind="stale", code=code, status=status, detail=detail)
    if code == "6140":
        return QboError(text, kind="duplicate", code=code, status=status, detail=detail)
    if (status or 0) >= 500 or (status is None and isinstance(exc, qbe.SevereException)):
        return QboError(
            text,
            kind="server",
            code=code,
            status=status,
            retryable=True,
            detail=detail,
            retry_after=_retry_after(response),
        )
    return QboError(text, kind="validation", code=code, status=status, detail=detail)


def _check_request_id(request_id: str | None, limit: int = 50) -> None:
    """QuickBooks ignores or refuses longer ids (50; 36 on batch): fail before sending."""
    if request_id is not None and not 0 < len(request_id) <= limit:
        raise ValueError(f"a QuickBooks requestid has 1 to {limit} characters: {request_id!r}")


class QboGateway:
    """QuickBooks calls for one connected company. Safe to share between threads."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limits: ClientLimits | None = None,
        refresh_margin: timedelta = REFRESH_MARGIN,
        clock: Callable[[], datetime] = utc_now,
    ):
        self.config, self.store = config, store
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.refresh_margin = refresh_margin
        self.clock = clock
        self.realm_id, self._tokens = current_tokens(config, store)
        self._limiter = _CallLimiter(store, self.realm_id, limits or ClientLimits())
        self._lock = threading.Lock()
        self._auth_client: AuthClient | None = None
        qb = _QuickBooks(company_id=self.realm_id, minorversion=MINOR_VERSION, use_decimal=True)
        qb.session = requests.Session()
        qb.sandbox = False  # api_url then reads api_url_v3, which we point at the right host
        qb.api_url_v3 = api_url(config)
        qb._call = threading.local()
        self._qb = qb

    # -- tokens ---------------------------------------------------------------------

    def _client(self) -> AuthClient:
        if self._auth_client is None:
            self._auth_client = auth_client(self.config)
        return self._auth_client

    def _access_token(self) -> str:
        with self._lock:
            tokens = self._tokens
            if tokens.access_expires_at - self.clock() > self.refresh_margin:
                return tokens.access_token
            self._refresh(None, now=self.clock())
            return self._tokens.access_token

    def _refresh(self, failed_access_token: str | None, now: datetime | None = None) -> None:
        _, tokens = refresh_tokens(
            self.config,
            self.store,
            client=self._client(),
            failed_access_token=failed_access_token,
            margin=self.refresh_margin,
            now=now,
        )
        self._tokens: Tokens = tokens

    def tokens_expire_at(self) -> datetime:
        """When the access token in use expires (for status displays and tests)."""
        return self._tokens.access_expires_at

    # -- calling --------------------------------------------------------------------

    def _call(self, what: str, fn: Callable[[QuickBooks], Any], *, idempotent: bool,
              is_batch: bool = False) -> Any:  # fmt: skip
        attempt = 0
        refreshed_after_401 = False
        call = self._qb._call
        while True:
            error: QboError | None = None
            try:
                call.access_token = self._access_token()
            except _TOKEN_FAILURES as exc:
                error = to_qbo_error(exc, None, f"{what} (renewing the access token)")
            if error is None:
                call.timeout = (min(5.0, self.timeout), self.timeout)
                self._limiter.acquire(is_batch=is_batch)
                started = time.monotonic()
                try:
                    result = fn(self._qb)
                except (qbe.QuickbooksException, requests.RequestException) as exc:
                    error = to_qbo_error(exc, getattr(call, "response", None), what)
                else:
                    log.debug("%s: ok in %.0f ms", what, (time.monotonic() - started) * 1000)
                    return result
                log.debug("%s: %s (%s) after %.0f ms", what, error.kind, error.code,
                          (time.monotonic() - started) * 1000)  # fmt: skip
                if error.kind == "auth" and not refreshed_after_401:
                    try:  # a 401 was not processed: safe to resend once with a new token
                        with self._lock:
                            self._refresh(call.access_token)
                    except _TOKEN_FAILURES as exc:
                        error = to_qbo_error(exc, None, f"{what} (renewing the access token)")
                    else:
                        refreshed_after_401 = True
                        continue
            if idempotent and error.retryable and attempt + 1 < self.retry.attempts:
                time.sleep(self.retry.delay(attempt, error))
                attempt += 1
                continue
            raise error from None

    def _url(self, tail: str) -> str:
        return f"{self._qb.api_url}/company/{self.realm_id}/{tail}"

    # -- reads (retried) ------------------------------------------------------------

    def query_raw(self, sql: str) -> dict:
        """One QuickBooks query as sent; the raw reply ``{"QueryResponse": ...}``."""
        return self._call(f"query {sql[:60]}", lambda qb: qb.query(sql), idempotent=True)

    def query(self, entity: str, where: str | None = None, *, order_by: str | None = None) -> list[dict]:  # fmt: skip
        """Every ``entity`` matching ``where``, fetched 1000 at a time."""
        rows: list[dict] = []
        start = 1
        while True:
            sql = f"SELECT * FROM {entity}"
            sql += f" WHERE {where}" if where else ""
            sql += f" ORDERBY {order_by}" if order_by else ""
            sql += f" STARTPOSITION {start} MAXRESULTS {PAGE_SIZE}"
            page = self.query_raw(sql).get("QueryResponse", {}).get(entity, [])
            rows.extend(page)
            if len(page) < PAGE_SIZE:
                return rows
            start += PAGE_SIZE

    def read(self, entity: str, id: str) -> dict | None:
        """The ``entity`` with this Id, or None when QuickBooks has none."""
        try:
            reply = self._call(
                f"read {entity} {id}",
                lambda qb: qb.get_single_object(entity, id),
                idempotent=True,
            )
        except QboError as exc:
            if exc.kind == "not_found":
                return None
            raise
        return reply.get(entity)

    def cdc(self, entities: list[str], since: datetime) -> dict:
        """Changes to ``entities`` since ``since`` (QuickBooks looks back 30 days at most)."""
        names = ",".join(entities)
        return self._call(
            f"cdc {names}",
            lambda qb: qb.change_data_capture(names, since.isoformat()),
            idempotent=True,
        )

    def report(self, name: str, **params: Any) -> dict:
        """A QuickBooks report, e.g. ``report("JournalReport", start_date=..., end_date=...)``."""
        qs = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in params.items()}
        return self._call(f"report {name}", lambda qb: qb.get_report(name, qs), idempotent=True)

    # -- writes (not retried) --------------------------------------------------------

    def create(self, entity: str, payload: dict, *, request_id: str | None = None) -> dict:
        """Create an ``entity``; the created object as QuickBooks returns it."""
        _check_request_id(request_id)
        body = _json_dumps(payload)
        reply = self._call(
            f"create {entity}",
            lambda qb: qb.create_object(entity, body, request_id=request_id),
            idempotent=False,
        )
        return reply[entity]

    def update(self, entity: str, payload: dict, *, request_id: str | None = None,
               sparse: bool = False) -> dict:  # fmt: skip
        """Update an ``entity`` (payload carries Id and the current SyncToken)."""
        _check_request_id(request_id)
        body = _json_dumps({**payload, "sparse": True} if sparse else payload)
        reply = self._call(
            f"update {entity} {payload.get('Id')}",
            lambda qb: qb.update_object(entity, body, request_id=request_id),
            idempotent=False,
        )
        return reply[entity]

    def delete(self, entity: str, id: str, sync_token: str, *, request_id: str | None = None) -> dict:  # fmt: skip
        """Delete an ``entity`` (transactions only in QuickBooks)."""
        _check_request_id(request_id)
        body = _json_dumps({"Id": id, "SyncToken": sync_token})
        reply = self._call(
            f"delete {entity} {id}",
            lambda qb: qb.delete_object(entity, body, request_id=request_id),
            idempotent=False,
        )
        return reply.get(entity, reply)

    def batch(self, items: list[dict], *, request_id: str | None = None) -> list[dict]:
        """Up to 30 BatchItemRequest dicts in one call; their BatchItemResponses in order.

        Per-item faults come back inside the responses, not as exceptions.
        """
        if not items:
            return []
        _check_request_id(request_id, 36)
        if len(items) > BATCH_MAX:
            raise ValueError(f"a QuickBooks batch holds at most {BATCH_MAX} operations")
        items = [{"bId": str(i), **item} if "bId" not in item else item for i, item in enumerate(items)]  # fmt: skip
        body = _json_dumps({"BatchItemRequest": items})
        url = self._url("batch")
        reply = self._call(
            f"batch of {len(items)}",
            lambda qb: qb.post(url, body, request_id=request_id),
            idempotent=False,
            is_batch=True,
        )
        by_id = {r.get("bId"): r for r in reply.get("BatchItemResponse", [])}
        missing = {"Error": [{"Message": "QuickBooks returned no reply for this item"}]}
        return [by_id.get(i["bId"], {"bId": i["bId"], "Fault": missing}) for i in items]


def open_gateway(config: Config, store: Store, *, timeout: float = 30.0, **options: Any) -> QboGateway:  # fmt: skip
    """A gateway for the connected company; ReconnectNeeded when there is none.

    ``options``: ``retry`` (RetryPolicy), ``limits`` (ClientLimits), ``refresh_margin``,
    ``clock`` (for tests).
    """
    install_log_redaction()
    return QboGateway(config, store, timeout=timeout, **options)
