"""Uploads kept in the home: atomic writes, never a partial copy reused, listed, deleted."""

from __future__ import annotations

import hashlib
import os

import pytest
from posbooks.state import uploads

CSV = b"business_date,outlet\n" + b"2026-11-20,KLCC\n" * 50_000  # ~800 kB, like the report


def test_a_partial_copy_left_by_a_cut_is_never_reused(tmp_path):
    sha = hashlib.sha256(CSV).hexdigest()
    partial = tmp_path / "uploads" / sha / "day.csv"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(CSV[: len(CSV) * 3 // 8])  # what a disk-full cut left behind

    upload = uploads.save_upload(tmp_path, [("day.csv", CSV)])

    assert upload.files[0].path == partial
    assert partial.read_bytes() == CSV  # rewritten whole, not reused


def test_a_same_size_file_with_other_bytes_is_not_reused(tmp_path):
    sha = hashlib.sha256(CSV).hexdigest()
    wrong = tmp_path / "uploads" / sha / "day.csv"
    wrong.parent.mkdir(parents=True)
    wrong.write_bytes(b"x" * len(CSV))
    uploads.save_upload(tmp_path, [("day.csv", CSV)])
    assert wrong.read_bytes() == CSV


def test_a_write_cut_short_leaves_no_file_under_the_final_name(tmp_path, monkeypatch):
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        uploads.save_upload(tmp_path, [("day.csv", CSV)])
    left = [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert left == []  # neither the final name nor the temporary file
    assert uploads.list_uploads(tmp_path) == []


def test_uploads_are_listed_newest_first_and_deleted_with_their_files(tmp_path):
    first = uploads.save_upload(tmp_path, [("a.csv", b"a,b\n1,2\n")])
    second = uploads.save_upload(tmp_path, [("b.csv", b"c,d\n3,4\n"), ("a.csv", b"a,b\n1,2\n")])
    listed = uploads.list_uploads(tmp_path)
    assert [u.id for u in listed] == [second.id, first.id]
    assert listed[0].names == ("b.csv", "a.csv")
    assert oct(second.files[0].path.stat().st_mode & 0o777) == "0o600"

    assert uploads.delete_upload(tmp_path, second.id)
    assert [u.id for u in uploads.list_uploads(tmp_path)] == [first.id]
    assert not second.files[0].path.exists()  # b.csv belonged to the deleted upload only
    assert first.files[0].path.read_bytes() == b"a,b\n1,2\n"  # a.csv is still named by first


def test_only_the_most_recent_uploads_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "KEEP", 3)
    made = [uploads.save_upload(tmp_path, [(f"{n}.csv", f"n\n{n}\n".encode())]) for n in range(5)]
    kept = uploads.list_uploads(tmp_path)
    assert [u.id for u in kept] == [u.id for u in reversed(made[2:])]
    assert not made[0].files[0].path.exists()


def test_a_new_file_is_kept_under_its_hash_and_the_same_bytes_again_are_reused(tmp_path):
    first = uploads.save_upload(tmp_path, [("day.csv", CSV)])
    kept = first.files[0].path
    assert kept == tmp_path / "uploads" / hashlib.sha256(CSV).hexdigest() / "day.csv"
    assert kept.read_bytes() == CSV and oct(kept.stat().st_mode & 0o777) == "0o600"
    written = kept.stat().st_mtime_ns

    again = uploads.save_upload(tmp_path, [("day.csv", CSV)])
    assert again.files[0].path == kept and kept.stat().st_mtime_ns == written  # not rewritten
    other = uploads.save_upload(tmp_path, [("day.csv", CSV.replace(b"KLCC", b"KLCX"))])
    assert other.files[0].path != kept and kept.read_bytes() == CSV  # same name, new bytes
    assert [p.name for p in (tmp_path / "uploads").iterdir() if p.is_file()] == []  # no leftovers
