"""Text that came from a file — a bundle's manifest, a certificate's or CSR's names, a project or profile field —
made safe to show on a terminal or in a label.

A forged file must not be able to draw on the user's screen: a newline would start a line of its own (a fake
"Fingerprint:" line above the real one), an escape sequence could recolour or hide what follows, a bidi override
reverses the order in which characters appear, and zero-width characters make two different texts look alike.
Each such character is shown as a visible escape instead (`\\n`, `\\x1b`, `\\u202e`), so the text stays on one
line and reads as what it is. Every place that shows file text to a person goes through `shown`.
"""

from __future__ import annotations

import unicodedata

# Controls (C0 and C1: newline, carriage return, ESC, ...), format characters (bidi embeddings, overrides and
# isolates, zero-width and invisible characters, the byte order mark), surrogates, private-use and unassigned code
# points, and the line and paragraph separators. Ordinary spaces, letters and marks of every script are kept.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN


def shown(text: object) -> str:
    """`text` as one line with every control, bidi and invisible character written as a visible escape."""
    value = str(text)
    if value.isprintable():  # the usual case, at C speed: nothing hidden (isprintable is False for all of _HIDDEN)
        return value
    return "".join(_escape(ch) if _hidden(ch) else ch for ch in value)


def is_plain(text: str) -> bool:
    """True when `shown` would leave `text` as it is (no control, bidi or invisible character)."""
    return not any(_hidden(ch) for ch in text)
