"""Certificate signing requests (CSRs) built from the profile's template for a kind, and described in plain words.

Also writes, for the technical colleague, the OpenSSL config and command that would produce a request of the
same shape with a key of their own.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.core.csr_subject import subject_for
from wizard.core.errors import WizardError
from wizard.core.files import atomic_write, check_output
from wizard.core.keys import PrivateKey, load_private_key
from wizard.core.model import KeyRecord, Organisation
from wizard.core.profile import CertificateKind
from wizard.core.shown import shown
from wizard.core.vault import Vault

_EKU = {"client_auth": ExtendedKeyUsageOID.CLIENT_AUTH, "server_auth": ExtendedKeyUsageOID.SERVER_AUTH,
        "code_signing": ExtendedKeyUsageOID.CODE_SIGNING, "email_protection": ExtendedKeyUsageOID.EMAIL_PROTECTION}
_EKU_OPENSSL = {"client_auth": "clientAuth", "server_auth": "serverAuth", "code_signing": "codeSigning",
                "email_protection": "emailProtection"}
_KU_OPENSSL = {"digital_signature": "digitalSignature", "key_encipherment": "keyEncipherment",
               "content_commitment": "nonRepudiation", "key_agreement": "keyAgreement"}

def key_usages(kind: CertificateKind, algorithm: str) -> tuple[str, ...]:
    """The kind's key usages that make sense for this key type: an EC key cannot encipher keys (RFC 8813)."""
    if algorithm.startswith("ec-"):
        return tuple(u for u in kind.key_usage if u != "key_encipherment")
    return kind.key_usage


def build_csr(kind: CertificateKind, organisation: Organisation, key: PrivateKey) -> x509.CertificateSigningRequest:
    """A SHA-256-signed request for `kind`, naming the organisation and requesting the kind's key usages."""
    s = subject_for(kind, organisation)
    names = [x509.NameAttribute(NameOID.COUNTRY_NAME, s.country),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, s.organisation)]
    if s.unit:
        names.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, s.unit))
    names.append(x509.NameAttribute(NameOID.COMMON_NAME, s.common_name))
    usage = set(key_usages(kind, "ec-" if isinstance(key, ec.EllipticCurvePrivateKey) else "rsa-"))
    builder = (x509.CertificateSigningRequestBuilder().subject_name(x509.Name(names))
               .add_extension(x509.KeyUsage(digital_signature="digital_signature" in usage,
                                            content_commitment="content_commitment" in usage,
                                            key_encipherment="key_encipherment" in usage,
                                            data_encipherment=False, key_agreement="key_agreement" in usage,
                                            key_cert_sign=False, crl_sign=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([_EKU[e] for e in kind.extended_key_usage]), critical=False))
    if s.dns_names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in s.dns_names]),
                                        critical=False)
    return builder.sign(key, hashes.SHA256())


def csr_pem(csr: x509.CertificateSigningRequest) -> str:
    return csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


@dataclass(frozen=True, slots=True)
class ExportedCSR:
    pem: str
    csr: Path
    config: Path
    commands: Path


def companion_paths(out: Path) -> tuple[Path, Path]:
    """The OpenSSL config and commands files written beside a CSR: `x.csr.pem` → `x.cnf`, `x.openssl.txt`."""
    stem = out.name.removesuffix(".pem").removesuffix(".csr")
    return out.with_name(stem + ".cnf"), out.with_name(stem + ".openssl.txt")


def make_csr_pem(kind: CertificateKind, organisation: Organisation, record: KeyRecord, vault: Vault) -> str:
    """Read the key from its vault and sign a request with it. Slow (a keychain read): off the UI thread."""
    return csr_pem(build_csr(kind, organisation, load_private_key(vault, record)))


def export_csr(kind: CertificateKind, organisation: Organisation, record: KeyRecord, vault: Vault,
               out: Path, *, overwrite: bool = False) -> ExportedCSR:
    """Write the CSR and, beside it, its OpenSSL config and commands. Off the UI thread.

    Existing files are refused unless `overwrite`; the wizard's own files never. Each file is written atomically
    and readable by others (it is public); if one cannot be written, the others are removed again. The caller
    records `pem` in the project (`with_key`).
    """
    config_path, commands_path = companion_paths(out)
    for path in (out, config_path, commands_path):
        check_output(path, overwrite=overwrite)
    pem = make_csr_pem(kind, organisation, record, vault)
    config = openssl_config(kind, organisation, record.algorithm)
    commands = openssl_commands(kind, record.algorithm).replace(f"{kind.id}.cnf", config_path.name)
    written: list[Path] = []
    for path, data in ((out, pem), (config_path, config), (commands_path, commands)):
        try:
            atomic_write(path, data.encode("utf-8"), public=True)
        except OSError as exc:
            if not overwrite:
                for done in written:
                    with contextlib.suppress(OSError):
                        done.unlink()
            raise WizardError(f"Could not write {path}: {exc.strerror or exc}. Choose another folder.") from None
        written.append(path)
    return ExportedCSR(pem, out, config_path, commands_path)


def _cnf_value(value: str) -> str:
    # OpenSSL config values: backslash-escape the characters the parser treats specially, and write line breaks
    # as OpenSSL's own escapes, so no value can start a line (a section or an extension) of its own.
    for ch in ("\\", "$", '"', "'", "#", ";"):
        value = value.replace(ch, "\\" + ch)
    for ch, escape in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        value = value.replace(ch, escape)
    return shown(value)  # any other control character as a visible escape, never raw


def openssl_config(kind: CertificateKind, organisation: Organisation, algorithm: str = "rsa-2048") -> str:
    """An OpenSSL `req` config that asks for the same subject and extensions as our request."""
    s = subject_for(kind, organisation)
    dn = [f"C = {_cnf_value(s.country)}", f"O = {_cnf_value(s.organisation)}"]
    if s.unit:
        dn.append(f"OU = {_cnf_value(s.unit)}")
    dn.append(f"CN = {_cnf_value(s.common_name)}")
    ext = [f"keyUsage = critical, {', '.join(_KU_OPENSSL[u] for u in key_usages(kind, algorithm))}",
           f"extendedKeyUsage = {', '.join(_EKU_OPENSSL[e] for e in kind.extended_key_usage)}"]
    if s.dns_names:
        ext.append("subjectAltName = " + ", ".join(f"DNS:{n}" for n in s.dns_names))
    return "\n".join([
        f"# OpenSSL request config for the {kind.name} ({kind.id}), made by the DIP Onboarding Wizard.",
        "# It reproduces the subject and extensions of the wizard's request, for a key of your own.",
        "[ req ]", "prompt = no", "utf8 = yes", "string_mask = utf8only", "default_md = sha256",
        "distinguished_name = dn", "req_extensions = ext", "", "[ dn ]", *dn, "", "[ ext ]", *ext, ""])


def openssl_commands(kind: CertificateKind, algorithm: str) -> str:
    """The commands that make a new key (encrypted with a passphrase) and a request with the config above."""
    if algorithm.startswith("rsa-"):
        genkey = (f"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:{algorithm.removeprefix('rsa-')} "
                  f"-aes-256-cbc -out {kind.id}.key.pem")
    else:
        curve = {"ec-p256": "P-256", "ec-p384": "P-384"}[algorithm]
        genkey = (f"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:{curve} -aes-256-cbc "
                  f"-out {kind.id}.key.pem")
    return "\n".join([
        "# 1. Make a private key, protected by a passphrase you will be asked for:",
        genkey,
        "# 2. Make the request from it with the config file:",
        f"openssl req -new -key {kind.id}.key.pem -config {kind.id}.cnf -out {kind.id}.csr.pem",
        "# 3. Check it:",
        f"openssl req -in {kind.id}.csr.pem -noout -verify -text", ""])
