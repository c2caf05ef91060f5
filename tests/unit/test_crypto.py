"""Tokens at rest: sealed with a key only this home (or POSBOOKS_SECRET_KEY) has."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from posbooks.state.config import Config
from posbooks.state.crypto import CryptoError, SecretBox, key_file, secret_box


def _config(home: Path, key: str | None = None) -> Config:
    return Config(
        home=home,
        environment="local",
        client_id="c",
        client_secret="s",
        redirect_uri="http://127.0.0.1:8501/",
        secret_key=key,
    )


def test_generated_key_file_is_private_and_reused(tmp_path: Path):
    box = secret_box(_config(tmp_path))
    path = key_file(_config(tmp_path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    blob = box.seal({"refresh_token": "RT-123"})
    assert b"RT-123" not in blob
    assert secret_box(_config(tmp_path)).open(blob) == {"refresh_token": "RT-123"}
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]  # no temp file left


def test_another_key_cannot_open_the_tokens_and_says_what_to_do(tmp_path: Path):
    blob = secret_box(_config(tmp_path)).seal({"access_token": "AT"})
    other = _config(tmp_path / "other", key=Fernet.generate_key().decode())
    with pytest.raises(CryptoError, match="cannot be decrypted with POSBOOKS_SECRET_KEY") as err:
        secret_box(other).open(blob)
    assert "posbooks connect" in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_malformed_environment_key_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CryptoError, match="POSBOOKS_SECRET_KEY is not a valid key"):
        secret_box(_config(tmp_path, key="not-a-key"))


def test_environment_key_wins_and_writes_no_key_file(tmp_path: Path):
    key = Fernet.generate_key().decode()
    blob = secret_box(_config(tmp_path, key=key)).seal({"a": 1})
    assert SecretBox(key).open(blob) == {"a": 1}
    assert not (tmp_path / "secret.key").exists()


def _make_box(home: str, queue) -> None:
    box = secret_box(_config(Path(home)))
    queue.put(box.seal({"who": "child"}))


def test_processes_creating_the_key_at_once_agree_on_one_key(tmp_path: Path):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_make_box, args=(str(tmp_path), queue)) for _ in range(3)]
    for p in procs:
        p.start()
    blobs = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(60)
    box = secret_box(_config(tmp_path))
    assert [box.open(b) for b in blobs] == [{"who": "child"}] * 3


def test_a_key_file_others_can_read_gets_a_warning_once(tmp_path: Path, capsys):
    config = _config(tmp_path)
    secret_box(config)
    assert capsys.readouterr().err == ""  # 0600 as generated: nothing to say
    key_file(config).chmod(0o644)
    secret_box(config)
    secret_box(config)
    err = capsys.readouterr().err
    assert err.count("WARNING") == 1
    assert str(key_file(config)) in err and "chmod 600" in err
