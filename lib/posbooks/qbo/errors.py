"""QuickBooks failures: ``QboError`` and their plain wording for a person.

Its own module so that ``auth``, ``gateway`` and everything above them share one error
type without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from posbooks.core.errors import WorkbenchError
from posbooks.qbo.redaction import redact

RECONNECT = "QuickBooks no longer accepts this connection. Go to Connect and reconnect."


class QboError(Exception):
    """A QuickBooks call that failed, in words a bookkeeper can act on.

    ``kind``: validation | auth | throttle | server | timeout | connection | not_found |
    stale | duplicate. ``retryable``: trying the same call again later may succeed (for a
    write, first check whether the first attempt committed).
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        code: str | None = None,
        status: int | None = None,
        retryable: bool = False,
        detail: str = "",
        retry_after: float | None = None,
    ):
        super().__init__(redact(message))
        self.kind = kind
        self.code = code
        self.status = status
        self.retryable = retryable
        self.detail = redact(detail)
        self.retry_after = retry_after


@contextmanager
def plain_quickbooks_errors() -> Iterator[None]:
    """QuickBooks refusing the connection or not answering, as a ``WorkbenchError``."""
    # here: naming QboError (services, the commands) needs none of auth's imports
    from posbooks.qbo.auth import ReconnectNeeded

    try:
        yield
    except ReconnectNeeded:
        raise WorkbenchError(RECONNECT) from None
    except QboError as exc:
        raise WorkbenchError(f"QuickBooks did not answer: {exc.detail or exc}") from None
