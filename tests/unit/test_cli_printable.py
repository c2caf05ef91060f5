"""The CLI prints names from a POS export without their control characters (issue 16.8)."""

from __future__ import annotations

import io
import json

from posbooks.cli import main
from posbooks.cli.output import PrintableStream

HEADER = (
    "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,"
    "payment_method,amount,closed_at,voided\n"
)
OUTLET = "Bangsar\x1b]0;pwned\x07"  # would retitle the terminal window
CATEGORY = "Food\x1b[2J\x00"  # would clear the screen; NUL truncates in C tools
METHOD = "Cash\x9b31m\rSent: all OK"  # C1 CSI, and a carriage return that rewrites the line
CONTROLS = {chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]}


def _export(tmp_path):
    path = tmp_path / "till.csv"
    path.write_text(
        HEADER
        + f'2026-11-20,"{OUTLET}",R1,item,"{CATEGORY}",Nasi,1,,,10.00,2026-11-20 12:00:00,false\n'
        + f'2026-11-20,"{OUTLET}",R1,payment,,,,,"{METHOD}",10.00,2026-11-20 12:00:00,false\n',
        encoding="utf-8",
    )
    return path


def test_preview_prints_hostile_names_without_control_characters(tmp_path, capsys):
    source = str(_export(tmp_path))
    main(["preview", "--source", source, "--date", "2026-11-20"])
    out, err = capsys.readouterr()
    assert not CONTROLS & set(out + err), repr(out + err)
    assert "Bangsar]0;pwned" in out  # the name is still there, readable
    assert "Food[2J" in out
    assert "Cash31mSent: all OK" in out


def test_json_output_has_no_raw_control_character_yet_keeps_the_names_whole(tmp_path, capsys):
    source = str(_export(tmp_path))
    main(["preview", "--source", source, "--date", "2026-11-20", "--format", "json"])
    out = capsys.readouterr().out
    assert not CONTROLS & set(out)  # written as \u001b, \u009b: inert on a terminal
    [entry] = json.loads(out)["entries"]
    assert entry["outlet"] == OUTLET  # a program reading it gets the POS's name back exactly
    assert {ln["key"] for ln in entry["lines"]} == {CATEGORY, METHOD}


def test_the_stream_keeps_newlines_and_tabs_and_says_it_wrote_everything():
    raw = io.StringIO()
    stream = PrintableStream(raw)
    assert stream.write("a\tb\n\x1b[1mc\x07\n") == len("a\tb\n\x1b[1mc\x07\n")
    assert raw.getvalue() == "a\tb\n[1mc\n"
    assert stream.isatty() is False  # everything else is the real stream's
