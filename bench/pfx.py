"""`pfx_ratio`: a Modern PFX exported through the app over the library's own serialisation of the same PFX.

The app side is one call of `wizard.core.packaging.export_pfx` with the Modern profile: the password check, the
serialisation, the atomic write (temp file, fsync, rename, fsync of the folder) and the re-open check (load with
the password, key against certificate, chain). The floor side is `pkcs12.serialize_key_and_certificates` with the
same encryption (PBES2 / PBKDF2 / AES-256-CBC, SHA-256 MAC, the profile's KDF rounds), the same key, certificate,
chain and friendly names: the least any PFX export has to do. One RSA-2048 key, certificate and two-certificate
chain are made once, before timing; the two sides run interleaved, alternating which goes first, so a slow patch of
the machine slows both sides of a pair.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.common import Context, RatioResult, interleaved_pairs

MIN_RUNS = 20
PASSWORD = "Bench-Plum-Kettle-Orbit-42"
FRIENDLY = "Bench Energy Ltd DIP mTLS"


def _material() -> tuple[Any, Any, tuple[Any, ...]]:
    """An RSA-2048 key with its certificate, issued by an intermediate under a root (both P-256, made here)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def cert(subject: str, public: Any, issuer: str, signer: Any, ca: bool) -> x509.Certificate:
        return (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
                .public_key(public).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
                .sign(signer, hashes.SHA256()))

    root_key = ec.generate_private_key(ec.SECP256R1())
    issuing_key = ec.generate_private_key(ec.SECP256R1())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = cert("Bench Root CA", root_key.public_key(), "Bench Root CA", root_key, True)
    issuing = cert("Bench Issuing CA", issuing_key.public_key(), "Bench Root CA", root_key, True)
    leaf = cert("bench.example", key.public_key(), "Bench Issuing CA", issuing_key, False)
    return key, leaf, (issuing, root)


def pfx_ratio(ctx: Context) -> RatioResult:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from wizard.core.packaging import PFX_PROFILES, export_pfx

    profile = PFX_PROFILES["modern"]
    key, leaf, chain = _material()
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(profile.kdf_rounds)
                  .key_cert_algorithm(profile.key_cert_algorithm).hmac_hash(profile.mac())
                  .build(PASSWORD.encode("utf-8")))
    cas = [pkcs12.PKCS12Certificate(c, c.subject.rfc4514_string().encode("utf-8")[:64]) for c in chain]

    def floor(_i: int) -> float:
        started = time.perf_counter()
        pkcs12.serialize_key_and_certificates(FRIENDLY.encode("utf-8"), key, leaf, cas, encryption)
        return time.perf_counter() - started

    runs = max(MIN_RUNS, ctx.runs)
    with tempfile.TemporaryDirectory(prefix="bench-pfx-") as folder:
        def app(i: int) -> float:
            out = Path(folder) / f"run-{i}.pfx"
            started = time.perf_counter()
            export_pfx(out, key, leaf, chain, profile, PASSWORD, FRIENDLY)
            elapsed = time.perf_counter() - started
            out.unlink()
            return elapsed

        result = interleaved_pairs(ctx, "pfx", runs, floor, app, floor_word="library")
    if result.status != "ok":
        return result
    return replace(result, detail=f"Modern profile ({profile.kdf_rounds} KDF rounds), RSA-2048 "
                       f"key, chain of 2; {runs} interleaved pairs after a warm-up; files in {tempfile.gettempdir()}")
