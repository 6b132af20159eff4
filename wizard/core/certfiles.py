"""Reading the files people are sent: certificates as PEM, DER/CER or PKCS#7/P7B (a whole chain too), and saying
in plain words what any other file is (a CSR, a private key, a PFX, nothing recognisable).

Real-world files are odd, so every field shown is read inside its own error handling (`describe_certificate`):
one unreadable field degrades that line, never the whole file.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.core.algorithms import fingerprint_text
from wizard.core.errors import WizardError
from wizard.core.shown import shown

MAX_FILE_BYTES = 1024 * 1024


class NotACertificate(WizardError):
    """The file is not a certificate file we can import; the message says what it is and what to do."""


@dataclass(frozen=True, slots=True)
class CertificateFile:
    """The certificates found in one file, in the order they appeared."""

    certificates: tuple[x509.Certificate, ...]
    form: str  # "PEM", "DER", "PKCS#7 (PEM)", "PKCS#7 (DER)"


def unreadable_words(exc: BaseException) -> str:
    """Why part of a certificate cannot be read, in plain words (never the library's exception name)."""
    if isinstance(exc, x509.DuplicateExtension):
        return "the certificate lists the same extension twice, which the standard forbids"
    if isinstance(exc, UnsupportedAlgorithm):
        return "it uses an algorithm this wizard does not know"
    if isinstance(exc, x509.UnsupportedGeneralNameType):
        return "it holds a kind of name this wizard does not know"
    return "this part of the certificate is malformed"


def unreadable_part(cert: x509.Certificate) -> str | None:
    """The first part of `cert` every import needs that cannot be read, as "its PART cannot be read (REASON)";
    None if all can. Extensions are left to the checks that use them, each of which says when one is unreadable."""
    parts: tuple[tuple[str, Callable[[], object]], ...] = (
        ("subject name", lambda: cert.subject.rfc4514_string()),
        ("issuer name", lambda: cert.issuer.rfc4514_string()),
        ("validity dates", lambda: (cert.not_valid_before_utc, cert.not_valid_after_utc)),
    )
    for part, read in parts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                read()
        except Exception as exc:
            return f"its {part} cannot be read ({unreadable_words(exc)})"
    return None


def certificate_fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def key_fingerprint(cert: x509.Certificate) -> str | None:
    """SHA-256 of the certificate's SubjectPublicKeyInfo — the same value `keys.public_fingerprint` gives for
    the matching private key — or None if the key cannot be read."""
    try:
        spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, TypeError, UnsupportedAlgorithm):  # GOST, an unknown OID, explicit EC curve parameters
        return None
    return hashlib.sha256(spki).hexdigest()


def read_certificates(data: bytes, name: str = "The file") -> CertificateFile:
    """Every certificate in `data`; raises `NotACertificate` with a plain reason for anything else."""
    if not data.strip():
        raise NotACertificate(f"{name} is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise NotACertificate(f"{name} is {len(data) // 1024} KB, far larger than any certificate file; "
                              "check you chose the right file.")
    blocks = _pem_blocks(data)
    if blocks:
        return _from_pem(blocks, name)
    if b"-----BEGIN" in data:
        raise NotACertificate(f"{name} starts like a PEM file but is cut short or damaged (no matching END "
                              "line). Copy the whole text again, from -----BEGIN to -----END.")
    return _from_der(data, name)


_MARKER = re.compile(rb"-----(BEGIN|END) ([A-Z0-9 ]{1,64})-----")


def _pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    """(label, base64 body) of each complete PEM block, in one pass over the BEGIN and END lines, so the time is
    linear in the input even for hostile files (a megabyte of BEGIN lines with no END, each with its own label).

    Blocks do not nest (as OpenSSL reads them): a BEGIN opens a block, the next END with its label closes it; a
    BEGIN met while a block is open starts over there, and an END that closes nothing is ignored.
    """
    blocks: list[tuple[str, bytes]] = []
    open_label: bytes | None = None
    body_start = 0
    for marker in _MARKER.finditer(data):
        kind, label = marker.group(1), marker.group(2)
        if kind == b"BEGIN":
            open_label, body_start = label, marker.end()
        elif label == open_label:
            blocks.append((label.decode("ascii"), data[body_start:marker.start()]))
            open_label = None
    return blocks


# A certificate file holds a certificate and its chain; a trust store export a few hundred. More is refused before
# each is parsed, so a file cannot make the wizard parse without end.
MAX_CERTIFICATES = 500


def _too_many(count: int, name: str) -> NotACertificate:
    return NotACertificate(f"{name} holds {count:,} certificates; a certificate file holds one with its chain (at "
                           f"most {MAX_CERTIFICATES} are read). Check you chose the file your supplier sent.")


def _from_pem(blocks: list[tuple[str, bytes]], name: str) -> CertificateFile:
    labels = [label for label, _ in blocks]
    if len(blocks) > MAX_CERTIFICATES:
        raise _too_many(len(blocks), name)
    certs: list[x509.Certificate] = []
    form = "PEM"
    for label, body in blocks:
        if label in ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"):
            try:
                # OpenSSL's "TRUSTED CERTIFICATE" appends trust settings after the certificate: read only the first
                # DER element.
                certs.append(_load_der_quietly(_first_der_element(_pem_body(body))))
            except _PARSE_ERRORS:
                raise NotACertificate(f"{name} holds a certificate that is damaged and cannot be read. Ask for "
                                      "the file again.") from None
        elif label in ("PKCS7", "CMS"):
            try:
                certs.extend(_load_pkcs7_der(_pem_body(body)))
                form = "PKCS#7 (PEM)"
            except _PARSE_ERRORS:
                raise NotACertificate(f"{name} holds a PKCS#7 bundle that is damaged or holds no certificates.") \
                    from None
    if len(certs) > MAX_CERTIFICATES:
        raise _too_many(len(certs), name)
    if certs:
        return CertificateFile(tuple(certs), form)
    raise NotACertificate(_explain_other(labels, name))


# What the library raises for certificates it cannot represent, besides ValueError.
_PARSE_ERRORS: tuple[type[Exception], ...] = (ValueError, x509.InvalidVersion, UnsupportedAlgorithm, TypeError)


def _pem_body(text: bytes) -> bytes:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and b":" not in ln]  # skip RFC 1421 headers
    return base64.b64decode(b"".join(lines), validate=True)


def _first_der_element(der: bytes) -> bytes:
    """The first DER TLV in `der` (a SEQUENCE with a definite length)."""
    if len(der) < 2 or der[0] != 0x30:
        raise ValueError("not a DER sequence")
    length = der[1]
    if length < 0x80:
        return der[:2 + length]
    count = length & 0x7F
    if count == 0 or count > 4 or len(der) < 2 + count:
        raise ValueError("bad DER length")
    size = int.from_bytes(der[2:2 + count], "big")
    return der[:2 + count + size]


def _load_der_quietly(der: bytes) -> x509.Certificate:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return x509.load_der_x509_certificate(der)


def _load_pkcs7_der(der: bytes) -> list[x509.Certificate]:
    # Many CAs' .p7b files are BER rather than strict DER; the library reads them with a warning not worth showing.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(pkcs7.load_der_pkcs7_certificates(der))


def _explain_other(labels: list[str], name: str) -> str:
    if any("CERTIFICATE REQUEST" in lbl for lbl in labels):
        return (f"{name} is a certificate signing request (CSR), not a certificate. Send the CSR to your "
                "certificate supplier; the certificate is what they send back.")
    if any("PRIVATE KEY" in lbl for lbl in labels):
        return (f"{name} holds a private key, not a certificate. Keep it safe and do not send it to anyone. To "
                "bring your own key, use the key import instead.")
    if any("PUBLIC KEY" in lbl for lbl in labels):
        return f"{name} holds only a public key, not a certificate."
    return f"{name} holds {', '.join(sorted(set(labels)))} data, not a certificate."


def _from_der(data: bytes, name: str) -> CertificateFile:
    try:
        return CertificateFile((_load_der_quietly(data),), "DER")
    except _PARSE_ERRORS:
        pass
    try:
        certs = _load_pkcs7_der(data)
    except _PARSE_ERRORS:
        certs = []
    if len(certs) > MAX_CERTIFICATES:
        raise _too_many(len(certs), name)
    if certs:
        return CertificateFile(tuple(certs), "PKCS#7 (DER)")
    if _looks_like_pkcs12(data):
        raise NotACertificate(f"{name} looks like a PFX (PKCS#12) file, which holds a private key as well. To "
                              "bring your own key and certificate, use the PFX import instead.")
    try:
        x509.load_der_x509_csr(data)
    except _PARSE_ERRORS:
        pass
    else:
        raise NotACertificate(f"{name} is a certificate signing request (CSR), not a certificate. Send it to your "
                              "certificate supplier; the certificate is what they send back.")
    raise NotACertificate(f"{name} is not a certificate file this wizard recognises (PEM, DER/CER or PKCS#7/P7B). "
                          "Check you chose the file your certificate supplier sent.")


def _looks_like_pkcs12(data: bytes) -> bool:
    # PFX: a DER SEQUENCE holding INTEGER 3 (the version) followed by PKCS#7 data (OID 1.2.840.113549.1.7.1).
    return data[:1] == b"\x30" and b"\x02\x01\x03\x30" in data[:12] and b"\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01" \
        in data[:40]


def order_chain(certs: tuple[x509.Certificate, ...], leaf: x509.Certificate) -> tuple[x509.Certificate, ...]:
    """The other certificates from leaf upwards, issuer by issuer; any that do not link are kept at the end."""
    rest = [c for c in certs if c != leaf]
    ordered: list[x509.Certificate] = []
    current = leaf
    while rest:
        parent = next((c for c in rest if c.subject == current.issuer), None)
        if parent is None or parent == current:
            break
        ordered.append(parent)
        rest.remove(parent)
        if parent.subject == parent.issuer:
            break
        current = parent
    return tuple(ordered + rest)


def _name(value: x509.Name) -> str:
    try:
        cn = value.get_attributes_for_oid(NameOID.COMMON_NAME)
        o = value.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        parts = [str(a.value) for a in cn[:1]] + [str(a.value) for a in o[:1]]
        return shown(", ".join(parts) if parts else value.rfc4514_string())
    except Exception:
        return "(unreadable name)"


def common_name(cert: x509.Certificate) -> str:
    return _name(cert.subject)


def readable_name(value: x509.Name) -> str:
    """A distinguished name as its common name and organisation, safe to show (a CA a server lists, say)."""
    return _name(value)


def issuer_name(cert: x509.Certificate) -> str:
    return _name(cert.issuer)


def _san_dns(cert: x509.Certificate) -> tuple[str, ...]:
    """The DNS names in the SubjectAlternativeName; raises if the extensions cannot be read."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(san.get_values_for_type(x509.DNSName))


def dns_names(cert: x509.Certificate) -> tuple[str, ...]:
    """The DNS names of the certificate; empty when it has none or its extensions cannot be read."""
    try:
        return _san_dns(cert)
    except Exception:  # duplicated or unparseable extensions: no names we can rely on
        return ()


def is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except Exception:
        return cert.subject == cert.issuer


def likely_leaf(certs: tuple[x509.Certificate, ...]) -> x509.Certificate:
    """The certificate that issued none of the others and is not a CA, whatever order the file has them in."""
    issuers = {c.issuer for c in certs}
    for cert in certs:
        if not is_ca(cert) and cert.subject not in issuers:
            return cert
    return next((c for c in certs if not is_ca(c)), certs[0])


def key_description(cert: x509.Certificate) -> str:
    try:
        key = cert.public_key()
    except (ValueError, TypeError):
        return "an unreadable key"
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}-bit"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return type(key).__name__.removesuffix("PublicKey")
    return "an unusual key type"


_EKU_WORDS = {ExtendedKeyUsageOID.CLIENT_AUTH: "client authentication",
              ExtendedKeyUsageOID.SERVER_AUTH: "server authentication",
              ExtendedKeyUsageOID.CODE_SIGNING: "code signing",
              ExtendedKeyUsageOID.EMAIL_PROTECTION: "e-mail protection"}


def describe_certificate(cert: x509.Certificate, now: dt.datetime) -> list[str]:
    """Plain-language lines about one certificate; each field is read on its own, so an odd one degrades only
    its own line."""
    lines: list[str] = []

    def field(label: str, read: object) -> None:
        try:
            value = read() if callable(read) else read
        except Exception as exc:  # a malformed extension or name: say so for this line only
            value = f"(cannot be read: {unreadable_words(exc)})"
        if value:
            lines.append(f"{label}: {shown(value)}")

    field("Issued to", lambda: common_name(cert))
    field("Issued by", lambda: issuer_name(cert))
    field("Domain names", lambda: ", ".join(_san_dns(cert)))
    field("Valid", lambda: validity_words(cert, now))
    field("Key", lambda: key_description(cert))
    field("Used for", lambda: ", ".join(_EKU_WORDS.get(u, u.dotted_string) for u in _eku(cert)))
    field("Signature", lambda: _signature_words(cert))
    field("Certificate fingerprint", lambda: fingerprint_text(certificate_fingerprint(cert)))
    return lines


def _eku(cert: x509.Certificate) -> tuple[x509.ObjectIdentifier, ...]:
    """The extended key usages; none when the certificate does not limit them. Raises if unreadable."""
    try:
        return tuple(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        return ()


def _signature_words(cert: x509.Certificate) -> str:
    algorithm = cert.signature_hash_algorithm
    if algorithm is None:  # Ed25519/Ed448 sign without a separate hash
        return getattr(cert.signature_algorithm_oid, "_name", cert.signature_algorithm_oid.dotted_string)
    name = algorithm.name.upper()
    if algorithm is not None and algorithm.name in ("sha1", "md5"):
        return f"{name} — weak and refused by current software; ask for a new certificate"
    return name


def validity_words(cert: x509.Certificate, now: dt.datetime) -> str:
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if now < start:
        return f"not valid until {start:%d %b %Y} (from {start:%d %b %Y} to {end:%d %b %Y})"
    if now > end:
        return f"EXPIRED on {end:%d %b %Y}"
    return f"from {start:%d %b %Y} to {end:%d %b %Y} ({(end - now).days} days left)"
