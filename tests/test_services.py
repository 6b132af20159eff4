"""The composition root: the CLI loads and checks the profile up front; the GUI may leave it to its first use."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.app import AppPaths, OnFirstUse, build_services, default_profile_path
from wizard.core.errors import ProfileError


def broken_profile(tmp_path: Path) -> Path:
    broken = tmp_path / "custom.toml"
    broken.write_text(default_profile_path().read_text().replace("min_count = 2", 'min_count = "two"', 1))
    return broken


def test_a_broken_profile_is_refused_up_front_by_default(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"custom\.toml"):
        build_services(profile_path=broken_profile(tmp_path), paths=AppPaths.under(tmp_path / "home"))


def test_loaded_later_a_broken_profile_is_refused_on_first_use_and_every_use_after(tmp_path: Path) -> None:
    services = build_services(profile_path=broken_profile(tmp_path), paths=AppPaths.under(tmp_path / "home"),
                              load_later=True)
    assert not services.profile_source.made
    for _ in range(2):
        with pytest.raises(ProfileError, match=r"custom\.toml"):
            _ = services.profile
    assert not services.profile_source.made


def test_loaded_later_the_profile_and_vaults_are_made_once_when_first_asked_for(tmp_path: Path) -> None:
    services = build_services(paths=AppPaths.under(tmp_path / "home"), load_later=True)
    assert not services.profile_source.made
    assert not services.vault_source.made
    profile = services.profile
    assert services.profile_source.made
    assert services.profile is profile
    assert profile.steps, "the real profile"
    vaults = services.vaults
    assert services.vaults is vaults
    assert vaults.file_path == tmp_path / "home" / "data" / "vault" / "secrets.vault"


def test_on_first_use_tries_again_after_a_failure() -> None:
    attempts: list[int] = []

    def make() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("not yet")
        return "made"

    value = OnFirstUse(make)
    with pytest.raises(OSError, match="not yet"):
        value.get()
    assert value.get() == "made"
    assert value.get() == "made"
    assert len(attempts) == 2
    assert OnFirstUse.ready(None).made
