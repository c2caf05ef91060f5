"""posbooks.core stays pure: no UI, database, HTTP or QuickBooks library, no adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import posbooks.core
import pytest

CORE = Path(posbooks.core.__file__).parent
FORBIDDEN = ("streamlit", "duckdb", "pandas", "pyarrow", "requests", "intuitlib", "quickbooks")


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, absolute names (relative imports resolved in core)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "posbooks.core" if node.level else ""
            names.append(".".join(p for p in (base, node.module or "") if p))
    return names


CORE_FILES = sorted(CORE.glob("*.py"))


def test_the_core_has_modules_to_check():
    assert {"model.py", "journal.py", "receipts.py", "allocate.py"} <= {p.name for p in CORE_FILES}


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_core_module_imports_nothing_impure(path):
    for name in imported_modules(path):
        top = name.split(".")[0]
        assert top not in FORBIDDEN, f"{path.name} imports {name}"
        if top == "posbooks":
            assert name == "posbooks.core" or name.startswith("posbooks.core."), (
                f"{path.name} imports {name}, outside posbooks.core"
            )


def test_the_check_catches_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import duckdb\nfrom posbooks.pos.totals import daily_totals\n")
    assert imported_modules(bad) == ["duckdb", "posbooks.pos.totals"]
