"""Encryption of secrets at rest (QuickBooks tokens) with Fernet.

The key comes from ``POSBOOKS_SECRET_KEY`` (``Config.secret_key``); without it, a key is
generated once into ``home/"secret.key"`` with mode 0600. Anyone with the key file can read
the tokens, so it is never committed or copied with the database.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from posbooks.state.config import Config

KEY_FILE = "secret.key"


class CryptoError(Exception):
    """The secret key is missing, malformed or not the one the data was sealed with."""


class SecretBox:
    """Seals and opens JSON-able dicts with one Fernet key."""

    def __init__(self, key: bytes | str, *, origin: str = "the secret key"):
        # cryptography (~25 ms) only when a secret is sealed or opened, not to name CryptoError
        from cryptography.fernet import Fernet

        self.origin = origin
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise CryptoError(
                f"{origin} is not a valid key: it must be 32 url-safe base64-encoded bytes, "
                'as printed by `python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"`.'
            ) from None

    def __repr__(self) -> str:
        return f"SecretBox(origin={self.origin!r})"

    def seal(self, data: dict[str, Any]) -> bytes:
        """Encrypt ``data`` (serialised as JSON) into an authenticated blob."""
        return self._fernet.encrypt(json.dumps(data, sort_keys=True).encode("utf-8"))

    def open(self, blob: bytes) -> dict[str, Any]:
        """Decrypt a blob made by ``seal``; a different key raises ``CryptoError``."""
        from cryptography.fernet import InvalidToken

        try:
            raw = self._fernet.decrypt(bytes(blob))
        except InvalidToken:
            raise CryptoError(
                f"The stored QuickBooks connection cannot be decrypted with {self.origin}: "
                "the key changed since it was saved. Restore the old key, or run "
                "`posbooks disconnect` and `posbooks connect` again."
            ) from None
        return json.loads(raw)


def _create_key_file(path: Path) -> None:
    """Write a new key to ``path`` atomically with mode 0600; keep an existing one."""
    from cryptography.fernet import Fernet

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".secret-", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(Fernet.generate_key())
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if another process created the key first: keep theirs
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def key_file(config: Config) -> Path:
    """Where the generated key lives when ``POSBOOKS_SECRET_KEY`` is not set."""
    return config.home / KEY_FILE


def secret_box(config: Config) -> SecretBox:
    """The box for ``config``: POSBOOKS_SECRET_KEY, else the key file (created if missing)."""
    if config.secret_key:
        return SecretBox(config.secret_key.strip(), origin="POSBOOKS_SECRET_KEY")
    path = key_file(config)
    if not path.exists():
        _create_key_file(path)
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise CryptoError(f"Cannot read the key file {path}: {exc.strerror}.") from None
    if (warning := key_file_warning(path)) and path not in _warned:
        _warned.add(path)
        print(f"posbooks: WARNING: {warning}", file=sys.stderr)
    return SecretBox(key, origin=f"the key file {path}")


_warned: set[Path] = set()  # say it once per process, not at every token read


def key_file_warning(path: Path) -> str | None:
    """A sentence when others than its owner may read the key file, else None."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    return (
        f"the key file {path} can be read by other users (mode {mode:04o}), and with it "
        f"the QuickBooks tokens it protects: run `chmod 600 {path}`."
    )
