"""Opening a project in the window: a copied folder is made independent only when the user agrees, and what the
key lifecycle finished at the open (an interrupted key write rolled back) is told once."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from wizard.app import Services
from wizard.core.errors import WizardError
from wizard.core.lifecycle import begin_key, key_entry
from wizard.core.session import ProjectSession
from wizard.core.store import load_project
from wizard.ui.wizard import OnboardingWizard

from .certificates import project_with_keys
from .conftest import FakeDialogs, MemorySecretStore


def test_a_copied_folder_is_made_independent_only_when_the_user_agrees(
        make_wizard: Callable[[], OnboardingWizard], services: Services, keychain: MemorySecretStore,
        dialogs: FakeDialogs, tmp_path: Path) -> None:
    original = project_with_keys(services, keychain, "dip-mtls")
    (key,) = original.project.keys
    copy = tmp_path / "copy"
    shutil.copytree(original.folder, copy)
    saved = (copy / "project.json").read_bytes()
    entries = dict(keychain.entries)

    dialogs.confirm_answers.append(False)
    with pytest.raises(WizardError, match="was not opened, and nothing was changed"):
        make_wizard().open_project(copy)
    assert f"is a copy of the project in {original.folder.resolve()}" in dialogs.confirmed[-1]
    assert (copy / "project.json").read_bytes() == saved
    assert keychain.entries == entries

    dialogs.confirm_answers.append(True)
    window = make_wizard()
    window.open_project(copy)
    assert dialogs.informed == []  # the user was asked; the same news is not told twice
    assert window.session is not None
    copied = window.session.project
    assert copied.identity != original.project.identity
    (mine,) = copied.keys
    assert mine.vault_entry == key_entry(copied, key.id) != key.vault_entry
    assert set(keychain.entries) > set(entries)  # the original's entries are all still there
    assert load_project(original.folder) == original.project


def test_an_interrupted_key_write_is_rolled_back_at_the_open_and_told(
        make_wizard: Callable[[], OnboardingWizard], services: Services, keychain: MemorySecretStore,
        dialogs: FakeDialogs) -> None:
    session = project_with_keys(services, keychain)
    session.commit(begin_key(session.project, "dip-mtls", "keychain", services.clock(), "k-interrupted"))
    half = key_entry(session.project, "k-interrupted")
    keychain.entries[f"{half}/part-0"] = "half a key"  # what a kill mid-write leaves
    window = make_wizard()
    window.open_project(session.folder)
    [told] = dialogs.informed
    assert "DIP mTLS client certificate was being stored or replaced when the program stopped" in told
    assert not any(e.startswith(half) for e in keychain.entries)
    reopened = ProjectSession.open(session.folder, services.profile, services.clock)
    assert reopened.project.key_intents == ()
    assert reopened.project == replace(session.project, key_intents=(), updated_at=reopened.project.updated_at)
