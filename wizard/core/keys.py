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
from wizard.core.model import KeyRecord, with_key, without_key
from wizard.core.profile import CertificateKind
from wizard.core.session import ProjectSession
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
    data = vault.get(record.id, what=f"private key for the {record.kind} certificate")
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


def create_key(kind: CertificateKind, algorithm: str, vault: Vault, now: dt.datetime) -> NewKey:
    """Generate a key pair for `kind` and store its private half in `vault`. Slow: run it off the UI thread.

    On a vault failure nothing is kept anywhere. The project is not changed here: `commit_new_key` records the
    key (on the UI thread), so a key that is never committed is removed again by its caller.
    """
    started = time.perf_counter()
    key = generate_private_key(algorithm)
    generation = time.perf_counter() - started
    key_id = new_key_id()
    vault.put(key_id, _private_der(key))
    record = KeyRecord(id=key_id, kind=kind.id, algorithm=algorithm,
                       fingerprint=public_fingerprint(key.public_key()), created_at=now, vault=vault.kind)
    return NewKey(record, generation)


def store_existing_key(kind: CertificateKind, key: PrivateKey, vault: Vault, now: dt.datetime) -> NewKey:
    """Put a key brought from elsewhere (a PFX, an encrypted key file) into `vault`, like `create_key` does for a
    new one; record it with `commit_new_key`. Refuses a key type the profile does not accept for the kind."""
    if isinstance(key, rsa.RSAPrivateKey):
        algorithm = f"rsa-{key.key_size}"
    else:
        algorithm = {"secp256r1": "ec-p256", "secp384r1": "ec-p384"}.get(key.curve.name, key.curve.name)
    if algorithm not in kind.algorithms:
        accepted = ", ".join(describe_algorithm(a) for a in kind.algorithms)
        raise InvalidInput("algorithm", f"That key is {describe_algorithm(algorithm)}, which the {kind.name} does "
                                        f"not accept (it takes {accepted}).")
    key_id = new_key_id()
    vault.put(key_id, _private_der(key))
    record = KeyRecord(id=key_id, kind=kind.id, algorithm=algorithm,
                       fingerprint=public_fingerprint(key.public_key()), created_at=now, vault=vault.kind)
    return NewKey(record, 0.0)


def commit_new_key(session: ProjectSession, new: NewKey, vault: Vault,
                   discard: Callable[[str], None] | None = None) -> KeyRecord:
    """Record a freshly stored key in the project and save it.

    A kind keeps at most two keys: the one in use and one replacement. A new key for a kind that has one
    becomes its replacement; one made while a replacement is already waiting takes that replacement's place
    (a replacement has no certificate yet, so nothing is lost). If the project cannot be saved, the new key
    is removed from the vault again and the error is raised.

    Removing entries from the vault goes through `discard` (default: at once). The GUI passes a function that
    does it on a worker thread, as every keychain call there must be.
    """
    remove = discard or vault.delete
    project = session.project
    kind_keys = project.keys_for(new.record.kind)
    in_use = kind_keys[0] if kind_keys else None
    superseded = [k for k in kind_keys if k.replaces is not None]
    record = replace(new.record, replaces=in_use.id if in_use is not None else None)
    updated = project
    for old in superseded:
        updated = without_key(updated, old.id)
    try:
        session.commit(with_key(updated, record))
    except Exception:
        remove(record.id)
        raise
    for old in superseded:
        if old.vault == vault.kind:
            remove(old.id)
    return record
