"""What opening a PFX (PKCS#12) file would cost, read from its structure before any password is tried.

Opening a PFX runs a key derivation for its MAC and for each encrypted part, as many rounds as the file itself
asks for. A 2.4 KB file asking for 2^31 - 1 MAC rounds kept `cert inspect` busy for 112 s, deaf to Ctrl-C (the work
is inside OpenSSL). So the DER is walked first — linear in its size, bounded in depth and in the number of
elements — and a file asking for more than any real PFX does is refused with a reason. Real files ask for 2,000
(Windows), 2,048 (OpenSSL) or 10,000 (Java) rounds; the limits below leave a wide margin above those.

Encrypted parts nested inside other encrypted parts cannot be seen before decrypting; the parts a PFX keeps in
the clear (the MAC, and the algorithm of each encrypted part and of each shrouded key) are all seen.
"""

from __future__ import annotations

from wizard.core.errors import InvalidInput

MAX_ROUNDS = 1_000_000  # per key derivation
MAX_TOTAL_ROUNDS = 4_000_000  # over the whole file
MAX_BAGS = 64  # keys and certificates; a PFX holds a key and its chain
_MAX_DEPTH = 64
_MAX_ELEMENTS = 50_000

# Algorithm identifiers whose parameters carry an iteration count: PKCS#12's own PBE schemes (1.2.840.113549.1.12.1.*),
# PKCS#5 PBES1 (1.2.840.113549.1.5.1/3/4/6/10/11) and PBKDF2 (1.2.840.113549.1.5.12; PBES2 wraps it). As DER bodies.
_PKCS12_PBE_PREFIX = bytes.fromhex("2a864886f70d010c01")
_PBES1 = {bytes.fromhex("2a864886f70d0105") + bytes([n]) for n in (1, 3, 4, 6, 10, 11)}
_PBKDF2 = bytes.fromhex("2a864886f70d01050c")
_SAFE_BAG_PREFIX = bytes.fromhex("2a864886f70d010c0a01")  # 1.2.840.113549.1.12.10.1.*: key, cert, CRL ... bags

_OID, _INTEGER, _OCTETS, _SEQUENCE = 0x06, 0x02, 0x04, 0x30


class _Malformed(Exception):
    pass


class _TooBig(Exception):
    """Deeper or larger than any PFX: refused whole, wherever it is met."""


def _read(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, start of contents, end of contents) of the DER element at `pos`; raises `_Malformed`."""
    if pos + 2 > end:
        raise _Malformed
    tag = data[pos]
    if tag & 0x1F == 0x1F:  # high tag numbers never occur in PKCS#12
        raise _Malformed
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            raise _Malformed
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > end:
        raise _Malformed
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    pos = start
    while pos < end:
        tag, body, stop = _read(data, pos, end)
        out.append((tag, body, stop))
        pos = stop
    return out


def _integer(data: bytes, element: tuple[int, int, int]) -> int:
    tag, start, end = element
    if tag != _INTEGER or not 0 < end - start <= 8:
        raise _Malformed
    return int.from_bytes(data[start:end], "big", signed=True)


class _Walk:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.rounds: list[int] = []
        self.bags = 0
        self.elements = 0

    def walk(self, start: int, end: int, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise _TooBig
        for tag, body, stop in _children(self.data, start, end):
            self.elements += 1
            if self.elements > _MAX_ELEMENTS:
                raise _TooBig
            if tag == _SEQUENCE:
                self._algorithm(body, stop)
                self.walk(body, stop, depth + 1)
            elif tag & 0x20:  # other constructed elements ([0] EXPLICIT content, SET of attributes)
                self.walk(body, stop, depth + 1)
            elif tag == _OCTETS and stop > body and self.data[body] == _SEQUENCE:
                # PKCS#12 wraps its inner structures in OCTET STRINGs, each exactly one DER element; anything else
                # (ciphertext that happens to start like one) is opaque data, not damage.
                try:
                    if _read(self.data, body, stop)[2] == stop:
                        self.walk(body, stop, depth + 1)
                except _Malformed:
                    continue

    def _algorithm(self, start: int, end: int) -> None:
        """A SEQUENCE that starts with an OID: a safe bag, or an algorithm whose parameters name a round count."""
        items = _children(self.data, start, end)
        if not items or items[0][0] != _OID:
            return
        oid = self.data[items[0][1]:items[0][2]]
        if oid.startswith(_SAFE_BAG_PREFIX):
            self.bags += 1
        elif (oid.startswith(_PKCS12_PBE_PREFIX) or oid in _PBES1 or oid == _PBKDF2) and len(items) > 1:
            tag, body, stop = items[1]
            params = _children(self.data, body, stop) if tag == _SEQUENCE else []
            if len(params) < 2:
                raise _Malformed
            self.rounds.append(_integer(self.data, params[1]))


def check_pkcs12_costs(data: bytes) -> None:
    """Refuse (InvalidInput, field "file") a PFX whose key derivations or contents exceed what any real PFX has.

    A file that is not DER at all is left for the PKCS#12 reader to refuse in its own words.
    """
    walk = _Walk(data)
    try:
        tag, body, stop = _read(data, 0, len(data))
        if tag != _SEQUENCE:
            return
        top = _children(data, body, stop)
        walk.walk(body, stop, 0)
        # PFX ::= SEQUENCE { version, authSafe ContentInfo, macData MacData OPTIONAL }
        # MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
        if len(top) >= 3 and top[2][0] == _SEQUENCE:
            mac = _children(data, top[2][1], top[2][2])
            if len(mac) >= 3:
                walk.rounds.append(_integer(data, mac[2]))
    except _Malformed:
        raise InvalidInput("file", "That file is not a PFX this wizard can read: its structure is damaged.") from None
    except _TooBig:
        raise InvalidInput("file", "That file is nested deeper or holds more parts than any PFX, so it was not "
                                   "opened.") from None
    if any(r < 1 for r in walk.rounds):
        raise InvalidInput("file", "That PFX is damaged: it asks for a key derivation of no rounds.")
    most = max(walk.rounds, default=0)
    if most > MAX_ROUNDS or sum(walk.rounds) > MAX_TOTAL_ROUNDS:
        raise InvalidInput("file", f"That PFX asks for {most:,} rounds of password hashing, far more than any "
                                   f"real PFX (2,000 to 10,000; at most {MAX_ROUNDS:,} are tried). Opening it would "
                                   "keep this computer busy for minutes, so it was not opened. Ask for the file "
                                   "again.")
    check_pkcs12_parts(walk.bags)


def check_pkcs12_parts(count: int) -> None:
    """Refuse a PFX with more keys and certificates than any real one: counted in the clear before opening, and
    again once opened (certificates are usually encrypted, so only then can they be counted)."""
    if count > MAX_BAGS:
        raise InvalidInput("file", f"That PFX holds {count} keys and certificates; a PFX for one certificate holds "
                                   f"a key and its chain (at most {MAX_BAGS} are read). It was not used.")
