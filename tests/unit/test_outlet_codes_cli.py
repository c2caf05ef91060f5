"""``posbooks outlet-codes``: the codes shown before the first send, chosen, and refused."""

from __future__ import annotations

from posbooks.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["outlet-codes", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_codes_are_listed_chosen_and_a_taken_code_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))
    status, out, _ = run(capsys)
    assert status == 0
    rows = {line.split("  ")[0].strip(): line.split() for line in out.splitlines()[1:]}
    assert set(rows) == {"Bangsar", "KLCC", "Mont Kiara"}
    assert rows["Bangsar"][1] == "BAN" and rows["Bangsar"][-1] == "yes"

    status, out, _ = run(capsys, "--set", "KLCC=kl")
    assert status == 0 and any(ln.split()[:2] == ["KLCC", "KL"] for ln in out.splitlines())

    status, out, err = run(capsys, "--set", "Bangsar=KL")
    assert status == 2 and out == ""
    assert "'KL' is the code of KLCC; choose another." in err
    status, _, err = run(capsys, "--set", "Bangsar=B")
    assert status == 2 and "a code is 2 to 5 letters A-Z or digits 0-9" in err
