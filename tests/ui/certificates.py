"""Test helpers for certificates: a project with keys (made through core, straight into the test keychain),
certificates for those keys from a two-level test CA (wizard.demo), and the files suppliers send."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from tests.pki import SupplierCA
from wizard.actions.keys import generate_key
from wizard.app import Services
from wizard.core.certfiles import CertificateFile
from wizard.core.certs import match_certificate, record_for
from wizard.core.keys import load_private_key
from wizard.core.lifecycle import with_certificate
from wizard.core.model import CertificateRecord, KeyRecord
from wizard.core.session import ProjectSession
from wizard.core.vault import Vault
from wizard.demo import create_demo_project

from .conftest import FIXED_NOW, MemorySecretStore

DOMAIN = "northwind-networks.example"


def project_with_keys(services: Services, keychain: MemorySecretStore, *kinds: str,
                      folder_name: str = "demo") -> ProjectSession:
    """The demo project with a key for each kind (the profile's default algorithm) in the test keychain."""
    folder = services.paths.projects_dir / folder_name
    session = create_demo_project(folder, services.profile, services.clock)
    for kind_id in kinds:
        add_key(services, session, keychain, kind_id)
    return session


def add_key(services: Services, session: ProjectSession, keychain: MemorySecretStore, kind_id: str) -> KeyRecord:
    """A new key for a kind (a replacement if the kind has one), as the keys page makes it."""
    vault = Vault(keychain)
    kind = services.profile.certificate_kind(kind_id)
    return generate_key(session, kind, kind.default_algorithm, vault, replace_key=True).record


def issue_for(ca: SupplierCA, services: Services, keychain: MemorySecretStore, record: KeyRecord, *,
              days_left: int = 365, days_old: int = 3, common_name: str = DOMAIN,
              usages: tuple[str, ...] | None = None) -> x509.Certificate:
    """The certificate a supplier would issue for the recorded key: the kind's usages, the verified domain."""
    kind = services.profile.certificate_kind(record.kind)
    key = load_private_key(Vault(keychain), record)
    return ca.issue(key.public_key(), common_name=common_name,
                    organisation="Northwind Networks Ltd", dns_names=[DOMAIN],
                    usages=usages or kind.extended_key_usage,
                    not_before=FIXED_NOW - dt.timedelta(days=days_old),
                    not_after=FIXED_NOW + dt.timedelta(days=days_left))


def import_with_core(session: ProjectSession, cert: x509.Certificate,
                     chain: tuple[x509.Certificate, ...]) -> CertificateRecord:
    """Record a certificate without the page (and without its checks): for setting up a project."""
    match = match_certificate(session.profile, session.project, CertificateFile((cert, *chain), "PEM"))
    record = record_for(match, session.clock())
    session.commit(with_certificate(session.project, match.key, record, session.clock())[0])
    return record


def write_certificates(path: Path, certs: list[x509.Certificate], form: str) -> Path:
    """Write certificates as a supplier might send them: "pem", "der" (the first only), "p7b" (DER PKCS#7) or
    "p7b-pem"."""
    if form == "pem":
        data = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
    elif form == "der":
        data = certs[0].public_bytes(serialization.Encoding.DER)
    elif form == "p7b":
        data = pkcs7.serialize_certificates(certs, serialization.Encoding.DER)
    elif form == "p7b-pem":
        data = pkcs7.serialize_certificates(certs, serialization.Encoding.PEM)
    else:
        raise ValueError(form)
    path.write_bytes(data)
    return path
