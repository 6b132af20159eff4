"""Every real-world certificate, chain, CSR and PFX file in cryptography_vectors (all of x509/, pkcs7/ and pkcs12/,
not a sample) through `cert inspect` and `cert import` as typed: each is described or refused in plain words —
never an internal error, a traceback, a Python exception or warning class name, or a library warning on the
terminal. (Kept out of the Windows stage's test run: it is a sweep of the parsing, not of Windows paths.)"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import cryptography_vectors
import pytest

from tests.cli.conftest import Outcome, _command, cli, user_home

__all__ = ["cli", "user_home"]  # fixtures (the CLI run in-process; an isolated home for every test)

VECTORS = Path(cryptography_vectors.__file__).parent
FILES = sorted(p for tree in ("x509", "pkcs7", "pkcs12") for p in (VECTORS / tree).rglob("*") if p.is_file())
# What a user must never read: the library's or Python's own words for a failure.
LEAKS = re.compile(r"Traceback|internal error|\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b|UnsupportedAlgorithm|"
                   r"DuplicateExtension|InvalidVersion|ExtensionNotFound|UnsupportedGeneralNameType|ParseError")
EXIT_INTERNAL = 70


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wizard.cli import main

    folder = tmp_path_factory.mktemp("real-world") / "acme"
    assert main(["project", "init", str(folder), "--org", "Acme Energy Ltd", "--company-number", "01234567",
                 "--domain", "acme.example", "--env", "uit"]) == 0
    return folder


def test_the_sweep_covers_every_file() -> None:
    assert len(FILES) > 1800  # x509 1774, pkcs7 10, pkcs12 33 in cryptography_vectors 46


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(VECTORS).as_posix())
def test_real_world_file_is_described_or_refused_in_plain_words(cli: Callable[..., Outcome], project: Path,
                                                               path: Path) -> None:
    for argv in (("cert", "inspect", path), ("cert", "import", project, path)):
        done = cli(*argv)
        said = done.out + done.err
        assert done.code in (0, 1), (argv[1], done.code, said)
        assert LEAKS.search(said) is None, (argv[1], said)
        if done.code == 1:
            assert done.err.startswith("dip-onboarding: "), said
            assert len(done.err.strip().splitlines()) == 1, said


@pytest.mark.parametrize("name", ["x509/belgian-eid-invalid-visiblestring.pem", "x509/custom/bad_country.pem"])
def test_library_warnings_never_reach_the_terminal(name: str, user_home: Path) -> None:
    env = {**os.environ, "DIP_ONBOARDING_HOME": str(user_home)}
    env.pop("PYTHONWARNINGS", None)
    done = subprocess.run([*_command(), "cert", "inspect", str(VECTORS / name)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "Warning" not in done.stdout


def test_a_der_csr_is_described_as_a_pem_one_is(cli: Callable[..., Outcome], tmp_path: Path) -> None:
    pem_csr = VECTORS / "x509" / "requests" / "rsa_sha256.pem"
    der_csr = VECTORS / "x509" / "requests" / "rsa_sha256.der"
    from_pem, from_der = cli("cert", "inspect", pem_csr), cli("cert", "inspect", der_csr)
    assert from_pem.code == from_der.code == 0, (from_pem.err, from_der.err)
    assert from_der.out.replace(der_csr.name, "") == from_pem.out.replace(pem_csr.name, "")
    assert "certificate signing request" in from_der.out
