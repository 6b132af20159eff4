"""`cert inspect`: what a certificate, chain, CSR, PFX or key file holds, in plain words, without importing it.

A private key is never read, only recognised. Fields are described one by one, so one odd field degrades only its
own line.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

from wizard.core.certfiles import (
    NotACertificate,
    _looks_like_pkcs12,
    certificate_fingerprint,
    common_name,
    describe_certificate,
    dns_names,
    issuer_name,
    read_certificates,
)
from wizard.core.errors import InvalidInput
from wizard.core.pkcs12_costs import check_pkcs12_costs, check_pkcs12_parts
from wizard.core.shown import shown
from wizard.core.wording import counted


@dataclass
class InspectReport:
    kind: str
    lines: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "items": self.items, "warnings": self.warnings}


def _certificate_item(cert: x509.Certificate, now: dt.datetime) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key, read in (("subject", lambda: common_name(cert)), ("issuer", lambda: issuer_name(cert)),
                      ("dns_names", lambda: list(dns_names(cert))),
                      ("not_before", lambda: cert.not_valid_before_utc.isoformat()),
                      ("not_after", lambda: cert.not_valid_after_utc.isoformat()),
                      ("expired", lambda: cert.not_valid_after_utc < now),
                      ("fingerprint_sha256", lambda: certificate_fingerprint(cert))):
        try:
            item[key] = read()
        except Exception:  # one odd field degrades only itself
            item[key] = None
    return item


def _certificate_warnings(cert: x509.Certificate, now: dt.datetime) -> list[str]:
    warnings = []
    try:
        algorithm = cert.signature_hash_algorithm
        if algorithm is not None and algorithm.name in ("sha1", "md5"):
            warnings.append(f"{common_name(cert)} is signed with {algorithm.name.upper()}, which current software "
                            "refuses.")
    except Exception:
        warnings.append("The signature algorithm cannot be read.")
    try:
        if cert.not_valid_after_utc < now:
            warnings.append(f"{common_name(cert)} expired on {cert.not_valid_after_utc:%d %b %Y}.")
        elif cert.not_valid_before_utc > now:
            warnings.append(f"{common_name(cert)} is not valid until {cert.not_valid_before_utc:%d %b %Y}.")
    except Exception:
        warnings.append("The validity dates cannot be read.")
    return warnings


def _describe_certificates(certs: tuple[x509.Certificate, ...], form: str, now: dt.datetime,
                           report: InspectReport) -> None:
    count = len(certs)
    report.lines.append(f"{count} certificate{'s' if count != 1 else ''} ({form}):")
    for i, cert in enumerate(certs, 1):
        report.lines.append(f"[{i}]")
        report.lines.extend("    " + line for line in describe_certificate(cert, now))
        report.items.append(_certificate_item(cert, now))
        report.warnings.extend(_certificate_warnings(cert, now))


def _describe_csr(csr: x509.CertificateSigningRequest, report: InspectReport) -> None:
    report.lines.append("A certificate signing request (CSR): send it to a certificate supplier; it holds no "
                        "private key.")
    item: dict[str, Any] = {}
    try:
        item["subject"] = csr.subject.rfc4514_string()
        report.lines.append(f"    Names: {shown(item['subject'])}")
    except Exception:
        report.lines.append("    Names: (cannot be read)")
    try:
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        item["dns_names"] = san.get_values_for_type(x509.DNSName)
        report.lines.append(f"    Domain names: {shown(', '.join(item['dns_names']))}")
    except Exception:
        item["dns_names"] = []
    try:
        item["signature_valid"] = csr.is_signature_valid
        report.lines.append("    Its signature checks out." if csr.is_signature_valid
                            else "    Its signature does NOT check out: it has been changed or damaged.")
        if not csr.is_signature_valid:
            report.warnings.append("The CSR's signature does not check out.")
    except Exception:
        report.lines.append("    Its signature cannot be checked.")
    report.items.append(item)


_PEM_LABEL = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")


def inspect_file(data: bytes, name: str, password: str | None, now: dt.datetime) -> InspectReport:
    """Describe the file; raises `NotACertificate` (or `InvalidInput` for a wrong PFX password)."""
    labels = {m.decode("ascii", "replace") for m in _PEM_LABEL.findall(data)}
    if any("CERTIFICATE REQUEST" in label for label in labels) and not any(
            label in ("CERTIFICATE", "PKCS7") for label in labels):
        return _inspect_csr(data, name, x509.load_pem_x509_csr)
    if not labels and _looks_like_der_csr(data):
        return _inspect_csr(data, name, x509.load_der_x509_csr)
    if any("PRIVATE KEY" in label for label in labels) and not any("CERTIFICATE" in label for label in labels):
        protected = any("ENCRYPTED" in label for label in labels)
        report = InspectReport("private-key")
        state = "protected by a password" if protected else "NOT protected by a password"
        report.lines.append(f"{name} holds a private key, {state}. It was not opened. Keep it safe and never send "
                            "it to anyone.")
        if not protected:
            report.warnings.append("The private key is not password-protected.")
        return report
    if not labels and _looks_like_pkcs12(data):
        return _inspect_pfx(data, name, password, now)
    found = read_certificates(data, name)
    report = InspectReport("certificates")
    _describe_certificates(found.certificates, found.form, now, report)
    return report


def _looks_like_der_csr(data: bytes) -> bool:
    """A DER CSR: a SEQUENCE whose first element is a SEQUENCE starting with INTEGER 0 (its version)."""
    try:
        x509.load_der_x509_csr(data)
    except x509.InvalidVersion:
        return True  # a CSR still, of a version that does not exist: described as such
    except Exception:
        return False
    return True


def _inspect_csr(data: bytes, name: str, load: Any) -> InspectReport:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            csr = load(data)
    except x509.InvalidVersion:
        raise NotACertificate(f"{name} holds a certificate signing request of a version that does not exist (only "
                              "version 1 does), so it cannot be used. Make the request again.") from None
    except ValueError:
        raise NotACertificate(f"{name} holds a certificate signing request that is damaged.") from None
    report = InspectReport("csr")
    _describe_csr(csr, report)
    return report


def _inspect_pfx(data: bytes, name: str, password: str | None, now: dt.datetime) -> InspectReport:
    from cryptography.hazmat.primitives.serialization import pkcs12

    report = InspectReport("pfx")
    if password is None:
        report.lines.append(f"{name} is a PFX (PKCS#12) file, which normally holds a private key and certificates. "
                            "Give its password with --password-file to see inside.")
        return report
    check_pkcs12_costs(data)  # before any password is tried: the file sets how long that takes
    try:
        loaded = pkcs12.load_pkcs12(data, password.encode("utf-8"))
    except ValueError:
        raise InvalidInput("password", f"{name} could not be opened: the password is wrong, or the file is "
                                       "damaged.") from None
    check_pkcs12_parts((1 if loaded.cert else 0) + len(loaded.additional_certs))
    report.lines.append(f"{name} is a PFX (PKCS#12) file holding "
                        f"{'a private key and ' if loaded.key is not None else 'no private key, and '}"
                        f"{counted((1 if loaded.cert else 0) + len(loaded.additional_certs), 'certificate')}.")
    certs = tuple(c.certificate for c in ((loaded.cert,) if loaded.cert else ()) + tuple(loaded.additional_certs))
    if certs:
        _describe_certificates(certs, "inside the PFX", now, report)
    return report
