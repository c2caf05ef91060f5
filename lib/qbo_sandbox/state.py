"""Everything one running sandbox holds, and its persistence to a JSON state file."""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from qbo_sandbox.clock import SandboxClock
from qbo_sandbox.companies import profile
from qbo_sandbox.faults import FaultQueue
from qbo_sandbox.idtoken import IdTokenSigner
from qbo_sandbox.limits import Limits, RateLimiter
from qbo_sandbox.oauth import ClientRegistration, DemoUser, OAuthAuthority

try:  # the accounting half of the sandbox is written alongside; run without it meanwhile
    from qbo_sandbox.company import CompanyBook
except ImportError:  # pragma: no cover - only while company.py is missing
    CompanyBook = None  # type: ignore[assignment,misc]

DEFAULT_REALM_ID = "9130357000000001"
DEFAULT_CLIENT = ClientRegistration(
    client_id="posbooks-demo",
    client_secret="posbooks-demo-secret",
    redirect_uris=(
        "http://127.0.0.1:8501/",
        "http://localhost:8501/",
        "http://127.0.0.1:8599/callback",
    ),
    name="posbooks",
)
DEMO_USER = DemoUser("demo@posbooks.local", "posbooks", DEFAULT_REALM_ID)
COUNTED_ENTITIES = (
    "Account",
    "Class",
    "Department",
    "Item",
    "PaymentMethod",
    "TaxCode",
    "Customer",
    "JournalEntry",
    "SalesReceipt",
)
STATE_VERSION = 1
SAVE_DELAY_SECONDS = 0.25  # changes within this window share one write of the state file


class SandboxState:
    """Clock, apps and tokens, companies, limits, faults and counters of one sandbox."""

    def __init__(
        self,
        *,
        clients: list[ClientRegistration],
        class_tracking: bool | None = None,
        location_tracking: bool = True,
        access_token_ttl: int = 3600,
        limits: Limits | None = None,
        state_file: str | os.PathLike | None = None,
        company: str | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = SandboxClock()
        self.user = DEMO_USER
        self.class_tracking = class_tracking
        self.location_tracking = location_tracking
        self.company = profile(company).key  # ValueError for an unknown company
        self.start_company = self.company  # what a reset without a company goes back to
        self.oauth = OAuthAuthority(clock=self.clock.now, access_token_ttl=access_token_ttl)
        self.signer = IdTokenSigner()
        self.default_limits = limits or Limits()
        self.limiter = RateLimiter(self.default_limits)
        self.faults = FaultQueue()
        self.counters: Counter[str] = Counter()
        self.state_file = Path(state_file) if state_file else None
        self.loop: asyncio.AbstractEventLoop | None = None  # set by the server thread
        self._save_pending = False
        self.books: dict[str, Any] = {}
        if self.state_file and self.state_file.exists():
            try:
                data = json.loads(self.state_file.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise ValueError(f"{self.state_file}: not a sandbox state file ({exc})") from exc
            self._load(data)
        self.oauth.register(clients)  # flags win over what the state file remembered
        if not self.books:
            self.books = self._fresh_books()
        self.save()

    @property
    def accounting_available(self) -> bool:
        """False while the accounting half (company.py) is not installed."""
        return CompanyBook is not None

    def _fresh_books(self) -> dict[str, Any]:
        if CompanyBook is None:
            return {}
        book = CompanyBook.demo(
            self.user.realm_id,
            clock=self.clock.now,
            class_tracking=self.class_tracking,
            location_tracking=self.location_tracking,
            company=self.company,
        )
        return {self.user.realm_id: book}

    def reset(self, company: str | None = None) -> None:
        """Fresh demo company (``company``: which one; None: the one the sandbox started
        with); tokens, faults and counters cleared; apps kept; real time."""
        with self.lock:
            self.company = profile(company or self.start_company).key
            self.clock.reset()
            self.oauth.forget_tokens()
            self.faults.clear()
            self.limiter.clear()
            self.limiter.set_limits(self.default_limits)
            self.counters.clear()
            self.books = self._fresh_books()
            self.changed()

    def count_request(self, method: str, path: str, status: int) -> None:
        """Tally a request by method and path (ids collapsed), and by status."""
        shape = re.sub(r"/\d+(?=/|$)", "/{id}", path)
        with self.lock:
            self.counters["requests"] += 1
            self.counters[f"status {status}"] += 1
            self.counters[f"{method} {shape}"] += 1

    def entity_counts(self) -> dict[str, dict[str, int]]:
        """Objects per entity per company, asked through the book's own query API."""
        result: dict[str, dict[str, int]] = {}
        for realm_id, book in self.books.items():
            counts: dict[str, int] = {}
            for entity in COUNTED_ENTITIES:
                reply = book.handle(
                    "GET", "query", {"query": f"SELECT COUNT(*) FROM {entity}"}, b"", None
                )
                if reply.status == 200 and isinstance(reply.body, dict):
                    counts[entity] = reply.body.get("QueryResponse", {}).get("totalCount", 0)
            result[realm_id] = counts
        return result

    def summary(self) -> dict:
        """GET /_sandbox/state: counts, never token values or secrets."""
        with self.lock:
            return {
                "clock": {
                    "now": self.clock.now().isoformat(),
                    "offset_seconds": self.clock.offset_seconds,
                    "frozen": self.clock.frozen,
                },
                "companies": {r: b.company_name() for r, b in self.books.items()},
                "demo_company": self.company,
                "entities": self.entity_counts(),
                "oauth": self.oauth.summary(),
                "limits": self.limiter.limits.to_json(),
                "faults_pending": self.faults.pending(),
                "faults_served": dict(self.faults.served),
                "requests": {
                    "total": self.counters["requests"],
                    "throttled_429": self.counters["throttled 429"],
                    "by_status": {
                        k.split(" ", 1)[1]: v
                        for k, v in self.counters.items()
                        if k.startswith("status ")
                    },
                    "by_path": {
                        k: v
                        for k, v in sorted(self.counters.items())
                        if k.split(" ", 1)[0] in ("GET", "POST", "DELETE", "PUT")
                    },
                },
                "reset_preferences": {
                    "class_tracking": self.class_tracking
                    if self.class_tracking is not None
                    else profile(self.company).class_per_txn
                    or profile(self.company).class_per_line,
                    "location_tracking": self.location_tracking,
                },
                "accounting_available": self.accounting_available,
            }

    def to_json(self) -> dict:
        """Everything the state file keeps."""
        with self.lock:
            return {
                "version": STATE_VERSION,
                "clock_offset_seconds": self.clock.offset_seconds,
                "class_tracking": self.class_tracking,
                "location_tracking": self.location_tracking,
                "company": self.company,
                "oauth": self.oauth.to_json(),
                "books": {r: b.to_json() for r, b in self.books.items()},
            }

    def _load(self, data: dict) -> None:
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise ValueError(
                f"{self.state_file}: not a sandbox state file of version {STATE_VERSION}"
            )
        self.clock.advance(max(0.0, data.get("clock_offset_seconds", 0.0)))
        self.company = self.start_company = profile(data.get("company")).key
        self.oauth.load_json(data.get("oauth", {}))
        if CompanyBook is not None:
            self.books = {
                r: CompanyBook.from_json(b, clock=self.clock.now)
                for r, b in data.get("books", {}).items()
            }

    def changed(self) -> None:
        """Note a change: the state file is rewritten shortly (coalesced), if there is one."""
        if self.state_file is None:
            return
        if self.loop is None:
            self.save()
            return
        with self.lock:
            if self._save_pending:
                return
            self._save_pending = True
        self.loop.call_soon_threadsafe(self.loop.call_later, SAVE_DELAY_SECONDS, self.save)

    def save(self) -> None:
        """Write the state file atomically (temp file + rename), if one was given."""
        if self.state_file is None:
            return
        with self.lock:
            self._save_pending = False
            text = json.dumps(self.to_json(), indent=1, sort_keys=True)
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(
                prefix=self.state_file.name + ".", suffix=".tmp", dir=self.state_file.parent
            )
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self.state_file)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
