"""``posbooks send``, ``history`` and ``mapping`` as a bookkeeper runs them."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal

from posbooks.drafts.mapping import current_mapping, save_mapping
from posbooks.qbo import auth
from posting_support import (
    DAY1,
    DAY2,
    DAY3,
    Home,
    cli,
    documents_in_quickbooks,
    home,
    home_dir,
    pos_file,
)

__all__ = ["cli", "home", "home_dir", "pos_file"]


def test_send_a_day_as_json_then_see_it_in_history(cli, home: Home):
    status, out, _ = cli(
        "send", "--date", str(DAY1), "--source", str(home.pos_file), "--format", "json"
    )
    assert status == 0
    sent = json.loads(out)
    assert [(o["outlet"], o["status"]) for o in sent] == [
        ("Bangsar", "created"),
        ("KLCC", "created"),
        ("Mont Kiara", "created"),
    ]
    in_qbo = {d["DocNumber"]: d["Id"] for d in documents_in_quickbooks(home.handle, "journal")}
    assert {o["doc_number"]: o["qbo_id"] for o in sent} == in_qbo

    status, out, _ = cli("history", "--format", "json")
    assert status == 0
    history = json.loads(out)
    assert {(h["doc_number"], h["status"], h["qbo_id"]) for h in history} == {
        (o["doc_number"], "posted", o["qbo_id"]) for o in sent
    }
    status, out, _ = cli("history")
    assert "PB261102-" in out and "in QuickBooks" in out  # the web page's words
    bangsar = next(ln for ln in out.splitlines() if "Bangsar" in ln and "PB261102-" in ln)
    total = Decimal(next(h for h in history if h["doc_number"] in bangsar)["total"])
    assert total > 0 and f" {total:,.2f} " in bangsar

    status, out, _ = cli("send", "--date", str(DAY1), "--source", str(home.pos_file))
    assert status == 0
    assert out.count("unchanged") >= 3 and "3 unchanged" in out


def test_a_range_shows_progress_and_a_summary(cli, home: Home):
    args = ["send", "--date", str(DAY1), "--to", str(DAY3), "--source", str(home.pos_file)]
    status, out, err = cli(*args)
    assert status == 0
    assert "9/9" in err  # progress on stderr, one step per document
    assert "9 created" in out


def test_blocked_days_exit_non_zero_and_say_why(cli, home: Home):
    mapping = current_mapping(home.store)
    accounts = {k: v for k, v in mapping.accounts.items() if k[0] != "tax"}
    save_mapping(home.store, replace(mapping, accounts=accounts), note="taxes undecided")
    status, out, _ = cli(
        "send", "--date", str(DAY1), "--source", str(home.pos_file), "--format", "json"
    )
    assert status == 1
    assert {o["status"] for o in json.loads(out)} == {"blocked"}
    assert "Tax - SST6 has no QuickBooks account" in out
    assert documents_in_quickbooks(home.handle, "journal") == []

    status, out, _ = cli("mapping", "check", "--source", str(home.pos_file), "--format", "json")
    report = json.loads(out)
    assert status == 1 and report["ok"] is False
    assert {i["key"] for i in report["issues"] if i["code"] == "unmapped"} == {"SST6", "SST10"}


def test_bad_dates_and_bad_files_exit_2_and_send_nothing(cli, home: Home, tmp_path):
    assert cli("send", "--date", "2026-13-01")[0] == 2
    status, _, err = cli("send", "--date", str(DAY3), "--to", str(DAY1))
    assert status == 2 and "before" in err
    bad = tmp_path / "till.csv"
    bad.write_text("business_date,outlet\n2026-11-02,Bangsar\n", encoding="utf-8")
    status, _, err = cli("send", "--date", str(DAY1), "--source", str(bad))
    assert status == 2
    assert "till.csv" in err and "nothing was sent" in err
    assert documents_in_quickbooks(home.handle, "journal") == []


def test_mapping_export_import_and_suggest_make_new_versions(cli, home: Home, tmp_path):
    status, out, _ = cli("mapping", "export")
    exported = json.loads(out)
    version = exported["version"]
    assert status == 0 and version >= 1
    assert {"source": "payment", "key": "Cash"} in [
        {"source": a["source"], "key": a["key"]} for a in exported["accounts"]
    ]
    file = tmp_path / "mapping.json"
    file.write_text(json.dumps(exported), encoding="utf-8")
    status, out, _ = cli("mapping", "import", str(file), "--note", "from the accountant")
    assert status == 0 and f"version {version + 1}" in out
    again = json.loads(cli("mapping", "export")[1])
    assert again["version"] == version + 1
    assert again["accounts"] == exported["accounts"]

    file.write_text('{"accounts": [{"source": "salez", "account_id": "1"}]}', encoding="utf-8")
    status, _, err = cli("mapping", "import", str(file))
    assert status == 2 and "salez" in err
    file.write_text("Source,Account\nsales,Food Sales\n", encoding="utf-8")  # a CSV by mistake
    status, _, err = cli("mapping", "import", str(file))
    assert status == 2 and f"{file}, line 1: cannot import the mapping: not valid JSON" in err
    assert "char 0" not in err
    assert current_mapping(home.store).version == version + 1  # nothing saved

    status, out, _ = cli(
        "mapping", "suggest", "--source", str(home.pos_file), "--save", "--format", "json"
    )
    assert status == 0
    suggested = json.loads(out)
    assert suggested["saved_version"] == version + 2
    rows = {r["label"]: r["account_name"] for r in suggested["rows"]}
    assert rows["Payment - TNG eWallet"] == "E-Wallet Clearing - TNG"
    status, out, _ = cli("mapping", "check", "--source", str(home.pos_file))
    assert status == 0 and "0 problem(s)" in out


def test_no_token_or_client_secret_in_anything_printed(cli, home: Home):
    _, tokens = auth.current_tokens(home.config, home.store)
    printed = ""
    for args in (
        ("send", "--date", str(DAY1), "--to", str(DAY3), "--source", str(home.pos_file)),
        ("send", "--date", str(DAY1), "--source", str(home.pos_file), "--format", "json"),
        ("history", "--format", "json"),
        ("mapping", "export"),
    ):
        _, out, err = cli(*args)
        printed += out + err
    _, after = auth.current_tokens(home.config, home.store)
    for secret in {tokens.access_token, tokens.refresh_token, after.access_token,
                   after.refresh_token, home.config.client_secret}:  # fmt: skip
        assert secret not in printed


def test_a_connection_refused_mid_range_still_lists_what_was_sent_and_exits_3(
    cli, home: Home, monkeypatch
):
    """QuickBooks refuses the connection after the first batch of 30: the bookkeeper still
    sees which days reached QuickBooks, and which did not, before reconnecting."""
    from posbooks.cli.commands import send as send_command
    from posbooks.drafts.preview import default_source

    def revoke_after_first_created(stream):
        def show(done, total, outcome):
            if outcome.status == "created" and not show.revoked:
                _, tokens = auth.current_tokens(home.config, home.store)
                auth.auth_client(home.config).revoke(token=tokens.refresh_token)
                show.revoked = True

        show.revoked = False
        return show

    monkeypatch.setattr(send_command, "_progress_printer", revoke_after_first_created)
    period = ("--date", "2026-10-20", "--to", "2026-10-31", "--source", str(default_source()))
    status, out, err = cli("send", *period, "--format", "json")
    assert status == 3
    assert "posbooks connect" in err and "send the same period again" in err
    listed = json.loads(out)
    assert len(listed) == 36  # 12 days x 3 outlets, each with what happened to it
    created = {o["doc_number"]: o["qbo_id"] for o in listed if o["status"] == "created"}
    assert len(created) == 30  # the first batch went through before the refusal
    in_qbo = {d["DocNumber"]: d["Id"] for d in documents_in_quickbooks(home.handle, "journal")}
    assert created == in_qbo
    rest = [o for o in listed if o["status"] != "created"]
    assert {o["status"] for o in rest} == {"failed"}
    assert all("refused the connection" in o["message"] for o in rest)


def test_suggested_mapping_sends_voucher_receipts_and_keeps_the_liability_for_journals(
    cli, home: Home
):
    """A mapping saved before receipt deposit accounts existed blocks voucher receipts;
    `mapping suggest --save` adds one, and both journeys then send out of the box."""
    pos = ("--source", str(home.pos_file))
    older = replace(current_mapping(home.store), deposits={})
    save_mapping(home.store, older, note="saved before deposits")
    status, out, _ = cli("send", "--date", str(DAY1), "--type", "receipt", *pos)
    assert status == 1 and "Receipt Voucher      blocked" in out

    status, out, _ = cli("mapping", "suggest", "--type", "receipt", *pos)
    assert status == 0
    assert re.search(r"Payment - Voucher\s+Undeposited Funds\s+suggested", out)
    assert "Nothing saved" in out
    assert cli("mapping", "suggest", "--save", *pos)[0] == 0
    assert cli("mapping", "check", "--type", "receipt", *pos)[0] == 0

    status, out, _ = cli("send", "--date", str(DAY2), "--type", "receipt", *pos, "--format", "json")
    assert status == 0 and {o["status"] for o in json.loads(out)} == {"created"}
    receipts = documents_in_quickbooks(home.handle, "receipt")
    voucher = [r for r in receipts if r["PaymentMethodRef"]["name"] == "Voucher"]
    assert len(voucher) == 3  # one per outlet
    assert {r["DepositToAccountRef"]["name"] for r in voucher} == {"Undeposited Funds"}

    assert cli("send", "--date", str(DAY3), *pos)[0] == 0  # journal entries, another day
    journal_accounts = {
        line["JournalEntryLineDetail"]["AccountRef"]["name"]
        for entry in documents_in_quickbooks(home.handle, "journal")
        for line in entry["Line"]
        if "Voucher" in line.get("Description", "")
    }
    assert journal_accounts == {"Gift Vouchers Outstanding"}


def test_an_outlet_typo_or_an_empty_day_says_why_nothing_was_sent(cli, home: Home):
    pos = ("--source", str(home.pos_file))
    status, out, err = cli("send", "--date", str(DAY1), "--outlet", "Klcc", *pos)
    assert status == 0 and out.strip() == "Nothing to send."
    assert "Klcc: no receipts on 2026-11-02" in err and "Bangsar, KLCC, Mont Kiara" in err
    status, out, err = cli("send", "--date", "2026-11-20", *pos)
    assert out.strip() == "Nothing to send." and "No receipts on 2026-11-20" in err


def test_with_nothing_mapped_each_blocked_day_gives_the_next_step_once(cli, home: Home):
    from posbooks.core.model import Mapping

    save_mapping(home.store, Mapping(), note="cleared")
    status, out, _ = cli(
        "send", "--date", str(DAY1), "--source", str(home.pos_file), "--format", "json"
    )
    assert status == 1
    messages = {o["message"] for o in json.loads(out)}
    assert len(messages) == 1
    (message,) = messages
    assert "posbooks mapping suggest --save" in message
    assert "has no QuickBooks account" not in message  # not twenty rows of the same news


def test_sending_to_intuit_without_source_refuses_the_demo_sample(cli, home: Home, monkeypatch):
    """The default source is the demo restaurant: it may go to the local sandbox only."""
    monkeypatch.setenv("QBO_ENVIRONMENT", "production")
    status, out, err = cli("send", "--date", str(DAY1))
    assert status == 2 and out == ""
    assert "--source" in err and "demo sample data" in err
    assert documents_in_quickbooks(home.handle, "journal") == []


def test_history_says_why_a_document_failed(cli, home: Home):
    """Tips Payable made inactive in QuickBooks after settings were fetched: QuickBooks
    refuses the entry, and `posbooks history` shows the refusal next to the document."""
    from posting_support import quickbooks
    from quickbooks.objects.account import Account

    home.handle.admin("limits", {"per_second": 100})  # the test's own calls come on top
    qb = quickbooks(home.handle)
    (tips,) = Account.filter(Name="Tips Payable", qb=qb)
    tips.Active = False
    tips.save(qb=qb)
    pos = ("--source", str(home.pos_file))
    status, out, _ = cli("send", "--date", str(DAY1), "--outlet", "Bangsar", *pos)
    assert status == 1 and "failed" in out
    status, out, _ = cli("history")
    (row,) = [ln for ln in out.splitlines() if "PB261102-BAN-J" in ln]
    assert "refused by QuickBooks" in row and "QuickBooks refused PB261102-BAN-J" in row


def test_a_day_sent_as_journal_is_not_sent_again_as_receipts(cli, home: Home):
    """Journal and receipts both carry the day's sales: sending both books them twice."""
    pos = ("--source", str(home.pos_file), "--outlet", "Bangsar")
    assert cli("send", "--date", str(DAY1), *pos)[0] == 0
    status, out, _ = cli("send", "--date", str(DAY1), "--type", "receipt", *pos, "--format", "json")
    assert status == 1
    outcomes = json.loads(out)
    assert outcomes and {o["status"] for o in outcomes} == {"blocked"}
    assert "already sent as a journal entry (PB261102-BAN-J)" in outcomes[0]["message"]
    assert "Delete it in QuickBooks first" in outcomes[0]["message"]  # the one entry
    assert documents_in_quickbooks(home.handle, "receipt") == []
    # reconciling the day's receipts says why they were never sent, not only "never sent"
    from posbooks.reconcile.gather import reconcile

    checks = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY1,
                       outlets=["Bangsar"], doc_type="receipt").documents  # fmt: skip
    assert checks and {c.status for c in checks} == {"not_sent"}
    assert all(
        "It cannot be sent yet: Bangsar 2026-11-02 was already sent as a journal entry "
        "(PB261102-BAN-J); sending sales receipts too would book its sales twice." in c.message
        for c in checks
    ), [c.message for c in checks]
    # another day is free, and the bookkeeper can insist (after deleting the entry)
    assert cli("send", "--date", str(DAY2), "--type", "receipt", *pos)[0] == 0
    status, out, _ = cli("send", "--date", str(DAY1), "--type", "receipt", *pos,
                         "--allow-both-types")  # fmt: skip
    assert status == 0 and "created" in out
