"""Render every page of the demo journey to PNG files, for the README and for people to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QWidget

from wizard.actions.certificates import commit_certificate, examine
from wizard.actions.keys import generate_key, record_csr_exported
from wizard.app import Services
from wizard.core.certfiles import CertificateFile
from wizard.core.csr import build_csr, csr_pem
from wizard.core.flow import PageId
from wizard.core.keys import load_private_key
from wizard.core.model import Person, Project
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.demo import (
    add_demo_tracking,
    create_demo_project,
    issue_demo_certificate,
    make_demo_ca,
    with_demo_keychain,
)
from wizard.ui.dialogs import Dialogs
from wizard.ui.pages.audit import AuditPage
from wizard.ui.pages.certificates import CertificatesPage
from wizard.ui.pages.keys import KeysPage
from wizard.ui.pages.packages import PackagesPage
from wizard.ui.pages.renewal import RenewalPage
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.tones import dark_palette
from wizard.ui.wizard import OnboardingWizard


class _NoDialogs(Dialogs):
    """Screenshots run unattended: no dialog may wait for a click."""

    def edit_person(self, parent: QWidget, profile: Profile, project: Project, person: Person | None) -> None:
        return None


def _grab(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def _demo_keys(services: Services, session: ProjectSession) -> None:
    """The Atlas API key with its CSR exported, and the mTLS key just made (keys go to the demo keychain)."""
    vault = services.vaults.keychain()
    for kind_id in ("atlas-api", "dip-mtls"):
        kind = services.profile.certificate_kind(kind_id)
        record = generate_key(session, kind, kind.default_algorithm, vault, replace_key=False).record
        if kind_id == "atlas-api":
            pem = csr_pem(build_csr(kind, session.project.organisation, load_private_key(vault, record)))
            record_csr_exported(session, record, pem)


def _demo_certificates(services: Services, session: ProjectSession) -> None:
    """Certificates from a test CA made in code: the Atlas API one good for a year, the mTLS one due for renewal."""
    vault = services.vaults.keychain()
    now = services.clock()
    ca = make_demo_ca(now - dt.timedelta(days=400))
    organisation = session.project.organisation
    for kind_id, days_left in (("atlas-api", 330), ("dip-mtls", 21)):
        record = session.project.keys_for(kind_id)[0]
        name = (f"{organisation.name} Atlas API" if kind_id == "atlas-api" else organisation.domain)
        cert = issue_demo_certificate(ca, load_private_key(vault, record).public_key(), common_name=name,
                                      organisation=organisation.name, dns_names=[organisation.domain],
                                      not_before=now - dt.timedelta(days=365 - days_left),
                                      not_after=now + dt.timedelta(days=days_left, hours=1))
        found = CertificateFile((cert, *ca.chain), "PKCS#7 (DER)")
        commit_certificate(session, examine(session.project, services.profile, found, now))


def _settle() -> None:
    """Let background work (the keychain lookup) finish and its results reach the page."""
    QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()


def take_screenshots(services: Services, out_dir: Path) -> list[Path]:
    """Welcome, organisation, people (and the person dialog), journey, keys, certificates, packages, domain, DIP IDs,
    renewal, promotion and audit, in journey order; then the help window, a handoff bundle as its recipient sees it,
    and the journey in dark mode: one PNG each.

    Keys are made in an in-memory demo keychain, never the real one.
    """
    services = with_demo_keychain(services)
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = services.paths.projects_dir / "northwind-networks-uit"
    session = create_demo_project(folder, services.profile, services.clock)
    window = OnboardingWizard(services, _NoDialogs())
    window.resize(1040, 760)
    window.open_project(folder)  # also lists it under recent projects on the welcome page
    window.show()
    written = [_grab(window, out_dir / "01-welcome.png")]
    for page, name in ((PageId.ORGANISATION, "02-organisation"), (PageId.PEOPLE, "03-people"),
                       (PageId.JOURNEY, "05-journey")):
        window.walk_to(page)
        _settle()  # the journey's first plan loads the bank holiday calendars on a worker
        written.append(_grab(window, out_dir / f"{name}.png"))
        if page == PageId.PEOPLE:
            dialog = PersonDialog(window, services.profile, session.project, session.project.people[1])
            dialog.show()
            written.append(_grab(dialog, out_dir / "04-person.png"))
            dialog.close()
    assert window.session is not None
    _demo_keys(services, window.session)
    window.walk_to(PageId.KEYS)
    _settle()
    keys = window.currentPage()
    assert isinstance(keys, KeysPage)
    keys.select_kind("dip-mtls")
    written.append(_grab(window, out_dir / "06-keys.png"))
    _demo_certificates(services, window.session)
    window.walk_to(PageId.CERTIFICATES)
    _settle()
    certificates = window.currentPage()
    assert isinstance(certificates, CertificatesPage)
    certificates.select_kind("dip-mtls")
    written.append(_grab(window, out_dir / "07-certificates.png"))
    window.walk_to(PageId.PACKAGES)
    _settle()
    packages = window.currentPage()
    assert isinstance(packages, PackagesPage)
    packages.choose_destination("windows-recent")
    packages.choose_kind("dip-mtls")
    packages.generate_button.click()
    written.append(_grab(window, out_dir / "08-packages.png"))
    add_demo_tracking(window.session)  # DIP IDs, channels and the TXT value, saved (and audited) as a user would
    for page_id, name in ((PageId.DOMAIN, "09-domain"), (PageId.DIP_IDS, "10-dip-ids"),
                          (PageId.RENEWAL, "11-renewal"), (PageId.PROMOTION, "12-promotion"),
                          (PageId.AUDIT, "13-audit")):
        window.walk_to(page_id)
        _settle()
        shown = window.currentPage()
        if isinstance(shown, RenewalPage):
            shown.select_kind("dip-mtls")
        if isinstance(shown, AuditPage):
            shown.check()
        written.append(_grab(window, out_dir / f"{name}.png"))
    help_window = window.show_help("guide.html#keys")
    written.append(_grab(help_window, out_dir / "14-help.png"))
    help_window.close()
    written.append(_bundle(services, window.session, out_dir / "15-bundle.png"))
    window.close()
    written.append(_dark_journey(services, folder, out_dir / "16-journey-dark.png"))
    return sorted(written)


def _bundle(services: Services, session: ProjectSession, path: Path) -> Path:
    """A DNS admin's handoff bundle as its recipient opens it: fingerprint, files and instructions."""
    from wizard.core.bundle_export import export_bundle
    from wizard.core.bundle_read import read_bundle_file
    from wizard.ui.bundle_dialog import BundleDialog

    out = services.paths.data_dir / "northwind-dns-admin.dipbundle"
    export_bundle(services.profile, session.project, "dns-admin", out, services.clock(), overwrite=True)
    dialog = BundleDialog(None, read_bundle_file(out), out.name)
    dialog.resize(900, 700)
    dialog.show()
    try:
        return _grab(dialog, path)
    finally:
        dialog.close()


def _dark_journey(services: Services, folder: Path, path: Path) -> Path:
    """The journey plan as it looks when the wizard starts on a computer in dark mode."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    app.setPalette(dark_palette())
    window = OnboardingWizard(services, _NoDialogs())
    try:
        window.resize(1040, 760)
        window.open_project(folder)
        window.show()
        window.walk_to(PageId.JOURNEY)
        _settle()
        return _grab(window, path)
    finally:
        window.close()
        app.setPalette(before)
