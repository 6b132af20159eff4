"""The README says what the code does: how to run the command line from a checkout, the files `csr export`
writes, what --primary means, and how to run the keychain tests locally (issue 17, item 6)."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.core.csr import companion_paths

ROOT = Path(__file__).resolve().parents[1]
README = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def test_the_command_line_from_a_checkout_comes_right_after_the_two_commands() -> None:
    top = README[:README.index("## For project leads")]
    assert "`python3 run.py status DIR`" in top
    assert "`.venv/bin/dip-onboarding status DIR`" in top


def test_the_csr_companion_files_are_named_as_csr_export_names_them() -> None:
    config, commands = companion_paths(Path("x.csr.pem"))
    assert f"x.csr.pem also writes {config.name} and {commands.name} beside it" in README


def test_primary_is_explained_for_a_person_with_several_roles() -> None:
    assert "`--primary` makes the person the primary holder of those of their roles that have one" in README
    assert "their other roles are unchanged" in README


def test_the_keychain_tests_can_be_run_as_ci_runs_them() -> None:
    recipe = re.search(r"Keychain tests on your own machine:.*?`(KR=.*?tests/integration')`", README)
    assert recipe is not None
    for part in ("dbus-run-session", "gnome-keyring-daemon --unlock --components=secrets", "python3 run.py test"):
        assert part in recipe.group(1)
