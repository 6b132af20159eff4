"""wizard.core never imports PySide6: checked by importing it with Qt blocked, and by reading its source."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import wizard

CORE = Path(wizard.__file__).resolve().parent / "core"

_IMPORT_ALL_WITHOUT_QT = """
import importlib, pkgutil, sys
sys.modules["PySide6"] = None  # any `import PySide6...` now raises ImportError
import wizard.core
names = sorted(m.name for m in pkgutil.walk_packages(wizard.core.__path__, "wizard.core."))
for name in names:
    importlib.import_module(name)
leaked = [k for k, v in sys.modules.items() if k.startswith("PySide6") and v is not None]
assert not leaked, leaked
print("\\n".join(names))
"""


def test_every_core_module_imports_with_pyside6_blocked() -> None:
    result = subprocess.run([sys.executable, "-c", _IMPORT_ALL_WITHOUT_QT], capture_output=True, text=True,
                            timeout=60, cwd=CORE.parent.parent)
    assert result.returncode == 0, result.stderr
    imported = set(result.stdout.split())
    # The discovery must have found the real modules, or the check above proved nothing.
    expected = {f"wizard.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__"}
    assert expected <= imported
    assert {"wizard.core.profile", "wizard.core.store", "wizard.core.roles", "wizard.core.session"} <= imported


_DYNAMIC_IMPORT = re.compile(r"""(import_module|__import__)\(\s*["']PySide6""")


def qt_imports(source: str) -> list[int]:
    """Line numbers of any import of PySide6 (static, nested in a function, or dynamic)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            if any(alias.name.split(".")[0] == "PySide6" for alias in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "PySide6":
            lines.append(node.lineno)
    lines += [source.count("\n", 0, m.start()) + 1 for m in _DYNAMIC_IMPORT.finditer(source)]
    return lines


def test_the_scanner_finds_qt_imports() -> None:
    sample = ("import os, PySide6.QtCore\n"
              "def f():\n    from PySide6 import QtWidgets\n"
              "x = importlib.import_module('PySide6.QtGui')\n"
              "# PySide6 mentioned in a comment is fine\n")
    assert qt_imports(sample) == [1, 3, 4]


def test_no_core_source_file_imports_pyside6() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 10
    offenders = {str(f.relative_to(CORE)): qt_imports(f.read_text(encoding="utf-8")) for f in files}
    assert {name: lines for name, lines in offenders.items() if lines} == {}
