"""Only the keys page looks for the keychain as it opens (it says where keys are kept). The certificates, packages
and renewals pages no longer do: the first action there that needs the keychain looks for it, with the page busy,
and goes on when it answers (wizard/ui/vault_access.VaultAccess.with_vault_for)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from wizard.app import Services
from wizard.core.flow import PageId
from wizard.core.memory_keychain import MemoryKeychain
from wizard.core.vault import Vault
from wizard.demo import create_demo_project
from wizard.ui.pages.base import BasePage
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

from .conftest import no_keychain


def _on_page(services: Services, make_wizard: Callable[[], OnboardingWizard], page: PageId) -> \
        tuple[OnboardingWizard, BasePage]:
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(page, lazily=True)  # as when reopened there: the keys page, which looks, is not built
    window.show()
    current = window.currentPage()
    assert isinstance(current, BasePage)
    return window, current


@pytest.mark.parametrize("page_id", [PageId.CERTIFICATES, PageId.PACKAGES, PageId.RENEWAL])
def test_these_pages_open_without_looking_for_the_keychain(
        qtbot: QtBot, services: Services, make_wizard: Callable[[], OnboardingWizard], page_id: PageId) -> None:
    window, _ = _on_page(services, make_wizard, page_id)
    qtbot.wait(20)
    assert pending_count() == 0, "no background job at all"
    assert not window.vault_access.checking
    assert not window.vault_access.looked


def test_an_action_that_needs_the_keychain_looks_for_it_and_goes_on(
        qtbot: QtBot, services: Services, make_wizard: Callable[[], OnboardingWizard],
        keychain: MemoryKeychain) -> None:
    window, page = _on_page(services, make_wizard, PageId.PACKAGES)
    got: list[Vault] = []
    window.vault_access.with_vault_for(page, "keychain", got.append)
    assert page.is_busy()
    assert "Looking for this computer's keychain" in page.busy_indicator.label.text()
    window.vault_access.with_vault_for(page, "keychain", got.append)  # a second action meanwhile waits too
    qtbot.waitUntil(lambda: len(got) == 2)
    assert all(v.store is keychain for v in got)
    assert not page.is_busy()
    window.vault_access.with_vault_for(page, "keychain", got.append)
    assert len(got) == 3, "found once, then at once"
    qtbot.waitUntil(lambda: pending_count() == 0)


@pytest.mark.parametrize("keychain_factory", [no_keychain])
def test_without_a_keychain_the_action_says_why(qtbot: QtBot, services: Services,
                                               make_wizard: Callable[[], OnboardingWizard]) -> None:
    window, page = _on_page(services, make_wizard, PageId.CERTIFICATES)
    got: list[Vault] = []
    window.vault_access.with_vault_for(page, "keychain", got.append)
    qtbot.waitUntil(lambda: not page.is_busy())
    assert got == []
    assert "keychain" in page.page_error.text().lower()
    qtbot.waitUntil(lambda: pending_count() == 0)


def test_the_keys_page_is_drawn_before_its_lookup_starts(qtbot: QtBot, services: Services,
                                                         make_wizard: Callable[[], OnboardingWizard],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The lookup imports keyring on a pool thread, holding the GIL for much of ~65 ms: it starts on the next
    event-loop turn, after the page is painted; meanwhile the page says it is looking (never 'no keychain')."""
    from wizard.core.vault import VaultProvider
    from wizard.ui.pages.keys import KeysPage

    asked: list[bool] = []
    real = VaultProvider.keychain

    def keychain(provider: VaultProvider) -> Vault:
        asked.append(True)
        return real(provider)

    monkeypatch.setattr(VaultProvider, "keychain", keychain)
    window, page = _on_page(services, make_wizard, PageId.KEYS)
    assert isinstance(page, KeysPage)
    assert window.vault_access.checking, "under way as far as the page is concerned"
    assert pending_count() == 1, "and counted as pending (tests and benchmarks wait for it)"
    assert asked == [], "but its job starts on the next turn"
    assert "Looking for this computer's keychain" in page.vault_label.text()
    qtbot.waitUntil(lambda: window.vault_access.looked)
    assert "Private keys are kept in your keychain" in page.vault_label.text()
    qtbot.waitUntil(lambda: pending_count() == 0)


def test_the_page_stays_busy_from_the_lookup_into_the_action(
        qtbot: QtBot, services: Services, make_wizard: Callable[[], OnboardingWizard]) -> None:
    """No gap: the page does not go idle between the lookup and the work the action starts (a flicker for the
    user, and the end of the action for anything watching the page's busy state)."""
    window, page = _on_page(services, make_wizard, PageId.PACKAGES)
    seen: list[bool] = []
    page.busy_changed.connect(seen.append)

    def writes(_vault: Vault) -> None:
        page.set_busy("Saving the package…")

    window.vault_access.with_vault_for(page, "keychain", writes)
    qtbot.waitUntil(lambda: window.vault_access.looked)
    assert seen == [True, True], "busy from the lookup straight into the action's own wait"
    assert "Saving the package" in page.busy_indicator.label.text()
    page.clear_busy()
    quick: list[Vault] = []
    window.vault_access.looked = False
    window.vault_access.keychain = None
    window.vault_access.with_vault_for(page, "keychain", quick.append)
    qtbot.waitUntil(lambda: quick != [])
    assert not page.is_busy(), "an action with no wait of its own leaves the page idle"
    qtbot.waitUntil(lambda: pending_count() == 0)
