"""``posbooks preview`` on the sample data and on small files, as a bookkeeper runs it."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest
from posbooks.cli import main
from posbooks.drafts.preview import default_source

SAMPLE = default_source()
needs_sample = pytest.mark.skipif(not SAMPLE.is_file(), reason="data/sample_sales.parquet missing")


def _sample_week() -> tuple[str, str]:
    """A full week of the sample: the seven days before its last one."""
    if not SAMPLE.is_file():
        return ("2026-11-10", "2026-11-16")
    ((last,),) = duckdb.sql(f"SELECT max(business_date) FROM read_parquet('{SAMPLE}')").fetchall()
    return (str(last - timedelta(days=7)), str(last - timedelta(days=1)))


WEEK_FROM, WEEK_TO = _sample_week()
WEEK = ["--date", WEEK_FROM, "--to", WEEK_TO]
LINE_KEYS = {"source", "key", "posting", "amount", "account", "class", "location", "description"}


def run_json(capsys, *argv: str) -> dict:
    assert main(["preview", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def pos_sums_of_sample() -> dict:
    """Independently of posbooks: the sample's POS sums per (date, outlet, source, key)."""
    rows = duckdb.sql(
        f"""
        SELECT business_date::VARCHAR, outlet, line_type, category, tax_code, payment_method,
               sum(amount)
        FROM read_parquet('{SAMPLE}')
        WHERE business_date BETWEEN '{WEEK_FROM}' AND '{WEEK_TO}' AND NOT coalesce(voided, false)
        GROUP BY ALL
        """
    ).fetchall()
    sums: dict = defaultdict(Decimal)
    for day, outlet, line_type, category, tax_code, method, amount in rows:
        source = "sales" if line_type == "item" else line_type
        key = {"sales": category, "discount": category or None, "tax": tax_code,
               "payment": method}.get(source)  # fmt: skip
        sums[(day, outlet, source, key)] += amount
    return {k: v for k, v in sums.items() if v}


def entry_nets(entries: list[dict]) -> dict:
    nets: dict = defaultdict(Decimal)
    for entry in entries:
        for ln in entry["lines"]:
            credit = Decimal(ln["amount"]) * (1 if ln["posting"] == "Credit" else -1)
            net = -credit if ln["source"] == "payment" else credit
            nets[(entry["business_date"], entry["outlet"], ln["source"], ln["key"])] += net
    return {k: v for k, v in nets.items() if v}


@needs_sample
def test_a_week_of_journal_entries_for_three_outlets_ties_to_the_pos(capsys):
    result = run_json(capsys, *WEEK)
    entries = result["entries"]
    assert len(entries) == 7 * 3
    assert {e["outlet"] for e in entries} == {"Bangsar", "KLCC", "Mont Kiara"}
    for entry in entries:
        assert entry["doc_type"] == "journal"
        debits = sum(Decimal(ln["amount"]) for ln in entry["lines"] if ln["posting"] == "Debit")
        credits = sum(Decimal(ln["amount"]) for ln in entry["lines"] if ln["posting"] == "Credit")
        assert debits == credits, f"{entry['outlet']} {entry['business_date']} does not balance"
        for ln in entry["lines"]:
            assert set(ln) == LINE_KEYS
            assert ln["posting"] in ("Debit", "Credit")
            assert isinstance(ln["amount"], str) and Decimal(ln["amount"]) > 0
            assert ln["amount"] == f"{Decimal(ln['amount']):.2f}"
    assert entry_nets(entries) == pos_sums_of_sample()


@needs_sample
def test_a_week_of_sales_receipts_ties_per_payment_method_and_per_category(capsys):
    entries = run_json(capsys, *WEEK, "--type", "receipt")["entries"]
    assert {e["doc_type"] for e in entries} == {"receipt"}
    assert entry_nets(entries) == pos_sums_of_sample()
    for entry in entries:
        payment_lines = [ln for ln in entry["lines"] if ln["source"] == "payment"]
        assert [ln["key"] for ln in payment_lines] == [entry["payment_method"]]


@needs_sample
def test_only_the_outlet_asked_for(capsys):
    entries = run_json(capsys, "--date", "2026-11-14", "--outlet", "KLCC")["entries"]
    assert [(e["business_date"], e["outlet"]) for e in entries] == [("2026-11-14", "KLCC")]


@needs_sample
def test_the_table_shows_debits_credits_totals_and_balance(capsys):
    assert main(["preview", "--date", "2026-11-14", "--outlet", "Mont Kiara"]) == 0
    out = capsys.readouterr().out
    assert "2026-11-14  Mont Kiara  Journal Entry (balanced)" in out
    assert "Debit" in out and "Credit" in out and "Total" in out
    assert "Sales - Food (Mont Kiara 2026-11-14)" in out
    assert "Tie-out: all" in out and "equal the drafts to the cent" in out


@needs_sample
def test_a_mapping_file_puts_accounts_classes_and_locations_on_the_lines(capsys, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "version": 2,
                "accounts": [
                    {
                        "source": "sales",
                        "key": "Food",
                        "account_id": "41",
                        "account_name": "Food Sales",
                    }
                ],  # fmt: skip
                "classes": [{"category": "Food", "class_id": "c1", "class_name": "Kitchen"}],
                "locations": [{"outlet": "KLCC", "location_id": "d2", "location_name": "KLCC"}],
            }
        )
    )
    result = run_json(capsys, "--date", "2026-11-14", "--outlet", "KLCC", "--mapping", str(mapping))
    (entry,) = result["entries"]
    food = next(ln for ln in entry["lines"] if (ln["source"], ln["key"]) == ("sales", "Food"))
    assert food["account"] == {"id": "41", "name": "Food Sales"}
    assert food["class"] == {"id": "c1", "name": "Kitchen"}
    assert food["location"] == {"id": "d2", "name": "KLCC"}
    unmapped = {(i["source"], i["key"]) for i in entry["issues"] if i["code"] == "unmapped_account"}
    assert ("payment", "Cash") in unmapped and ("sales", "Food") not in unmapped


@needs_sample
def test_a_day_without_receipts_has_no_entry(capsys):
    result = run_json(capsys, "--date", "2020-01-01")
    assert result["entries"] == []
    assert [i["code"] for i in result["issues"]] == ["no_receipts"]
    assert main(["preview", "--date", "2020-01-01"]) == 0
    out = capsys.readouterr().out
    assert "No drafts: no receipts in the period." in out
    assert "Tie-out" not in out  # not "all 0 POS totals equal the drafts"


def test_a_bad_date_or_a_period_ending_before_it_starts_exits_non_zero(capsys):
    assert main(["preview", "--date", "2026-13-01"]) == 2
    assert "--date 2026-13-01 is not a date" in capsys.readouterr().err
    assert main(["preview", "--date", "2026-11-20", "--to", "2026-11-19"]) == 2
    assert "--to 2026-11-19 is before --date 2026-11-20" in capsys.readouterr().err


def test_a_bad_export_is_rejected_with_file_row_and_column(capsys, tmp_path):
    bad = tmp_path / "till.csv"
    bad.write_text(
        "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,"
        "payment_method,amount,closed_at,voided\n"
        "2026-11-20,Bangsar,1,item,Food,,1,,,10.005,,false\n"
        "2026-11-20,Bangsar,1,payment,,,,,Cash,10.00,,false\n"
    )
    assert main(["preview", "--source", str(bad), "--date", "2026-11-20"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "", "nothing previewed"
    assert "till.csv, row 2, column amount" in captured.err


def test_a_missing_file_or_broken_mapping_exits_non_zero(capsys, tmp_path):
    assert main(["preview", "--source", str(tmp_path / "nope.csv"), "--date", "2026-11-20"]) == 1
    assert "nope.csv: no such file" in capsys.readouterr().err
    ok = tmp_path / "ok.csv"
    ok.write_text(
        "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,"
        "payment_method,amount,closed_at,voided\n"
        "2026-11-20,Bangsar,1,item,Food,,1,,,10.00,,false\n"
        "2026-11-20,Bangsar,1,payment,,,,,Cash,10.00,,false\n"
    )
    broken = tmp_path / "mapping.json"
    broken.write_text('{"accounts": [{"source": "sales"}]}')
    argv = ["preview", "--source", str(ok), "--date", "2026-11-20", "--mapping", str(broken)]
    assert main(argv) == 1
    assert "mapping.json: accounts[0]: missing 'account_id'" in capsys.readouterr().err


HEADER = (
    "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,"
    "payment_method,amount,closed_at,voided\n"
)


def test_the_service_refuses_a_file_set_with_any_bad_file(tmp_path):
    from posbooks.drafts.preview import preview, preview_exports
    from posbooks.pos import ExportRejected, open_exports

    good = tmp_path / "good.csv"
    good.write_text(HEADER + "2026-11-20,KLCC,1,item,Food,,1,,,8.00,,false\n"
                    "2026-11-20,KLCC,1,payment,,,,,Cash,8.00,,false\n")  # fmt: skip
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2026-11-20,KLCC,2,item,Food,,1,,,8.00,,maybe\n")
    with pytest.raises(ExportRejected):
        preview([good, bad], date(2026, 11, 20))
    with pytest.raises(ExportRejected):
        preview_exports(open_exports([good, bad]), date(2026, 11, 20))
    result = preview([good], date(2026, 11, 20), doc_type="receipt")
    assert result.ties and len(result.entries) == 1
    assert {(t.source, t.key, t.pos_total) for t in result.tie_out} == {
        ("sales", "Food", Decimal("8.00")), ("payment", "Cash", Decimal("8.00")),
    }  # fmt: skip


@needs_sample
def test_the_mapping_saved_in_the_home_is_the_one_previewed(capsys, tmp_path, monkeypatch):
    """After `mapping suggest --save`, preview shows those accounts, not 'no accounts mapped'."""
    from posbooks.core.model import Mapping, Ref
    from posbooks.drafts.mapping import save_mapping
    from posbooks.state.config import load_config
    from posbooks.state.store import open_store

    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))
    unsaved = run_json(capsys, "--date", "2026-11-14", "--outlet", "KLCC")["entries"][0]
    food = next(ln for ln in unsaved["lines"] if (ln["source"], ln["key"]) == ("sales", "Food"))
    assert food["account"] is None
    assert not (tmp_path / "home").exists()  # previewing never creates a home
    store = open_store(load_config())
    save_mapping(store, Mapping(accounts={("sales", "Food"): Ref("41", "Food Sales")}))
    store.close()
    (entry,) = run_json(capsys, "--date", "2026-11-14", "--outlet", "KLCC")["entries"]
    food = next(ln for ln in entry["lines"] if (ln["source"], ln["key"]) == ("sales", "Food"))
    assert food["account"] == {"id": "41", "name": "Food Sales"}
    assert main(["preview", "--date", "2026-11-14", "--outlet", "KLCC"]) == 0
    assert "Mapping version 1 saved in" in capsys.readouterr().err
