"""A project for the evidence pack tests (core, CLI and GUI): the demo (people, steps, DIP IDs, channels, the domain),
keys made through core into an in-memory keychain, certificates for two of them from tests/pki.py's supplier CA,
and a third key still waiting; plus the key material that must never appear in a pack, in every form it could."""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.pki import make_ca
from wizard.actions.keys import generate_key
from wizard.core.certfiles import CertificateFile
from wizard.core.certs import match_certificate, record_for
from wizard.core.keys import load_private_key
from wizard.core.lifecycle import with_certificate
from wizard.core.memory_keychain import MemoryKeychain
from wizard.core.model import CertificateRecord, KeyRecord
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.core.vault import Vault
from wizard.demo import add_demo_tracking, create_demo_project

CERTIFIED = ("dip-signing", "dip-mtls")
WAITING = "webhook-tls"


@dataclass(frozen=True)
class EvidenceProject:
    session: ProjectSession
    keychain: MemoryKeychain
    certificates: tuple[CertificateRecord, ...]
    issued: tuple[x509.Certificate, ...]
    waiting: KeyRecord

    @property
    def keys(self) -> tuple[KeyRecord, ...]:
        return self.session.project.keys


def evidence_project(folder: Path, profile: Profile, now: dt.datetime) -> EvidenceProject:
    session = create_demo_project(folder, profile, lambda: now)
    add_demo_tracking(session)
    keychain = MemoryKeychain()
    vault = Vault(keychain)
    ca = make_ca("Evidence Test", now)
    records, issued = [], []
    for kind_id in CERTIFIED:
        kind = profile.certificate_kind(kind_id)
        key = generate_key(session, kind, kind.default_algorithm, vault, replace_key=True).record
        cert = ca.issue(load_private_key(vault, key).public_key(), common_name="northwind-networks.example",
                        organisation="Northwind Networks Ltd", usages=kind.extended_key_usage,
                        not_before=now - dt.timedelta(days=2), not_after=now + dt.timedelta(days=300))
        match = match_certificate(profile, session.project, CertificateFile((cert, *ca.chain), "PEM"))
        record = record_for(match, now)
        session.commit(with_certificate(session.project, match.key, record, now)[0])
        records.append(record)
        issued.append(cert)
    kind = profile.certificate_kind(WAITING)
    waiting = generate_key(session, kind, kind.default_algorithm, vault, replace_key=True).record
    return EvidenceProject(session, keychain, tuple(records), tuple(issued), waiting)


def serial_text(cert: x509.Certificate) -> str:
    """The serial number as the pack writes it: upper-case hex bytes joined by colons."""
    n = cert.serial_number
    return ":".join(f"{b:02X}" for b in n.to_bytes((n.bit_length() + 8) // 8, "big", signed=True))


def key_material(project: EvidenceProject) -> list[str]:
    """Pieces of every key of the project, private and public, as a leak would show them: the PEM markers, each
    base64 line of the PKCS#8 and SubjectPublicKeyInfo PEM, and runs of the DER and the RSA modulus in hex."""
    pieces = ["PRIVATE KEY", "PUBLIC KEY", "BEGIN"]
    vault = Vault(project.keychain)
    for record in project.keys:
        key = load_private_key(vault, record)
        private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode("ascii")
        public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
        pieces += [line for pem in (private_pem, public_pem) for line in pem.splitlines()
                   if line and not line.startswith("-----")]
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        pieces += [der[i:i + 24].hex() for i in range(0, len(der), 24)]
        pieces.append(base64.b64encode(der).decode("ascii")[:48])
        if isinstance(key, rsa.RSAPrivateKey):
            modulus = f"{key.public_key().public_numbers().n:x}"
            pieces += [modulus[i:i + 40] for i in range(0, len(modulus), 40) if len(modulus[i:i + 40]) == 40]
    return pieces


def leaked(text: str, pieces: list[str]) -> list[str]:
    """The pieces found in `text`, whitespace and case set aside (a PDF's text may break a run across lines)."""
    flat = re.sub(r"\s+", "", text)
    lower = flat.lower()
    return [p for p in pieces if (p.lower() in lower if re.fullmatch(r"[0-9a-f]+", p) else p in flat)]
