"""What a certificate request names and says, in words, without cryptography: the keys page shows it for the
selected key on its first visit, and importing cryptography's x509 (~45 ms) is left to the actions that build or
read a real request (core/csr.py; bench/README.md, page_first_visit_ms)."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.algorithms import describe_algorithm, fingerprint_text
from wizard.core.errors import InvalidInput
from wizard.core.model import KeyRecord, Organisation
from wizard.core.profile import CertificateKind

_EKU_WORDS = {"client_auth": "identify your systems when they connect (client authentication)",
              "server_auth": "identify a server (server authentication)", "code_signing": "sign code",
              "email_protection": "protect e-mail"}


@dataclass(frozen=True, slots=True)
class Subject:
    """The names a CSR carries, filled in from the organisation."""

    common_name: str
    organisation: str
    country: str
    unit: str | None
    dns_names: tuple[str, ...]


def fill(template: str, organisation: Organisation) -> str:
    return template.format(organisation=organisation.name, domain=organisation.domain,
                           company_number=organisation.company_number).strip()


def subject_for(kind: CertificateKind, organisation: Organisation) -> Subject:
    """Apply the kind's templates; raises `InvalidInput` when a name comes out too long for a certificate."""
    t = kind.subject
    subject = Subject(fill(t.cn, organisation), fill(t.o, organisation), t.c,
                      fill(t.ou, organisation) if t.ou else None,
                      tuple(dict.fromkeys(n for n in (fill(s, organisation) for s in kind.san_dns) if n)))
    # X.509 upper bounds (RFC 5280): common name and organisation at most 64 characters.
    for label, value in (("common name", subject.common_name), ("organisation name", subject.organisation)):
        if len(value) > 64:
            raise InvalidInput("organisation", f"The {label} for the {kind.name} would be {len(value)} characters, "
                                               f"but certificates allow at most 64: \"{value}\". Shorten the "
                                               "organisation name or domain.")
    return subject


def describe_csr(kind: CertificateKind, organisation: Organisation, record: KeyRecord) -> list[str]:
    """What the request says, in plain words, for the user to check before sending it."""
    s = subject_for(kind, organisation)
    lines = [f"This request is for the {kind.name}.",
             f"It names the organisation \"{s.organisation}\" in {s.country}, with the common name "
             f"\"{s.common_name}\"."]
    if s.unit:
        lines.append(f"Organisational unit: \"{s.unit}\".")
    if s.dns_names:
        lines.append("It covers the domain name" + ("s " if len(s.dns_names) > 1 else " ") + ", ".join(s.dns_names)
                     + ".")
    uses = " and ".join(_EKU_WORDS.get(e, e) for e in kind.extended_key_usage)
    lines.append(f"The certificate would be used to {uses}.")
    lines.append(f"Key: {describe_algorithm(record.algorithm)}, kept in your keychain; only the public half is "
                 "in the request." if record.vault == "keychain" else
                 f"Key: {describe_algorithm(record.algorithm)}, kept in your file vault; only the public half "
                 "is in the request.")
    lines.append(f"Public key fingerprint: {fingerprint_text(record.fingerprint)}")
    if not kind.provenance.confirmed and kind.provenance.note:
        lines.append(f"Not confirmed by public guidance: {kind.provenance.note}")
    return lines
