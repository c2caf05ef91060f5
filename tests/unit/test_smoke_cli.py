from __future__ import annotations

import os
import subprocess
import sys

from posbooks.cli import main


def test_cli_help_lists_commands(capsys):
    assert main([]) == 2
    assert "usage: posbooks" in capsys.readouterr().out


def test_output_piped_into_head_ends_quietly(tmp_path):
    """`posbooks preview ... | head` must not end in a BrokenPipeError traceback."""
    env = {**os.environ, "POSBOOKS_HOME": str(tmp_path / "home")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "posbooks.cli",
            "preview",
            "--date",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "--format",
            "json",
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )
    assert process.stdout.read(200)  # like `head -c 200`: read a little, then stop reading
    process.stdout.close()
    err = process.stderr.read().decode()
    status = process.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert status == 141  # 128 + SIGPIPE, what a shell reports for a closed pipe
