"""Packages: Modern and Compatibility PFX (encryption as the profile says, never RC2 or PBMAC1, chain and friendly
name inside, re-opened and checked, deleted on a failed check), the PEM chain and the encrypted PKCS#8 key,
passphrases, and the bring-your-own-key readers (hypothesis: only InvalidInput)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pki import Chain, children, ec_key, make_chain, make_intermediate, make_leaf, make_root, read_tlv, rsa_key
from wizard.core import packaging
from wizard.core.certfiles import common_name
from wizard.core.errors import InvalidInput, WizardError
from wizard.core.keys import public_fingerprint
from wizard.core.packaging import (
    MIN_PASSWORD,
    PFX_PROFILES,
    PackageError,
    export_encrypted_key,
    export_pem_chain,
    export_pfx,
    generate_passphrase,
    pfx_profile,
    read_encrypted_key,
    read_pfx,
)
from wizard.core.passwords import strength_bits, strength_words

PASSWORD = "Plum-Kettle-Orbit-42"
FRIENDLY = "Acme Energy Ltd DIP mTLS 2026"

# Object identifiers of the algorithms a PFX can name (RFC 7292, RFC 8018, RFC 9579).
AES_256_CBC = "2.16.840.1.101.3.4.1.42"
PBES2 = "1.2.840.113549.1.5.13"
PBKDF2 = "1.2.840.113549.1.5.12"
HMAC_SHA256 = "1.2.840.113549.2.9"
SHA256 = "2.16.840.1.101.3.4.2.1"
SHA1 = "1.3.14.3.2.26"
PBE_SHA1_3DES = "1.2.840.113549.1.12.1.3"
PBE_SHA1_RC2_128 = "1.2.840.113549.1.12.1.5"
PBE_SHA1_RC2_40 = "1.2.840.113549.1.12.1.6"
PBMAC1 = "1.2.840.113549.1.5.14"
SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"


@pytest.fixture(scope="module")
def chain() -> Chain:
    return make_chain()


# ---------------------------------------------------------------- a small DER reader for the PFX's algorithms


def decode_oid(body: bytes) -> str:
    first = body[0]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    value = 0
    for byte in body[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(map(str, parts))


def oids(data: bytes) -> list[str]:
    """Every object identifier in a DER structure, looking inside constructed elements and inside OCTET STRINGs
    that hold DER themselves (a PFX's authenticated safe, its SafeContents): the algorithm identifiers of a PFX
    are all outside the encrypted parts."""
    found: list[str] = []
    pos = 0
    while pos < len(data):
        tag, header, _, end = read_tlv(data, pos)
        if end > len(data):
            raise ValueError("element runs past its parent")
        content = data[pos + header:end]
        if tag == 0x06:
            found.append(decode_oid(content))
        elif tag & 0x20:
            found.extend(oids(content))
        elif tag == 0x04:
            with contextlib.suppress(ValueError, IndexError):
                found.extend(oids(content))
        pos = end
    return found


def mac_algorithm(pfx: bytes) -> str:
    """The digest of the PFX's MacData: PFX ::= SEQUENCE { version, authSafe, macData SEQUENCE { DigestInfo
    SEQUENCE { AlgorithmIdentifier SEQUENCE { OID, ... }, digest }, salt, iterations } }."""
    _, _, mac_data = children(pfx)
    digest_info = children(mac_data)[0]
    algorithm = children(digest_info)[0]
    oid = children(algorithm)[0]
    return decode_oid(oid[2:])


def test_the_oid_reader_reads_a_certificate(chain: Chain) -> None:
    found = oids(chain.leaf.public_bytes(serialization.Encoding.DER))
    assert "1.2.840.113549.1.1.1" in found  # rsaEncryption
    assert x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string in oids(
        chain.leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value.public_bytes())


# ---------------------------------------------------------------- export_pfx


def export(tmp_path: Path, chain: Chain, profile: str, out_name: str = "acme.pfx") -> Path:
    out = tmp_path / out_name
    export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES[profile], PASSWORD, FRIENDLY)
    return out


@pytest.mark.parametrize("profile", sorted(PFX_PROFILES))
def test_pfx_loads_back_with_the_password_only(tmp_path: Path, chain: Chain, profile: str) -> None:
    out = export(tmp_path, chain, profile)
    data = out.read_bytes()
    loaded = pkcs12.load_pkcs12(data, PASSWORD.encode())
    assert loaded.key is not None
    assert public_fingerprint(loaded.key.public_key()) == public_fingerprint(chain.key.public_key())  # type: ignore[arg-type]
    assert loaded.cert is not None
    assert loaded.cert.certificate == chain.leaf
    assert loaded.cert.friendly_name == FRIENDLY.encode()
    assert [c.certificate for c in loaded.additional_certs] == list(chain.above)
    # Chain certificates are named by their common name (and organisation), cut by characters.
    assert [c.friendly_name for c in loaded.additional_certs] == [common_name(c)[:60].encode() for c in chain.above]
    for wrong in (b"", b"plum-kettle-orbit-42", PASSWORD.encode() + b" "):
        with pytest.raises(ValueError, match="Invalid password or PKCS12 data"):
            pkcs12.load_pkcs12(data, wrong)
    with pytest.raises((ValueError, TypeError)):
        pkcs12.load_pkcs12(data, None)


@pytest.mark.parametrize("profile", sorted(PFX_PROFILES))
def test_pfx_is_owner_only_and_leaves_no_temp_files(tmp_path: Path, chain: Chain, profile: str) -> None:
    out = export(tmp_path, chain, profile)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.pfx"]
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_modern_pfx_is_aes_256_with_a_sha256_mac(tmp_path: Path, chain: Chain) -> None:
    data = export(tmp_path, chain, "modern").read_bytes()
    found = set(oids(data))
    assert {PBES2, PBKDF2, AES_256_CBC, HMAC_SHA256, SHROUDED_KEY_BAG} <= found
    assert mac_algorithm(data) == SHA256
    assert not found & {PBE_SHA1_3DES, PBE_SHA1_RC2_40, PBE_SHA1_RC2_128, PBMAC1, SHA1}


def test_compat_pfx_is_3des_with_a_sha1_mac(tmp_path: Path, chain: Chain) -> None:
    data = export(tmp_path, chain, "compat").read_bytes()
    found = set(oids(data))
    assert {PBE_SHA1_3DES, SHROUDED_KEY_BAG} <= found
    assert mac_algorithm(data) == SHA1
    assert not found & {PBES2, AES_256_CBC, PBE_SHA1_RC2_40, PBE_SHA1_RC2_128, PBMAC1}


def test_the_profiles_are_named_by_destination() -> None:
    assert pfx_profile(" Modern ") is PFX_PROFILES["modern"]
    assert pfx_profile("COMPAT") is PFX_PROFILES["compat"]
    assert "Azure" in PFX_PROFILES["modern"].destinations
    assert "macOS Keychain" in PFX_PROFILES["compat"].destinations
    with pytest.raises(InvalidInput, match=r'"rc2" is not a PFX profile\. Use "modern"') as caught:
        pfx_profile("rc2")
    assert caught.value.field == "profile"


def test_an_ec_key_is_packaged_too(tmp_path: Path) -> None:
    root = make_root()
    issuing = make_intermediate(root)
    key = ec_key(9)
    leaf = make_leaf(issuing, key.public_key(), eku=(x509.oid.ExtendedKeyUsageOID.SERVER_AUTH,))
    out = tmp_path / "webhook.pfx"
    export_pfx(out, key, leaf, (issuing.cert, root.cert), PFX_PROFILES["modern"], PASSWORD, "Webhook")
    loaded = pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode())
    assert isinstance(loaded.key, ec.EllipticCurvePrivateKey)


def test_a_leaf_without_a_chain(tmp_path: Path, chain: Chain) -> None:
    out = tmp_path / "alone.pfx"
    export_pfx(out, chain.key, chain.leaf, (), PFX_PROFILES["compat"], PASSWORD, FRIENDLY)
    assert pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode()).additional_certs == []


@pytest.mark.parametrize(("password", "why"), [("", "The password is empty."),
                                               ("short", f"at least {MIN_PASSWORD} characters"),
                                               ("x" * (MIN_PASSWORD - 1), f"at least {MIN_PASSWORD} characters")])
def test_an_empty_or_short_password_is_refused_and_nothing_is_written(tmp_path: Path, chain: Chain, password: str,
                                                                      why: str) -> None:
    for write in (lambda out: export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES["modern"], password,
                                         FRIENDLY),
                  lambda out: export_encrypted_key(out, chain.key, password)):
        with pytest.raises(InvalidInput, match=re.escape(why)) as caught:
            write(tmp_path / "out.bin")
        assert caught.value.field == "password"
        assert list(tmp_path.iterdir()) == []


def test_a_failed_check_writes_nothing(tmp_path: Path, chain: Chain, monkeypatch: pytest.MonkeyPatch) -> None:
    """The re-open check (with the password, of the exact bytes to be written) finds another key: nothing is
    written and PackageError says so."""
    real = pkcs12.load_pkcs12

    def wrong_key(data: bytes, password: bytes | None) -> pkcs12.PKCS12KeyAndCertificates:
        loaded = real(data, password)
        return pkcs12.PKCS12KeyAndCertificates(rsa_key(6), loaded.cert, loaded.additional_certs)

    monkeypatch.setattr(packaging.pkcs12, "load_pkcs12", wrong_key)
    out = tmp_path / "acme.pfx"
    with pytest.raises(PackageError) as caught:
        export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES["modern"], PASSWORD, FRIENDLY)
    assert str(caught.value) == (f"The package for {out} did not check out when re-opened (the key does not "
                                 "match the certificate), so nothing was written.")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("tamper", "reason"), [
    (lambda loaded: pkcs12.PKCS12KeyAndCertificates(None, loaded.cert, loaded.additional_certs),
     "the key or certificate is missing"),
    (lambda loaded: pkcs12.PKCS12KeyAndCertificates(loaded.key, loaded.cert, loaded.additional_certs[:1]),
     "the certificate or chain is not what was written"),
], ids=["no-key", "chain-short"])
def test_other_failed_checks_write_nothing(tmp_path: Path, chain: Chain, monkeypatch: pytest.MonkeyPatch,
                                             tamper: object, reason: str) -> None:
    real = pkcs12.load_pkcs12
    monkeypatch.setattr(packaging.pkcs12, "load_pkcs12",
                        lambda data, password: tamper(real(data, password)))  # type: ignore[operator]
    with pytest.raises(PackageError, match=re.escape(f"({reason})")):
        export(tmp_path, chain, "compat")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("failure", "said"), [
    (ValueError("Could not deserialize PKCS12 data"),
     r"did not check out when re-opened \(it did not open with its password\)"),
    (RuntimeError("boom"), r"could not be made \(RuntimeError\), so nothing was written")])
def test_a_check_that_fails_or_crashes_writes_nothing_and_says_why(tmp_path: Path, chain: Chain,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   failure: Exception, said: str) -> None:
    def broken(data: bytes, password: bytes | None) -> pkcs12.PKCS12KeyAndCertificates:
        raise failure

    monkeypatch.setattr(packaging.pkcs12, "load_pkcs12", broken)
    with pytest.raises(PackageError, match=said):
        export(tmp_path, chain, "modern")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("profile", sorted(PFX_PROFILES))
def test_a_file_that_does_not_read_back_as_written_is_deleted(tmp_path: Path, chain: Chain,
                                                              monkeypatch: pytest.MonkeyPatch, profile: str) -> None:
    """A disk that returns other bytes than were written: the file is deleted and PackageError says so."""
    real = packaging.atomic_write

    def flipping(path: Path, data: bytes, *, public: bool = False) -> None:
        real(path, data[:-1] + bytes([data[-1] ^ 1]), public=public)

    monkeypatch.setattr(packaging, "atomic_write", flipping)
    out = tmp_path / "acme.pfx"
    with pytest.raises(PackageError, match=r"did not read back as written \(is the disk failing\?\), so it was "
                                           r"deleted"):
        export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES[profile], PASSWORD, FRIENDLY)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_re_export_keeps_the_previous_file(tmp_path: Path, chain: Chain,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Was a bug: with overwrite (`--force`), _write_checked renames the new file over the target before checking it, so
    when the check fails the file deleted is the target path itself: the good PFX exported there earlier is gone
    too, although atomic_write exists so that a failed write leaves the old file. The check should read the new
    bytes before the rename (or the old file be restored)."""
    out = export(tmp_path, chain, "modern")
    good = out.read_bytes()
    real = pkcs12.load_pkcs12
    monkeypatch.setattr(packaging.pkcs12, "load_pkcs12", lambda data, password: pkcs12.PKCS12KeyAndCertificates(
        rsa_key(6), real(data, password).cert, real(data, password).additional_certs))
    with pytest.raises(PackageError):
        export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES["modern"], PASSWORD, FRIENDLY,
                   overwrite=True)
    assert out.read_bytes() == good


def test_a_folder_that_does_not_exist(tmp_path: Path, chain: Chain) -> None:
    out = tmp_path / "missing" / "acme.pfx"
    with pytest.raises(WizardError, match=r"^The folder .*missing does not exist; create it or choose another\. "
                                          r"Nothing was written\.$"):
        export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES["modern"], PASSWORD, FRIENDLY)
    assert not out.parent.exists()


def test_a_full_disk_is_a_package_error(tmp_path: Path, chain: Chain, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(path: Path, data: bytes, *, public: bool = False) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(packaging, "atomic_write", full)
    out = tmp_path / "acme.pfx"
    with pytest.raises(PackageError, match=r"^Could not write .*acme\.pfx: No space left on device\. Nothing was "
                                           r"written\.$"):
        export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES["modern"], PASSWORD, FRIENDLY)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("write", ["pfx", "pem", "key"])
def test_an_existing_file_is_kept_unless_overwrite_is_asked(tmp_path: Path, chain: Chain, write: str) -> None:
    out = tmp_path / "existing.out"
    out.write_bytes(b"precious")

    def run(**overwrite: bool) -> None:
        if write == "pfx":
            export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES["modern"], PASSWORD, FRIENDLY,
                       **overwrite)
        elif write == "pem":
            export_pem_chain(out, chain.leaf, chain.above, **overwrite)
        else:
            export_encrypted_key(out, chain.key, PASSWORD, **overwrite)

    with pytest.raises(WizardError, match=r"already exists\. Choose another name, or replace it with --force"):
        run()
    assert out.read_bytes() == b"precious"
    run(overwrite=True)
    assert out.read_bytes() != b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.out"]


@pytest.mark.parametrize("protected", ["project.json", "secrets.vault", "settings.json"])
def test_exports_never_land_on_the_wizards_own_files(tmp_path: Path, chain: Chain, protected: str) -> None:
    with pytest.raises(WizardError, match="one of the wizard's own files"):
        export_pem_chain(tmp_path / protected, chain.leaf, chain.above, overwrite=True)
    assert list(tmp_path.iterdir()) == []


def test_a_key_that_does_not_match_the_certificate_is_a_package_error(tmp_path: Path, chain: Chain) -> None:
    """Was a bug: export_pfx lets the library's ValueError ("Certificate public key and provided private key do not
    match") escape from serialize_key_and_certificates instead of raising PackageError: the CLI and GUI show
    WizardError messages and treat anything else as a crash."""
    out = tmp_path / "acme.pfx"
    with pytest.raises(PackageError):
        export_pfx(out, rsa_key(6), chain.leaf, chain.above, PFX_PROFILES["modern"], PASSWORD, FRIENDLY)
    assert list(tmp_path.iterdir()) == []


def test_a_chain_certificate_with_a_long_non_ascii_name(tmp_path: Path, chain: Chain) -> None:
    """Was a bug: each chain certificate's friendly name is its RFC 4514 subject encoded as UTF-8 and cut at 64 bytes;
    when the cut falls inside a multi-byte character the name is not valid UTF-8 and serialize_key_and_certificates
    raises ValueError ("friendly_name must be valid UTF-8") out of export_pfx. Any CA whose subject is longer than
    64 bytes with an accented letter at the cut triggers it (here the RFC 4514 name "CN=Autorité Certification
    Intermédiaire Générale,O=Test PKI Ltd,C=GB" is cut inside the "é" of "Générale")."""
    root = make_root()
    issuing = make_intermediate(root, cn="Autorité Certification Intermédiaire Générale")
    subject = issuing.cert.subject.rfc4514_string().encode()
    assert len(subject) > 64
    with pytest.raises(UnicodeDecodeError):
        subject[:64].decode()
    leaf = make_leaf(issuing, chain.key.public_key())
    out = tmp_path / "acme.pfx"
    export_pfx(out, chain.key, leaf, (issuing.cert, root.cert), PFX_PROFILES["modern"], PASSWORD, FRIENDLY)
    loaded = pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode())
    assert [c.certificate for c in loaded.additional_certs] == [issuing.cert, root.cert]


def test_a_non_ascii_friendly_name(tmp_path: Path, chain: Chain) -> None:
    out = tmp_path / "acme.pfx"
    export_pfx(out, chain.key, chain.leaf, chain.above, PFX_PROFILES["compat"], PASSWORD, "Ærø Énergie — mTLS")
    loaded = pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode())
    assert loaded.cert is not None
    assert loaded.cert.friendly_name == "Ærø Énergie — mTLS".encode()


# ---------------------------------------------------------------- PEM chain and encrypted PKCS#8


def test_pem_chain_is_the_certificate_then_its_chain(tmp_path: Path, chain: Chain) -> None:
    out = tmp_path / "acme.chain.pem"
    export_pem_chain(out, chain.leaf, chain.above)
    text = out.read_bytes()
    assert x509.load_pem_x509_certificates(text) == [chain.leaf, *chain.above]
    assert b"PRIVATE KEY" not in text
    assert text.count(b"-----BEGIN CERTIFICATE-----") == 3
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o644  # public: colleagues may read it


def test_encrypted_key_opens_with_the_password_only(tmp_path: Path, chain: Chain) -> None:
    out = tmp_path / "acme.key.pem"
    export_encrypted_key(out, chain.key, PASSWORD)
    data = out.read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    loaded = serialization.load_pem_private_key(data, PASSWORD.encode())
    assert public_fingerprint(loaded.public_key()) == public_fingerprint(chain.key.public_key())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(data, None)
    with pytest.raises(ValueError, match="Incorrect password"):
        serialization.load_pem_private_key(data, b"wrong password")
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.key.pem"]


def test_encrypted_key_round_trips_through_read_encrypted_key(tmp_path: Path, chain: Chain) -> None:
    out = tmp_path / "acme.key.pem"
    export_encrypted_key(out, chain.key, PASSWORD)
    key = read_encrypted_key(out.read_bytes(), PASSWORD)
    assert public_fingerprint(key.public_key()) == public_fingerprint(chain.key.public_key())


# ---------------------------------------------------------------- passphrases


def test_generated_passphrases_are_groups_of_unambiguous_characters() -> None:
    made = {generate_passphrase() for _ in range(50)}
    assert len(made) == 50
    for phrase in made:
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){5}", phrase), phrase
        assert not set(phrase) & set("01IOL")
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){2}", generate_passphrase(3))


def test_a_generated_passphrase_is_very_strong_and_accepted() -> None:
    phrase = generate_passphrase()
    assert strength_words(phrase).startswith("very strong (about ")
    packaging.check_password(phrase)


@pytest.mark.parametrize(("password", "words"), [
    ("", "weak (about 0 bits): use a generated passphrase"),
    ("aaaaaaaaaaaaaaaa", "weak"),
    ("password", "weak"),
    ("Summer2026", "weak"),
    ("P@ssw0rd2025", "weak"),
    ("Quartz-Lantern-Meadow-9041", "strong"),
    ("Plum-Kettle-Orbit-42-Sunrise", "strong"),
])
def test_strength_words(password: str, words: str) -> None:
    assert strength_words(password).startswith(words)
    assert f"about {strength_bits(password)} bits" in strength_words(password)


def test_strength_grows_with_unguessable_parts_not_with_character_classes() -> None:
    # Each unrelated word adds strength; a keyboard run or a repeat adds next to nothing, whatever its length.
    assert strength_bits("Quartz-Lantern") < strength_bits("Quartz-Lantern-Meadow") < \
        strength_bits("Quartz-Lantern-Meadow-9041")
    assert strength_bits("abcdefghijkl") < 10
    assert strength_bits("abababababababab") < 10


# ---------------------------------------------------------------- bring your own key: read_pfx


def test_read_pfx_with_the_right_password(chain: Chain) -> None:
    data = pkcs12.serialize_key_and_certificates(b"theirs", chain.key, chain.leaf, list(chain.above),
                                                 serialization.BestAvailableEncryption(b"their password"))
    brought = read_pfx(data, "their password")
    assert public_fingerprint(brought.key.public_key()) == public_fingerprint(chain.key.public_key())
    assert brought.cert == chain.leaf
    assert brought.chain == chain.above
    assert "PRIVATE" not in repr(brought)
    assert repr(brought) == "BroughtKey(key=<redacted>)"


def test_read_pfx_reads_our_own_exports(tmp_path: Path, chain: Chain) -> None:
    for profile in PFX_PROFILES:
        brought = read_pfx(export(tmp_path, chain, profile, f"{profile}.pfx").read_bytes(), PASSWORD)
        assert brought.cert == chain.leaf
        assert brought.chain == chain.above


@pytest.mark.parametrize("password", ["wrong password", "", "Their Password"])
def test_read_pfx_with_a_wrong_password(chain: Chain, password: str) -> None:
    data = pkcs12.serialize_key_and_certificates(b"theirs", chain.key, chain.leaf, None,
                                                 serialization.BestAvailableEncryption(b"their password"))
    with pytest.raises(InvalidInput, match="The PFX could not be opened: the password is wrong") as caught:
        read_pfx(data, password)
    assert caught.value.field == "password"


def test_read_pfx_without_a_password(chain: Chain) -> None:
    data = pkcs12.serialize_key_and_certificates(b"theirs", chain.key, chain.leaf, None,
                                                 serialization.NoEncryption())
    assert read_pfx(data, "").cert == chain.leaf


def test_read_pfx_without_a_key(chain: Chain) -> None:
    data = pkcs12.serialize_key_and_certificates(None, None, None, [chain.leaf, *chain.above],
                                                 serialization.BestAvailableEncryption(b"their password"))
    with pytest.raises(InvalidInput, match="holds no private key of a kind this wizard can use") as caught:
        read_pfx(data, "their password")
    assert caught.value.field == "file"


def test_read_pfx_with_an_ed25519_key() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    data = pkcs12.serialize_key_and_certificates(b"ed", key, None, None,
                                                 serialization.BestAvailableEncryption(b"their password"))
    with pytest.raises(InvalidInput, match=r"\(RSA or EC\)"):
        read_pfx(data, "their password")


def test_read_pfx_refuses_an_oversized_file() -> None:
    with pytest.raises(InvalidInput, match="far larger than any PFX") as caught:
        read_pfx(b"\x30" * (1024 * 1024 + 1), "whatever1")
    assert caught.value.field == "file"


def test_read_pfx_with_rc2_encrypted_certificates() -> None:
    """A PFX from older tools (certificates under 40-bit RC2, key under 3DES) still opens: the legacy ciphers are
    never written, but reading them is how people bring their existing keys. (The interop tests do the same with a
    file from `openssl pkcs12 -export -legacy`.)"""
    vectors = pytest.importorskip("cryptography_vectors")
    data = Path(vectors.__file__).parent.joinpath("pkcs12/cert-rc2-key-3des.p12").read_bytes()
    assert PBE_SHA1_RC2_40 in oids(data)
    brought = read_pfx(data, "cryptography")
    assert brought.cert is not None


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048), st.text(max_size=40))
def test_read_pfx_on_arbitrary_bytes_only_raises_invalid_input(data: bytes, password: str) -> None:
    with pytest.raises(InvalidInput):
        read_pfx(data, password)


_PFX = pkcs12.serialize_key_and_certificates(
    b"fuzz", rsa_key(7), make_leaf(make_root(), rsa_key(7).public_key()), None,
    serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(1000)
    .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256()).build(b"fuzz password"))


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_PFX) - 1), st.integers(0, 7)), min_size=1, max_size=4),
       st.integers(0, len(_PFX)), st.sampled_from(["fuzz password", "", "other password"]))
def test_read_pfx_on_damaged_pfx_files_only_raises_invalid_input(flips: list[tuple[int, int]], cut: int,
                                                                  password: str) -> None:
    data = bytearray(_PFX)
    for index, bit in flips:
        data[index] ^= 1 << bit
    with contextlib.suppress(InvalidInput):
        read_pfx(bytes(data[:cut] if cut else data), password)


# ---------------------------------------------------------------- bring your own key: read_encrypted_key


def test_read_encrypted_pkcs8_and_traditional_keys(chain: Chain) -> None:
    for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        data = chain.key.private_bytes(serialization.Encoding.PEM, fmt,
                                       serialization.BestAvailableEncryption(b"their password"))
        key = read_encrypted_key(data, "their password")
        assert public_fingerprint(key.public_key()) == public_fingerprint(chain.key.public_key())


def test_read_encrypted_key_with_a_wrong_password(chain: Chain) -> None:
    data = chain.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.BestAvailableEncryption(b"their password"))
    for password in ("wrong password", ""):
        with pytest.raises(InvalidInput, match="the password is wrong, or the file is damaged") as caught:
            read_encrypted_key(data, password)
        assert caught.value.field == "password"


def test_read_encrypted_key_refuses_an_unencrypted_key(chain: Chain) -> None:
    for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        data = chain.key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
        with pytest.raises(InvalidInput, match="That key file is not password-protected") as caught:
            read_encrypted_key(data, "their password")
        assert caught.value.field == "file"


def test_read_encrypted_key_refuses_an_ed25519_key() -> None:
    data = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"their password"))
    with pytest.raises(InvalidInput, match="not RSA or EC"):
        read_encrypted_key(data, "their password")


def test_read_encrypted_key_on_damaged_text() -> None:
    with pytest.raises(InvalidInput, match="the password is wrong, or the file is damaged"):
        read_encrypted_key(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
                           "their password")



def test_the_encrypted_key_uses_the_scheme_the_docs_name(tmp_path: Path) -> None:
    # docs/architecture.md: PBES2 with PBKDF2-HMAC-SHA256 (2,048 iterations) and AES-256-CBC, the strongest
    # cryptography offers for encrypted PKCS#8.
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec

    out = tmp_path / "key.pem"
    packaging.export_encrypted_key(out, ec.generate_private_key(ec.SECP256R1()), "Quartz-Lantern-Meadow-9041")
    der = base64.b64decode("".join(out.read_text().splitlines()[1:-1]))
    pbes2, pbkdf2 = bytes.fromhex("2a864886f70d01050d"), bytes.fromhex("2a864886f70d01050c")
    hmac_sha256, aes256cbc = bytes.fromhex("2a864886f70d0209"), bytes.fromhex("60864801650304012a")
    assert all(oid in der[:120] for oid in (pbes2, pbkdf2, hmac_sha256, aes256cbc))
    assert b"\x02\x02\x08\x00" in der[:120]  # INTEGER 2048: the iteration count the docs give
    docs = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "PBKDF2-HMAC-SHA256 at 2,048 iterations and AES-256-CBC" in docs
