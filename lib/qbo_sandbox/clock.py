"""The sandbox clock: real time plus an offset that tests advance to expire tokens."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SandboxClock:
    """Real UTC time shifted by an offset; ``advance`` moves it forward, ``reset`` back."""

    def __init__(self, offset_seconds: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(seconds=offset_seconds)
        self._frozen_at: datetime | None = None  # real time when frozen, for exact tests

    def now(self) -> datetime:
        """The sandbox's current time (timezone-aware UTC)."""
        with self._lock:
            return (self._frozen_at or datetime.now(UTC)) + self._offset

    def freeze(self, frozen: bool) -> None:
        """Stop (or restart) the clock; only ``advance`` moves a frozen clock."""
        with self._lock:
            if frozen and self._frozen_at is None:
                self._frozen_at = datetime.now(UTC)
            elif not frozen and self._frozen_at is not None:
                # carry the frozen moment forward so time never jumps back
                self._offset -= datetime.now(UTC) - self._frozen_at
                self._frozen_at = None

    @property
    def frozen(self) -> bool:
        """Whether the clock is stopped."""
        with self._lock:
            return self._frozen_at is not None

    def timestamp(self) -> float:
        """The sandbox's current time as POSIX seconds."""
        return self.now().timestamp()

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by ``seconds`` (never backward) and return the new time."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    @property
    def offset_seconds(self) -> float:
        """How far the sandbox clock runs ahead of real time."""
        with self._lock:
            return self._offset.total_seconds()

    def reset(self) -> None:
        """Back to real, running time."""
        with self._lock:
            self._offset = timedelta(0)
            self._frozen_at = None
