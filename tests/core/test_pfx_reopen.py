"""Re-opening a written PFX in a child process gives the same facts as re-opening it here, takes its password on
stdin only, and a wrong password or damaged file fails the check just the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.core.bundles import certified_project, key_for
from wizard.core import pfx_reopen
from wizard.core.bundle_export import PfxRequest
from wizard.core.packaging import PackageError, export_pfx, pfx_bytes, pfx_profile
from wizard.core.pfx_reopen import child_command, reopen_elsewhere, reopen_here
from wizard.core.profile import Profile

PASSWORD = "correct horse battery staple 42"


def written_pfx(profile: Profile) -> tuple[bytes, Any]:
    from cryptography import x509

    project = certified_project(profile)
    held = project.current_certificate("dip-mtls")
    assert held is not None
    cert = x509.load_pem_x509_certificate(held[1].pem.encode())
    chain = tuple(x509.load_pem_x509_certificates(held[1].chain_pem.encode()))
    return pfx_bytes(key_for("dip-mtls"), cert, chain, pfx_profile("modern"), PASSWORD, "Acme mTLS"), (cert, chain)


def test_the_child_reports_what_this_process_reads(profile: Profile) -> None:
    data, _ = written_pfx(profile)
    here, there = reopen_here(data, PASSWORD), reopen_elsewhere(data, PASSWORD)
    assert there == here
    assert here.key_fingerprint is not None
    assert len(here.chain_der) == 2, "intermediate and root"
    assert "PRIVATE" not in repr(there)


def test_a_wrong_password_fails_in_the_child_too(profile: Profile) -> None:
    data, _ = written_pfx(profile)
    with pytest.raises(ValueError, match="did not open"):
        reopen_elsewhere(data, "not the password at all")
    with pytest.raises(ValueError, match=r"Invalid password|Could not deserialize"):
        reopen_here(data, "not the password at all")


def test_export_checked_in_a_child_writes_a_pfx_that_opens(profile: Profile, tmp_path: Path) -> None:
    _, (cert, chain) = written_pfx(profile)
    out = tmp_path / "mtls.pfx"
    export_pfx(out, key_for("dip-mtls"), cert, chain, pfx_profile("modern"), PASSWORD, "Acme", reopen=reopen_elsewhere)
    assert pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode()).key is not None


def test_a_check_that_disagrees_writes_nothing(profile: Profile, tmp_path: Path) -> None:
    _, (cert, chain) = written_pfx(profile)
    out = tmp_path / "mtls.pfx"

    def lying(data: bytes, password: str) -> pfx_reopen.Reopened:
        found = reopen_here(data, password)
        return pfx_reopen.Reopened("0" * 64, found.certificate_der, found.chain_der)

    with pytest.raises(PackageError, match="did not check out"):
        export_pfx(out, key_for("dip-mtls"), cert, chain, pfx_profile("modern"), PASSWORD, "Acme", reopen=lying)
    assert not out.exists()
    assert PfxRequest("dip-mtls", key_for("dip-mtls")).reopen is reopen_here, "the CLI checks in its own process"


def test_the_password_goes_to_the_child_on_stdin_never_argv(profile: Profile,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[list[str], str]] = []
    real_run = subprocess.run

    def spy(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append((list(command), kwargs.get("input", "")))
        return real_run(command, **kwargs)

    monkeypatch.setattr(pfx_reopen.subprocess, "run", spy)
    data, _ = written_pfx(profile)
    reopen_elsewhere(data, PASSWORD)
    ((command, stdin),) = seen
    assert command == [sys.executable, "-m", "wizard", "--reopen-pfx"]
    assert not any(PASSWORD in part for part in command)
    assert PASSWORD in stdin


def test_a_frozen_app_starts_itself_or_its_console_twin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    app = tmp_path / "dip-onboarding"
    monkeypatch.setattr(sys, "executable", str(app))
    assert child_command() == [str(app), "--reopen-pfx"]
    windowed, console = tmp_path / "dip-onboarding-gui.exe", tmp_path / "dip-onboarding.exe"
    monkeypatch.setattr(sys, "executable", str(windowed))
    assert child_command() == [str(windowed), "--reopen-pfx"], "no console twin: itself"
    console.write_bytes(b"")
    assert child_command() == [str(console), "--reopen-pfx"], "the windowed exe has no streams to answer on"
