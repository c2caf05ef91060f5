"""Intuit-shaped error bodies and the queue of faults tests inject into /v3 requests."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime

FAULT_KINDS = (
    "http_429",
    "http_500",
    "http_503",
    "delay",
    "drop_after_commit",
    "xml_throttle",
    "revoke",
)


def intuit_time(now: datetime) -> str:
    """The ``time`` stamp Intuit puts on faults, e.g. ``2026-11-26T03:14:15.926-08:00``."""
    return now.isoformat(timespec="milliseconds")


def authentication_fault(now: datetime, detail: str, *, lowercase: bool = False) -> dict:
    """401 body for a missing, malformed, expired, revoked or wrong-company token (3200).

    ``lowercase`` gives the shape Intuit's gateway was seen sending (public python-quickbooks
    issues #118, #250): lowercase keys, null-filled siblings, ``time`` in epoch ms.
    """
    if lowercase:
        return {
            "warnings": None,
            "intuitObject": None,
            "fault": {
                "error": [
                    {
                        "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                        "detail": detail,
                        "code": "3200",
                        "element": None,
                    }
                ],
                "type": "AUTHENTICATION",
            },
            "report": None,
            "queryResponse": None,
            "batchItemResponse": [],
            "attachableResponse": [],
            "syncErrorResponse": None,
            "requestId": None,
            "time": int(now.timestamp() * 1000),
            "status": None,
            "cdcresponse": [],
        }
    error = {
        "Message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
        "Detail": detail,
        "code": "3200",
    }
    return {"Fault": {"Error": [error], "type": "AUTHENTICATION"}, "time": intuit_time(now)}


def throttle_fault(now: datetime) -> dict:
    """429 JSON body for ThrottleExceeded (code 3001)."""
    return {
        "Fault": {
            "Error": [
                {
                    "Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                    "Detail": "The request limit was reached.",
                    "code": "3001",
                }
            ],
            "type": "SERVICE",
        },
        "time": intuit_time(now),
    }


def throttle_fault_xml(now: datetime) -> str:
    """429 XML body Intuit's gateway sends even when JSON was asked for."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<IntuitResponse time="{intuit_time(now)}"><Fault type="SERVICE"><Error code="3001">'
        "<Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>"
        "<Detail>The request limit was reached.</Detail></Error></Fault></IntuitResponse>"
    )


def system_fault(now: datetime, status: int) -> dict:
    """500/503 body: a SystemFault as QuickBooks sends during an outage."""
    message = "An application error has occurred while processing your request"
    if status == 503:
        message = "Service Unavailable: the service is temporarily unable to handle the request"
    return {
        "Fault": {
            "Error": [
                {
                    "Message": message,
                    "Detail": f"System Failure Error: sandbox injected HTTP {status}",
                    "code": "10000",
                }
            ],
            "type": "SystemFault",
        },
        "time": intuit_time(now),
    }


@dataclass
class PendingFault:
    """The next ``count`` /v3 requests whose sub-path matches ``path`` fail as ``kind``,
    once ``after`` matching requests have gone through untouched."""

    kind: str
    count: int = 1
    path: str | None = None  # regex searched in the path after /v3/company/{realm}/
    seconds: float = 0.0  # for ``delay``: how long to stall before answering normally
    after: int = 0  # matching requests let through first ("revoke on the second batch")

    def matches(self, subpath: str) -> bool:
        """Whether this fault applies to a request on ``subpath``."""
        return self.path is None or re.search(self.path, subpath) is not None

    def to_json(self) -> dict:
        """Summary for /_sandbox/state."""
        return {
            "kind": self.kind,
            "count": self.count,
            "path": self.path,
            "seconds": self.seconds,
            "after": self.after,
        }


def parse_fault(payload: dict) -> PendingFault:
    """Validate an admin request body into a PendingFault; ValueError names what is wrong."""
    kind = payload.get("kind")
    if kind not in FAULT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}; got {kind!r}")
    count = payload.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"count must be a positive integer; got {count!r}")
    path = payload.get("path")
    if path is not None:
        try:
            re.compile(path)
        except (re.error, TypeError) as exc:
            raise ValueError(f"path must be a regular expression: {exc}") from exc
    seconds = payload.get("seconds", 0)
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise ValueError(f"seconds must be a non-negative number; got {seconds!r}")
    if kind == "delay" and seconds == 0:
        raise ValueError("a delay fault needs seconds > 0")
    after = payload.get("after", 0)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise ValueError(f"after must be a non-negative integer; got {after!r}")
    return PendingFault(kind=kind, count=count, path=path, seconds=float(seconds), after=after)


class FaultQueue:
    """Faults waiting to be served, first added first served. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[PendingFault] = []
        self.served: dict[str, int] = {}

    def add(self, fault: PendingFault) -> None:
        """Queue a fault."""
        with self._lock:
            self._pending.append(fault)

    def take(self, subpath: str) -> PendingFault | None:
        """The first pending fault matching ``subpath``, with one use consumed."""
        with self._lock:
            for fault in self._pending:
                if fault.matches(subpath) and fault.after > 0:
                    fault.after -= 1  # this request goes by; a later fault may still take it
                elif fault.matches(subpath):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._pending.remove(fault)
                    self.served[fault.kind] = self.served.get(fault.kind, 0) + 1
                    return fault
        return None

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[dict]:
        """Pending faults as JSON."""
        with self._lock:
            return [f.to_json() for f in self._pending]
