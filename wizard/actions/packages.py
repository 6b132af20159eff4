"""Package actions: a kind's certificate, chain and key written as PFX or PEM, the same from both sides.

The format ids are the Packages page's destinations: "modern" and "compat" (PFX profiles), "pem" (chain plus
encrypted key) and "chain" (chain only). The PFX friendly name and the audit details are made here only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.errors import WizardError
from wizard.core.model import CertificateRecord, KeyRecord, Project
from wizard.core.profile import CertificateKind
from wizard.core.session import ProjectSession
from wizard.core.vault import Vault

if TYPE_CHECKING:
    from cryptography import x509

    from wizard.core.pfx_maker import PfxMaker

PFX_FORMATS = ("modern", "compat")
FORMATS = (*PFX_FORMATS, "pem", "chain")


def load_certificate(record: CertificateRecord) -> tuple[x509.Certificate, tuple[x509.Certificate, ...]]:
    """The recorded certificate and its chain, as cryptography objects."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(record.pem.encode("ascii"))
    chain = tuple(x509.load_pem_x509_certificates(record.chain_pem.encode("ascii"))) if record.chain_pem else ()
    return cert, chain


@dataclass(frozen=True, slots=True)
class PackageSource:
    """What a package is made from: the kind's certificate in use, its key record and the friendly name."""

    kind: CertificateKind
    key: KeyRecord
    certificate: CertificateRecord
    friendly_name: str


def package_source(session: ProjectSession, kind: CertificateKind) -> PackageSource:
    held = session.project.current_certificate(kind.id)
    if held is None:
        raise WizardError(f"The {kind.name} has no certificate in use yet. Import it first: dip-onboarding cert "
                          "import DIR FILE")
    return PackageSource(kind, held[0], held[1], friendly_name(session.project, kind))


def friendly_name(project: Project, kind: CertificateKind) -> str:
    """The name a PFX shows in certificate stores (Windows, macOS Keychain, Azure): organisation and kind."""
    return f"{project.organisation.name} {kind.name}"


def write_package(source: PackageSource, format_id: str, out: Path, *, vault: Vault | None, password: str,
                  key_out: Path | None = None, overwrite: bool = False, maker: PfxMaker | None = None) -> list[Path]:
    """Worker half: read the key from its vault (not for "chain") and write the files, each re-opened and checked.
    `maker` makes and re-opens a PFX elsewhere (the GUI uses a child process so the window never freezes)."""
    from wizard.core.files import check_output
    from wizard.core.keys import load_private_key
    from wizard.core.packaging import export_encrypted_key, export_pem_chain, export_pfx, pfx_profile
    from wizard.core.pfx_maker import make_here

    cert, chain = load_certificate(source.certificate)
    if format_id == "chain":
        export_pem_chain(out, cert, chain, overwrite=overwrite)
        return [out]
    if format_id == "pem" and key_out is not None:
        from wizard.core.packaging import check_password

        check_password(password)
        check_output(key_out, overwrite=overwrite)  # before anything is written
    assert vault is not None
    key = load_private_key(vault, source.key)
    if format_id == "pem":
        assert key_out is not None
        export_pem_chain(out, cert, chain, overwrite=overwrite)
        export_encrypted_key(key_out, key, password, overwrite=overwrite)
        return [out, key_out]
    export_pfx(out, key, cert, chain, pfx_profile(format_id), password, source.friendly_name, overwrite=overwrite,
               maker=maker or make_here)
    return [out]


def record_package(session: ProjectSession, source: PackageSource, format_id: str, written: list[Path]) -> None:
    """Commit half: the audit event, with the same details from both sides."""
    session.record("package exported", {"kind": source.kind.id, "format": format_id,
                                        "files": [str(p) for p in written],
                                        "fingerprint": source.key.fingerprint})


def chain_length(source: PackageSource) -> int:
    return len(load_certificate(source.certificate)[1])
