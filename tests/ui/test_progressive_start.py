"""The progressive start: the window with the real welcome page comes first; the profile, the recent projects and the
vaults load after its first paint (or on first use), and the page fills in without moving."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel, QWidget, QWizard
from pytestqt.qtbot import QtBot

from wizard import APP_NAME
from wizard.app import AppPaths, Services, build_services, default_profile_path
from wizard.core.flow import PageId
from wizard.core.profile import load_profile
from wizard.core.settings import Settings, SettingsStore
from wizard.core.vault import SecretStore, VaultProvider
from wizard.demo import create_demo_project
from wizard.ui.pages.welcome import WelcomePage
from wizard.ui.vault_access import VaultAccess
from wizard.ui.wizard import OnboardingWizard

from .conftest import FIXED_NOW, FakeDialogs


def later_services(home: Path, keychain_factory: Callable[[], SecretStore], profile: Path | None = None) -> Services:
    """Services as the GUI builds them: the profile and the vaults are loaded on first use."""
    paths = AppPaths.under(home)
    vaults = VaultProvider(paths.data_dir / "vault" / "secrets.vault", keychain=keychain_factory)
    return build_services(profile_path=profile, paths=paths, clock=lambda: FIXED_NOW, vaults=vaults,
                          load_later=True)


def with_recent_project(home: Path) -> Path:
    """A project in the recent list that is not reopened at start (the user went back to the welcome page)."""
    folder = home / "data" / "projects" / "northwind"
    create_demo_project(folder, load_profile(default_profile_path()), lambda: FIXED_NOW)
    SettingsStore(AppPaths.under(home).config_dir).save(Settings(recent_projects=(str(folder),)))
    return folder


def shown(qtbot: QtBot, window: OnboardingWizard) -> WelcomePage:
    qtbot.addWidget(window)
    window.show()
    welcome = window.currentPage()
    assert isinstance(welcome, WelcomePage)
    return welcome


def place(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def test_the_first_frame_is_the_welcome_page_and_its_lists_fill_in_after_it(
        qtbot: QtBot, tmp_path: Path, keychain_factory: Callable[[], SecretStore], dialogs: FakeDialogs) -> None:
    home = tmp_path / "home"
    folder = with_recent_project(home)
    services = later_services(home, keychain_factory)
    welcome = shown(qtbot, OnboardingWizard(services, dialogs))
    window = welcome.onboarding()
    # What the first paint shows: the real page with its title, intro and choices; nothing read yet.
    assert window.windowTitle() == f"Welcome — {APP_NAME}"
    assert welcome.title() == "Welcome"
    assert any("Data Integration Platform" in label.text() for label in welcome.findChildren(QLabel))
    assert not welcome.new_choice.isHidden()
    assert not welcome.recent_choice.isHidden()
    assert not services.profile_source.made, "the profile is read after the first frame"
    assert window.findChildren(VaultAccess) == []
    assert welcome.needs.text() == ""
    assert welcome.recent.count() == 0

    qtbot.waitUntil(lambda: welcome.recent.count() == 1)
    assert services.profile_source.made
    first = services.profile.steps[0]
    assert first.title in welcome.needs.text()
    assert all(check.split()[0] in welcome.needs.text() for check in first.preconditions)
    assert welcome.recent.item(0).text().startswith("Northwind Networks Ltd — ")
    assert welcome.recent_choice.isChecked(), "a usable recent project is the default choice"
    assert welcome.focusWidget() is welcome.recent_choice, "focus follows the choice that was made"
    assert window.button(QWizard.WizardButton.NextButton).isEnabled()
    assert window.findChildren(VaultAccess) == [], "the vaults wait until a page needs a key"

    window.next()
    assert window.currentId() == PageId.ORGANISATION
    assert window.session is not None
    assert window.session.folder == folder


def test_nothing_on_the_welcome_page_moves_when_it_fills_in(
        qtbot: QtBot, tmp_path: Path, keychain_factory: Callable[[], SecretStore], dialogs: FakeDialogs) -> None:
    home = tmp_path / "home"
    with_recent_project(home)
    welcome = shown(qtbot, OnboardingWizard(later_services(home, keychain_factory), dialogs))
    window = welcome.onboarding()
    parts = (welcome.new_choice, welcome.recent_choice, welcome.recent, welcome.open_button, welcome.forget_button,
             welcome.needs, welcome.help_label)
    before = [place(w, window) for w in parts]
    size = window.size()
    qtbot.waitUntil(lambda: welcome.recent.count() == 1)
    welcome.layout().activate()
    after = [place(w, window) for w in parts[:-2]]
    assert after == before[:-2], "the choices, the list and the buttons stay where the first frame drew them"
    assert place(welcome.needs, window).topLeft() == before[-2].topLeft(), "the checks fill room below the buttons"
    assert place(welcome.help_label, window) == before[-1]
    assert window.size() == size


def test_a_broken_profile_is_said_on_the_welcome_page_and_nothing_can_start(
        qtbot: QtBot, tmp_path: Path, keychain_factory: Callable[[], SecretStore], dialogs: FakeDialogs) -> None:
    broken = tmp_path / "custom.toml"
    broken.write_text(default_profile_path().read_text().replace("min_count = 2", 'min_count = "two"', 1))
    services = later_services(tmp_path / "home", keychain_factory, broken)  # does not raise: loaded later
    welcome = shown(qtbot, OnboardingWizard(services, dialogs))
    window = welcome.onboarding()
    qtbot.waitUntil(lambda: not welcome.page_error.isHidden())
    message = welcome.page_error.text()
    assert message.startswith("The DIP profile could not be loaded, so no project can be started or opened.")
    assert "custom.toml" in message
    assert "min_count" in message
    assert not window.button(QWizard.WizardButton.NextButton).isEnabled()
    assert not welcome.new_choice.isEnabled()
    assert not welcome.open_button.isEnabled()
    window.next()
    assert window.currentId() == PageId.WELCOME, "nothing goes on without a profile"


def test_next_before_the_first_frame_finds_the_page_filled(
        qtbot: QtBot, tmp_path: Path, keychain_factory: Callable[[], SecretStore], dialogs: FakeDialogs) -> None:
    """Only a script can be that quick, but the page must not act on what it has not read yet."""
    home = tmp_path / "home"
    folder = with_recent_project(home)
    window = OnboardingWizard(later_services(home, keychain_factory), dialogs)
    qtbot.addWidget(window)
    window.restart()
    window.next()
    assert window.currentId() == PageId.ORGANISATION
    assert window.session is not None
    assert window.session.folder == folder, "the recent project was chosen, as the filled page would have"


def test_vault_access_is_made_when_a_page_first_needs_it(
        qtbot: QtBot, tmp_path: Path, keychain_factory: Callable[[], SecretStore], dialogs: FakeDialogs) -> None:
    services = later_services(tmp_path / "home", keychain_factory)
    welcome = shown(qtbot, OnboardingWizard(services, dialogs))
    window = welcome.onboarding()
    qtbot.waitUntil(lambda: services.profile_source.made)
    assert window.findChildren(VaultAccess) == []
    access = welcome.vault_access()
    assert window.findChildren(VaultAccess) == [access]
    assert welcome.vault_access() is access, "one per window"
    assert access.provider is services.vaults


STARTUP_PROBE = """
import sys
import PySide6.QtCore
import wizard.ui.main as main

def report(original=main._report_first_paint):
    loaded = [name for name in ("wizard.core.profile", "wizard.core.store", "wizard.core.model", "wizard.core.vault",
                                "wizard.ui.vault_access", "wizard.ui.widgets", "html.parser", "cryptography",
                                "keyring") if name in sys.modules]
    print("loaded:", ",".join(loaded))
    print("Qt enums built:", "Qt" in vars(PySide6.QtCore))
    sys.stdout.flush()
    original()

main._report_first_paint = report
sys.argv = ["dip-onboarding", "gui", "--exit-after-paint"]
from wizard.__main__ import main as entry
sys.exit(entry())
"""


def test_the_first_frame_is_painted_before_the_profile_projects_vaults_and_qt_enums_are_loaded(
        tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DIP_ONBOARDING_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", STARTUP_PROBE], capture_output=True, text=True, env=env,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "first_paint_ns " in result.stderr
    assert result.stdout.splitlines() == ["loaded: ", "Qt enums built: False"]


_GUI_OPTIONS = ("json", "profile", "project", "demo", "screenshots", "exit_after_paint")


@pytest.mark.parametrize("argv", [
    [], ["gui"], ["gui", "--exit-after-paint"], ["gui", "--demo"], ["gui", "--project", "some/folder"],
    ["gui", "--project=some/folder", "--json"], ["gui", "--dip-profile", "p.toml", "--screenshots", "out", "--demo"],
    ["gui", "--project", "a", "--project", "b"], ["gui", "--proj", "x"],
])
def test_gui_invocations_open_the_window_with_the_options_the_full_cli_reads(argv: list[str]) -> None:
    from wizard.cli import parse
    from wizard.gui_start import gui_arguments

    quick = gui_arguments(argv)
    assert quick is not None, "opened without loading the CLI"
    assert quick.command == "gui"
    full = parse(argv)
    assert {name: getattr(quick, name) for name in _GUI_OPTIONS} == {name: getattr(full, name) for name in _GUI_OPTIONS}


@pytest.mark.parametrize("argv", [
    ["gui", "--project"], ["gui", "--project", "--demo"], ["gui", "--help"], ["gui", "--demo=yes"], ["gui", "extra"],
    ["--help"], ["--version"], ["--self-test"], ["status", "some/folder"],
])
def test_anything_else_is_left_to_the_full_cli(argv: list[str]) -> None:
    from wizard.gui_start import gui_arguments

    assert gui_arguments(argv) is None


def test_ending_at_the_first_frame_drops_the_deferred_work(
        qtbot: QtBot, tmp_path: Path, keychain_factory: Callable[[], SecretStore], dialogs: FakeDialogs) -> None:
    """`gui --exit-after-paint` (the start-up benchmark) stops at the first frame, as the floor does: what the app
    defers to after that frame is not loaded into the measured process."""
    home = tmp_path / "home"
    with_recent_project(home)
    services = later_services(home, keychain_factory)
    window = OnboardingWizard(services, dialogs)
    qtbot.addWidget(window)
    ended: list[bool] = []
    window.end_at_first_frame(lambda: ended.append(window.isVisible()))
    window.show()
    qtbot.waitUntil(lambda: ended == [True])  # `then` ran once, after the first frame was painted
    qtbot.wait(50)
    welcome = window.currentPage()
    assert isinstance(welcome, WelcomePage)
    assert welcome.recent.count() == 0
    assert not services.profile_source.made, "the profile is never read"
    assert ended == [True]
