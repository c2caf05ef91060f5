"""``posbooks reconcile`` as a bookkeeper runs it: table, JSON, CSV, actions, exit codes."""

from __future__ import annotations

import csv
import io
import json

from posbooks.qbo.gateway import open_gateway
from posting_support import DAY1, DAY2, Home, cli, home, home_dir, pos_file

__all__ = ["cli", "home", "home_dir", "pos_file"]


def test_reconcile_table_json_csv_and_exit_codes(cli, home: Home):
    home.send(DAY1)
    source = ("--source", str(home.pos_file))
    status, out, _ = cli("reconcile", "--date", str(DAY1), *source)
    assert status == 0
    assert "3 matched" in out and "PB261102-" in out

    gw = open_gateway(home.config, home.store)
    klcc = next(d for d in json.loads(cli("reconcile", "--date", str(DAY1), *source,
                                          "--format", "json")[1])["documents"]
                if d["outlet"] == "KLCC")  # fmt: skip
    gw.delete("JournalEntry", klcc["qbo_id"], "0")

    status, out, _ = cli("reconcile", "--date", str(DAY1), "--to", str(DAY2), *source,
                         "--format", "json")  # fmt: skip
    assert status == 1
    data = json.loads(out)
    assert data["counts"] == {"matched": 2, "deleted": 1, "not_sent": 3}
    deleted = next(d for d in data["documents"] if d["status"] == "deleted")
    assert deleted["outlet"] == "KLCC" and deleted["qbo_total"] is None

    status, out, _ = cli("reconcile", "--date", str(DAY1), *source, "--outlet", "KLCC",
                         "--format", "csv")  # fmt: skip
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["outlet"], row["status"], row["qbo_total"]) == ("KLCC", "deleted", "")
    assert row["pos_total"] == row["sent_total"] != ""

    status, out, err = cli("reconcile", "--date", str(DAY1), *source, "--send-again",
                           klcc["doc_number"])  # fmt: skip
    assert status == 0, err
    assert f"{klcc['doc_number']}: created" in err and "3 matched" in out


def test_accept_needs_who_and_why_and_bad_dates_exit_2(cli, home: Home):
    assert cli("reconcile", "--date", "2026-13-01")[0] == 2
    assert cli("reconcile", "--date", str(DAY2), "--to", str(DAY1))[0] == 2
    status, _, err = cli("reconcile", "--date", str(DAY1), "--accept", "PB261102-KLCOU-J")
    assert status == 2 and "--by" in err


def test_accept_as_is_from_the_command_line(cli, home: Home):
    source = ("--source", str(home.pos_file))
    status, out, _ = cli("reconcile", "--date", str(DAY1), *source, "--outlet", "KLCC",
                         "--format", "json")  # fmt: skip
    [doc] = json.loads(out)["documents"]
    assert status == 1 and doc["status"] == "not_sent"
    status, out, err = cli("reconcile", "--date", str(DAY1), *source, "--outlet", "KLCC",
                           "--accept", doc["doc_number"], "--by", "Aisyah",
                           "--why", "KLCC books kept by hand this month")  # fmt: skip
    assert status == 0, err
    assert "Accepted as is" in out and "KLCC books kept by hand" in out


def test_a_bad_pos_file_names_file_row_and_column_and_exits_2(cli, home: Home, tmp_path):
    bad = tmp_path / "november.csv"
    bad.write_text(
        "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,"
        "payment_method,amount,closed_at,voided\n"
        "2026-11-02,KLCC,R1,item,Food,Nasi lemak,1,SST6,,twelve,2026-11-02 12:00:00,false\n",
        encoding="utf-8",
    )
    status, out, err = cli("reconcile", "--date", str(DAY1), "--source", str(bad))
    assert status == 2 and out == ""
    assert "november.csv" in err and "amount" in err and "row 2" in err.lower()


def test_not_connected_says_so(cli, home: Home):
    from posbooks.qbo import auth

    auth.disconnect(home.config, home.store)
    status, _, err = cli("reconcile", "--date", str(DAY1), "--source", str(home.pos_file))
    assert status == 2 and "not connected" in err


def _typed_by_hand(home: Home, number: str) -> dict:
    """A 1.00 journal entry the bookkeeper typed in QuickBooks under posbooks' DocNumber."""
    from posting_support import current_settings

    accounts = current_settings(home.store).accounts
    funds = next(a for a in accounts if a.account_subtype == "UndepositedFunds")
    income = next(a for a in accounts if a.account_type == "Income" and a.active)
    lines = [
        {"Amount": "1.00", "DetailType": "JournalEntryLineDetail",
         "JournalEntryLineDetail": {"PostingType": side, "AccountRef": {"value": a.id}}}
        for side, a in (("Debit", funds), ("Credit", income))
    ]  # fmt: skip
    body = {"TxnDate": DAY1.isoformat(), "DocNumber": number, "Line": lines}
    return open_gateway(home.config, home.store).create("JournalEntry", body)


def test_send_again_while_the_docnumber_is_still_taken_is_refused_with_exit_2(cli, home: Home):
    source = ("--source", str(home.pos_file), "--outlet", "Bangsar")
    [doc] = json.loads(cli("reconcile", "--date", str(DAY1), *source, "--format", "json")[1])[
        "documents"
    ]
    typed = _typed_by_hand(home, doc["doc_number"])
    home.send(DAY1, outlets=["Bangsar"])  # refused by the engine: the number is taken

    status, out, err = cli("reconcile", "--date", str(DAY1), *source, "--send-again",
                           doc["doc_number"])  # fmt: skip
    assert status == 2, (out, err)
    assert out == "", "a refused action prints no reconciliation, as --adjust and --accept"
    assert err.startswith(f"posbooks reconcile: Sending {doc['doc_number']} again stopped: "), err
    assert f"a document posbooks did not write (Id {typed['Id']})" in err
    assert "Rename or delete it there, then send again" in err
    gw = open_gateway(home.config, home.store)
    assert [d["Id"] for d in gw.query("JournalEntry", f"DocNumber = '{doc['doc_number']}'")] == [
        typed["Id"]
    ], "nothing was sent over the typed entry"

    # every other refused action exits 2 as well, each with its plain reason
    status, out, err = cli("reconcile", "--date", str(DAY1), *source, "--adjust",
                           doc["doc_number"])  # fmt: skip
    assert (status, out) == (2, "") and "nothing was posted" in err
    status, _, err = cli(
        "reconcile", "--date", str(DAY1), *source, "--send-again", "PB991231-NONE0-J"
    )
    assert status == 2 and "PB991231-NONE0-J is not in this reconciliation" in err
