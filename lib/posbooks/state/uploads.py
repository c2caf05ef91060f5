"""Uploaded POS exports kept in the home, written atomically and listed for reuse.

Layout under ``POSBOOKS_HOME/uploads``: each file's bytes at ``<sha256>/<name>``, and one
manifest per upload (the files chosen together) at ``batches/<id>.json``. A file is
written to a temporary name under ``uploads`` (hashed meanwhile: the hash names its
folder), fsynced, then renamed over the final name, so
a cut (disk full, a killed process) never leaves a partial file under the final name; an
existing file is reused only when its size and SHA-256 match the upload.

Retention: the ``KEEP`` most recent uploads are kept; saving a newer one deletes the
oldest, and any upload can be deleted by hand. A file still named by a kept upload is
never deleted. The posting ledger does not need the files: what was sent is recorded
there.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

KEEP = 20  # uploads kept; older ones are deleted when a newer one is saved


@dataclass(frozen=True)
class UploadedFile:
    name: str
    sha256: str
    size: int
    path: Path


@dataclass(frozen=True)
class Upload:
    """Files uploaded together, as the Preview page offers them again."""

    id: str
    files: tuple[UploadedFile, ...]
    saved_at: datetime

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.files)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def _root(home: Path) -> Path:
    return home / "uploads"


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be fsynced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(target: Path, content: bytes, mode: int = 0o600) -> None:
    """Write ``content`` to ``target``: temporary file in the same folder, fsync, rename."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _publish(_write_temporary(target.parent, content), target, mode)


def _write_temporary(folder: Path, content: bytes) -> Path:
    """``content`` written and fsynced to a new temporary file in ``folder``."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".partial-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _publish(tmp: Path, target: Path, mode: int = 0o600) -> None:
    """Rename the whole temporary file ``tmp`` over ``target`` (same filesystem)."""
    try:
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    if tmp.parent != target.parent:
        _fsync_dir(tmp.parent)


def _is_whole(path: Path, size: int, sha256: str) -> bool:
    """The file at ``path`` is exactly the expected bytes (size, then hash)."""
    try:
        if path.stat().st_size != size:
            return False
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest() == sha256
    except OSError:
        return False


def save_upload(home: Path, files: Sequence[tuple[str, bytes]]) -> Upload:
    """Keep ``files`` (name, bytes) under the home and record them as one upload."""
    root = _root(home)
    kept: list[UploadedFile] = []
    for name, content in files:
        safe = Path(name).name or "upload"
        if _maybe_kept(root, safe, len(content)):  # hash first: the copy may be reused
            sha = hashlib.sha256(content).hexdigest()
            target = root / sha / safe
            if not _is_whole(target, len(content), sha):  # never reuse a partial copy
                write_atomically(target, content)
        else:
            sha, target = _write_new(root, safe, content)
        kept.append(UploadedFile(safe, sha, len(content), target))
    ident = hashlib.sha256("\n".join(f"{f.sha256} {f.name}" for f in kept).encode()).hexdigest()[
        :16
    ]
    upload = Upload(ident, tuple(kept), datetime.now(UTC))
    manifest = {
        "saved_at": upload.saved_at.isoformat(),
        "files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in kept],
    }
    write_atomically(root / "batches" / f"{ident}.json", json.dumps(manifest).encode())
    for old in list_uploads(home)[KEEP:]:
        delete_upload(home, old.id)
    return upload


def _maybe_kept(root: Path, name: str, size: int) -> bool:
    """Whether a kept file of this name and size exists (so the upload may be one again)."""
    for path in root.glob(f"*/{glob.escape(name)}"):
        with contextlib.suppress(OSError):
            if path.stat().st_size == size:
                return True
    return False


def _write_new(root: Path, name: str, content: bytes) -> tuple[str, Path]:
    """Write a file not kept before, hashing it meanwhile (its folder is its hash).

    hashlib lets go of the GIL on large buffers: the hash of a month's CSV (76 MiB, ~0.1 s)
    is taken while the bytes go to the disk, not before.
    """
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with ThreadPoolExecutor(1, thread_name_prefix="posbooks-upload-hash") as pool:
        digest = pool.submit(lambda: hashlib.sha256(content).hexdigest())
        tmp = _write_temporary(root, content)
        try:
            sha = digest.result()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    target = root / sha / name
    target.parent.mkdir(exist_ok=True, mode=0o700)
    if _is_whole(target, len(content), sha):  # written meanwhile by another session
        tmp.unlink(missing_ok=True)
    else:
        _publish(tmp, target)
    return sha, target


def _read(home: Path, manifest: Path) -> Upload | None:
    try:
        data = json.loads(manifest.read_text())
        files = tuple(
            UploadedFile(
                f["name"], f["sha256"], int(f["size"]), _root(home) / f["sha256"] / f["name"]
            )
            for f in data["files"]
        )
        return Upload(manifest.stem, files, datetime.fromisoformat(data["saved_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a manifest cut short or edited by hand: not offered


def list_uploads(home: Path) -> list[Upload]:
    """The kept uploads whose files are all still whole, newest first."""
    folder = _root(home) / "batches"
    uploads = [u for m in folder.glob("*.json") if (u := _read(home, m)) is not None]
    uploads = [u for u in uploads if all(f.path.is_file() for f in u.files)]
    return sorted(uploads, key=lambda u: u.saved_at, reverse=True)


def find_upload(home: Path, upload_id: str) -> Upload | None:
    """One kept upload by id, or None."""
    return next((u for u in list_uploads(home) if u.id == upload_id), None)


def delete_upload(home: Path, upload_id: str) -> bool:
    """Forget one upload and delete its files no other kept upload names."""
    root = _root(home)
    manifest = root / "batches" / f"{upload_id}.json"
    gone = _read(home, manifest)
    if gone is None:
        return False
    manifest.unlink(missing_ok=True)
    still_named = {f.sha256 for u in list_uploads(home) for f in u.files}
    for f in gone.files:
        if f.sha256 not in still_named:
            shutil.rmtree(root / f.sha256, ignore_errors=True)
    return True
