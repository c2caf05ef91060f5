"""Keep OAuth tokens and the client secret out of logs, messages and exception text.

Two layers: every secret posbooks handles is registered (``register_secret``) and replaced
wherever it appears; patterns (``Bearer ...``, ``refresh_token=...``) catch what was never
registered, e.g. a third-party library logging a header. ``install_log_redaction`` applies
both to every log record created in the process, whichever library logs it (urllib3,
intuit-oauth, python-quickbooks, requests-oauthlib), and keeps requests-oauthlib, which
logs whole token dicts at DEBUG, at INFO.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

REDACTED = "[redacted]"
_MIN_SECRET_LENGTH = 8  # shorter values would blank ordinary words

_PATTERNS = [
    # the header schemes as sent ("Bearer eyJ..."), long enough not to eat "bearer HTTP/1.1"
    re.compile(r"(Bearer\s+)[A-Za-z0-9\-._~+/]{16,}=*"),
    re.compile(r"(Basic\s+)[A-Za-z0-9+/]{16,}=*"),
    re.compile(
        r"(?i)(\b(?:access_token|refresh_token|client_secret|id_token)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\"'&\s,}]+"
    ),
]

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def register_secret(value: str | None) -> None:
    """Remember a secret so ``redact`` removes it from any text from now on."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with every registered secret and token-looking value replaced."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it for logging to report
        return record
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[1] is not None:
        # a traceback carries exception text: when it holds a secret, pre-render it redacted
        import logging

        rendered = logging.Formatter().formatException(record.exc_info)
        cleaned = redact(rendered)
        if cleaned != rendered:
            record.exc_text, record.exc_info = cleaned, None
    return record


# Loggers whose DEBUG lines print whole tokens (requests-oauthlib: "Adding token {...}",
# token request and response bodies): kept at INFO, so they never build such a line.
TOKEN_DEBUG_LOGGERS = ("requests_oauthlib",)


def install_log_redaction() -> None:
    """Redact every log record created in this process from now on (idempotent), and keep
    the loggers that print whole tokens at DEBUG (``TOKEN_DEBUG_LOGGERS``) at INFO."""
    import logging  # here: ``redact`` alone (QboError's message) needs none of it

    global _installed
    for name in TOKEN_DEBUG_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:  # NOTSET would inherit a DEBUG root
            logger.setLevel(logging.INFO)
    with _lock:
        if _installed:
            return
        _installed = True
    make_record = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        return _redact_record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(factory)
