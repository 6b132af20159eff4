"""Key pairs: made locally, kept in a vault, described in plain words.

The only unencrypted serialisation of a private key in the application is `_private_der`, which feeds the vault
(the OS keychain, or the encrypted file vault) and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from wizard.core.algorithms import ALGORITHM_NAMES as ALGORITHM_NAMES
from wizard.core.algorithms import choose_algorithm as choose_algorithm
from wizard.core.algorithms import describe_algorithm as describe_algorithm
from wizard.core.algorithms import format_fingerprint as format_fingerprint
from wizard.core.errors import InvalidInput
from wizard.core.model import KeyRecord
from wizard.core.profile import CertificateKind
from wizard.core.vault import SecretDamaged, Vault

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

_CURVES: dict[str, Callable[[], ec.EllipticCurve]] = {"ec-p256": ec.SECP256R1, "ec-p384": ec.SECP384R1}


def generate_private_key(algorithm: str) -> PrivateKey:
    if algorithm.startswith("rsa-"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(algorithm.removeprefix("rsa-")))
    if algorithm in _CURVES:
        return ec.generate_private_key(_CURVES[algorithm]())
    raise InvalidInput("algorithm", f'"{algorithm}" is not a key algorithm this wizard can make.')


def public_fingerprint(public_key: PublicKey) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo, as lower-case hex: the same for a key, its CSR and its
    certificate, so it is how they are matched."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def _private_der(key: PrivateKey) -> bytes:
    # Unencrypted on purpose: these bytes go only into the vault, which is the OS keychain or the encrypted
    # file vault. Nothing else may call this.
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_key(vault: Vault, record: KeyRecord) -> PrivateKey:
    """Read a key from its vault and check it is the key the project recorded."""
    data = vault.get(record.vault_entry, what=f"private key for the {record.kind} certificate")
    try:
        # RSA validation is skipped: it holds Python's GIL for about a quarter of a second on RSA-4096 (the GUI
        # freezes meanwhile), and it proves nothing here. The key was validated when it was made or brought in,
        # the vault checks the bytes against their SHA-256 integrity record, and the fingerprint check below
        # proves it is the recorded key.
        key = serialization.load_der_private_key(data, password=None, unsafe_skip_rsa_key_validation=True)
    except ValueError:
        raise SecretDamaged(f"The private key for the {record.kind} certificate in {vault.name} cannot be "
                            "read. Make a new key.") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SecretDamaged(f"The private key for the {record.kind} certificate is of an unexpected type.")
    if public_fingerprint(key.public_key()) != record.fingerprint:
        raise SecretDamaged(f"The key found in {vault.name} for the {record.kind} certificate is not the one "
                            "this project recorded. Make a new key.")
    return key


def new_key_id() -> str:
    return "k-" + secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just stored in a vault, not yet recorded in the project (see `record_key`)."""

    record: KeyRecord
    generation_seconds: float


def create_key(kind: CertificateKind, algorithm: str, vault: Vault, now: dt.datetime, *, key_id: str | None = None,
               entry: str | None = None) -> NewKey:
    """Generate a key pair for `kind` and store its private half in `vault` under `entry`. Slow: run it off the
    UI thread.

    On a vault failure nothing is kept anywhere. The project is not changed here: the key's intent was recorded
    before and the key is recorded after (wizard/actions/keys.py), so a key that is never recorded is removed.
    """
    started = time.perf_counter()
    key = generate_private_key(algorithm)
    generation = time.perf_counter() - started
    return NewKey(_store(kind, key, algorithm, vault, now, key_id, entry), generation)


def algorithm_of(kind: CertificateKind, key: PrivateKey) -> str:
    """The key's algorithm id; refuses a key type the profile does not accept for the kind."""
    if isinstance(key, rsa.RSAPrivateKey):
        algorithm = f"rsa-{key.key_size}"
    else:
        algorithm = {"secp256r1": "ec-p256", "secp384r1": "ec-p384"}.get(key.curve.name, key.curve.name)
    if algorithm not in kind.algorithms:
        accepted = ", ".join(describe_algorithm(a) for a in kind.algorithms)
        raise InvalidInput("algorithm", f"That key is {describe_algorithm(algorithm)}, which the {kind.name} does "
                                        f"not accept (it takes {accepted}).")
    return algorithm


def store_existing_key(kind: CertificateKind, key: PrivateKey, vault: Vault, now: dt.datetime, *,
                       key_id: str | None = None, entry: str | None = None) -> NewKey:
    """Put a key brought from elsewhere (a PFX, an encrypted key file) into `vault` under `entry`, as
    `create_key` does for a new one; the record says it was brought in."""
    record = _store(kind, key, algorithm_of(kind, key), vault, now, key_id, entry)
    return NewKey(replace(record, brought_in=True), 0.0)


def _store(kind: CertificateKind, key: PrivateKey, algorithm: str, vault: Vault, now: dt.datetime,
           key_id: str | None, entry: str | None) -> KeyRecord:
    """Write the key to `vault` under `entry` (by default its id); the record says where, never what."""
    key_id = key_id or new_key_id()
    entry = entry or key_id
    vault.put(entry, _private_der(key))
    return KeyRecord(id=key_id, kind=kind.id, algorithm=algorithm, fingerprint=public_fingerprint(key.public_key()),
                     created_at=now, vault=vault.kind, entry=entry)
