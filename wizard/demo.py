"""A realistic demo project, for `gui --demo`, screenshots and benchmarks. Fictional people and domain.

Also a two-level certificate authority made in code (root → intermediate → certificate), so that the demo, the
screenshots and the benchmarks can show certificates without a real supplier (the tests have theirs in
tests/pki.py, with the odd certificates they need). cryptography is imported only when it is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.app import OnFirstUse, Services
from wizard.core.model import with_person, with_step_status
from wizard.core.organisation import build_mpids, build_organisation
from wizard.core.people import build_person
from wizard.core.profile import Profile
from wizard.core.session import Clock, ProjectSession
from wizard.core.vault import VaultProvider

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

DEMO_PEOPLE = (
    ("Priya Shah", "priya.shah@northwind-networks.example", "+44 20 7946 0101", "Head of Market Operations",
     ("primary-user-admin",), ()),
    ("Tom Okafor", "tom.okafor@northwind-networks.example", "+44 20 7946 0102", "PKI Engineer",
     ("certificate-admin", "technical-lead"), ("certificate-admin",)),
    ("Grace Lin", "grace.lin@northwind-networks.example", "+44 20 7946 0103", "Integration Analyst",
     ("message-admin",), ()),
    ("Sam Patel", "sam.patel@northwind-networks.example", "", "Settlement Manager", ("user-admin",), ()),
    ("Ewan Fraser", "ewan.fraser@northwind-networks.example", "", "Network Engineer", ("dns-admin",), ()),
)


def create_demo_project(folder: Path, profile: Profile, clock: Clock) -> ProjectSession:
    """Northwind Networks Ltd in UIT, part-way through step 2, with one Certificate and Message Admin short."""
    organisation = build_organisation(name="Northwind Networks Ltd", company_number="09876543",
                                      domain="northwind-networks.example",
                                      description="Electricity distribution network operator for the North West")
    mpids = build_mpids([("NWNL", ["LDSO", "UMSO"]), ("NWRG", ["REGS"])])
    session = ProjectSession.create(folder, profile, clock, organisation=organisation, environment="uit",
                                    mpids=mpids)
    project = session.project
    for name, email, phone, title, roles, primary in DEMO_PEOPLE:
        project = with_person(project, build_person(profile, project, name=name, email=email, phone=phone,
                                                    job_title=title, roles=roles, primary_roles=primary))
    today = clock().date()
    project = with_step_status(project, "prerequisites", "done", today - dt.timedelta(days=9))
    project = with_step_status(project, "step-1", "done", today - dt.timedelta(days=6))
    project = with_step_status(project, "step-2", "in-progress", today - dt.timedelta(days=2))
    session.commit(project)
    return session


DEMO_DIP_IDS = (("NWNL", "LDSO", "8795183096", ""), ("NWNL", "UMSO", "0140321855", ""),
                ("NWRG", "REGS", "5512093348", "DCP-70031"))
DEMO_CHANNELS = (("8795183096", "IF-001", "https://dip-uit.northwind-networks.example/webhooks/if-001"),
                 ("8795183096", "IF-033", "https://dip-uit.northwind-networks.example/webhooks/if-033"),
                 ("8795183096", "PUB-035", "https://dip-uit.northwind-networks.example/webhooks/pub-035"),
                 ("0140321855", "IF-002", "https://dip-uit.northwind-networks.example/webhooks/if-002"))
DEMO_TXT = "globalsign-domain-verification=7Hq2XkP9vR4sLm8TzW1cYb6NdE3fJa5G"


def add_demo_tracking(session: ProjectSession) -> None:
    """DIP IDs, message channels, the domain TXT value and the day the domain was verified (a month ago), each
    saved as a user would (so the audit trail has them too). Separate from `create_demo_project` so tests that start
    from the bare demo are unaffected."""
    from wizard.core.dipids import build_dip_id, set_channel
    from wizard.core.domain import with_txt_value
    from wizard.core.domain_expiry import with_domain_verified

    project = session.project
    for mpid, code, dip_id, dcp_id in DEMO_DIP_IDS:
        project = build_dip_id(session.profile, project, mpid=mpid, role_code=code, dip_id=dip_id,
                               dcp_id=dcp_id)[0]
        session.commit(project)
    for dip_id, channel, url in DEMO_CHANNELS:
        project = set_channel(session.profile, project, dip_id=dip_id, channel=channel, url=url)[0]
        session.commit(project)
    session.commit(with_txt_value(project, DEMO_TXT, session.clock()))
    today = session.clock().date()
    session.commit(with_domain_verified(session.project, today - dt.timedelta(days=30), today))


def with_demo_keychain(services: Services) -> Services:
    """The same services, but keys and secrets go to a fresh in-memory keychain, forgotten when the process ends:
    the demo's projects live in a temporary folder, and keys made there must not land in the user's real keychain,
    where nothing would ever remove them."""
    from wizard.core.memory_keychain import DEMO, MemoryKeychain

    keychain = MemoryKeychain("Demo keychain (in memory)", demo=DEMO)
    return services._replace(vault_source=OnFirstUse.ready(VaultProvider(services.vaults.file_path,
                                                                        keychain=lambda: keychain)))


@dataclass(frozen=True, slots=True)
class DemoCA:
    """A throw-away two-level certificate authority: a root, and an intermediate that issues certificates.

    For the demo, screenshots and benchmarks only; its keys live in memory and its root is trusted by nobody.
    """

    root: x509.Certificate
    root_key: ec.EllipticCurvePrivateKey
    intermediate: x509.Certificate
    intermediate_key: ec.EllipticCurvePrivateKey

    def __repr__(self) -> str:
        return f"DemoCA({self.root.subject.rfc4514_string()!r})"

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        """The issuers of a certificate from this CA, nearest first: the intermediate, then the root."""
        return (self.intermediate, self.root)


def make_demo_ca(now: dt.datetime, name: str = "Northwind Demo") -> DemoCA:
    """A root (ten years) and an intermediate (five years), both valid from a day before `now`. EC P-256 keys, so
    it is quick to make."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def ca_name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{name} Test CA"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_usage = x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                             data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                             encipher_only=False, decipher_only=False)
    start = now - dt.timedelta(days=1)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = ca_name(f"{name} Test Root CA")
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(ca_usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter = (x509.CertificateBuilder().subject_name(ca_name(f"{name} Test Issuing CA")).issuer_name(root_name)
             .public_key(inter_key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(start).not_valid_after(start + dt.timedelta(days=1825))
             .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
             .add_extension(ca_usage, critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(inter_key.public_key()), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                            critical=False)
             .sign(root_key, hashes.SHA256()))
    return DemoCA(root, root_key, inter, inter_key)


def issue_demo_certificate(ca: DemoCA, public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey, *,
                           common_name: str, organisation: str = "", dns_names: Sequence[str] = (),
                           usages: Sequence[str] = ("client_auth",), not_before: dt.datetime,
                           not_after: dt.datetime) -> x509.Certificate:
    """A certificate for `public_key`, issued by the CA's intermediate. `usages` are the profile's extended key
    usage names (client_auth, server_auth)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    oids = {"client_auth": ExtendedKeyUsageOID.CLIENT_AUTH, "server_auth": ExtendedKeyUsageOID.SERVER_AUTH}
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "GB")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    builder = (x509.CertificateBuilder().subject_name(x509.Name(attributes)).issuer_name(ca.intermediate.subject)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True,
                                            key_encipherment=isinstance(public_key, rsa.RSAPublicKey),
                                            content_commitment=False, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=False, crl_sign=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([oids[u] for u in usages]), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca.intermediate_key.public_key()), critical=False))
    names = list(dns_names) or ([common_name] if "." in common_name else [])
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]),
                                        critical=False)
    return builder.sign(ca.intermediate_key, hashes.SHA256())
