"""Making a PFX and re-opening it to check it, here or in a separate process.

cryptography holds Python's GIL while it makes a PKCS#12 file (about 20 ms for the Modern profile's two 100,000-round
key derivations) and while it opens one (it validates an RSA key: about 250 ms for RSA-4096), so a GUI's event loop
cannot run meanwhile, although the work is on a pool thread (bench: ui_max_stall_ms). The GUI therefore makes and
re-opens a PFX in a child process (`make_elsewhere`), which the OS schedules beside it; the command line does both
here (`make_here`). Both give the file's bytes and the `Reopened` facts, which the caller compares with what it asked
for before it writes anything.

The child gets its request on stdin (never argv): the public parts, the profile's parameters, the password, and the
private key encrypted with that password (PKCS#8; the password travels beside it, so this keeps the key out of plain
sight rather than from the child). It answers with the PFX (protected by the same password) and public facts only,
among them the SHA-256 of the bytes it re-opened, so the caller can tell that the file it writes is the one checked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.errors import WizardError

if TYPE_CHECKING:
    from wizard.core.keys import PrivateKey

CHILD_FLAG = "--make-pfx"
CHILD_TIMEOUT_S = 120


@dataclass(frozen=True, slots=True)
class PfxOrder:
    """What goes in a PFX besides its key and password: the certificates and the profile's parameters."""

    certificate_der: bytes
    chain: tuple[tuple[bytes, bytes], ...]  # each issuer certificate's DER and its friendly name
    friendly_name: bytes
    algorithm: str  # a `pkcs12.PBES` member's name
    mac: str  # a hash's name, "sha256" or "sha1"
    kdf_rounds: int

    def __repr__(self) -> str:
        return f"PfxOrder(chain={len(self.chain)}, algorithm={self.algorithm!r}, mac={self.mac!r})"


@dataclass(frozen=True, slots=True)
class Reopened:
    key_fingerprint: str | None  # None when the PFX held no key
    certificate_der: bytes | None
    chain_der: tuple[bytes, ...]
    sha256: str  # of the bytes that were re-opened

    def __repr__(self) -> str:
        return f"Reopened(key_fingerprint={self.key_fingerprint!r}, chain={len(self.chain_der)})"


@dataclass(frozen=True, slots=True)
class Made:
    data: bytes
    reopened: Reopened | None  # None: the file did not open with its password

    def __repr__(self) -> str:
        return f"Made({len(self.data)} bytes, reopened={self.reopened!r})"


PfxMaker = Callable[[PfxOrder, "PrivateKey", str], Made]


def make_here(order: PfxOrder, key: PrivateKey, password: str) -> Made:
    """Make the PFX in this process and re-open it with its password."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    mac = {"sha256": hashes.SHA256, "sha1": hashes.SHA1}[order.mac]
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(order.kdf_rounds)
                  .key_cert_algorithm(pkcs12.PBES[order.algorithm]).hmac_hash(mac())
                  .build(password.encode("utf-8")))
    cas = [pkcs12.PKCS12Certificate(x509.load_der_x509_certificate(der), name) for der, name in order.chain]
    data = pkcs12.serialize_key_and_certificates(order.friendly_name, key,
                                                 x509.load_der_x509_certificate(order.certificate_der), cas,
                                                 encryption)
    try:
        return Made(data, reopen_here(data, password))
    except ValueError:
        return Made(data, None)


def reopen_here(data: bytes, password: str) -> Reopened:
    """Open the PFX with its password in this process; raises ValueError if it does not open."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    from wizard.core.keys import public_fingerprint

    loaded = pkcs12.load_pkcs12(data, password.encode("utf-8"))
    fingerprint = public_fingerprint(loaded.key.public_key()) if loaded.key is not None else None  # type: ignore[arg-type]
    cert = loaded.cert.certificate.public_bytes(Encoding.DER) if loaded.cert is not None else None
    return Reopened(fingerprint, cert, tuple(c.certificate.public_bytes(Encoding.DER)
                                            for c in loaded.additional_certs), hashlib.sha256(data).hexdigest())


def child_command() -> list[str]:
    """How to start this program again: the frozen executable itself, or this interpreter with the package.

    A frozen Windows build has a windowed `...-gui.exe` (no standard streams to answer on) beside the console
    executable; the console one is used (started with no window, see `make_elsewhere`).
    """
    if not getattr(sys, "frozen", False):
        return [sys.executable, "-m", "wizard", CHILD_FLAG]
    exe = Path(sys.executable)
    console = exe.with_name(exe.name.replace("-gui", ""))
    return [str(console) if console != exe and console.is_file() else sys.executable, CHILD_FLAG]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def make_elsewhere(order: PfxOrder, key: PrivateKey, password: str) -> Made:
    """`make_here`, in a child process, so that this process's threads keep running meanwhile."""
    from cryptography.hazmat.primitives import serialization

    sealed = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                               serialization.BestAvailableEncryption(password.encode("utf-8")))
    request = json.dumps({"key": _b64(sealed), "password": password, "certificate": _b64(order.certificate_der),
                          "chain": [[_b64(der), _b64(name)] for der, name in order.chain],
                          "friendly_name": _b64(order.friendly_name), "algorithm": order.algorithm,
                          "mac": order.mac, "kdf_rounds": order.kdf_rounds})
    try:
        done = subprocess.run(child_command(), input=request, capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT_S, check=False,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except subprocess.TimeoutExpired:
        raise WizardError(f"The PFX's helper process did not answer within {CHILD_TIMEOUT_S} s, so no PFX was "
                          "made.") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise WizardError(f"The PFX could not be made: its helper process did not start ({type(exc).__name__}).") \
            from None
    if done.returncode == 2:
        raise WizardError("The PFX could not be made from this key and certificate.")
    try:
        if done.returncode != 0:
            raise ValueError("the helper failed")  # whatever it printed is not trusted
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        found = answer["reopened"]
        reopened = None if found is None else Reopened(
            found["key_fingerprint"], base64.b64decode(found["certificate"]) if found["certificate"] else None,
            tuple(base64.b64decode(c) for c in found["chain"]), str(found["sha256"]))
        return Made(base64.b64decode(answer["pfx"]), reopened)
    except (ValueError, KeyError, IndexError, TypeError):
        raise WizardError("The PFX's helper process gave no answer, so no PFX is trusted.") from None


def child_main() -> int:
    """The child's side: a request on stdin, the PFX and public facts on stdout; exit 2 if it cannot be made."""
    try:
        # Read before anything is imported: on Windows the parent's time limit does not cover writing the request.
        request = json.loads(sys.stdin.read())
        from cryptography.hazmat.primitives import serialization

        password = request["password"]
        # The parent read this key from the wizard's vault, which validated it when it was made or brought in;
        # re-opening the PFX below validates it again.
        key = serialization.load_der_private_key(base64.b64decode(request["key"]), password.encode("utf-8"),
                                                 unsafe_skip_rsa_key_validation=True)
        order = PfxOrder(base64.b64decode(request["certificate"]),
                         tuple((base64.b64decode(der), base64.b64decode(name)) for der, name in request["chain"]),
                         base64.b64decode(request["friendly_name"]), request["algorithm"], request["mac"],
                         int(request["kdf_rounds"]))
        made = make_here(order, key, password)  # type: ignore[arg-type]
    except (ValueError, KeyError, TypeError):
        return 2
    found = made.reopened
    print(json.dumps({"pfx": _b64(made.data), "reopened": None if found is None else {
        "key_fingerprint": found.key_fingerprint,
        "certificate": _b64(found.certificate_der) if found.certificate_der else None,
        "chain": [_b64(c) for c in found.chain_der], "sha256": found.sha256}}))
    return 0
