"""The layers of docs/architecture.md hold: import-linter's contracts, and the pages' imports.

import-linter checks the packages (pyproject.toml [tool.importlinter]); the Streamlit pages
and app.py are scripts it does not see, so their imports are read here.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONT_END_SCRIPTS = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def test_import_linter_contracts_are_kept():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail("import-linter is not installed: `make test` installs the dev extra")
    run = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _posbooks_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "posbooks":
                found |= {f"posbooks.{alias.name}" for alias in node.names}
            elif node.module.startswith("posbooks."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("posbooks")}
    return found


@pytest.mark.parametrize("script", FRONT_END_SCRIPTS, ids=lambda p: p.name)
def test_pages_reach_posbooks_only_through_services_and_the_app_helpers(script):
    allowed = ("posbooks.services", "posbooks.app")
    below = {m for m in _posbooks_imports(script) if not m.startswith(allowed)}
    assert not below, f"{script.name} imports {sorted(below)}: go through posbooks.services"
