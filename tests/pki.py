"""A small test PKI built with pyca/cryptography: a root, an issuing CA and leaf certificates shaped like the ones
a supplier sends for each certificate kind, plus a few odd ones. Keys are cached, so each test run makes only a
handful of RSA keys."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
CLIENT = ExtendedKeyUsageOID.CLIENT_AUTH
SERVER = ExtendedKeyUsageOID.SERVER_AUTH
KU_NAMES = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
            "key_cert_sign", "crl_sign")


@functools.cache
def rsa_key(index: int = 0, size: int = 2048) -> rsa.RSAPrivateKey:
    """The same RSA key for the same index within one test run (they are slow to make)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=size)


@functools.cache
def ec_key(index: int = 0) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def name(cn: str, o: str | None = None, c: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if o is not None:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    if c is not None:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, c))
    return x509.Name(attrs)


def key_usage(*names: str) -> x509.KeyUsage:
    unknown = set(names) - set(KU_NAMES)
    assert not unknown, unknown
    return x509.KeyUsage(**{n: n in names for n in KU_NAMES}, encipher_only=False, decipher_only=False)


@dataclass(frozen=True)
class Issuer:
    cert: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes


def _builder(subject: x509.Name, issuer: x509.Name, public: object, not_before: dt.datetime,
             not_after: dt.datetime, serial: int | None = None) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public)
            .serial_number(serial or x509.random_serial_number()).not_valid_before(not_before)
            .not_valid_after(not_after))


def _sign(builder: x509.CertificateBuilder, key: CertificateIssuerPrivateKeyTypes,
          algorithm: hashes.HashAlgorithm | None = None) -> x509.Certificate:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return builder.sign(key, None)
    return builder.sign(key, algorithm or hashes.SHA256())


def make_root(cn: str = "Acme Test Root CA", key: CertificateIssuerPrivateKeyTypes | None = None,
              now: dt.datetime = NOW) -> Issuer:
    key = key or ec_key(100)
    subject = name(cn, "Test PKI Ltd", "GB")
    cert = (_builder(subject, subject, key.public_key(), now - dt.timedelta(days=30), now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(key_usage("key_cert_sign", "crl_sign"), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    return Issuer(_sign(cert, key), key)


def make_intermediate(parent: Issuer, cn: str = "Acme Test Issuing CA",
                      key: CertificateIssuerPrivateKeyTypes | None = None, now: dt.datetime = NOW) -> Issuer:
    key = key or ec_key(101)
    cert = (_builder(name(cn, "Test PKI Ltd", "GB"), parent.cert.subject, key.public_key(),
                     now - dt.timedelta(days=20), now + dt.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(key_usage("key_cert_sign", "crl_sign"), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()),
                           critical=False))
    return Issuer(_sign(cert, parent.key), key)


def make_leaf(issuer: Issuer, public_key: object, *, cn: str = "acme.example", o: str | None = "Acme Energy Ltd",
              sans: Sequence[str] = ("acme.example",), eku: Sequence[x509.ObjectIdentifier] | None = (CLIENT,),
              usage: Sequence[str] | None = ("digital_signature", "key_encipherment"),
              not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
              algorithm: hashes.HashAlgorithm | None = None, serial: int | None = None,
              extra: Iterable[x509.ExtensionType] = ()) -> x509.Certificate:
    """A leaf as a CA issues it for our CSR: by default the DIP mTLS shape (CN and SAN = the domain, client auth),
    valid from a day before NOW for 365 days."""
    not_before = not_before or NOW - dt.timedelta(days=1)
    not_after = not_after or NOW + dt.timedelta(days=365)
    builder = (_builder(name(cn, o, "GB" if o else None), issuer.cert.subject, public_key, not_before, not_after,
                        serial)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                              critical=False))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if usage is not None:
        builder = builder.add_extension(key_usage(*usage), critical=True)
    for extension in extra:
        builder = builder.add_extension(extension, critical=False)
    return _sign(builder, issuer.key, algorithm)


USAGES = {"client_auth": CLIENT, "server_auth": SERVER}  # the profile's extended key usage names


@dataclass(frozen=True)
class SupplierCA:
    """A root and the issuing CA under it, as a certificate supplier has: `chain` is what it sends with a
    certificate, nearest issuer first."""

    top: Issuer
    issuing: Issuer

    @property
    def root(self) -> x509.Certificate:
        return self.top.cert

    @property
    def intermediate(self) -> x509.Certificate:
        return self.issuing.cert

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return (self.issuing.cert, self.top.cert)

    def issue(self, public_key: object, *, common_name: str, organisation: str | None = None,
              dns_names: Sequence[str] = (), usages: Sequence[str] = ("client_auth",), not_before: dt.datetime,
              not_after: dt.datetime) -> x509.Certificate:
        """The certificate the supplier issues for `public_key`; `usages` are the profile's names (client_auth,
        server_auth); the names default to the common name when it is a domain."""
        names = tuple(dns_names) or ((common_name,) if "." in common_name else ())
        return make_leaf(self.issuing, public_key, cn=common_name, o=organisation, sans=names,
                         eku=[USAGES[u] for u in usages], not_before=not_before, not_after=not_after)


def make_ca(name: str = "Acme Test", now: dt.datetime = NOW) -> SupplierCA:
    """A supplier's CA, valid around `now`: "<name> Root CA" and "<name> Issuing CA"."""
    root = make_root(f"{name} Root CA", ec_key(110), now)
    return SupplierCA(root, make_intermediate(root, f"{name} Issuing CA", ec_key(111), now))


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class Chain:
    """root → intermediate → leaf, with the leaf's private key."""

    root: Issuer
    intermediate: Issuer
    leaf: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def above(self) -> tuple[x509.Certificate, ...]:
        """The chain above the leaf, leaf-side first."""
        return (self.intermediate.cert, self.root.cert)


def make_chain(key: rsa.RSAPrivateKey | None = None, **leaf: object) -> Chain:
    root = make_root()
    intermediate = make_intermediate(root)
    key = key or rsa_key(0)
    return Chain(root, intermediate, make_leaf(intermediate, key.public_key(), **leaf), key)


# ---------------------------------------------------------------- a few DER helpers for hand-made odd structures


def der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + der_length(len(content)) + content


def der_oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([40 * parts[0] + parts[1]])
    for value in parts[2:]:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        body.extend(reversed(chunk))
    return tlv(0x06, bytes(body))


def read_tlv(data: bytes, pos: int = 0) -> tuple[int, int, int, int]:
    """(tag, header length, content length, end) of the DER element at `pos`; definite lengths only."""
    tag = data[pos]
    first = data[pos + 1]
    if first < 0x80:
        return tag, 2, first, pos + 2 + first
    count = first & 0x7F
    if count == 0 or count > 4:
        raise ValueError("unsupported length")
    length = int.from_bytes(data[pos + 2:pos + 2 + count], "big")
    return tag, 2 + count, length, pos + 2 + count + length


def children(data: bytes) -> list[bytes]:
    """The elements inside one constructed DER element (given whole)."""
    _, header, length, end = read_tlv(data)
    if end != len(data):
        raise ValueError("trailing data")
    out, pos = [], header
    while pos < header + length:
        _, _, _, nxt = read_tlv(data, pos)
        out.append(data[pos:nxt])
        pos = nxt
    return out


def to_indefinite(data: bytes, depth: int = 4) -> bytes:
    """Re-encode the outer `depth` levels of constructed elements of a DER structure with BER indefinite lengths
    (0x80 ... 00 00), as some Windows and Java tools write PKCS#7 files: for a PKCS#7 bundle the default re-encodes
    ContentInfo, SignedData and the certificate set but leaves the certificates themselves as they were signed."""
    tag, _, _, end = read_tlv(data)
    if end != len(data):
        raise ValueError("trailing data")
    if not tag & 0x20 or depth == 0:
        return data
    return bytes([tag, 0x80]) + b"".join(to_indefinite(c, depth - 1) for c in children(data)) + b"\x00\x00"


_SHA256_RSA = der_oid("1.2.840.113549.1.1.11")
_SHA1_RSA = der_oid("1.2.840.113549.1.1.5")


def resigned_with_sha1(cert: x509.Certificate, issuer_key: rsa.RSAPrivateKey) -> x509.Certificate:
    """`cert` (signed with SHA-256 and RSA by `issuer_key`) signed again with SHA-1, as old CAs did: cryptography no
    longer signs certificates with SHA-1, so the TBS is edited and signed by hand."""
    tbs = cert.tbs_certificate_bytes
    assert tbs.count(_SHA256_RSA) == 1
    tbs = tbs.replace(_SHA256_RSA, _SHA1_RSA)
    signature = issuer_key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    algorithm = tlv(0x30, _SHA1_RSA + b"\x05\x00")
    return x509.load_der_x509_certificate(tlv(0x30, tbs + algorithm + tlv(0x03, b"\x00" + signature)))
