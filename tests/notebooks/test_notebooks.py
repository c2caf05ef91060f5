"""The analysts' notebooks run top to bottom on a fresh home against a local sandbox.

Each notebook is executed with nbclient on the venv's own kernel, with POSBOOKS_HOME a
fresh directory and POSBOOKS_SANDBOX_URL an in-process sandbox, and its key printed
figures are checked against the preview service's own totals.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from posbooks.core.journal import journal_entry_for_day
from posbooks.drafts.preview import default_source, preview
from qbo_sandbox import SandboxHandle, start_sandbox

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_sandbox()
    yield handle
    handle.stop()


def execute(
    name: str, env: dict[str, str], monkeypatch, cwd: Path, **parameters
) -> nbformat.NotebookNode:
    """Run notebooks/<name> in a kernel whose environment is ``env``; the executed notebook.

    ``parameters`` replace ``NAME = value`` lines of the notebook's cells, as an analyst edits them.
    """
    for key in [k for k in os.environ if k.startswith(("QBO_", "POSBOOKS_"))]:
        monkeypatch.delenv(key)  # a fresh machine: nothing configured but what the test sets
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in book.cells:
        for key, value in parameters.items():
            lines = cell.source.split("\n")
            lines = [f"{key} = {value!r}" if ln.startswith(f"{key} = ") else ln for ln in lines]
            cell.source = "\n".join(lines)
    client = NotebookClient(
        book, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return book


def printed(book: nbformat.NotebookNode) -> list[str]:
    """Every line the notebook printed, in order."""
    lines = []
    for cell in book.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                lines += output["text"].splitlines()
    return lines


def last_dict(lines: list[str], key: str) -> dict:
    """The last printed dict holding ``key``."""
    return next(ast.literal_eval(ln) for ln in reversed(lines) if ln.startswith("{") and key in ln)


def test_reconcile_notebook_on_a_fresh_home(sandbox, tmp_path, monkeypatch):
    env = {"POSBOOKS_HOME": str(tmp_path / "home"), "POSBOOKS_SANDBOX_URL": sandbox.base_url}
    book = execute("reconcile.ipynb", env, monkeypatch, tmp_path, SEED_LOCAL_SANDBOX=True)
    lines = printed(book)
    assert any(ln.startswith("Company: Nasi & Co Restaurant Group (sandbox)") for ln in lines)
    counts = last_dict(lines, "matched")
    assert counts == {"matched": 6, "not_sent": 3}  # two days sent by the notebook, one not
    totals = last_dict(lines, "pos_total")
    first, last = (Decimal(0),) * 2
    days = preview([default_source()], _day(totals["date_from"]), _day(totals["date_to"]))
    expected = sum((journal_entry_for_day(d).total_debits for d in days.day_totals), Decimal(0))
    assert Decimal(totals["pos_total"]) == expected
    sent_days = [d for d in days.day_totals if str(d.business_date) != totals["date_to"]]
    sent = sum((journal_entry_for_day(d).total_debits for d in sent_days), Decimal(0))
    assert Decimal(totals["sent_total"]) == Decimal(totals["qbo_total"]) == sent > first + last
    kinds = {o.get("data", {}).keys().__contains__("application/vnd.plotly.v1+json")
             for c in book.cells for o in c.get("outputs", [])}  # fmt: skip
    assert True in kinds  # the charts rendered as plotly figures


def test_reconcile_notebook_sends_nothing_unless_asked(sandbox, tmp_path, monkeypatch):
    sandbox.admin("reset", {})
    env = {"POSBOOKS_HOME": str(tmp_path / "home"), "POSBOOKS_SANDBOX_URL": sandbox.base_url}
    book = execute("reconcile.ipynb", env, monkeypatch, tmp_path)
    lines = printed(book)
    assert "Nothing sent (SEED_LOCAL_SANDBOX is False, or not the local sandbox)." in lines
    assert last_dict(lines, "not_sent") == {"not_sent": 9}
    assert sandbox.admin("state")["entities"][sandbox.realm_id].get("JournalEntry", 0) == 0


def test_explore_notebook_figures_are_the_previews(tmp_path, monkeypatch):
    book = execute("explore_sales.ipynb", {"POSBOOKS_HOME": str(tmp_path)}, monkeypatch, tmp_path)
    lines = printed(book)
    figures = last_dict(lines, "money_types")
    assert figures["money_types"] == ["Decimal"]
    result = preview([default_source()], _day(figures["first_day"]), _day(figures["last_day"]))
    sales = sum((d.amount("sales", t.key) for d in result.day_totals for t in d.totals
                 if t.source == "sales"), Decimal(0))  # fmt: skip
    assert Decimal(figures["sales"]) == sales
    payments = sum(
        (t.amount for d in result.day_totals for t in d.totals if t.source == "payment"),
        Decimal(0),
    )
    assert Decimal(figures["payments"]) == payments
    per_outlet = last_dict(lines, "Bangsar/Food")
    assert set(per_outlet) >= {"Bangsar/Food", "KLCC/Beverages", "Mont Kiara/Desserts"}


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code"
    assert all(not c.outputs and c.execution_count is None for c in code), (
        f"{path.name}: clear the outputs before committing (jupyter nbconvert --clear-output)"
    )


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)
