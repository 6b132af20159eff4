"""Same action, same result: each action run once through the GUI and once through the command line, on twin
projects over the same keychain, and the outcomes compared (what is recorded, the PFX friendly name, the audit
details, the vault a renewal's key goes to, the checks before a brought-in certificate is recorded)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from wizard import cli as cli_module
from wizard.app import Services
from wizard.core.flow import PageId
from wizard.core.session import ProjectSession
from wizard.demo import DemoCA
from wizard.ui.pages.keys import KeysPage
from wizard.ui.pages.packages import PackagesPage
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

from .certificates import import_with_core, issue_for, project_with_keys
from .conftest import FakeDialogs, MemorySecretStore

TIMEOUT_MS = 30_000
PASSWORD = "correct horse battery staple"


@pytest.fixture
def cli(services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> \
        Callable[..., tuple[int, str, str]]:
    """The command line over the same services (keychain, clock, profile) as the window."""
    monkeypatch.setattr(cli_module, "build_services", lambda **_: services)

    def run(*argv: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli_module.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def twins(session: ProjectSession, tmp_path: Path) -> tuple[Path, Path]:
    """Two independent copies of a project: one for the GUI, one for the CLI."""
    gui, cli = tmp_path / "gui", tmp_path / "cli"
    shutil.copytree(session.folder, gui)
    shutil.copytree(session.folder, cli)
    return gui, cli


def open_at(make_wizard: Callable[[], OnboardingWizard], dialogs: FakeDialogs, folder: Path,
            page_id: PageId) -> OnboardingWizard:
    window = make_wizard()
    dialogs.confirm_answers.append(True)  # a copied folder: the user agrees to make it independent
    window.open_project(folder)
    assert "is a copy of the project in" in dialogs.confirmed[-1]
    window.walk_to(page_id)
    window.show()
    return window


def audit_events(folder: Path, event: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in (folder / "audit.jsonl").read_text().splitlines() if line.strip()]
    return [x["details"] for x in lines if x.get("event") == event]


def shape(details: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Audit details with the folder-specific parts (paths) made comparable."""
    return {k: ([Path(p).name for p in v] if k == "files" else v) for k, v in details.items()}


def test_key_generation_records_the_same_key_from_both_sides(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services, keychain: MemorySecretStore,
        dialogs: FakeDialogs, cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    session = project_with_keys(services, keychain)
    gui, line = twins(session, tmp_path)
    window = open_at(make_wizard, dialogs, gui, PageId.KEYS)
    page = window.currentPage()
    assert isinstance(page, KeysPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    page.select_kind("dip-mtls")
    with qtbot.waitSignal(page.key_generated, timeout=TIMEOUT_MS):
        qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)
    code, _out, err = cli("key", "generate", line, "--cert", "dip-mtls")
    assert code == 0, err
    made = [ProjectSession.open(f, services.profile, services.clock).project for f in (gui, line)]
    (a,), (b,) = (p.keys for p in made)
    for record, project in ((a, made[0]), (b, made[1])):
        assert record.entry.startswith(project.identity + "/")  # each under its own project's identity
        assert project.key_intents == ()
    same = ("kind", "algorithm", "vault", "state", "replaces", "csr_exported_at")
    assert [getattr(a, f) for f in same] == [getattr(b, f) for f in same]
    assert [shape(d, gui) for d in audit_events(gui, "key generated")][-1].keys() == \
        [shape(d, line) for d in audit_events(line, "key generated")][-1].keys()
    window.close()


def test_a_pfx_has_the_same_friendly_name_and_audit_details_from_both_sides(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services, keychain: MemorySecretStore,
        dialogs: FakeDialogs, demo_ca: DemoCA, cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    session = project_with_keys(services, keychain, "dip-mtls")
    (key,) = session.project.keys_for("dip-mtls")
    import_with_core(session, issue_for(demo_ca, services, keychain, key), demo_ca.chain)
    gui, line = twins(session, tmp_path)

    window = open_at(make_wizard, dialogs, gui, PageId.PACKAGES)
    page = window.currentPage()
    assert isinstance(page, PackagesPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    page.choose_destination("modern")
    page.password.setText(PASSWORD)
    page.again.setText(PASSWORD)
    gui_pfx = tmp_path / "out" / "dip-mtls.pfx"
    gui_pfx.parent.mkdir()
    dialogs.save_paths.append(gui_pfx)
    with qtbot.waitSignal(page.package_written, timeout=TIMEOUT_MS):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)

    password = tmp_path / "password.txt"
    password.write_text(PASSWORD + "\n")
    cli_pfx = tmp_path / "cli-out" / "dip-mtls.pfx"
    cli_pfx.parent.mkdir()
    code, _out, err = cli("pfx", "export", line, "--cert", "dip-mtls", "--profile", "modern", "--password-file",
                          password, "--out", cli_pfx)
    assert code == 0, err

    names = [pkcs12.load_pkcs12(p.read_bytes(), PASSWORD.encode()).cert for p in (gui_pfx, cli_pfx)]
    assert names[0] is not None
    assert names[1] is not None
    assert names[0].friendly_name == names[1].friendly_name == b"Northwind Networks Ltd DIP mTLS client certificate"
    [gui_audit] = audit_events(gui, "package exported")
    [cli_audit] = audit_events(line, "package exported")
    assert shape(gui_audit, gui) == shape(cli_audit, line)
    assert gui_audit["format"] == "modern"
    assert gui_audit["fingerprint"] == key.fingerprint
    window.close()


def test_renewal_puts_the_new_key_where_the_current_key_is(services: Services, keychain: MemorySecretStore,
                                                           demo_ca: DemoCA, tmp_path: Path) -> None:
    """The rule both sides call (the Renewals page and `renew`): the current key's vault, not a default."""
    from wizard.actions.renewal import renewal_vault_kind

    session = project_with_keys(services, keychain, "dip-mtls")
    (key,) = session.project.keys_for("dip-mtls")
    import_with_core(session, issue_for(demo_ca, services, keychain, key), demo_ca.chain)
    assert renewal_vault_kind(session.project, "dip-mtls") == "keychain"
    from dataclasses import replace

    from wizard.core.model import with_key

    in_file = with_key(session.project, replace(session.project.key(key.id), vault="file"))
    assert renewal_vault_kind(in_file, "dip-mtls") == "file"
    source = Path(__file__).resolve().parents[2] / "wizard"
    for user in ("cli_track.py", "ui/pages/renewal.py"):
        assert "renewal_vault_kind(" in (source / user).read_text(), f"{user} decides the vault itself"


def test_bring_your_own_key_checks_its_certificate_the_same_on_both_sides(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services, keychain: MemorySecretStore,
        dialogs: FakeDialogs, demo_ca: DemoCA, cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    """A PFX whose certificate has expired: both sides store the key and refuse the certificate, for one reason."""
    import datetime as dt

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from wizard.ui.pages.certificates import CertificatesPage
    from wizard.ui.secret_dialogs import FilePasswordDialog

    from .certificates import DOMAIN
    from .conftest import FIXED_NOW

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    expired = demo_ca.issue(key.public_key(), common_name=DOMAIN, dns_names=[DOMAIN],
                            not_before=FIXED_NOW - dt.timedelta(days=400), not_after=FIXED_NOW - dt.timedelta(days=2))
    pfx = tmp_path / "theirs.pfx"
    pfx.write_bytes(pkcs12.serialize_key_and_certificates(
        b"theirs", key, expired, [demo_ca.intermediate], serialization.BestAvailableEncryption(PASSWORD.encode())))
    gui, line = twins(project_with_keys(services, keychain), tmp_path)

    window = open_at(make_wizard, dialogs, gui, PageId.CERTIFICATES)
    page = window.currentPage()
    assert isinstance(page, CertificatesPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    page.select_kind("dip-signing")

    def fill(dialog: FilePasswordDialog) -> None:
        dialog.field.setText(PASSWORD)

    dialogs.open_answers.append([pfx])
    dialogs.file_password_fillers.append(fill)
    with qtbot.waitSignal(page.key_brought, timeout=TIMEOUT_MS):
        qtbot.mouseClick(page.bring_button, Qt.MouseButton.LeftButton)
    gui_said = page.import_result.text()

    password = tmp_path / "password.txt"
    password.write_text(PASSWORD + "\n")
    code, cli_said, err = cli("key", "import", line, pfx, "--cert", "dip-signing", "--password-file", password)
    assert code == 0, err

    reason = f"This certificate expired on {expired.not_valid_after_utc:%d %b %Y}"
    for said in (gui_said, cli_said):
        assert "Stored your own key for the DIP signing certificate" in said
        assert "Its certificate was not imported" in said
        assert reason in said
    for folder in (gui, line):
        project = ProjectSession.open(folder, services.profile, services.clock).project
        [brought] = project.keys_for("dip-signing")
        assert project.certificate_for(brought.id) is None
    window.close()
