"""Packages a certificate leaves the wizard in, chosen by where it is going, each re-opened and checked once written.

PFX (PKCS#12) profiles are named by destination, not by cipher. Modern: AES-256-CBC with PBKDF2 and a SHA-256 MAC.
Compatibility: 3DES with a SHA-1 MAC, for older Windows, macOS Keychain import and older Java. Never RC2, never
PBMAC1, never without a password; the chain is always included.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from wizard.core.errors import InvalidInput, WizardError
from wizard.core.files import atomic_write, check_output
from wizard.core.keys import PrivateKey, public_fingerprint
from wizard.core.passwords import GENERATED_ALPHABET, refuse_guessable
from wizard.core.pfx_maker import PfxMaker, PfxOrder, make_here

if TYPE_CHECKING:
    from wizard.core.certfiles import CertificateFile
from wizard.core.pfx_choices import PFX_CHOICES

MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class PfxProfile:
    id: str
    name: str
    destinations: str
    key_cert_algorithm: pkcs12.PBES
    mac: type[hashes.HashAlgorithm]
    kdf_rounds: int


PFX_PROFILES = {
    "modern": PfxProfile("modern", *PFX_CHOICES["modern"], pkcs12.PBES.PBESv2SHA256AndAES256CBC, hashes.SHA256,
                         100_000),
    "compat": PfxProfile("compat", *PFX_CHOICES["compat"], pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC, hashes.SHA1,
                         100_000),
}


class PackageError(WizardError):
    """A package could not be written or did not check out; nothing was left behind."""


def pfx_profile(profile_id: str) -> PfxProfile:
    try:
        return PFX_PROFILES[profile_id.strip().lower()]
    except KeyError:
        raise InvalidInput("profile", f'"{profile_id}" is not a PFX profile. Use "modern" (Azure, recent Windows, '
                                      'OpenSSL 3, current Java) or "compat" (older Windows, macOS Keychain).') \
            from None


def check_password(password: str) -> None:
    """A new password for a package holding a private key: long enough and hard to guess (passwords.py)."""
    if not password.strip():
        raise InvalidInput("password", "The password is empty. A package holding a private key always needs one.")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"Use a password of at least {MIN_PASSWORD} characters; a generated "
                                       "passphrase is safest.")
    refuse_guessable(password, "password", "password")


_WORDS_ALPHABET = GENERATED_ALPHABET


def generate_passphrase(groups: int = 6) -> str:
    """Groups of four characters from 31 unambiguous ones, e.g. `7KQ2-M9XD-...`: about 19.8 bits per group, so
    six groups give about 119 bits."""
    return "-".join("".join(secrets.choice(_WORDS_ALPHABET) for _ in range(4)) for _ in range(groups))


def _write_checked(out: Path, data: bytes, check: Callable[[bytes], None], *, public: bool = False) -> None:
    """Check the package as it will be written, write it atomically, then read it back and compare.

    A package that does not check out is never written, so an earlier file of that name is kept; one that does
    not read back the same (a failing disk) is deleted. Either way `PackageError` says so.
    """
    try:
        check(data)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, WizardError) else type(exc).__name__
        raise PackageError(f"The package for {out} did not check out when re-opened ({reason}), so nothing was "
                           "written.") from None
    try:
        atomic_write(out, data, public=public)
    except OSError as exc:
        raise PackageError(f"Could not write {out}: {exc.strerror or exc}. Nothing was written.") from None
    try:
        same = out.read_bytes() == data
    except OSError:
        same = False
    if not same:
        with contextlib.suppress(OSError):
            out.unlink()
        raise PackageError(f"{out} did not read back as written (is the disk failing?), so it was deleted.")


def export_pfx(out: Path, key: PrivateKey, cert: x509.Certificate, chain: tuple[x509.Certificate, ...],
               profile: PfxProfile, password: str, friendly_name: str, *, overwrite: bool = False,
               maker: PfxMaker = make_here) -> None:
    """Write a password-protected PFX with the chain, made and re-opened with the password by `maker` (here, or in
    a child process for the GUI) and checked before it is written."""
    check_password(password)
    check_output(out, overwrite=overwrite)
    data, check = _pfx(key, cert, chain, profile, password, friendly_name, maker)
    _write_checked(out, data, check)


def pfx_bytes(key: PrivateKey, cert: x509.Certificate, chain: tuple[x509.Certificate, ...], profile: PfxProfile,
              password: str, friendly_name: str, *, maker: PfxMaker = make_here) -> bytes:
    """A password-protected PFX as bytes (for a handoff bundle), re-opened with its password and checked first."""
    check_password(password)
    data, check = _pfx(key, cert, chain, profile, password, friendly_name, maker)
    try:
        check(data)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, WizardError) else type(exc).__name__
        raise PackageError(f"The PFX did not check out when re-opened ({reason}).") from None
    return data


def _pfx(key: PrivateKey, cert: x509.Certificate, chain: tuple[x509.Certificate, ...], profile: PfxProfile,
         password: str, friendly_name: str, maker: PfxMaker) -> tuple[bytes, Callable[[bytes], None]]:
    if public_fingerprint(key.public_key()) != _cert_key_fingerprint(cert):
        raise PackageError("The key and the certificate do not belong together, so no PFX was written.")
    der = serialization.Encoding.DER
    order = PfxOrder(cert.public_bytes(der), tuple((c.public_bytes(der), _friendly(c)) for c in chain),
                     friendly_name.encode("utf-8"), profile.key_cert_algorithm.name, profile.mac().name,
                     profile.kdf_rounds)
    try:
        made = maker(order, key, password)
    except WizardError:
        raise
    except Exception as exc:  # said in one line, as a failed check is; nothing has been written
        raise PackageError(f"The PFX could not be made ({type(exc).__name__}), so nothing was written.") from None
    expected = public_fingerprint(key.public_key())

    def check(written: bytes) -> None:
        loaded = made.reopened
        if loaded is None:
            raise PackageError("it did not open with its password")
        if loaded.sha256 != hashlib.sha256(written).hexdigest():
            raise PackageError("the file is not the one that was re-opened")
        if loaded.key_fingerprint is None or loaded.certificate_der is None:
            raise PackageError("the key or certificate is missing")
        if loaded.key_fingerprint != expected:
            raise PackageError("the key does not match the certificate")
        if loaded.certificate_der != order.certificate_der or loaded.chain_der != tuple(d for d, _ in order.chain):
            raise PackageError("the certificate or chain is not what was written")

    return made.data, check


def _friendly(cert: x509.Certificate) -> bytes:
    """A short friendly name for a chain certificate: its common name, cut by characters (never mid-character)."""
    from wizard.core.certfiles import common_name

    return common_name(cert)[:60].encode("utf-8")


def _cert_key_fingerprint(cert: x509.Certificate) -> str | None:
    from wizard.core.certfiles import key_fingerprint

    return key_fingerprint(cert)


def export_pem_chain(out: Path, cert: x509.Certificate, chain: tuple[x509.Certificate, ...], *,
                     overwrite: bool = False) -> None:
    """The certificate followed by its chain, as PEM (public, no password)."""
    check_output(out, overwrite=overwrite)
    data = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (cert, *chain))

    def check(written: bytes) -> None:
        loaded = x509.load_pem_x509_certificates(written)
        if loaded != [cert, *chain]:
            raise PackageError("the chain is not what was written")

    _write_checked(out, data, check, public=True)


def export_encrypted_key(out: Path, key: PrivateKey, password: str, *, overwrite: bool = False) -> None:
    """The private key as password-protected (encrypted) PKCS#8 PEM, for Linux servers."""
    check_password(password)
    check_output(out, overwrite=overwrite)
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(password.encode("utf-8")))
    expected = public_fingerprint(key.public_key())

    def check(written: bytes) -> None:
        if b"ENCRYPTED PRIVATE KEY" not in written:
            raise PackageError("the key is not encrypted")
        # Decrypting with the password and matching the fingerprint is the check; the key itself was validated
        # when it was made, and validating it again would hold the GIL (see load_private_key).
        loaded = serialization.load_pem_private_key(written, password.encode("utf-8"),
                                                    unsafe_skip_rsa_key_validation=True)
        if public_fingerprint(loaded.public_key()) != expected:  # type: ignore[arg-type]
            raise PackageError("the key is not the one written")

    _write_checked(out, data, check)


@dataclass(frozen=True, slots=True)
class BroughtKey:
    """A key (with its certificate and chain) brought from elsewhere, before it goes into a vault."""

    key: PrivateKey
    cert: x509.Certificate | None
    chain: tuple[x509.Certificate, ...]

    def __repr__(self) -> str:
        return "BroughtKey(key=<redacted>)"


def read_pfx(data: bytes, password: str) -> BroughtKey:
    """Open a PFX someone already has; a wrong password or a damaged file gets a plain message."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    from wizard.core.pkcs12_costs import check_pkcs12_costs, check_pkcs12_parts

    if len(data) > 1024 * 1024:
        raise InvalidInput("file", "That file is far larger than any PFX.")
    check_pkcs12_costs(data)  # before any password is tried: the file sets how long that takes
    try:
        loaded = pkcs12.load_pkcs12(data, password.encode("utf-8") if password else None)
    except ValueError:
        raise InvalidInput("password", "The PFX could not be opened: the password is wrong, or the file is not a "
                                       "PFX or is damaged.") from None
    check_pkcs12_parts((1 if loaded.cert else 0) + len(loaded.additional_certs))
    if not isinstance(loaded.key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InvalidInput("file", "The PFX holds no private key of a kind this wizard can use (RSA or EC).")
    return BroughtKey(loaded.key, loaded.cert.certificate if loaded.cert else None,
                      tuple(c.certificate for c in loaded.additional_certs))


def read_encrypted_key(data: bytes, password: str) -> PrivateKey:
    """Open a password-protected PEM private key; an unprotected key is refused (it should never exist)."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if b"ENCRYPTED" not in data:
        raise InvalidInput("file", "That key file is not password-protected. Protect it first (for example "
                                   "with `openssl pkcs8 -topk8`), or bring the key in a PFX.")
    try:
        key = serialization.load_pem_private_key(data, password.encode("utf-8"))
    except (ValueError, TypeError):
        raise InvalidInput("password", "The key could not be opened: the password is wrong, or the file is "
                                       "damaged.") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InvalidInput("file", "The key is not RSA or EC, which this wizard needs.")
    return key


def open_own_key(data: bytes, password: str, certificate: bytes | None) -> tuple[PrivateKey, CertificateFile | None]:
    """Bring your own key: open a PFX or a password-protected key file and the certificates that come with it (in
    the PFX, or `certificate`), and check they answer the key — before anything is stored anywhere."""
    from cryptography.hazmat.primitives import serialization as ser

    from wizard.core.certfiles import key_fingerprint, read_certificates

    if b"PRIVATE KEY" in data:
        key = read_encrypted_key(data, password)
        found = read_certificates(certificate, "The certificate file") if certificate else None
    else:
        brought = read_pfx(data, password)
        key = brought.key
        pem = b"".join(c.public_bytes(ser.Encoding.PEM) for c in ((brought.cert,) if brought.cert else ())
                       + brought.chain)
        found = read_certificates(pem, "The certificate in the PFX") if pem else None
    if found is not None and public_fingerprint(key.public_key()) not in {key_fingerprint(c)
                                                                          for c in found.certificates}:
        raise InvalidInput("file", "The certificate given was not made for this key, so neither was brought in. "
                                   "Choose the certificate that was issued for this key.")
    return key, found
