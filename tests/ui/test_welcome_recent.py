"""Welcome uses its space: each recent project with its next step and nearest expiry, read from the project file
(no keychain); a missing folder says so in its row and stays listed to be forgotten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from tests.pki import SupplierCA
from wizard.app import Services
from wizard.core.model import with_step_status
from wizard.core.settings import Settings, SettingsStore
from wizard.demo import add_demo_tracking, create_demo_project
from wizard.ui.pages.welcome import WelcomePage
from wizard.ui.wizard import OnboardingWizard

from .certificates import import_with_core, issue_for, project_with_keys
from .conftest import FIXED_NOW, MemorySecretStore


def test_each_recent_project_shows_its_next_step_and_nearest_expiry(
        qtbot: QtBot, services: Services, keychain: MemorySecretStore, demo_ca: SupplierCA,
        make_wizard: Callable[[], OnboardingWizard]) -> None:
    profile = services.profile
    soon = project_with_keys(services, keychain, "dip-mtls", folder_name="soon")
    (key,) = soon.project.keys_for("dip-mtls")
    import_with_core(soon, issue_for(demo_ca, services, keychain, key, days_left=20), demo_ca.chain)
    quiet = create_demo_project(services.paths.projects_dir / "quiet", profile, services.clock)
    add_demo_tracking(quiet)  # the domain verified 30 days ago: its expiry is the nearest
    quiet.commit(with_step_status(quiet.project, "step-2", "done", FIXED_NOW.date()))
    missing = services.paths.projects_dir / "gone"
    SettingsStore(services.paths.config_dir).save(Settings(recent_projects=(str(soon.folder), str(missing),
                                                                             str(quiet.folder))))

    window = make_wizard()
    window.show()
    welcome = window.currentPage()
    assert isinstance(welcome, WelcomePage)
    qtbot.waitUntil(lambda: welcome.recent.count() == 3)
    rows = [welcome.recent.item(i).text() for i in range(3)]

    expires = (FIXED_NOW + dt.timedelta(days=20)).date()
    mtls = profile.certificate_kind("dip-mtls").name
    assert rows[0].startswith("Northwind Networks Ltd — UIT")
    assert f"Next: {profile.step('step-2').heading}" in rows[0]
    assert f"Nearest expiry: {mtls} on {expires.day} {expires:%b %Y} (in 20 days)" in rows[0]
    assert "gone" in rows[1]
    assert "cannot be opened" in rows[1]
    assert "Next:" not in rows[1]
    assert f"Next: {profile.step('step-3').heading}" in rows[2]
    assert "Nearest expiry: the verification of northwind-networks.example on " in rows[2]
    # The missing folder stays listed (to be forgotten), the first readable project is chosen.
    assert welcome.recent.currentRow() == 0
    assert not missing.exists()
    # Each row fits: the list is tall enough for its rows, none cut off.
    assert welcome.recent.viewport().height() >= sum(welcome.recent.sizeHintForRow(i) for i in range(3))
    window.close()
