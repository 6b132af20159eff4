"""Profile patterns that could backtrack exponentially are recognised; the safe forms (possessive repeats, atomic
groups, repeats of fixed length, alternatives outside a repeat) are not refused."""

from __future__ import annotations

import pytest

from wizard.core.regex_safety import may_backtrack_badly


@pytest.mark.parametrize("pattern", [r"(a+)+", r"(a|ab)*", r"(a*)*b", r"(\w+\s?)+$", r"^(x+x+)+y", r"(?:a|b?)+",
                                     r"((ab)*)*", r"(?=(a+)+)b"])
def test_patterns_that_backtrack_exponentially_are_recognised(pattern: str) -> None:
    assert may_backtrack_badly(pattern)


@pytest.mark.parametrize("pattern", [r"^[A-Z0-9]{4}$", r"(IF|PUB)-[0-9]{3}", r"(?:/[a-z]*+)*", r"(?:/[a-z]*)*+",
                                     r"(?>a|ab)*", r"(x{2}){3}", r"(ab)*", r"[a-z]+@[a-z]+\.[a-z]{2,}",
                                     r"(?:/[A-Za-z0-9._~!$&'()*+,;=:@%-]*+)*"])
def test_safe_patterns_are_not_refused(pattern: str) -> None:
    assert not may_backtrack_badly(pattern)
