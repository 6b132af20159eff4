"""Signing self-test: sign a sample DIP request with the signing key and verify it against the imported certificate.

The header scheme (names, string to sign, URL case, algorithm) comes from the profile's `[signing]` table, which is
reconstructed from public third-party DIP client code and marked unconfirmed there. The private key is read from its
vault for the signature and goes nowhere else.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from wizard.core.errors import WizardError
from wizard.core.model import Project
from wizard.core.profile import CertificateKind, Profile, SigningScheme
from wizard.core.vault import Vault


@dataclass(frozen=True, slots=True)
class SignedRequest:
    method: str
    url: str
    body: bytes
    headers: dict[str, str]
    string_to_sign: str


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class SelfTest:
    kind: CertificateKind
    request: SignedRequest
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def signature_date(now: dt.datetime) -> str:
    """ISO 8601 UTC with milliseconds, e.g. 2025-06-27T14:29:09.061Z."""
    utc = now.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def content_hash(body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def certificate_header(scheme: SigningScheme, certificate_pem: str) -> str:
    text = certificate_pem.replace("\r\n", "\n") if scheme.certificate_lf else certificate_pem
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def string_to_sign(scheme: SigningScheme, method: str, url: str, date: str, body_hash: str) -> str:
    return scheme.string_to_sign.format(method=method, url=url.lower() if scheme.lowercase_url else url, date=date,
                                        content_hash=body_hash)


def sign_request(scheme: SigningScheme, key: rsa.RSAPrivateKey, certificate_pem: str, url: str, body: bytes,
                 now: dt.datetime) -> SignedRequest:
    date = signature_date(now)
    body_hash = content_hash(body)
    text = string_to_sign(scheme, scheme.method, url, date, body_hash)
    signature = key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    headers = {scheme.date_header: date, scheme.content_hash_header: body_hash,
               scheme.certificate_header: certificate_header(scheme, certificate_pem),
               scheme.signature_header: base64.b64encode(signature).decode("ascii")}
    return SignedRequest(scheme.method, url, body, headers, text)


def verify_request(scheme: SigningScheme, request: SignedRequest, expected: x509.Certificate) -> tuple[Check, ...]:
    """What a receiver would check, each as a plain-language result; never raises for a bad signature."""
    h = request.headers
    checks = [Check("content-hash", h.get(scheme.content_hash_header) == content_hash(request.body),
                    f"{scheme.content_hash_header} is the SHA-256 of the body")]
    try:
        sent = x509.load_pem_x509_certificate(base64.b64decode(h[scheme.certificate_header], validate=True))
        same = sent == expected
    except (KeyError, ValueError):
        sent, same = None, False
    checks.append(Check("certificate", same, f"{scheme.certificate_header} carries the imported certificate"))
    text = string_to_sign(scheme, request.method, request.url, h.get(scheme.date_header, ""),
                          h.get(scheme.content_hash_header, ""))
    public = expected.public_key()
    try:
        if not isinstance(public, rsa.RSAPublicKey):
            raise InvalidSignature
        public.verify(base64.b64decode(h.get(scheme.signature_header, ""), validate=True), text.encode("utf-8"),
                      padding.PKCS1v15(), hashes.SHA256())
        good = True
    except (InvalidSignature, ValueError):
        good = False
    checks.append(Check("signature", good, f"{scheme.signature_header} verifies with the imported certificate's "
                                           "public key (RSA PKCS#1 v1.5, SHA-256)"))
    return tuple(checks)


def sample_body(project: Project, now: dt.datetime) -> bytes:
    """A sample message in the shape third-party DIP samples use (a JSON array of payloads); not a real message."""
    dip = project.dip_ids[0] if project.dip_ids else None
    common: dict[str, Any] = {
        "S0": {"interfaceID": "IF-001", "schemaVersion": "001", "eventCode": "SAMPLE"},
        "S1": {"environmentTag": "SELFTEST", "senderUniqueReference": "dip-onboarding-self-test",
               "senderTimestamp": signature_date(now), "senderDIPID": dip.id if dip else "",
               "senderRoleID": dip.role_code if dip else "",
               "DIPConnectionProviderID": (dip.dcp_id or "") if dip else ""},
    }
    return json.dumps([{"payload": {"CommonBlock": common, "CustomBlock": {}}}], separators=(",", ":")).encode()


def signing_certificate(profile: Profile, project: Project) -> CertificateKind:
    """The first kind the scheme names that has an imported certificate."""
    for kind_id in profile.signing.certificate_kinds:
        if project.current_certificate(kind_id) is not None:
            return profile.certificate_kind(kind_id)
    names = " or ".join(profile.certificate_kind(k).name for k in profile.signing.certificate_kinds)
    raise WizardError(f"No certificate to sign with yet: import the {names} first.")


def self_test(profile: Profile, project: Project, vault_for: Any, now: dt.datetime, *, url: str | None = None,
              body: bytes | None = None) -> SelfTest:
    """Sign a sample request with the signing key and verify it against the imported certificate.

    `vault_for(key_record)` returns the `Vault` holding that key (so the caller decides how to open it)."""
    from wizard.core.keys import load_private_key

    scheme = profile.signing
    kind = signing_certificate(profile, project)
    held = project.current_certificate(kind.id)
    assert held is not None
    key_record, cert_record = held
    vault: Vault = vault_for(key_record)
    key = load_private_key(vault, key_record)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise WizardError(f"The {kind.name} key is not an RSA key; the signing scheme in the profile signs with "
                          "RSA (PKCS#1 v1.5, SHA-256).")
    request = sign_request(scheme, key, cert_record.pem, url or scheme.sample_url,
                           sample_body(project, now) if body is None else body, now)
    certificate = x509.load_pem_x509_certificate(cert_record.pem.encode("ascii"))
    return SelfTest(kind, request, verify_request(scheme, request, certificate))
