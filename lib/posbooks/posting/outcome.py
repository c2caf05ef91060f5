"""What a send produces and how hard it tries: shared by the plan, the engine and restore.

``PostOutcome`` is one document's result, ``RetryPolicy`` the backoff and leases,
``request_id`` the deterministic requestid of one attempt generation (a retry after a lost
reply sends the same one, which QuickBooks replays instead of creating again).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


def request_id(realm_id: str, number: str, content_hash: str, generation: int, op: str) -> str:
    """The deterministic requestid (a UUID, 36 characters) of one attempt generation."""
    digest = hashlib.sha256(f"{realm_id}|{number}|{content_hash}|{generation}|{op}".encode())
    return str(uuid.UUID(bytes=digest.digest()[:16]))


@dataclass(frozen=True)
class PostOutcome:
    """What happened to one document. ``status``: created | unchanged | changed |
    updated | blocked | failed, or ``ready`` in a dry run (would be sent)."""

    business_date: date
    outlet: str
    doc_type: str
    status: str
    doc_number: str | None
    qbo_id: str | None
    message: str
    doc_key: str = ""  # the payment method of a sales receipt

    @property
    def summary(self) -> str:
        """``PB...: created in QuickBooks`` / ``PB...: failed, <why>``: the status once."""
        said = self.message.startswith(self.status)
        what = (
            self.message
            if said
            else f"{self.status}, {self.message}"
            if self.message
            else self.status
        )
        return f"{self.doc_number}: {what}"

    def to_json(self) -> dict:
        """The ``posbooks send --format json`` shape of this outcome."""
        return {
            "business_date": self.business_date.isoformat(),
            "outlet": self.outlet,
            "doc_type": self.doc_type,
            "payment_method": self.doc_key or None,
            "status": self.status,
            "doc_number": self.doc_number,
            "qbo_id": self.qbo_id,
            "message": self.message,
        }


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts per document, backoff with jitter, claim lease, timeouts."""

    attempts: int = 6
    base_seconds: float = 0.5
    max_seconds: float = 30.0
    lease_seconds: float = 120.0
    wait_for_others_seconds: float = 300.0
    http_timeout: float = 30.0
    # told before each wait between tries: (seconds, the try about to come, of how many, why)
    on_wait: Callable[[float, int, int, str], None] | None = field(default=None, compare=False)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> RetryPolicy:
        """Defaults, overridden by POSBOOKS_RETRY_BASE_MS / _ATTEMPTS, POSBOOKS_HTTP_TIMEOUT."""
        env = os.environ if env is None else env
        changes: dict[str, float | int] = {}
        if env.get("POSBOOKS_RETRY_BASE_MS"):
            changes["base_seconds"] = float(env["POSBOOKS_RETRY_BASE_MS"]) / 1000
        if env.get("POSBOOKS_RETRY_ATTEMPTS"):
            changes["attempts"] = int(env["POSBOOKS_RETRY_ATTEMPTS"])
        if env.get("POSBOOKS_HTTP_TIMEOUT"):
            changes["http_timeout"] = float(env["POSBOOKS_HTTP_TIMEOUT"])
        return dataclasses.replace(cls(), **changes)

    def pause(self, attempt: int, reason: str = "") -> None:
        """Wait before try ``attempt + 1`` (0-based ``attempt`` retries so far), saying so."""
        seconds = self.backoff(attempt)
        if self.on_wait is not None:
            self.on_wait(seconds, attempt + 2, self.attempts, reason)
        time.sleep(seconds)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter between half and all of the step."""
        step = min(self.max_seconds, self.base_seconds * (2**attempt))
        return step * random.uniform(0.5, 1.0)
