"""Nothing under `wizard/` touches a private part of keyring (issue 16, item 10): read from the source with `ast`.

keyring's public API is its functions, its backends' public methods and attributes, and `keyring.errors`; a name
starting with `_` (such as `SchemeSelectable._query`) can change in any release, and keyring is pinned only to a
major range. Flagged:

- importing a module of keyring with a private part (`keyring._x`, `keyring.backends._y`), or a private name from
  one (`from keyring.backend import _z`);
- `x._name` (not a dunder) where `x` is, or is made from, keyring or a keyring backend: a name imported from
  keyring, a name or attribute assigned from one, or anything called `backend` (how the wizard holds one);
- `getattr` / `hasattr` / `setattr` / `delattr` of a private name on such an object;
- a string naming a private keyring attribute (`"_query"`, looked up dynamically) or a dotted keyring path with a
  private part.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import wizard

WIZARD = Path(wizard.__file__).resolve().parent
BACKEND_WORD = re.compile(r"backend", re.IGNORECASE)
# Private attributes of keyring's backends that code might name as strings (for getattr, hasattr, a query).
PRIVATE_KEYRING_NAMES = {"_query", "_get_secret", "_unlock", "_get_connection", "_connect", "_schemes"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_keyring_module(module: str) -> bool:
    return module == "keyring" or module.startswith("keyring.")


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of a module or function, without those of the functions defined inside it."""
    found: list[ast.AST] = []
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, FUNCTIONS):
            todo.extend(ast.iter_child_nodes(node))
    return found


def _target_names(target: ast.AST) -> tuple[list[str], list[str]]:
    """The plain names and the attribute names (as in `self.x`) an assignment target binds."""
    if isinstance(target, ast.Name):
        return [target.id], []
    if isinstance(target, ast.Attribute):
        return [], [target.attr]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    names: list[str] = []
    attributes: list[str] = []
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            more_names, more_attributes = _target_names(element)
            names += more_names
            attributes += more_attributes
    return names, attributes


def _assignments(nodes: list[ast.AST]) -> list[tuple[ast.AST, ast.AST]]:
    """(value, target) of every assignment, `with ... as`, `for ... in` and `:=` among the nodes."""
    pairs: list[tuple[ast.AST, ast.AST]] = []
    for node in nodes:
        if isinstance(node, ast.Assign):
            pairs += [(node.value, target) for target in node.targets]
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and node.value is not None:
            pairs.append((node.value, node.target))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            pairs += [(item.context_expr, item.optional_vars) for item in node.items if item.optional_vars]
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            pairs.append((node.iter, node.target))
    return pairs


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where
        self.found: list[tuple[int, str]] = []
        self.imported: set[str] = set()  # names bound to keyring modules or to names imported from keyring
        self.attributes: set[str] = set()  # attribute names (self.x) assigned from keyring objects, module-wide

    def _say(self, node: ast.AST, what: str) -> None:
        line = getattr(node, "lineno", 0)
        self.found.append((line, f"{self.where}:{line}: {what}"))

    @staticmethod
    def _mentions(expr: ast.AST, names: set[str], attributes: set[str]) -> bool:
        for node in ast.walk(expr):
            if isinstance(node, ast.Name) and (node.id in names or BACKEND_WORD.search(node.id)):
                return True
            if isinstance(node, ast.Attribute) and (node.attr in attributes or BACKEND_WORD.search(node.attr)):
                return True
        return False

    def check(self, tree: ast.Module) -> None:
        everything = list(ast.walk(tree))
        for node in everything:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if _is_keyring_module(alias.name):
                        self.imported.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and _is_keyring_module(node.module):
                self.imported.update(alias.asname or alias.name for alias in node.names)
        # Attributes carry a keyring object from one method to another (self.backend): learnt module-wide.
        while True:
            before = len(self.attributes)
            for value, target in _assignments(everything):
                if self._mentions(value, self.imported, self.attributes):
                    self.attributes.update(_target_names(target)[1])
            if len(self.attributes) == before:
                break
        self._scope(tree, set(self.imported))

    def _scope(self, scope: ast.AST, inherited: set[str]) -> None:
        """A module or function: its own names first (until nothing new is learnt), then what it does."""
        nodes = _own_nodes(scope)
        names = set(inherited)
        while True:
            before = len(names)
            for value, target in _assignments(nodes):
                if self._mentions(value, names, self.attributes):
                    names.update(_target_names(target)[0])
            if len(names) == before:
                break
        for node in nodes:
            self._node(node, names)
            if isinstance(node, FUNCTIONS):
                self._scope(node, names)

    def _node(self, node: ast.AST, names: set[str]) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_keyring_module(alias.name) and any(_private(part) for part in alias.name.split(".")):
                    self._say(node, f"imports the private keyring module {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and _is_keyring_module(node.module):
            if any(_private(part) for part in node.module.split(".")):
                self._say(node, f"imports from the private keyring module {node.module}")
            for alias in node.names:
                if _private(alias.name):
                    self._say(node, f"imports the private name {alias.name} from {node.module}")
        elif isinstance(node, ast.Attribute):
            if _private(node.attr) and self._mentions(node.value, names, self.attributes):
                self._say(node, f"uses the private attribute {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            if (isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                    and isinstance(node.args[1].value, str) and _private(node.args[1].value)
                    and self._mentions(node.args[0], names, self.attributes)):
                self._say(node, f"looks up the private attribute {node.args[1].value!r} with {node.func.id}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if text in PRIVATE_KEYRING_NAMES:
                self._say(node, f"names the private keyring attribute {text!r}")
            elif re.fullmatch(r"keyring(\.\w+)+", text) and any(_private(p) for p in text.split(".")):
                self._say(node, f"names the private keyring path {text!r}")


def private_keyring_uses(source: str, where: str = "<source>") -> list[str]:
    checker = _Checker(where)
    checker.check(ast.parse(source))
    return [use for _, use in sorted(checker.found)]


def test_nothing_under_wizard_touches_a_private_part_of_keyring() -> None:
    found = [use for path in sorted(WIZARD.rglob("*.py"))
             for use in private_keyring_uses(path.read_text(encoding="utf-8"), path.relative_to(WIZARD.parent)
                                             .as_posix())]
    assert found == []


# The Secret Service batching as it was before issue 16 (wizard/core/vault.py): each line must be caught.
OLD_VAULT = '''
class _SecretServiceBatch:
    def __init__(self, backend):
        self.backend = backend

    def set_password(self, service, entry, value):
        attributes = self.backend._query(service, entry, application=self.backend.appid)

    def get_password(self, service, entry):
        for item in self._open().search_items(self.backend._query(service, entry)):
            return item

def batch(self):
    reusable = all(hasattr(self.backend, a) for a in ("get_preferred_collection", "_query", "unlock"))
'''


@pytest.mark.parametrize(("source", "flagged"), [
    (OLD_VAULT, 3),  # two self.backend._query, and the "_query" string
    ("import keyring\nkeyring._keyring_backend = None\n", 1),
    ("import keyring\nchosen = keyring.get_keyring()\nchosen._query('s', 'u')\n", 1),
    ("import keyring.backends.SecretService as ss\nss.Keyring()._query('s')\n", 1),
    ("from keyring.backends import SecretService\nx = SecretService.Keyring()\ny = x\ny._query\n", 1),
    ("from keyring.core import _load_keyring_class\n", 1),
    ("import keyring._compat\n", 1),
    ("from keyring._compat import properties\n", 1),
    ("def f(backend):\n    return getattr(backend, '_query')\n", 2),  # the getattr and the "_query" string
    ("name = 'keyring.backends._private.Thing'\n", 1),
    ("def f(store):\n    store.backend.scheme._x\n", 1),
    # public use: not flagged
    ("import keyring\nkeyring.get_password('s', 'u')\ntype(keyring.get_keyring()).__module__\n", 0),
    ("from keyring.errors import InitError, KeyringLocked\n", 0),
    ("def f(backend):\n    return backend.schemes[backend.scheme], backend.appid\n", 0),
    ("class Store:\n    def f(self):\n        return self._local.batch\n", 0),
])
def test_the_check_catches_private_uses_and_passes_public_ones(source: str, flagged: int) -> None:
    assert len(private_keyring_uses(source)) == flagged, private_keyring_uses(source)


def test_the_check_would_have_failed_on_the_old_vault() -> None:
    # Lines of wizard/core/vault.py before issue 16 (commit 141dcb2): the first check finds each of them.
    uses = private_keyring_uses(OLD_VAULT, "wizard/core/vault.py")
    assert [use.split(": ", 1)[1] for use in uses] == [
        "uses the private attribute self.backend._query",
        "uses the private attribute self.backend._query",
        "names the private keyring attribute '_query'",
    ]
