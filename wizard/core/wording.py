"""Small pieces of wording every message shares, so that they read the same everywhere."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`1 certificate`, `2 certificates`, `0 certificates`: never "certificate(s)"."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
