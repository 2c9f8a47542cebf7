"""The import rule: the core knows the desk, the screens know the terminal.

As Harlequin's tests/unit_tests/test_import_hygiene.py does, the core is imported in a fresh
interpreter and must not pull in Textual; the layers are also checked statically."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "frontdesk"
MUST_IMPORT = ["frontdesk", "frontdesk.cli", "frontdesk.services", "frontdesk.store"]
NOT_IN_CORE = ("textual", "screens", "widgets")


def core_modules() -> list[str]:
    names = [f"frontdesk.{p.stem}" for p in sorted(CORE.glob("*.py"))
             if p.stem not in ("__init__", "__main__", "app")]
    return ["frontdesk", *names]


def test_core_modules_do_not_import_textual():
    modules = core_modules()
    assert set(MUST_IMPORT) <= set(modules)
    if (CORE / "export.py").exists():
        assert "frontdesk.export" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{list(NOT_IN_CORE)!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def imports_of(path: Path) -> list[tuple[str, tuple[str, ...], int]]:
    """(module, imported names, level) for every import anywhere in the file, lazy ones too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, (), 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", tuple(a.name for a in node.names), node.level))
    return found


def top(module: str) -> str:
    return module.split(".")[0]


def test_no_core_file_but_app_imports_textual_screens_or_widgets():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        if path.name == "app.py" and path.parent == CORE:
            continue
        for module, _names, level in imports_of(path):
            if level == 0 and top(module) in NOT_IN_CORE:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def layer_files(folder: str) -> list[Path]:
    files = [p for p in sorted((ROOT / folder).rglob("*.py")) if p.read_text().strip()]
    if not [p for p in files if p.name != "__init__.py"]:
        pytest.skip(f"{folder}/ has no modules yet")
    return files


def data_access(path: Path) -> list[str]:
    bad = []
    for module, names, level in imports_of(path):
        if level:
            continue
        if module in ("sqlite3", "sqlite_utils") or module.startswith(("sqlite_utils.",)):
            bad.append(module)
        elif module in ("frontdesk.store", "frontdesk.db") or module.startswith(
            ("frontdesk.store.", "frontdesk.db.")
        ):
            bad.append(module)
        elif module == "frontdesk" and {"store", "db"} & set(names):
            bad.append(f"frontdesk.{sorted({'store', 'db'} & set(names))[0]}")
    return bad


def test_widgets_never_touch_the_database():
    offenders = [f"{p.relative_to(ROOT)} imports {m}" for p in layer_files("widgets")
                 for m in data_access(p)]
    assert offenders == []


def test_screens_do_not_open_the_database():
    offenders = [f"{p.relative_to(ROOT)} imports {m}" for p in layer_files("screens")
                 for m in data_access(p)]
    assert offenders == []


SQL = re.compile(r"\b(SELECT\s+[\w*]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE"
                 r"|PRAGMA\s+\w)")


def test_screens_and_widgets_write_no_sql():
    files = layer_files("screens")
    widgets = ROOT / "widgets"
    files += [p for p in sorted(widgets.rglob("*.py"))] if widgets.is_dir() else []
    offenders = []
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if SQL.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_version_only_in_package_init():
    tree = ast.parse((CORE / "__init__.py").read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
