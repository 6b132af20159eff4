"""Key algorithm names and fingerprints as people read them. No cryptography import: cheap at start-up."""

from __future__ import annotations

from wizard.core.errors import InvalidInput
from wizard.core.profile import CertificateKind

ALGORITHM_NAMES = {"rsa-2048": "RSA 2048-bit", "rsa-3072": "RSA 3072-bit", "rsa-4096": "RSA 4096-bit",
                   "ec-p256": "EC P-256", "ec-p384": "EC P-384"}


def describe_algorithm(algorithm: str) -> str:
    return ALGORITHM_NAMES.get(algorithm, algorithm)


def choose_algorithm(kind: CertificateKind, requested: str | None) -> str:
    """The kind's default, or the requested algorithm if the profile accepts it for this kind."""
    if requested is None:
        return kind.default_algorithm
    wanted = requested.strip().lower()
    if wanted not in kind.algorithms:
        accepted = ", ".join(kind.algorithms)
        raise InvalidInput("algorithm", f'"{requested}" is not accepted for the {kind.name}. Use one of: '
                                        f"{accepted} (default {kind.default_algorithm}).")
    return wanted


def format_fingerprint(fingerprint: str, groups: int = 8) -> str:
    """`ab12cd34...` → `AB12 CD34 ...` (the first `groups` groups of four), for reading aloud or comparing."""
    text = fingerprint.upper()
    return " ".join(text[i:i + 4] for i in range(0, min(len(text), groups * 4), 4))


# Every key and certificate fingerprint a person reads is SHA-256 hex, upper case, in groups of four, with the hash
# named: in full where it is to be compared, or its start where a line only needs to tell keys apart. (A handoff
# bundle's own fingerprint is base32, for reading over the phone: core/bundle_format.py.)
FINGERPRINT_HASH = "SHA-256"


def fingerprint_text(fingerprint: str) -> str:
    """`ab12...` → `SHA-256 AB12 CD34 ... (all of it)`: to compare with what someone else sees."""
    return f"{FINGERPRINT_HASH} {format_fingerprint(fingerprint, groups=(len(fingerprint) + 3) // 4)}"


def fingerprint_start(fingerprint: str) -> str:
    """`ab12...` → `SHA-256 AB12 CD34 EF56 7890…`: enough to tell one key or certificate from another."""
    return f"{FINGERPRINT_HASH} {format_fingerprint(fingerprint, groups=4)}…"
