"""Issued certificates: matched to their key, checked in plain words, recorded, and tracked for expiry.

Chain checks use `cryptography.x509.verification` (no hand-written path building) against the public roots of
the certifi bundle, which ships with the wizard so it works offline.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
import warnings
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import verification
from cryptography.x509.oid import ExtendedKeyUsageOID

from wizard.core.algorithms import fingerprint_start
from wizard.core.certfiles import (
    CertificateFile,
    NotACertificate,
    certificate_fingerprint,
    common_name,
    dns_names,
    issuer_name,
    key_fingerprint,
    likely_leaf,
    order_chain,
    unreadable_part,
)
from wizard.core.csr import key_usages
from wizard.core.errors import WizardError
from wizard.core.findings import Finding, most_serious_first
from wizard.core.model import CertificateRecord, KeyRecord, Project
from wizard.core.profile import CertificateKind, Profile

_EKU = {"client_auth": ExtendedKeyUsageOID.CLIENT_AUTH, "server_auth": ExtendedKeyUsageOID.SERVER_AUTH,
        "code_signing": ExtendedKeyUsageOID.CODE_SIGNING, "email_protection": ExtendedKeyUsageOID.EMAIL_PROTECTION}


class NotForThisKey(WizardError):
    """A certificate that answers none of the project's keys; the message says which CSR it seems to answer."""


@dataclass(frozen=True, slots=True)
class Match:
    leaf: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    key: KeyRecord
    kind: CertificateKind


@functools.cache
def public_roots() -> tuple[x509.Certificate, ...]:
    """The public CA roots shipped with the wizard (the certifi bundle), loaded once."""
    import certifi

    with open(certifi.where(), "rb") as handle:
        data = handle.read()
    roots = []
    # One at a time, quietly: a root the library frowns on (e.g. a non-positive serial) is skipped, not fatal.
    for block in re.findall(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", data, re.S):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return tuple(roots)


def match_certificate(profile: Profile, project: Project, found: CertificateFile,
                      kind_hint: str | None = None) -> Match:
    """Find the certificate in `found` whose public key is one of the project's keys.

    The other certificates become its chain. Raises `NotForThisKey` explaining what the file seems to be for.
    """
    for number, cert in enumerate(found.certificates, 1):
        problem = unreadable_part(cert)
        if problem:
            which = f"Certificate {number} in the file" if len(found.certificates) > 1 else "The certificate"
            raise NotACertificate(f"{which} cannot be imported: {problem}. Ask your certificate supplier for the "
                                  "file again. Nothing was changed.")
    by_fingerprint = {k.fingerprint: k for k in project.keys}
    candidates = [(c, by_fingerprint[fp]) for c in found.certificates
                  if (fp := key_fingerprint(c)) is not None and fp in by_fingerprint]
    if kind_hint is not None:
        hinted = profile.certificate_kind(kind_hint)
        of_kind = [(c, k) for c, k in candidates if k.kind == kind_hint]
        if candidates and not of_kind:
            other = profile.certificate_kind(candidates[0][1].kind)
            raise NotForThisKey(f"This certificate answers the {other.name} key, not the {hinted.name}. Import "
                                f"it for the {other.name} (leave out --cert, or give --cert {other.id}).")
        candidates = of_kind or candidates
    if not candidates:
        raise NotForThisKey(_explain_mismatch(profile, project, found, kind_hint))
    leaf, key = candidates[0]
    return Match(leaf, order_chain(found.certificates, leaf), key, profile.certificate_kind(key.kind))


def _explain_mismatch(profile: Profile, project: Project, found: CertificateFile, kind_hint: str | None) -> str:
    leaf = likely_leaf(found.certificates)
    names = {common_name(leaf).split(",")[0].strip().lower(), *(n.lower() for n in dns_names(leaf))}
    guess: KeyRecord | None = None
    for record in reversed(project.keys):
        if kind_hint and record.kind != kind_hint:
            continue
        kind = profile.certificate_kind(record.kind)
        expected = {t.format(organisation=project.organisation.name, domain=project.organisation.domain,
                             company_number=project.organisation.company_number).lower()
                    for t in (kind.subject.cn, *kind.san_dns)}
        if names & expected:
            guess = record
            break
    text = (f"This certificate (issued to {common_name(leaf)}) was made for a different key from any this "
            "project holds, so it cannot be used with them.")
    if guess is not None:
        kind = profile.certificate_kind(guess.kind)
        sent = (f" exported on {guess.csr_exported_at:%d %b %Y}" if guess.csr_exported_at else "")
        text += (f" It looks like an answer to the {kind.name} request, but for another key — perhaps a request "
                 f"made elsewhere or for an older key. Ask your supplier to issue it for the CSR{sent} whose key "
                 f"fingerprint is {fingerprint_start(guess.fingerprint)}")
    elif not project.keys:
        text += " Make a key and send its CSR first; the certificate that comes back will then match."
    else:
        text += " Check that the supplier used the CSR you sent from this wizard."
    return text


def check_certificate(kind: CertificateKind, leaf: x509.Certificate, chain: tuple[x509.Certificate, ...],
                      now: dt.datetime, domain: str) -> tuple[Finding, ...]:
    """Validity, key usage for the kind's purpose, the chain, and the names, as plain-language findings."""
    found: list[Finding] = []
    src, ok = kind.provenance.source, kind.provenance.confirmed
    start, end = leaf.not_valid_before_utc, leaf.not_valid_after_utc
    if now < start:
        found.append(Finding("warning", "not-yet-valid", f"This certificate only becomes valid on {start:%d %b %Y}."))
    elif now > end:
        found.append(Finding("error", "expired", f"This certificate expired on {end:%d %b %Y}. Ask for a new one."))
    else:
        found.append(Finding("info", "valid", f"Valid until {end:%d %b %Y}: {(end - now).days} days left."))
    found.extend(_usage_findings(kind, leaf))
    found.extend(_chain_findings(kind, leaf, chain, now))
    names = {n.lower() for n in dns_names(leaf)} | {common_name(leaf).split(",")[0].strip().lower()}
    names_domain = "{domain}" in kind.subject.cn or any("{domain}" in t for t in kind.san_dns)
    if domain and names_domain and not any(n == domain or n.endswith("." + domain) for n in names):
        found.append(Finding("warning", "domain", f"This certificate does not name your verified domain {domain} "
                             f"(it names {', '.join(sorted(names))}). Check this is what you expect.", src, ok))
    return most_serious_first(found)


_KU_WORDS = {"digital_signature": "digital signatures", "key_encipherment": "key encipherment",
             "content_commitment": "non-repudiation", "key_agreement": "key agreement"}


def _usage_findings(kind: CertificateKind, leaf: x509.Certificate) -> list[Finding]:
    """Extended key usage and key usage against what the kind is for; unreadable extensions are said so."""
    src, ok = kind.provenance.source, kind.provenance.confirmed
    found: list[Finding] = []
    try:
        ekus: set[x509.ObjectIdentifier] | None = set(
            leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        ekus = None  # not limited: any use
    except Exception:
        return [Finding("warning", "usage-unreadable", "This certificate's usage settings cannot be read, so they "
                        "could not be checked. Ask your supplier whether it is right for the "
                        f"{kind.name}.", src, ok)]
    for wanted in kind.extended_key_usage:
        if ekus is not None and _EKU[wanted] not in ekus:
            found.append(Finding("error", "wrong-usage", f"This certificate is not issued for "
                                 f"{wanted.replace('_', ' ')}, which the {kind.name} needs. Ask your supplier for "
                                 "one with the right usage.", src, ok))
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return found
    except Exception:
        return [*found, Finding("warning", "usage-unreadable", "This certificate's key usage cannot be read.", src, ok)]
    algorithm = "ec-" if isinstance(leaf.public_key(), ec.EllipticCurvePublicKey) else "rsa-"
    for wanted in key_usages(kind, algorithm):
        if not getattr(usage, wanted, False):
            found.append(Finding("error", "wrong-key-usage", f"This certificate's key may not be used for "
                                 f"{_KU_WORDS.get(wanted, wanted)}, which the {kind.name} needs. Ask your supplier "
                                 "for one with the right key usage.", src, ok))
    return found


def _chain_findings(kind: CertificateKind, leaf: x509.Certificate, chain: tuple[x509.Certificate, ...],
                    now: dt.datetime) -> list[Finding]:
    intermediates = [c for c in chain if c.subject != c.issuer]
    roots_in_file = [c for c in chain if c.subject == c.issuer]
    server = "server_auth" in kind.extended_key_usage
    # Validity is reported on its own; the chain is checked at a moment the certificate was valid, so an expired
    # certificate is not also told its chain is broken.
    now = min(max(now, leaf.not_valid_before_utc), leaf.not_valid_after_utc)
    public = _verifies(leaf, intermediates, list(public_roots()), now, server)
    if public is None:
        return [Finding("info", "chain-public", "The chain of issuers checks out up to a public root CA.")]
    if roots_in_file and _verifies(leaf, intermediates, roots_in_file, now, server) is None:
        return [Finding("warning", "chain-private", f"The chain leads to {common_name(roots_in_file[0])}, which is not "
                        "one of the public roots this wizard knows. A test (UIT) certificate may come from such a test "
                        "CA, but the DIP guidance this wizard has checked does not say so; for Production, and if in "
                        "doubt, check with your supplier.")]
    if not chain:
        return [Finding("warning", "chain-missing", "The file holds only the certificate, not the chain of issuers "
                        "above it, and it does not lead to a public root. Ask your supplier for the chain (often a "
                        "'.p7b' or 'full chain' download) and import that.")]
    return [Finding("warning", "chain-broken", "The issuer certificates in this file do not link this certificate "
                    "to a trusted root, so its chain could not be checked. Ask your supplier for the full chain "
                    "(often a '.p7b' or 'full chain' download) and import that.")]


def _verifies(leaf: x509.Certificate, intermediates: list[x509.Certificate], roots: list[x509.Certificate],
              now: dt.datetime, server: bool) -> str | None:
    """None when a path from `leaf` to one of `roots` verifies at `now`; otherwise the reason in words.

    Server certificates are checked as a server (for their first DNS name), all others as clients.
    """
    if not roots:
        return "no root to check against"
    try:
        # Client certificates (the Atlas one among them) may carry no SubjectAlternativeName; web PKI's default
        # for end entities requires one, so for clients it is allowed to be absent.
        builder = verification.PolicyBuilder().store(verification.Store(roots)).time(now)
        names = dns_names(leaf)
        if server and names:
            builder.build_server_verifier(x509.DNSName(names[0])).verify(leaf, intermediates)
        else:
            ee = verification.ExtensionPolicy.webpki_defaults_ee().may_be_present(
                x509.SubjectAlternativeName, verification.Criticality.AGNOSTIC, None)
            builder = builder.extension_policies(ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
                                                 ee_policy=ee)
            builder.build_client_verifier().verify(leaf, intermediates)
    except verification.VerificationError as exc:
        return str(exc).split("\n")[0][:200]
    except Exception as exc:  # certificates the verifier cannot even represent
        return type(exc).__name__
    return None


def new_certificate_id() -> str:
    return "c-" + secrets.token_hex(8)


def record_for(match: Match, now: dt.datetime) -> CertificateRecord:
    pem = match.leaf.public_bytes(serialization.Encoding.PEM).decode("ascii")
    chain = "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in match.chain)
    return CertificateRecord(id=new_certificate_id(), kind=match.kind.id, key_id=match.key.id, pem=pem,
                             chain_pem=chain, fingerprint=certificate_fingerprint(match.leaf),
                             subject=common_name(match.leaf), issuer=issuer_name(match.leaf),
                             not_before=match.leaf.not_valid_before_utc, not_after=match.leaf.not_valid_after_utc,
                             imported_at=now)


__all__ = ["Match", "NotACertificate", "NotForThisKey", "check_certificate", "match_certificate", "public_roots",
           "record_for"]
