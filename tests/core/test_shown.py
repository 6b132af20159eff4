"""`shown`: text from a file cannot draw on the screen — every control, bidi and invisible character becomes a
visible escape, and the text stays on one line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.core.shown import is_plain, shown


@pytest.mark.parametrize(("raw", "expected"), [
    ("Acme Energy Ltd", "Acme Energy Ltd"),
    ("Zakład Energii Łódź — ünïcode stays", "Zakład Energii Łódź — ünïcode stays"),
    ("C:\\Users\\pat", "C:\\Users\\pat"),
    ("Acme\nFingerprint: AAAA", "Acme\\nFingerprint: AAAA"),
    ("a\r\nb\tc", "a\\r\\nb\\tc"),
    ("\x1b[30;40mhidden\x1b[0m", "\\x1b[30;40mhidden\\x1b[0m"),
    ("\x00\x7f\x85\x9b", "\\x00\\x7f\\x85\\x9b"),
    ("abc\u202edcba", "abc\\u202edcba"),
    ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
    ("pay\u200bpal\ufeff", "pay\\u200bpal\\ufeff"),
    ("line\u2028sep", "line\\u2028sep"),
    ("private \ue000 and astral \U000e0001", "private \\ue000 and astral \\U000e0001"),
    ("no\u00a0break and 全角\u3000space", "no\u00a0break and 全角\u3000space"),
])
def test_hostile_characters_become_visible_escapes(raw: str, expected: str) -> None:
    assert shown(raw) == expected
    assert is_plain(raw) == (raw == expected)


@given(st.text())
def test_any_text_comes_out_as_one_line_of_printable_characters(text: str) -> None:
    out = shown(text)
    assert "\n" not in out
    assert "\r" not in out
    assert is_plain(out)
    assert is_plain(text) == (out == text)
