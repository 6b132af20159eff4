"""OpenSSL reads what the wizard exports: every kind's CSR, for every algorithm the profile accepts, verifies and
names the organisation; and the .cnf with the commands in .openssl.txt, run as the technical colleague would (with
the passphrase given on the command line instead of typed), make a request of exactly the same shape."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from wizard.app import default_profile_path
from wizard.cli import main
from wizard.core import vault as vault_module
from wizard.core.memory_keychain import MemoryKeychain
from wizard.core.profile import load_profile

PROFILE = load_profile(default_profile_path())
COMBOS = [(kind.id, algorithm) for kind in PROFILE.certificate_kinds for algorithm in kind.algorithms]
ACME = "Acme Energy Ltd"
PASSWORD = "interop-test-passphrase"
HEXDUMP = re.compile(r"^\s+([0-9a-f]{2}:)*[0-9a-f]{2}:?$")


@dataclass(frozen=True)
class Export:
    kind: str
    algorithm: str
    csr: Path
    config: Path
    commands: Path


def _cli(*argv: str | Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    assert code == 0, f"{argv[:2]} exited {code}: {err.getvalue()}"
    return out.getvalue()


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Export]:
    """`project init`, `key generate` and `csr export` through the CLI, once per (kind, algorithm, organisation)."""
    keychain = MemoryKeychain()  # the interop tests are about the files, not about where the key lives
    made: dict[tuple[str, str, str], Export] = {}

    def make(kind: str, algorithm: str, org: str = ACME) -> Export:
        if (kind, algorithm, org) not in made:
            root = tmp_path_factory.mktemp(f"{kind}-{algorithm}")
            project, out = root / "project", root / "out" / f"{kind}.csr.pem"
            out.parent.mkdir()
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("DIP_ONBOARDING_HOME", str(root / "home"))
                patch.setattr(vault_module, "os_keychain_backend", lambda: (keychain, "Test Keychain"))
                _cli("project", "init", project, "--org", org, "--company-number", "01234567", "--domain",
                     "acme.example", "--env", "uit")
                _cli("key", "generate", project, "--cert", kind, "--algorithm", algorithm)
                _cli("csr", "export", project, "--cert", kind, "--out", out)
            made[(kind, algorithm, org)] = Export(kind, algorithm, out, out.with_name(f"{kind}.cnf"),
                                                  out.with_name(f"{kind}.openssl.txt"))
        return made[(kind, algorithm, org)]

    return make


def run(openssl: str, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([openssl, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd,
                          stdin=subprocess.DEVNULL, check=False)


def request_shape(openssl: str, csr: Path) -> list[str]:
    """`openssl req -text` without the key and signature bytes: version, subject, key type and size, every
    requested extension, signature algorithm."""
    text = run(openssl, "req", "-in", csr, "-noout", "-text", "-nameopt", "multiline,show_type").stdout
    head = text.split("Signature Value:")[0]
    return [line.rstrip() for line in head.splitlines() if line.strip() and not HEXDUMP.match(line)
            and not line.strip().startswith(("Modulus:", "pub:"))]


def run_commands(openssl: str, exported: Export, workdir: Path) -> Path:
    """Run the .openssl.txt commands in `workdir` beside a copy of the .cnf, non-interactively; return the CSR."""
    shutil.copy(exported.config, workdir / exported.config.name)
    made: list[str] = []
    for line in exported.commands.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        argv: Sequence[str] = shlex.split(line)
        assert argv[0] == "openssl", line
        extra = (["-pass", f"pass:{PASSWORD}"] if argv[1] == "genpkey" else
                 ["-passin", f"pass:{PASSWORD}"] if argv[1] == "req" and "-new" in argv else [])
        done = run(openssl, *argv[1:], *extra, cwd=workdir)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        if "-verify" in argv:
            assert "verify OK" in done.stdout + done.stderr
        made.append(line)
    assert len(made) == 3
    key = workdir / f"{exported.kind}.key.pem"
    assert key.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")  # the passphrase protects it
    return workdir / f"{exported.kind}.csr.pem"


# ---------------------------------------------------------------- the exported CSR


@pytest.mark.parametrize(("kind", "algorithm"), COMBOS)
def test_exported_csr_verifies_and_names_the_organisation(openssl: str, export: Callable[..., Export], kind: str,
                                                          algorithm: str) -> None:
    exported = export(kind, algorithm)
    verified = run(openssl, "req", "-in", exported.csr, "-noout", "-verify")
    assert verified.returncode == 0, verified.stderr
    assert "verify OK" in verified.stdout + verified.stderr
    subject = run(openssl, "req", "-in", exported.csr, "-noout", "-subject", "-nameopt", "RFC2253")
    assert subject.returncode == 0, subject.stderr
    parts = dict(p.split("=", 1) for p in subject.stdout.strip().removeprefix("subject=").split(","))
    expected_cn = f"{ACME} Atlas API" if kind == "atlas-api" else "acme.example"
    assert parts == {"C": "GB", "O": ACME, "CN": expected_cn}
    shape = "\n".join(request_shape(openssl, exported.csr))
    if algorithm.startswith("rsa-"):
        assert f"Public-Key: ({algorithm.removeprefix('rsa-')} bit)" in shape
        assert "Signature Algorithm: sha256WithRSAEncryption" in shape
    else:
        assert "NIST CURVE: P-256" in shape
        assert "Signature Algorithm: ecdsa-with-SHA256" in shape
    assert ("DNS:acme.example" in shape) is (kind != "atlas-api")


# ---------------------------------------------------------------- the colleague's route: .cnf + .openssl.txt


@pytest.mark.parametrize(("kind", "algorithm"), COMBOS)
def test_openssl_commands_reproduce_the_request(openssl: str, export: Callable[..., Export], tmp_path: Path,
                                                kind: str, algorithm: str) -> None:
    exported = export(kind, algorithm)
    theirs = run_commands(openssl, exported, tmp_path)
    assert request_shape(openssl, theirs) == request_shape(openssl, exported.csr)
    ours_csr = x509.load_pem_x509_csr(exported.csr.read_bytes())
    their_csr = x509.load_pem_x509_csr(theirs.read_bytes())
    assert their_csr.subject.public_bytes() == ours_csr.subject.public_bytes()  # same names, same string types
    assert list(their_csr.extensions) == list(ours_csr.extensions)
    assert their_csr.is_signature_valid


@pytest.mark.parametrize("org", [
    'Acme $HOME "Power" #1; \\ Ltd',
    "Acme ${ENV::PATH} Ltd",
    "Énergie Société Ørsted Ltd",
    "Ελληνική Ενέργεια Ltd",
])
def test_special_and_non_ascii_names_survive_the_openssl_config(openssl: str, export: Callable[..., Export],
                                                                tmp_path: Path, org: str) -> None:
    exported = export("atlas-api", "rsa-2048", org)
    theirs = run_commands(openssl, exported, tmp_path)
    ours_csr = x509.load_pem_x509_csr(exported.csr.read_bytes())
    their_csr = x509.load_pem_x509_csr(theirs.read_bytes())
    o = x509.oid.NameOID.ORGANIZATION_NAME
    assert [a.value for a in ours_csr.subject.get_attributes_for_oid(o)] == [org]
    assert their_csr.subject.public_bytes() == ours_csr.subject.public_bytes()
    assert request_shape(openssl, theirs) == request_shape(openssl, exported.csr)


def test_apostrophe_in_the_name_survives_the_openssl_config(openssl: str, export: Callable[..., Export],
                                                            tmp_path: Path) -> None:
    """Was a bug: csr._cnf_value does not escape ', which OpenSSL's config parser takes as a quote: the colleague's
    request for "O'Brien Energy Ltd" names "OBrien Energy Ltd" (and its Atlas CN "OBrien Energy Ltd Atlas API")."""
    exported = export("atlas-api", "rsa-2048", "O'Brien Energy Ltd")
    theirs = run_commands(openssl, exported, tmp_path)
    subject = run(openssl, "req", "-in", theirs, "-noout", "-subject", "-nameopt", "RFC2253").stdout
    assert "O=O'Brien Energy Ltd" in subject, subject
