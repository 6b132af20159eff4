"""Reading the files people are sent: PEM (one, several, with text around, CRLF, TRUSTED CERTIFICATE), DER/CER and
PKCS#7 (PEM, DER and BER); every other file refused with a plain reason; hypothesis over arbitrary and damaged
files; `describe_certificate` degrading per field on odd certificates."""

from __future__ import annotations

import base64
import datetime as dt
import random
import re
import time
import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import ExtensionOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pki import (
    CLIENT,
    NOW,
    SERVER,
    Chain,
    der,
    der_oid,
    ec_key,
    make_chain,
    make_leaf,
    make_root,
    pem,
    resigned_with_sha1,
    rsa_key,
    tlv,
    to_indefinite,
)
from wizard.core.algorithms import fingerprint_text
from wizard.core.certfiles import (
    MAX_FILE_BYTES,
    CertificateFile,
    NotACertificate,
    certificate_fingerprint,
    describe_certificate,
    key_fingerprint,
    read_certificates,
)
from wizard.core.keys import public_fingerprint


@pytest.fixture(scope="module")
def chain() -> Chain:
    return make_chain()


def fingerprints(found: CertificateFile) -> list[str]:
    return [certificate_fingerprint(c) for c in found.certificates]


def refused(data: bytes, name: str = "The file") -> str:
    with pytest.raises(NotACertificate) as caught:
        read_certificates(data, name)
    return str(caught.value)


# ---------------------------------------------------------------- PEM


def test_one_pem_certificate(chain: Chain) -> None:
    found = read_certificates(pem(chain.leaf))
    assert found == CertificateFile((chain.leaf,), "PEM")


def test_several_pem_certificates_keep_their_order(chain: Chain) -> None:
    found = read_certificates(pem(chain.root.cert, chain.leaf, chain.intermediate.cert))
    assert found.certificates == (chain.root.cert, chain.leaf, chain.intermediate.cert)
    assert found.form == "PEM"


def test_text_around_the_pem_blocks_is_ignored(chain: Chain) -> None:
    """As `openssl pkcs12 -nokeys` and many CA downloads write them: bag attributes, subject and issuer lines."""
    data = (b"Bag Attributes\n    friendlyName: acme\nsubject=CN = acme.example\n\nissuer=CN = Acme Test Issuing CA\n"
            + pem(chain.leaf) + b"\nHere is the issuing CA:\r\n" + pem(chain.intermediate.cert) + b"-- end of mail --")
    assert read_certificates(data).certificates == (chain.leaf, chain.intermediate.cert)


def test_crlf_line_endings(chain: Chain) -> None:
    data = pem(chain.leaf, chain.intermediate.cert).replace(b"\n", b"\r\n")
    assert read_certificates(data).certificates == (chain.leaf, chain.intermediate.cert)


def test_x509_certificate_label(chain: Chain) -> None:
    data = pem(chain.leaf).replace(b"CERTIFICATE-----", b"X509 CERTIFICATE-----")
    assert read_certificates(data).certificates == (chain.leaf,)


def test_trusted_certificate_label_alone(chain: Chain) -> None:
    data = pem(chain.leaf).replace(b"CERTIFICATE-----", b"TRUSTED CERTIFICATE-----")
    assert read_certificates(data).certificates == (chain.leaf,)


def test_trusted_certificate_as_openssl_writes_it(chain: Chain) -> None:
    """Was a bug: `openssl x509 -trustout -addtrust clientAuth` writes the certificate followed by its trust settings
    (X509_CERT_AUX: SEQUENCE { SEQUENCE { clientAuth } }) under the TRUSTED CERTIFICATE label. read_certificates
    relabels the block and parses the whole body as one certificate, so the trailing trust settings make a sound
    certificate "damaged and cannot be read"."""
    aux = tlv(0x30, tlv(0x30, der_oid(CLIENT.dotted_string)))
    body = base64.encodebytes(der(chain.leaf) + aux)
    data = b"-----BEGIN TRUSTED CERTIFICATE-----\n" + body + b"-----END TRUSTED CERTIFICATE-----\n"
    assert read_certificates(data).certificates == (chain.leaf,)


# ---------------------------------------------------------------- DER / CER


def test_der_certificate(chain: Chain) -> None:
    assert read_certificates(der(chain.leaf)) == CertificateFile((chain.leaf,), "DER")


def test_cer_file_is_der(tmp_path: Path, chain: Chain) -> None:
    cer = tmp_path / "acme.cer"
    cer.write_bytes(der(chain.root.cert))
    assert read_certificates(cer.read_bytes(), cer.name).certificates == (chain.root.cert,)


# ---------------------------------------------------------------- PKCS#7


def test_pkcs7_pem(chain: Chain) -> None:
    data = pkcs7.serialize_certificates([chain.leaf, *chain.above], serialization.Encoding.PEM)
    found = read_certificates(data)
    assert found.form == "PKCS#7 (PEM)"
    assert sorted(fingerprints(found)) == sorted(certificate_fingerprint(c) for c in (chain.leaf, *chain.above))


def test_pkcs7_der(chain: Chain) -> None:
    data = pkcs7.serialize_certificates([chain.leaf, *chain.above], serialization.Encoding.DER)
    found = read_certificates(data, "chain.p7b")
    assert found.form == "PKCS#7 (DER)"
    assert set(found.certificates) == {chain.leaf, *chain.above}


def test_pkcs7_ber_with_indefinite_lengths(chain: Chain) -> None:
    """Many CAs' and Windows' .p7b files are BER (indefinite lengths), not strict DER; they still import, and the
    library's warning about it is not shown to the user."""
    strict = pkcs7.serialize_certificates([chain.leaf, *chain.above], serialization.Encoding.DER)
    ber = to_indefinite(strict)
    assert ber != strict
    assert ber[:2] == b"\x30\x80"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        found = read_certificates(ber)
    assert [str(w.message) for w in seen] == []
    assert found.form == "PKCS#7 (DER)"
    assert set(found.certificates) == {chain.leaf, *chain.above}


def test_pkcs7_pem_inside_text_and_a_loose_certificate(chain: Chain) -> None:
    bundle = pkcs7.serialize_certificates([chain.intermediate.cert, chain.root.cert], serialization.Encoding.PEM)
    found = read_certificates(b"Your certificate:\n" + pem(chain.leaf) + b"\nIssuers:\n" + bundle)
    assert found.certificates[0] == chain.leaf
    assert set(found.certificates[1:]) == set(chain.above)


def test_cms_label_whose_base64_contains_cms() -> None:
    """Was a bug: for a "-----BEGIN CMS-----" block read_certificates replaced b"CMS" with b"PKCS7" in the whole
    block, base64 body included, so a bundle whose base64 happens to contain the letters CMS was reported as
    damaged. The bytes 08 C4 80 are "CMSA" in base64; the serial number holds them at three offsets, one apart
    modulo 3, so one copy lines up with a base64 quad wherever the certificate lands in the bundle."""
    root = make_root()
    leaf = make_leaf(root, ec_key(1).public_key(), serial=int("08c480" "00" "08c480" "00" "08c480", 16))
    body = pkcs7.serialize_certificates([leaf, root.cert], serialization.Encoding.PEM)
    assert b"CMS" in body.split(b"-----")[2]
    data = body.replace(b"PKCS7-----", b"CMS-----")
    assert set(read_certificates(data).certificates) == {leaf, root.cert}


# ---------------------------------------------------------------- everything else, each with its plain reason


def test_empty_file() -> None:
    assert refused(b"", "acme.cer") == "acme.cer is empty."


def test_whitespace_only_file() -> None:
    assert refused(b" \r\n\t\n  ", "acme.cer") == "acme.cer is empty."


def test_oversized_file(chain: Chain) -> None:
    data = pem(chain.leaf) + b" " * MAX_FILE_BYTES
    message = refused(data, "huge.pem")
    assert re.fullmatch(r"huge\.pem is 10\d\d KB, far larger than any certificate file; check you chose the right "
                        r"file\.", message), message


def test_a_file_just_under_the_limit_is_read(chain: Chain) -> None:
    data = pem(chain.leaf)
    data += b"\n" * (MAX_FILE_BYTES - len(data))
    assert read_certificates(data).certificates == (chain.leaf,)


def test_random_bytes() -> None:
    data = random.Random(4).randbytes(2048)
    message = refused(data, "mystery.bin")
    assert message == ("mystery.bin is not a certificate file this wizard recognises (PEM, DER/CER or PKCS#7/P7B). "
                       "Check you chose the file your certificate supplier sent.")


def test_truncated_pem(chain: Chain) -> None:
    data = pem(chain.leaf)
    message = refused(data[: len(data) // 2])
    assert "cut short or damaged (no matching END line)" in message
    assert "from -----BEGIN to -----END" in message


def test_pem_with_damaged_body(chain: Chain) -> None:
    lines = pem(chain.leaf).splitlines(keepends=True)
    data = lines[0] + b"".join(lines[1:4]) + lines[-1]  # BEGIN, a few lines of base64, END
    assert refused(data) == "The file holds a certificate that is damaged and cannot be read. Ask for the file again."


def test_pem_with_bad_base64(chain: Chain) -> None:
    lines = pem(chain.leaf).splitlines(keepends=True)
    lines[3] = b"!!!! not base64 at all ????\n"
    assert "damaged and cannot be read" in refused(b"".join(lines))


def _csr() -> x509.CertificateSigningRequest:
    return (x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "acme.example")])).sign(rsa_key(0), hashes.SHA256()))


def test_csr_pem() -> None:
    message = refused(_csr().public_bytes(serialization.Encoding.PEM), "acme.csr")
    assert message.startswith("acme.csr is a certificate signing request (CSR), not a certificate.")
    assert "the certificate is what they send back" in message


def test_csr_pem_with_the_new_label() -> None:
    data = _csr().public_bytes(serialization.Encoding.PEM).replace(b"CERTIFICATE REQUEST",
                                                                   b"NEW CERTIFICATE REQUEST")
    assert "certificate signing request (CSR)" in refused(data)


def test_csr_der() -> None:
    message = refused(_csr().public_bytes(serialization.Encoding.DER), "acme.csr")
    assert message.startswith("acme.csr is a certificate signing request (CSR), not a certificate.")


@pytest.mark.parametrize(("fmt", "encryption"), [
    (serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    (serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()),
    (serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"secret-pass")),
    (serialization.PrivateFormat.TraditionalOpenSSL, serialization.BestAvailableEncryption(b"secret-pass")),
], ids=["pkcs8", "traditional", "encrypted-pkcs8", "encrypted-traditional"])
def test_private_key_pem(fmt: serialization.PrivateFormat, encryption: serialization.KeySerializationEncryption) \
        -> None:
    data = rsa_key(0).private_bytes(serialization.Encoding.PEM, fmt, encryption)
    message = refused(data, "server.key")
    assert message.startswith("server.key holds a private key, not a certificate.")
    assert "do not send it to anyone" in message


def test_public_key_pem() -> None:
    data = rsa_key(0).public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    assert refused(data, "acme.pub") == "acme.pub holds only a public key, not a certificate."


def test_pfx(chain: Chain) -> None:
    data = pkcs12.serialize_key_and_certificates(b"acme", chain.key, chain.leaf, list(chain.above),
                                                 serialization.BestAvailableEncryption(b"secret-pass"))
    message = refused(data, "acme.pfx")
    assert message.startswith("acme.pfx looks like a PFX (PKCS#12) file, which holds a private key as well.")
    assert "use the PFX import instead" in message


def test_pem_with_an_unknown_label() -> None:
    data = b"-----BEGIN FROBNICATED WIDGET-----\nAAAA\n-----END FROBNICATED WIDGET-----\n"
    assert refused(data, "widget.pem") == "widget.pem holds FROBNICATED WIDGET data, not a certificate."


def test_crl_pem() -> None:
    root = make_root()
    crl = (x509.CertificateRevocationListBuilder().issuer_name(root.cert.subject).last_update(NOW)
           .next_update(NOW + dt.timedelta(days=7)).sign(root.key, hashes.SHA256()))
    assert refused(crl.public_bytes(serialization.Encoding.PEM), "ca.crl") == \
        "ca.crl holds X509 CRL data, not a certificate."


def test_certificate_with_an_invalid_version_is_refused_plainly(chain: Chain) -> None:
    """Was a bug: a certificate whose version field is not v1/v2/v3 makes cryptography raise x509.InvalidVersion, which
    is not a ValueError; read_certificates lets it escape instead of raising NotACertificate. Found by the
    property test below (a single bit flip in the version byte)."""
    data = der(chain.leaf)
    v3 = b"\xa0\x03\x02\x01\x02"
    assert v3 in data[:16]
    damaged = data.replace(v3, b"\xa0\x03\x02\x01\x07", 1)
    assert "damaged" in refused(damaged) or "not a certificate file" in refused(damaged)
    damaged_pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(damaged) + b"-----END CERTIFICATE-----\n"
    assert "damaged and cannot be read" in refused(damaged_pem)


@pytest.mark.parametrize("encoding", [serialization.Encoding.DER, serialization.Encoding.PEM])
def test_encrypted_pkcs7_message_is_refused_plainly(chain: Chain, encoding: serialization.Encoding) -> None:
    """Was a bug: a PKCS#7 file that is not a certificate bundle (here an encrypted S/MIME message, enveloped-data)
    makes cryptography raise UnsupportedAlgorithm ("Only basic signed structures are currently supported"),
    which read_certificates lets escape, for the PEM ("-----BEGIN PKCS7-----") and the DER form alike."""
    data = (pkcs7.PKCS7EnvelopeBuilder().set_data(b"meeting at noon").add_recipient(chain.leaf)
            .encrypt(encoding, []))
    message = refused(data, "message.p7m")
    assert message.startswith("message.p7m ")


def test_many_begin_lines_are_refused_quickly() -> None:
    """Was a bug: the PEM pattern `-----BEGIN (label)-----(.*?)-----END \\1-----` rescans the rest of the file from
    every BEGIN line that has no END, so time grows with the square of the size: 6,000 such lines (108 KB) take
    seconds, 20,000 (360 KB) about 40 s, and a file just under the 1 MiB limit several minutes, while the GUI or
    CLI waits."""
    data = b"-----BEGIN A-----\n" * 6000
    started = time.perf_counter()
    refused(data)
    assert time.perf_counter() - started < 1.0


# ---------------------------------------------------------------- fingerprints


def test_key_fingerprint_is_the_keys_public_fingerprint(chain: Chain) -> None:
    assert key_fingerprint(chain.leaf) == public_fingerprint(chain.key.public_key())
    assert certificate_fingerprint(chain.leaf) == chain.leaf.fingerprint(hashes.SHA256()).hex()


# ---------------------------------------------------------------- hypothesis: nothing but NotACertificate

_CHAIN = make_chain(rsa_key(7))
_SAMPLES = {
    "pem": pem(_CHAIN.leaf),
    "pem-chain": pem(_CHAIN.leaf, *_CHAIN.above),
    "der": der(_CHAIN.leaf),
    "p7b-der": pkcs7.serialize_certificates([_CHAIN.leaf, *_CHAIN.above], serialization.Encoding.DER),
    "p7b-pem": pkcs7.serialize_certificates([_CHAIN.leaf, *_CHAIN.above], serialization.Encoding.PEM),
}
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def _only_not_a_certificate(data: bytes) -> None:
    try:
        found = read_certificates(data, "fuzz.bin")
    except NotACertificate as exc:
        message = str(exc)
        assert message.startswith("fuzz.bin "), message
        return
    assert found.certificates
    for cert in found.certificates:
        lines = describe_certificate(cert, NOW)  # never raises, whatever was read
        assert any(line.startswith("Certificate fingerprint") for line in lines)


@st.composite
def mutated(draw: st.DrawFn, region: int | None = None) -> bytes:
    """A real certificate file with a few bit flips (anywhere, or in its first `region` bytes, where the
    structure's type and version are decided), then perhaps cut short."""
    data = bytearray(_SAMPLES[draw(st.sampled_from(sorted(_SAMPLES)))])
    limit = min(region or len(data), len(data))
    for _ in range(draw(st.integers(1, 4))):
        data[draw(st.integers(0, limit - 1))] ^= 1 << draw(st.integers(0, 7))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


@st.composite
def garbled_pem(draw: st.DrawFn) -> bytes:
    """A PEM file whose base64 has a stretch replaced by other base64-ish characters (or anything printable)."""
    text = _SAMPLES[draw(st.sampled_from(["pem", "pem-chain", "p7b-pem"]))].decode("ascii")
    start = text.index("-----\n") + 6
    end = text.index("-----END")
    a = draw(st.integers(start, end))
    b = draw(st.integers(a, min(end, a + 200)))
    junk = draw(st.text(alphabet=st.sampled_from(_B64 + "\n !*"), max_size=200) |
                st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40))
    return (text[:a] + junk + text[b:]).encode("ascii")


_FUZZ = settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_only_ever_raise_not_a_certificate(data: bytes) -> None:
    _only_not_a_certificate(data)


@_FUZZ
@given(mutated())
def test_damaged_certificate_files_only_ever_raise_not_a_certificate(data: bytes) -> None:
    _only_not_a_certificate(data)


@_FUZZ
@given(mutated(region=48))
def test_files_damaged_in_their_header_only_ever_raise_not_a_certificate(data: bytes) -> None:
    _only_not_a_certificate(data)


@_FUZZ
@given(garbled_pem())
def test_pem_with_garbage_base64_only_ever_raises_not_a_certificate(data: bytes) -> None:
    _only_not_a_certificate(data)


@_FUZZ
@given(st.lists(st.sampled_from([b"-----BEGIN CERTIFICATE-----", b"-----END CERTIFICATE-----",
                                 b"-----BEGIN PKCS7-----", b"-----END PKCS7-----", b"MIIB", b"\n", b"\r\n",
                                 b"-----BEGIN ", b"AAAA", b"=="]), max_size=30))
def test_pem_fragments_only_ever_raise_not_a_certificate(parts: list[bytes]) -> None:
    _only_not_a_certificate(b"".join(parts))


# ---------------------------------------------------------------- describe_certificate


def line(lines: list[str], label: str) -> str:
    found = [ln for ln in lines if ln.startswith(label + ": ")]
    assert len(found) == 1, lines
    return found[0].removeprefix(label + ": ")


def test_describe_an_ordinary_certificate(chain: Chain) -> None:
    lines = describe_certificate(chain.leaf, NOW)
    assert line(lines, "Issued to") == "acme.example, Acme Energy Ltd"
    assert line(lines, "Issued by") == "Acme Test Issuing CA, Test PKI Ltd"
    assert line(lines, "Domain names") == "acme.example"
    assert line(lines, "Valid") == "from 01 Mar 2026 to 02 Mar 2027 (365 days left)"
    assert line(lines, "Key") == "RSA 2048-bit"
    assert line(lines, "Used for") == "client authentication"
    assert line(lines, "Signature") == "SHA256"
    assert line(lines, "Certificate fingerprint") == fingerprint_text(certificate_fingerprint(chain.leaf))


def test_describe_expired_and_not_yet_valid(chain: Chain) -> None:
    assert line(describe_certificate(chain.leaf, NOW + dt.timedelta(days=400)), "Valid") == "EXPIRED on 02 Mar 2027"
    assert line(describe_certificate(chain.leaf, NOW - dt.timedelta(days=10)), "Valid") == \
        "not valid until 01 Mar 2026 (from 01 Mar 2026 to 02 Mar 2027)"


def test_describe_says_a_sha1_signature_is_weak() -> None:
    root = make_root("Old RSA Root", key=rsa_key(3))
    old = resigned_with_sha1(make_leaf(root, rsa_key(1).public_key()), rsa_key(3))
    assert old.signature_hash_algorithm is not None
    assert old.signature_hash_algorithm.name == "sha1"
    signature = line(describe_certificate(old, NOW), "Signature")
    assert signature.startswith("SHA1 — weak and refused by current software")
    assert "ask for a new certificate" in signature


def test_describe_an_ec_and_an_ed25519_certificate(chain: Chain) -> None:
    ec_leaf = make_leaf(chain.intermediate, ec_key(5).public_key(), eku=(SERVER,))
    lines = describe_certificate(ec_leaf, NOW)
    assert line(lines, "Key") == "EC secp256r1"
    assert line(lines, "Used for") == "server authentication"
    ed_root = make_root("Ed25519 Root", key=ed25519.Ed25519PrivateKey.generate())
    ed_leaf = make_leaf(ed_root, ed25519.Ed25519PrivateKey.generate().public_key())
    lines = describe_certificate(ed_leaf, NOW)
    assert line(lines, "Key") == "Ed25519"
    assert line(lines, "Issued to") == "acme.example, Acme Energy Ltd"


def test_describe_names_an_ed25519_signature() -> None:
    """Was a bug (wording): an Ed25519 (or Ed448) signature has no separate hash algorithm, and _signature_words then
    says "Signature: none named", which reads as if the certificate had no signature."""
    ed_root = make_root("Ed25519 Root", key=ed25519.Ed25519PrivateKey.generate())
    signed_by_ed = make_leaf(ed_root, rsa_key(1).public_key())
    assert "ed25519" in line(describe_certificate(signed_by_ed, NOW), "Signature").lower()


def test_describe_a_certificate_without_extended_key_usage_reads_every_field(chain: Chain) -> None:
    """Was a bug: "Used for" is read with get_extension_for_class(ExtendedKeyUsage), which raises ExtensionNotFound
    for a certificate that simply has no EKU (every root, most intermediates, many leaves); the line then says
    "Used for: (cannot be read: ExtensionNotFound)" as if the certificate were damaged."""
    for cert in (chain.root.cert, chain.intermediate.cert,
                 make_leaf(chain.intermediate, rsa_key(1).public_key(), eku=None)):
        lines = describe_certificate(cert, NOW)
        assert not [ln for ln in lines if "cannot be read" in ln], lines


def test_describe_degrades_per_field_on_an_unsupported_name_type(chain: Chain) -> None:
    """A SubjectAlternativeName holding an x400Address, which cryptography cannot represent: the names and
    usages cannot be read, every other line still is."""
    odd = make_leaf(chain.intermediate, rsa_key(1).public_key(), sans=(), extra=[
        x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, b"\x30\x02\xa3\x00")])
    lines = describe_certificate(odd, NOW)
    names = [ln for ln in lines if ln.startswith("Domain names: ")]
    assert names in ([], ["Domain names: (cannot be read: it holds a kind of name this wizard does not know)"]), names
    assert line(lines, "Issued to") == "acme.example, Acme Energy Ltd"
    assert line(lines, "Key") == "RSA 2048-bit"
    assert line(lines, "Valid").startswith("from 01 Mar 2026")
    assert line(lines, "Certificate fingerprint") == fingerprint_text(certificate_fingerprint(odd))


def test_describe_degrades_per_field_on_a_malformed_extension(chain: Chain) -> None:
    odd = make_leaf(chain.intermediate, rsa_key(1).public_key(), eku=None, extra=[
        x509.UnrecognizedExtension(ExtensionOID.EXTENDED_KEY_USAGE, b"\x30\x03\x02\x01\x01")])  # INTEGER, not OID
    lines = describe_certificate(odd, NOW)
    assert line(lines, "Used for").startswith("(cannot be read")
    assert line(lines, "Issued to") == "acme.example, Acme Energy Ltd"
    assert line(lines, "Signature") == "SHA256"


# Real-world oddities shipped with cryptography's own test vectors (installed on demand: pip install
# cryptography_vectors). Each must be described without raising, with its fingerprint, and the fields named
# here must still be read.
_VECTORS = {
    "x509/custom/invalid_utf8_common_name.pem": ["Valid", "Key"],
    "x509/custom/long-form-name-attribute.pem": ["Valid", "Key"],
    "x509/custom/name_attribute_unsupported_tag.pem": ["Valid", "Key"],
    "x509/custom/two_basic_constraints.pem": ["Issued to", "Valid", "Key"],
    "x509/custom/malformed-san.pem": ["Valid", "Key"],
    "x509/custom/unsupported_subject_public_key_info.pem": ["Issued to", "Valid"],
    "x509/custom/rsa_pss_cert_no_sig_params.der": ["Issued to", "Key"],
    "x509/san_x400address.der": ["Issued to", "Valid", "Key"],
    "x509/san_edipartyname.der": ["Issued to", "Valid", "Key"],
    "x509/e-trust.ru.der": ["Issued to", "Valid"],
    "x509/v1_cert.pem": ["Issued to", "Valid", "Key"],
    "x509/verisign_md2_root.pem": ["Issued to", "Valid", "Key"],
    "x509/badssl-sct-none-hash.der": ["Issued to", "Valid", "Key"],
    "x509/custom/negative_serial.pem": ["Issued to", "Valid", "Key"],
    "x509/ee-pss-sha1-cert.pem": ["Issued to", "Valid", "Key", "Signature"],
}


@pytest.mark.parametrize("vector", sorted(_VECTORS))
def test_describe_real_odd_certificates(vector: str) -> None:
    vectors = pytest.importorskip("cryptography_vectors")
    data = Path(vectors.__file__).parent.joinpath(vector).read_bytes()
    [cert] = read_certificates(data, vector).certificates
    lines = describe_certificate(cert, NOW)
    assert line(lines, "Certificate fingerprint") == fingerprint_text(certificate_fingerprint(cert))
    for label in _VECTORS[vector]:
        assert "cannot be read" not in line(lines, label), lines


def test_describe_the_sha1_rsa_pss_vector() -> None:
    vectors = pytest.importorskip("cryptography_vectors")
    data = Path(vectors.__file__).parent.joinpath("x509/ee-pss-sha1-cert.pem").read_bytes()
    [cert] = read_certificates(data).certificates
    assert line(describe_certificate(cert, NOW), "Signature").startswith("SHA1 — weak")


def test_a_file_of_more_certificates_than_any_chain_is_refused_before_parsing_them(chain: Chain,
                                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                                   ) -> None:
    from wizard.core import certfiles

    one = chain.leaf.public_bytes(serialization.Encoding.PEM)
    parsed: list[int] = []
    real = certfiles._load_der_quietly

    def counting(data: bytes) -> x509.Certificate:
        parsed.append(1)
        return real(data)

    monkeypatch.setattr(certfiles, "_load_der_quietly", counting)
    with pytest.raises(NotACertificate, match="holds 600 certificates"):
        read_certificates(one * 600, "many.pem")
    assert parsed == []
    assert len(read_certificates(one * 3, "three.pem").certificates) == 3
