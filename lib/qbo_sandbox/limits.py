"""QuickBooks Online's per-company request limits, enforced with sliding windows."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Limits:
    """Requests allowed per company (realm). Intuit's published values are the defaults."""

    per_minute: int = 500
    per_second: int = 10
    batch_per_minute: int = 40

    def to_json(self) -> dict:
        """Plain dict for /_sandbox/state and the state file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Limits:
        """Build from a dict; unknown keys or non-positive values raise ValueError."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown limit(s): {', '.join(sorted(unknown))}")
        for key, value in data.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{key} must be a positive integer; got {value!r}")
        return cls(**data)


class RateLimiter:
    """Counts accepted requests per realm; refuses one that would exceed a limit.

    Time comes from the caller (the sandbox clock) so advancing the clock by a minute
    also empties the windows, as waiting would.
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self._lock = threading.Lock()
        self.limits = limits or Limits()
        self._requests: dict[str, deque[float]] = {}
        self._batches: dict[str, deque[float]] = {}

    def admit(self, realm_id: str, now: float, *, is_batch: bool) -> bool:
        """Record the request and return True, or return False if it is over a limit."""
        with self._lock:
            recent = self._requests.setdefault(realm_id, deque())
            batches = self._batches.setdefault(realm_id, deque())
            for window in (recent, batches):
                while window and window[0] <= now - 60:
                    window.popleft()
            last_second = sum(1 for t in recent if t > now - 1)
            if len(recent) >= self.limits.per_minute or last_second >= self.limits.per_second:
                return False
            if is_batch and len(batches) >= self.limits.batch_per_minute:
                return False
            recent.append(now)
            if is_batch:
                batches.append(now)
            return True

    def set_limits(self, limits: Limits) -> None:
        """Change the limits (tests lower them to see throttling quickly)."""
        with self._lock:
            self.limits = limits

    def clear(self) -> None:
        """Forget every counted request."""
        with self._lock:
            self._requests.clear()
            self._batches.clear()
