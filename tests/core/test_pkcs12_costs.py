"""A PFX sets how much work opening it takes: one asking for more password hashing or more parts than any real PFX
is refused before the password is tried, and every real-world PFX in cryptography_vectors still passes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import cryptography_vectors
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

from tests.pki import children, ec_key, make_leaf, make_root, read_tlv, tlv
from wizard.core import inspect, packaging
from wizard.core.errors import InvalidInput
from wizard.core.pkcs12_costs import MAX_BAGS, MAX_ROUNDS, check_pkcs12_costs

VECTORS = Path(cryptography_vectors.__file__).parent / "pkcs12"
PASSWORD = b"Plum-Kettle-Orbit-42"


def pfx(rounds: int = 2048, extra_certs: int = 0) -> bytes:
    root = make_root(key=ec_key(50))
    key = ec_key(51)
    leaf = make_leaf(root, key.public_key())
    encryption = (PrivateFormat.PKCS12.encryption_builder().kdf_rounds(rounds).hmac_hash(hashes.SHA256())
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).build(PASSWORD))
    return pkcs12.serialize_key_and_certificates(b"x", key, leaf, [root.cert] * (1 + extra_certs), encryption)


def with_mac_rounds(data: bytes, rounds: int) -> bytes:
    """The same PFX with its MAC's iteration count replaced (the outer lengths rebuilt)."""
    version, auth_safe, mac = children(data)
    digest, salt, _old = children(mac)
    mac = tlv(0x30, digest + salt + tlv(0x02, rounds.to_bytes((rounds.bit_length() + 8) // 8, "big")))
    return tlv(read_tlv(data)[0], version + auth_safe + mac)


@pytest.fixture
def no_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the PFX (the expensive part) must not start: the refusal comes first."""
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("load_pkcs12 started on a PFX that should have been refused first")

    monkeypatch.setattr(pkcs12, "load_pkcs12", refuse)


def test_real_world_pfx_files_are_not_refused() -> None:
    files = [p for p in VECTORS.rglob("*.p12")]
    assert len(files) > 25
    for path in files:
        check_pkcs12_costs(path.read_bytes())
    check_pkcs12_costs(pfx())


@pytest.mark.parametrize("rounds", [2**31 - 1, MAX_ROUNDS + 1])
def test_a_mac_asking_for_absurd_rounds_is_refused_before_opening(rounds: int, no_opening: None) -> None:
    hostile = with_mac_rounds(pfx(), rounds)
    for open_it in (lambda: packaging.read_pfx(hostile, PASSWORD.decode()),
                    lambda: inspect.inspect_file(hostile, "evil.p12", PASSWORD.decode(), inspect_now())):
        with pytest.raises(InvalidInput, match="rounds of password hashing") as refused:
            open_it()
        assert f"{rounds:,}" in str(refused.value)


def test_an_encryption_asking_for_absurd_rounds_is_refused(no_opening: None) -> None:
    data = pfx(rounds=0x010000)  # PBKDF2 iteration count written as the three bytes 01 00 00
    marker = bytes.fromhex("0203010000")
    assert marker in data
    hostile = data.replace(marker, bytes.fromhex("02037fffff"))
    with pytest.raises(InvalidInput, match="8,388,607 rounds"):
        packaging.read_pfx(hostile, PASSWORD.decode())


def test_a_pfx_with_more_parts_than_any_real_one_is_refused() -> None:
    # The certificates are encrypted, so they are counted once opened: still refused, in plain words.
    with pytest.raises(InvalidInput, match=f"at most {MAX_BAGS}"):
        packaging.read_pfx(pfx(extra_certs=MAX_BAGS), PASSWORD.decode())
    assert len(packaging.read_pfx(pfx(extra_certs=3), PASSWORD.decode()).chain) == 4


def inspect_now() -> dt.datetime:
    return dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
