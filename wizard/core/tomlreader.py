"""A small strict reader over parsed TOML that names the file, key and problem of every mistake.

Used by the profile loader. Each `Node` remembers its path (`roles[2].primary`) and the keys it has read, so
`finish()` can refuse keys nobody expects: a typo such as `min_cuont` is named instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from wizard.core.errors import ProfileError

MAX_WHOLE = 36_500  # whole numbers in a profile are days, hours, counts: a hundred years of days at most
MULTILINE_KEYS = frozenset({"description", "note"})  # text written over several lines in the TOML file

_MISSING = object()


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"' if len(value) < 60 else f'"{value[:57]}..."'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


class Node:
    """One TOML table being read; every accessor raises `ProfileError` with the full key path."""

    def __init__(self, file: str, path: str, data: dict[str, Any]) -> None:
        self.file = file
        self.path = path
        self._data = data
        self._read: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> ProfileError:
        return ProfileError(self.file, self.key(name) if name else self.path, problem)

    def has(self, name: str) -> bool:
        return name in self._data

    def _get(self, name: str, default: object) -> object:
        self._read.add(name)
        if name in self._data:
            return self._data[name]
        if default is _MISSING:
            raise self.fail(name, "is missing")
        return default

    def text(self, name: str, default: object = _MISSING, *, pattern: str | None = None) -> str:
        value = self._get(name, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, f"expected non-empty text, got {_describe(value)}")
        self._plain(name, value)
        if pattern and not re.fullmatch(pattern, value):
            raise self.fail(name, f"{_describe(value)} does not match the required form {pattern}")
        return value

    def optional_text(self, name: str) -> str | None:
        if name not in self._data:
            self._read.add(name)
            return None
        return self.text(name)

    def flag(self, name: str, default: object = _MISSING) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"expected true or false, got {_describe(value)}")
        return value

    def whole(self, name: str, default: object = _MISSING, *, minimum: int | None = None) -> int:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"expected a whole number, got {_describe(value)}")
        if minimum is not None and value < minimum:
            raise self.fail(name, f"expected a whole number of {minimum} or more, got {value}")
        if value > MAX_WHOLE:
            raise self.fail(name, f"expected a whole number of at most {MAX_WHOLE:,}, got {_describe(value)}")
        return value

    def optional_whole(self, name: str, *, minimum: int | None = None) -> int | None:
        if name not in self._data:
            self._read.add(name)
            return None
        return self.whole(name, minimum=minimum)

    def positive_number(self, name: str) -> float:
        value = self._get(name, _MISSING)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.fail(name, f"expected a number greater than 0, got {_describe(value)}")
        return float(value)

    def choice(self, name: str, allowed: Iterable[str], default: object = _MISSING) -> str:
        value = self.text(name, default)
        options = list(allowed)
        if value not in options:
            raise self.fail(name, f"{_describe(value)} is not one of {', '.join(options)}")
        return value

    def texts(self, name: str, *, allowed: Iterable[str] | None = None, required: bool = False) -> tuple[str, ...]:
        value = self._get(name, _MISSING if required else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(name, f"expected a list of text, got {_describe(value)}")
        for item in value:
            self._plain(name, item)
        if allowed is not None:
            options = list(allowed)
            for item in value:
                if item not in options:
                    raise self.fail(name, f"{_describe(item)} is not one of {', '.join(options)}")
        if len(set(value)) != len(value):
            raise self.fail(name, "lists the same entry twice")
        return tuple(value)

    def wholes(self, name: str, *, minimum: int = 1) -> tuple[int, ...]:
        value = self._get(name, _MISSING)
        if not isinstance(value, list) or not value or not all(
            isinstance(v, int) and not isinstance(v, bool) and minimum <= v <= MAX_WHOLE for v in value
        ):
            raise self.fail(name, f"expected a non-empty list of whole numbers of {minimum} or more and at most "
                                  f"{MAX_WHOLE:,}")
        return tuple(value)

    def day(self, name: str) -> dt.date:
        """A TOML local date (2026-03-15, unquoted): not text, and not a date with a time of day."""
        value = self._get(name, _MISSING)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.fail(name, f"expected a date written as YYYY-MM-DD without quotes, got {_describe(value)}")
        return value

    def _plain(self, name: str, value: str) -> None:
        """Profile text is shown to people as it is written: it may not hold characters that draw on a terminal
        or hide what the text says (wizard/core/shown.py)."""
        from wizard.core.shown import is_plain, shown

        if not is_plain(value.replace("\n", " ") if name in MULTILINE_KEYS else value):
            raise self.fail(name, f"holds control, bidi or invisible characters ({shown(value)[:80]}); retype it")

    def table(self, name: str, *, required: bool = True) -> Node | None:
        value = self._get(name, _MISSING if required else None)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(name, f"expected a table, got {_describe(value)}")
        return Node(self.file, self.key(name), value)

    def tables(self, name: str) -> list[Node]:
        value = self._get(name, _MISSING)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            raise self.fail(name, "expected one or more [[" + name + "]] tables")
        return [Node(self.file, f"{self.key(name)}[{i}]", v) for i, v in enumerate(value)]

    def finish(self) -> None:
        """Refuse keys that nothing read: they are typos or belong to a newer schema."""
        unknown = sorted(set(self._data) - self._read)
        if unknown:
            raise self.fail(unknown[0], "is not a key this version of the wizard understands (a typo?)")
