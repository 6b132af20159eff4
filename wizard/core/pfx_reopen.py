"""Re-opening a written PFX to check it, here or in a separate process.

Opening a PFX validates its RSA key, and cryptography holds Python's GIL while it does: about a quarter of a second
for RSA-4096, during which a GUI's event loop cannot run (bench: ui_max_stall_ms). The GUI therefore re-opens in a
child process (`reopen_elsewhere`), which the OS schedules beside it; the command line re-opens here
(`reopen_here`). Both give the same `Reopened` facts, which the caller compares with what it wrote.

The child gets the file and its password on stdin (never argv) and answers with public facts only: the key's
public fingerprint, the certificates' DER, and whether a key was present.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wizard.core.errors import WizardError

CHILD_FLAG = "--reopen-pfx"
CHILD_TIMEOUT_S = 120


@dataclass(frozen=True, slots=True)
class Reopened:
    key_fingerprint: str | None  # None when the PFX held no key
    certificate_der: bytes | None
    chain_der: tuple[bytes, ...]

    def __repr__(self) -> str:
        return f"Reopened(key_fingerprint={self.key_fingerprint!r}, chain={len(self.chain_der)})"


Reopener = Callable[[bytes, str], Reopened]


def reopen_here(data: bytes, password: str) -> Reopened:
    """Open the PFX with its password in this process; raises ValueError if it does not open."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    from wizard.core.keys import public_fingerprint

    loaded = pkcs12.load_pkcs12(data, password.encode("utf-8"))
    fingerprint = public_fingerprint(loaded.key.public_key()) if loaded.key is not None else None  # type: ignore[arg-type]
    cert = loaded.cert.certificate.public_bytes(Encoding.DER) if loaded.cert is not None else None
    return Reopened(fingerprint, cert, tuple(c.certificate.public_bytes(Encoding.DER)
                                            for c in loaded.additional_certs))


def child_command() -> list[str]:
    """How to start this program again: the frozen executable itself, or this interpreter with the package.

    A frozen Windows build has a windowed `...-gui.exe` (no standard streams to answer on) beside the console
    executable; the console one is used (started with no window, see `reopen_elsewhere`).
    """
    if not getattr(sys, "frozen", False):
        return [sys.executable, "-m", "wizard", CHILD_FLAG]
    exe = Path(sys.executable)
    console = exe.with_name(exe.name.replace("-gui", ""))
    return [str(console) if console != exe and console.is_file() else sys.executable, CHILD_FLAG]


def reopen_elsewhere(data: bytes, password: str) -> Reopened:
    """`reopen_here`, in a child process, so that this process's threads keep running meanwhile."""
    request = json.dumps({"pfx": base64.b64encode(data).decode("ascii"), "password": password})
    try:
        done = subprocess.run(child_command(), input=request, capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT_S, check=False,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError) as exc:
        raise WizardError(f"The check of the written file could not be started ({type(exc).__name__}).") from None
    if done.returncode == 2:
        raise ValueError("the file did not open with its password")
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        return Reopened(answer["key_fingerprint"],
                        base64.b64decode(answer["certificate"]) if answer["certificate"] else None,
                        tuple(base64.b64decode(c) for c in answer["chain"]))
    except (ValueError, KeyError, IndexError, TypeError):
        raise WizardError("The check of the written file gave no answer, so the file is not trusted.") from None


def child_main() -> int:
    """The child's side: a request on stdin, public facts on stdout; exit 2 if the PFX does not open."""
    try:
        request = json.loads(sys.stdin.read())
        reopened = reopen_here(base64.b64decode(request["pfx"]), request["password"])
    except (ValueError, KeyError, TypeError):
        return 2
    print(json.dumps({"key_fingerprint": reopened.key_fingerprint,
                      "certificate": base64.b64encode(reopened.certificate_der).decode("ascii")
                      if reopened.certificate_der else None,
                      "chain": [base64.b64encode(c).decode("ascii") for c in reopened.chain_der]}))
    return 0
