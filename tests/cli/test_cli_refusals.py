"""Refusals where a user needs them, typed as a user would: a project in a folder that holds other files, a DIP ID
recorded twice, a DIP ID for an MPID the project does not list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Cli = Callable[..., Any]  # the `cli` fixture: returns an outcome with .code, .out and .err
Typed = Callable[..., Any]
INIT = ("--org", "Acme Energy Ltd", "--company-number", "01234567", "--domain", "acme.example", "--env", "uit")


def one_line(err: str) -> str:
    assert err.startswith("dip-onboarding: "), err
    assert err.count("\n") == 1, err
    return err


def test_project_init_refuses_a_folder_that_is_not_empty(typed: Typed, tmp_path: Path) -> None:
    folder = tmp_path / "Documents"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"numbers")
    done = typed("project", "init", folder, *INIT)
    assert done.code == 1
    err = one_line(done.err)
    assert "is not empty" in err
    assert "budget.xlsx" in err
    assert sorted(p.name for p in folder.iterdir()) == ["budget.xlsx"]  # nothing written


def test_project_init_takes_an_empty_folder_and_still_names_an_existing_project(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert cli("project", "init", folder, *INIT).code == 0
    again = cli("project", "init", folder, *INIT)
    assert again.code == 1
    assert "already holds an onboarding project" in one_line(again.err)


def test_a_dip_id_recorded_again_says_it_is_already_recorded(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    assert cli("project", "init", folder, *INIT, "--mpid", "ABCD:LDSO").code == 0
    add = ("dip-id", "add", folder, "--mpid", "ABCD", "--role-code", "LDSO", "--dip-id", "8795183096")
    assert cli(*add).code == 0
    again = cli(*add)
    assert again.code == 1
    assert again.out == ""
    err = one_line(again.err)
    assert "DIP ID 8795183096 is already recorded for ABCD as LDSO" in err
    assert "Recorded" not in err


def test_a_dip_id_for_an_mpid_the_project_does_not_list_warns(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    assert cli("project", "init", folder, *INIT, "--mpid", "ABCD:LDSO", "--mpid", "EFGH:LDSO").code == 0
    done = cli("dip-id", "add", folder, "--mpid", "WXYZ", "--role-code", "LDSO", "--dip-id", "8795183096")
    assert done.code == 0, done.err
    assert done.out.startswith("Recorded DIP ID 8795183096 for WXYZ as LDSO.")
    err = one_line(done.err)
    assert err.startswith("dip-onboarding: warning: WXYZ is not one of this project's MPIDs")
    assert "ABCD, EFGH" in err
    listed = cli("dip-id", "add", folder, "--mpid", "ABCD", "--role-code", "LDSO", "--dip-id", "8795183097")
    assert (listed.code, listed.err) == (0, "")
