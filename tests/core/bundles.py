"""A project for bundle tests: the Acme organisation with people, keys (cached test RSA keys), exported CSRs and
imported certificates from the test CA, built in memory without a keychain."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from tests.pki import NOW, make_intermediate, make_leaf, make_root, rsa_key
from wizard.core.certs import Match, record_for
from wizard.core.csr import build_csr, csr_pem
from wizard.core.keys import public_fingerprint
from wizard.core.model import KeyRecord, Organisation, Person, Project
from wizard.core.profile import Profile

ACME = Organisation("Acme Energy Ltd", "01234567", "acme.example")
PASSWORD = "Plum-Kettle-Orbit-42-Sunrise"
# kind → test key index; the key of each kind is rsa_key(index)
KEY_INDEX = {"dip-mtls": 0, "dip-signing": 1, "webhook-tls": 2, "atlas-api": 3}


def certified_project(profile: Profile, kinds: tuple[str, ...] = ("dip-mtls", "webhook-tls", "atlas-api"),
                      csr_only: tuple[str, ...] = ("dip-signing",)) -> Project:
    """Keys for `kinds` with CSRs and certificates; keys for `csr_only` with a CSR and no certificate yet."""
    root = make_root()
    issuing = make_intermediate(root)
    project = Project(profile_id=profile.id, environment="uit", organisation=ACME, created_at=NOW, updated_at=NOW,
                      people=(Person("p1", "Cara Cert", "cara@acme.example", "+44 20 7946 0001",
                                     roles=("certificate-admin",)),
                              Person("p2", "Dan Dns", "dan@acme.example", roles=("dns-admin",)),
                              Person("p3", "Tess Tech", "tess@acme.example", roles=("technical-lead",))))
    keys: list[KeyRecord] = []
    certificates = []
    for kind_id in (*kinds, *csr_only):
        kind = profile.certificate_kind(kind_id)
        key = rsa_key(KEY_INDEX[kind_id])
        record = KeyRecord(id=f"key-{kind_id}", kind=kind_id, algorithm="rsa-2048",
                           fingerprint=public_fingerprint(key.public_key()), created_at=NOW,
                           csr_pem=csr_pem(build_csr(kind, ACME, key)), csr_exported_at=NOW,
                           state="active" if kind_id in kinds else "pending")
        keys.append(record)
        if kind_id in kinds:
            eku = [e for e in kind.extended_key_usage]
            from tests.pki import CLIENT, SERVER

            leaf = make_leaf(issuing, key.public_key(), eku=[SERVER if "server_auth" in eku else CLIENT])
            certificates.append(record_for(Match(leaf, (issuing.cert, root.cert), record, kind), NOW))
    return replace(project, keys=tuple(keys), certificates=tuple(certificates))


def key_for(kind_id: str):  # type: ignore[no-untyped-def]
    return rsa_key(KEY_INDEX[kind_id])


AT = NOW + dt.timedelta(hours=1)
