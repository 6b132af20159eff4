"""Whether a regular expression from a profile could take exponential time on some input.

Python's `re` backtracks: a repeated group that itself holds a repeat or alternatives, such as `(a+)+` or
`(a|ab)*`, can try exponentially many ways to match before failing (`(a+)+` took 16 s on 29 a's and a "!"). A
profile is data anyone may hand the wizard (`--dip-profile FILE`), so such patterns are refused when it is loaded.
A pattern that needs a nested repeat says so with a possessive quantifier (`*+`, `++`) or an atomic group
(`(?>...)`), which never give back what they matched, so the engine cannot backtrack into them.
"""

from __future__ import annotations

import importlib
from typing import Any

# The parser `re` itself uses (typeshed does not describe it, hence Any).
_p: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}


def _parts(op: Any, av: Any) -> list[Any]:
    """The sub-patterns inside one parsed element."""
    if op in _REPEATS or op == _c.POSSESSIVE_REPEAT:
        return [av[2]]
    if op == _c.BRANCH:
        return list(av[1])
    if op == _c.SUBPATTERN:
        return [av[-1]]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op == _c.ATOMIC_GROUP:
        return [av]
    return []


def _ambiguous(items: Any) -> bool:
    """True if `items` can match the same text in more than one way: a repeat of variable length or
    alternatives, outside any possessive repeat or atomic group (which never give back what they matched)."""
    for op, av in items:
        if op == _c.BRANCH or (op in _REPEATS and av[0] != av[1]):
            return True
        if op not in (_c.POSSESSIVE_REPEAT, _c.ATOMIC_GROUP) and any(_ambiguous(sub) for sub in _parts(op, av)):
            return True
    return False


def _nested_risk(items: Any) -> bool:
    for op, av in items:
        if op in _REPEATS and av[0] != av[1] and _ambiguous(av[2]):
            return True
        if any(_nested_risk(sub) for sub in _parts(op, av)):
            return True
    return False


def may_backtrack_badly(pattern: str) -> bool:
    """True when a repeat of variable length holds another repeat or alternatives that can backtrack."""
    return _nested_risk(_p.parse(pattern))
