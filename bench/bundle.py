"""`bundle_ratio`: exporting and then verifying a full handoff bundle through the app, over the floor of zipping
and hashing the same files.

The app side is `wizard.core.bundle_export.export_bundle` for the Certificate Admin (all four certificate kinds:
certificates with their chains, CSRs with OpenSSL config and commands, instructions as HTML and text, and a PFX)
followed by `wizard.core.bundle_read.read_bundle_file`: building the files and instructions, the manifest, the zip,
the atomic write (temp file, fsync, rename, fsync of the folder), then reading it back with every structural check
and every SHA-256. The PFX is made once before timing and handed in as a ready file (what making a PFX costs is
`pfx_ratio`'s business). The floor side takes the very bytes of every file of that bundle and its manifest, zips them
(deflate) to a file and reads it back, hashing each file with SHA-256: the least any bundle export and check does.
The two sides run interleaved, alternating which goes first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.common import Context, RatioResult, interleaved_pairs

MIN_RUNS = 20
PASSWORD = "Bench-Plum-Kettle-Orbit-42"


def _project() -> tuple[Any, Any, Any]:
    """The shipped profile, a project with a key, CSR and certificate (from a bench CA) for every kind, and a PFX."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    from wizard.app import default_profile_path
    from wizard.core.bundle_export import BundleFile
    from wizard.core.bundle_format import FileKind
    from wizard.core.certs import Match, record_for
    from wizard.core.csr import build_csr, csr_pem
    from wizard.core.csr_subject import subject_for
    from wizard.core.keys import public_fingerprint
    from wizard.core.model import KeyRecord, Organisation, Person, Project
    from wizard.core.packaging import PFX_PROFILES, pfx_bytes
    from wizard.core.profile import load_profile

    profile = load_profile(default_profile_path())
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    org = Organisation("Bench Energy Ltd", "01234567", "bench.example")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench Issuing CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=900))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    keys, certificates, pfx = [], [], None
    for kind in profile.certificate_kinds:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        record = KeyRecord(f"key-{kind.id}", kind.id, "rsa-2048", public_fingerprint(key.public_key()), now,
                           csr_pem=csr_pem(build_csr(kind, org, key)), csr_exported_at=now)
        leaf = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_for(kind, org).common_name)]))
                .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
                .sign(ca_key, hashes.SHA256()))
        keys.append(record)
        certificates.append(record_for(Match(leaf, (ca,), record, kind), now))
        if kind.id == "dip-mtls":
            pfx = BundleFile("pfx/dip-mtls.pfx", pfx_bytes(key, leaf, (ca,), PFX_PROFILES["modern"], PASSWORD,
                                                           "Bench DIP mTLS"), "The DIP mTLS PFX.", FileKind.PFX,
                             "dip-mtls")
    project = Project(profile.id, "uit", org, now, now, people=(
        Person("p1", "Cara Cert", "cara@bench.example", roles=("certificate-admin",)),), keys=tuple(keys),
        certificates=tuple(certificates))
    return profile, project, pfx


def bundle_ratio(ctx: Context) -> RatioResult:
    from wizard.core.bundle_export import CONTRIBUTORS, export_bundle
    from wizard.core.bundle_read import read_bundle_file

    profile, project, pfx = _project()
    contributors = [*CONTRIBUTORS, lambda _ctx: [pfx]]
    runs = max(MIN_RUNS, ctx.runs)
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as folder:
        sample = Path(folder) / "sample.zip"
        export_bundle(profile, project, "certificate-admin", sample, dt.datetime.now(dt.UTC),
                      contributors=contributors)
        with zipfile.ZipFile(sample) as archive:
            members = [(i.filename, archive.read(i)) for i in archive.infolist()]
        sample.unlink()

        def floor(i: int) -> float:
            out = Path(folder) / f"floor-{i}.zip"
            started = time.perf_counter()
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name, data in members:
                    archive.writestr(name, data)
            out.write_bytes(buffer.getvalue())
            with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
                for info in archive.infolist():
                    hashlib.sha256(archive.read(info)).hexdigest()
            elapsed = time.perf_counter() - started
            out.unlink()
            return elapsed

        def app(i: int) -> float:
            out = Path(folder) / f"app-{i}.zip"
            started = time.perf_counter()
            export_bundle(profile, project, "certificate-admin", out, dt.datetime.now(dt.UTC),
                          contributors=contributors)
            read_bundle_file(out)
            elapsed = time.perf_counter() - started
            out.unlink()
            return elapsed

        result = interleaved_pairs(ctx, "bundle", runs, floor, app)
    if result.status != "ok":
        return result
    return replace(result, detail=f"Certificate Admin bundle: {len(members)} members "
                       f"({sum(len(d) for _n, d in members)} bytes) with a ready-made PFX; {runs} interleaved pairs "
                       f"after a warm-up; files in {tempfile.gettempdir()}")
