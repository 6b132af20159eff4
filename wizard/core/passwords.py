"""How hard a password is to guess, judged by zxcvbn (a maintained estimator that knows common passwords, words,
names, keyboard patterns, dates and l33t substitutions), not by counting character classes: "P@ssw0rd2025" has
four classes and falls to a guessing attack at once.

A new password — a PFX or key export's, a new file vault's — must score at least 3 of zxcvbn's 0–4 ("safely
unguessable: moderate protection from offline slow-hash scenario"); opening something that already exists never
judges its password. The wizard's generated passphrases are described by their real entropy (24 characters from
31: 118.9 bits), which no estimate of a typed password can know.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from wizard.core.errors import InvalidInput

MIN_SCORE = 3
# zxcvbn's cost grows with length; a password's first 100 characters say all there is to say about its strength.
_JUDGED_CHARS = 100
GENERATED_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read out and type
GENERATED = re.compile(rf"[{GENERATED_ALPHABET}]{{4}}(-[{GENERATED_ALPHABET}]{{4}})*")


@dataclass(frozen=True, slots=True)
class Judgement:
    score: int  # zxcvbn's 0 (too guessable) .. 4 (very unguessable)
    bits: float  # log2 of the guesses needed
    warning: str  # zxcvbn's reason, when it has one

    def __repr__(self) -> str:  # never the password; it is not kept here anyway
        return f"Judgement(score={self.score}, bits={self.bits:.1f})"


def generated_bits(password: str) -> float | None:
    """The real entropy of a passphrase in the wizard's generated form, else None."""
    if not GENERATED.fullmatch(password):
        return None
    return sum(1 for c in password if c != "-") * math.log2(len(GENERATED_ALPHABET))


def judge(password: str) -> Judgement:
    if not password:
        return Judgement(0, 0.0, "")
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:_JUDGED_CHARS])
    bits = math.log2(max(float(result["guesses"]), 1.0))
    generated = generated_bits(password)
    if generated is not None:
        # In the generated form the real entropy is known: zxcvbn's estimate of random characters is rough (about
        # 95 bits for 119). A typed look-alike with repeats scores low and keeps zxcvbn's own, lower figure.
        bits = generated if result["score"] >= 4 else min(bits, generated)
    return Judgement(int(result["score"]), bits, str(result["feedback"].get("warning") or ""))


def strength_bits(password: str) -> int:
    """Guessing strength in bits (zxcvbn's estimate; a generated passphrase's real entropy)."""
    return round(judge(password).bits)


def strength_words(password: str) -> str:
    """Plain words for the strength meter: weak, fair, strong or very strong, with the bits."""
    j = judge(password)
    bits = round(j.bits)
    if j.score < MIN_SCORE:
        return f"weak (about {bits} bits): use a generated passphrase"
    if j.score == MIN_SCORE:
        return f"fair (about {bits} bits): longer is better"
    if bits >= 100:
        return f"very strong (about {bits} bits)"
    return f"strong (about {bits} bits)"


def refuse_guessable(password: str, field: str, what: str) -> None:
    """Raise `InvalidInput` naming why, when a new `what` (a password, a passphrase) is easy to guess."""
    j = judge(password)
    if j.score >= MIN_SCORE:
        return
    reason = f" {j.warning.rstrip('.')}." if j.warning else ""
    raise InvalidInput(field, f"That {what} is easy to guess (it would fall to a guessing attack in little time)."
                              f"{reason} Use the generated passphrase, or four or more unrelated words.")
