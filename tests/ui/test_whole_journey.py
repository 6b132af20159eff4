"""A whole journey as a new user makes it, by keyboard alone: from an empty start to an exported PFX.

Nothing here calls core to change the project. Each step is a key press on whatever widget has focus: Tab moves
focus (so every control used is proved reachable), Space presses buttons and ticks boxes, arrows choose rows and
options, and text is typed. Dialogs come through the injectable Dialogs object: the person dialog is the real one,
filled by key presses; file dialogs answer with paths, as a user choosing a file would. The certificate is issued by
a test CA from the CSR file the wizard exported, and the PFX is opened with the passphrase the wizard generated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget, QWizard
from pytestqt.qtbot import QtBot

from tests.pki import SupplierCA
from wizard.app import Services
from wizard.core.flow import PageId
from wizard.ui.pages.certificates import CertificatesPage
from wizard.ui.pages.journey import JourneyPage
from wizard.ui.pages.keys import KeysPage
from wizard.ui.pages.organisation import OrganisationPage
from wizard.ui.pages.packages import PackagesPage
from wizard.ui.pages.people import PeoplePage
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

from .conftest import FIXED_NOW, FakeDialogs, MemorySecretStore, activate

SLOW_MS = 60_000
TAB_LIMIT = 80


class Keyboard:
    """Key presses delivered to the focused widget, as the keyboard would deliver them."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot

    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has keyboard focus"
        return widget

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focused(), key, modifier)

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focused(), text)

    def tab_to(self, target: QWidget) -> None:
        """Press Tab until `target` has focus; fails if it cannot be reached that way."""
        for _ in range(TAB_LIMIT):
            if self.focused() is target:
                return
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reaches {target.accessibleName() or type(target).__name__}")

    def click(self, button: QWidget) -> None:
        """Tab to a button and press it with the space bar."""
        self.tab_to(button)
        self.press(Qt.Key.Key_Space)


def fill_by_keyboard(qtbot: QtBot, name: str, email: str, roles: tuple[str, ...], primary: tuple[str, ...] = (),
                     phone: str = "") -> Callable[[PersonDialog], None]:
    """Fill the real person dialog as a keyboard user would: type into each field, tick boxes with Space."""
    def fill(dialog: PersonDialog) -> None:
        for edit, text in ((dialog.name, name), (dialog.email, email), (dialog.phone, phone)):
            if text:
                qtbot.keyClicks(edit, text)
        for role in roles:
            qtbot.keyClick(dialog.role_boxes[role], Qt.Key.Key_Space)
        for role in primary:
            qtbot.keyClick(dialog.primary_boxes[role], Qt.Key.Key_Space)
    return fill


def test_a_new_user_goes_from_an_empty_start_to_an_exported_pfx_by_keyboard_alone(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], dialogs: FakeDialogs, services: Services,
        keychain: MemorySecretStore, demo_ca: SupplierCA, tmp_path: Path) -> None:
    walk_to_an_exported_pfx(qtbot, make_wizard(), dialogs, demo_ca, tmp_path)
    assert keychain.entries, "the key went to the keychain"


def walk_to_an_exported_pfx(qtbot: QtBot, window: OnboardingWizard, dialogs: FakeDialogs, demo_ca: SupplierCA,
                            out: Path) -> str:
    """The whole journey by keyboard, writing the CSR, the supplier's certificate and the PFX into `out`;
    returns the generated PFX passphrase. Also run against the real keychain (tests/integration)."""
    activate(qtbot, window)
    keys = Keyboard(qtbot)

    def next_page() -> None:
        # The keys page is a commit page: its forward button is the Commit button, labelled "Next" too.
        buttons = (window.button(QWizard.WizardButton.NextButton), window.button(QWizard.WizardButton.CommitButton))
        (forward,) = [b for b in buttons if b.isVisible()]
        assert forward.text().replace("&", "") == "Next"
        keys.click(forward)

    # Welcome: with no projects yet, "start a new project" is chosen; Enter takes the default button, Next.
    assert window.currentId() == PageId.WELCOME
    keys.press(Qt.Key.Key_Return)

    # Organisation: focus starts in the first field.
    org = window.currentPage()
    assert isinstance(org, OrganisationPage)
    assert keys.focused() is org.name
    keys.type("Acme Energy Ltd")
    keys.tab_to(org.company_number)
    keys.type("1234567")
    keys.tab_to(org.domain)
    keys.type("acme-energy.example")
    next_page()

    # People: two people added through the real dialog.
    people = window.currentPage()
    assert isinstance(people, PeoplePage)
    assert window.session is not None
    dialogs.person_fillers += [
        fill_by_keyboard(qtbot, "Ann Lee", "ann@acme-energy.example", ("primary-user-admin",)),
        fill_by_keyboard(qtbot, "Cat Jones", "cat@acme-energy.example", ("certificate-admin", "message-admin"),
                         primary=("certificate-admin",), phone="+44 20 7946 0000"),
    ]
    keys.click(people.add_button)
    keys.click(people.add_button)
    assert people.table.rowCount() == 2
    assert [p.name for p in window.session.project.people] == ["Ann Lee", "Cat Jones"]
    assert "certificate-admin" in window.session.project.people[1].roles
    next_page()

    # Journey: the plan names who does the next step; the first step is marked done from the keyboard.
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)
    assert "Ann Lee" in journey.next_label.text()
    assert keys.focused() is journey.table
    keys.press(Qt.Key.Key_Home)
    keys.tab_to(journey.status)
    keys.press(Qt.Key.Key_End)
    assert window.session.project.step_progress("prerequisites").status == "done"
    next_page()

    # Keys and CSRs: arrow down to the mTLS certificate, make its key, export its CSR.
    page = window.currentPage()
    assert isinstance(page, KeysPage)
    qtbot.waitUntil(page.make_button.isEnabled)  # the keychain was found in the background
    assert keys.focused() is page.table
    keys.press(Qt.Key.Key_Home)
    while page.selected_kind().id != "dip-mtls":
        before = page.selected_kind().id
        keys.press(Qt.Key.Key_Down)
        assert page.selected_kind().id != before, "arrow keys move through the certificates"
    with qtbot.waitSignal(page.key_generated, timeout=SLOW_MS):
        keys.click(page.make_button)
    qtbot.waitUntil(lambda: not page.is_busy() and pending_count() == 0, timeout=SLOW_MS)
    csr_file = out / "dip-mtls.csr.pem"
    dialogs.save_paths.append(csr_file)
    with qtbot.waitSignal(page.csr_exported, timeout=SLOW_MS):
        keys.click(page.export_button)
    qtbot.waitUntil(lambda: not page.is_busy())

    # The certificate supplier issues a certificate for the CSR the user sent.
    csr = x509.load_pem_x509_csr(csr_file.read_bytes())
    assert csr.is_signature_valid
    issued = demo_ca.issue(csr.public_key(), common_name="acme-energy.example",  # type: ignore[arg-type]
                           organisation="Acme Energy Ltd", dns_names=["acme-energy.example"],
                           not_before=FIXED_NOW - dt.timedelta(days=1),
                           not_after=FIXED_NOW + dt.timedelta(days=365))
    delivered = out / "from-supplier.pem"
    delivered.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (issued, *demo_ca.chain)))
    next_page()

    # Certificates: choose the supplier's file; it is matched to the key and checked.
    certificates = window.currentPage()
    assert isinstance(certificates, CertificatesPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    dialogs.open_answers.append([delivered])
    with qtbot.waitSignal(certificates.certificate_imported, timeout=SLOW_MS) as imported:
        keys.click(certificates.choose_button)
    assert imported.args == ["dip-mtls"]
    qtbot.waitUntil(lambda: not certificates.is_busy())
    next_page()

    # Packages: destination, certificate, a generated passphrase, save.
    packages = window.currentPage()
    assert isinstance(packages, PackagesPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    assert keys.focused() is packages.destination_buttons["dip-portal"]  # the profile's first destination
    keys.press(Qt.Key.Key_Space)
    assert packages.destination() is not None
    assert packages.kind.currentData() == "dip-mtls"
    keys.click(packages.generate_button)
    passphrase = packages.password.text()
    assert len(passphrase) >= 20
    pfx_file = out / "acme-mtls.pfx"
    dialogs.save_paths.append(pfx_file)
    with qtbot.waitSignal(packages.package_written, timeout=SLOW_MS):
        keys.click(packages.save_button)
    qtbot.waitUntil(lambda: not packages.is_busy() and pending_count() == 0)

    # The PFX opens with the generated passphrase and holds the issued certificate, its chain and its key.
    bundle = pkcs12.load_pkcs12(pfx_file.read_bytes(), passphrase.encode())
    assert bundle.cert is not None
    assert bundle.cert.certificate == issued
    assert bundle.key is not None
    assert bundle.key.public_key().public_numbers() == issued.public_key().public_numbers()  # type: ignore[union-attr]
    assert len(bundle.additional_certs) == len(demo_ca.chain)
    assert window.session.project.current_certificate("dip-mtls") is not None
    return passphrase
