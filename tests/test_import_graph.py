"""The import graph of `wizard/`, read from the source with `ast`: no cycles, and no page imports another page.

Every `import` and `from ... import` anywhere in a module counts, including those inside functions and
`if TYPE_CHECKING:` blocks: a cycle that only shows up at run time, or only to the type checker, is still two
modules that cannot be understood (or moved) one without the other. Relative imports are resolved; importing a
package counts as importing its `__init__`; `from package import name` counts as importing the module
`package.name` when there is one, and the package's `__init__` otherwise.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import wizard

PACKAGE_DIR = Path(wizard.__file__).resolve().parent
PAGES = "wizard.ui.pages"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package at `root`, by dotted name."""
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports_of(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The modules of `known` that the module `name` (at `path`) imports, anywhere in its source."""
    known = set(known)
    found: set[str] = set()

    def add(target: str) -> None:
        # `import a.b.c` also imports a and a.b; the closest known module stands for the import.
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name, path).split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                add(submodule if submodule in known else source)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    found = modules(root)
    return {name: imports_of(name, path, found) for name, path in found.items()}


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of `graph` as [a, b, ..., a], or None: an iterative depth-first search."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        state[start] = 1
        stack = [iter(sorted(graph[start]))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(step) == 1:
                return [*path[path.index(step):], step]
            elif not state.get(step):
                state[step] = 1
                path.append(step)
                stack.append(iter(sorted(graph.get(step, ()))))
    return None


def page_to_page_imports(graph: Mapping[str, Iterable[str]]) -> set[tuple[str, str]]:
    """Imports from one page module to another, except to `pages.base` (every page builds on it)."""
    def is_page(module: str) -> bool:
        return module.startswith(PAGES + ".")

    return {(source, target) for source, targets in graph.items() if is_page(source)
            for target in targets if is_page(target) and target != f"{PAGES}.base"}


# ---------------------------------------------------------------- the checks themselves


def test_the_graph_is_read_from_every_kind_of_import() -> None:
    graph = import_graph(PACKAGE_DIR)
    # Module-level, function-level and relative forms are all found (the package's own layout as witness).
    assert "wizard.ui.pages.base" in graph["wizard.ui.pages.welcome"]
    assert "wizard.core.flow" in graph["wizard.ui.wizard"]
    assert len(graph) > 80


def test_wizard_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph(PACKAGE_DIR))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_page_imports_another_page() -> None:
    edges = page_to_page_imports(import_graph(PACKAGE_DIR))
    assert not edges, f"pages importing pages (only pages.base may be imported): {sorted(edges)}"


# ---------------------------------------------------------------- the checker, on made-up packages


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for relative, text in {"__init__.py": "", **files}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    for folder in [p for p in root.rglob("*") if p.is_dir()]:
        (folder / "__init__.py").touch()
    return root


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    root = _package(tmp_path, {"a.py": "import pkg.b\n",
                               "b.py": "def f():\n    from pkg import c\n",
                               "c.py": "from . import a\n"})
    assert find_cycle(import_graph(root)) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]


def test_a_cycle_through_type_checking_and_relative_imports_is_found(tmp_path: Path) -> None:
    root = _package(tmp_path, {"ui/one.py": "from typing import TYPE_CHECKING\n"
                                            "if TYPE_CHECKING:\n    from ..ui.two import Two\n",
                               "ui/two.py": "from .one import x\n"})
    graph = import_graph(root)
    assert graph["pkg.ui.one"] == {"pkg.ui.two"}
    assert find_cycle(graph) == ["pkg.ui.one", "pkg.ui.two", "pkg.ui.one"]


def test_importing_a_package_imports_its_init(tmp_path: Path) -> None:
    root = _package(tmp_path, {"sub/__init__.py": "from pkg import top\n", "sub/leaf.py": "",
                               "top.py": "import pkg.sub\nfrom pkg.sub import leaf\nfrom pkg.sub import name\n"})
    graph = import_graph(root)
    assert graph["pkg.top"] == {"pkg.sub", "pkg.sub.leaf"}
    assert find_cycle(graph) == ["pkg.sub", "pkg.top", "pkg.sub"]


def test_no_cycle_in_a_layered_package(tmp_path: Path) -> None:
    root = _package(tmp_path, {"low.py": "import os\n", "mid.py": "from pkg import low\n",
                               "high.py": "from pkg import low, mid\n"})
    assert find_cycle(import_graph(root)) is None
