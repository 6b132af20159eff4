"""`person edit`, `person remove` and `step set`, typed as a user would: what the GUI's People and Journey pages
record, from a terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Cli = Callable[..., Any]  # the `cli` fixture: returns an outcome with .code, .out and .err


def one_line(err: str) -> str:
    assert err.startswith("dip-onboarding: "), err
    assert err.count("\n") == 1, err
    return err


def people(cli: Cli, folder: Path) -> dict[str, dict[str, Any]]:
    done = cli("status", folder, "--json")
    assert done.code == 0, done.err
    return {p["name"]: p for p in json.loads(done.out)["people"]}


def step(cli: Cli, folder: Path, step_id: str) -> dict[str, Any]:
    done = cli("status", folder, "--json")
    assert done.code == 0, done.err
    return next(s for s in json.loads(done.out)["journey"] if s["id"] == step_id)


# ---------------------------------------------------------------- person edit


def test_person_edit_changes_only_what_is_given(cli: Cli, staffed_project: Path) -> None:
    before = people(cli, staffed_project)["Cal Cert"]
    done = cli("person", "edit", staffed_project, "--name", "Cal Cert", "--phone", "+44 20 7946 0002")
    assert done.code == 0, done.err
    assert done.out.startswith("Changed Cal Cert")
    after = people(cli, staffed_project)["Cal Cert"]
    assert after["phone"].replace(" ", "") == "+442079460002"
    assert {k: v for k, v in after.items() if k != "phone"} == {k: v for k, v in before.items() if k != "phone"}


def test_person_edit_renames_and_replaces_roles(cli: Cli, staffed_project: Path) -> None:
    done = cli("person", "edit", staffed_project, "--name", "dan dns", "--new-name", "Dana Dns",
               "--email", "dana@acme.example", "--role", "dns-admin", "--role", "technical-lead")
    assert done.code == 0, done.err
    team = people(cli, staffed_project)
    assert "Dan Dns" not in team
    assert team["Dana Dns"]["email"] == "dana@acme.example"
    assert team["Dana Dns"]["roles"] == ["dns-admin", "technical-lead"]


def test_person_edit_primary_makes_the_primary_holder(cli: Cli, staffed_project: Path) -> None:
    done = cli("person", "edit", staffed_project, "--name", "Cara Cert", "--no-primary")
    assert done.code == 0, done.err
    assert people(cli, staffed_project)["Cara Cert"]["primary_roles"] == []
    done = cli("person", "edit", staffed_project, "--name", "Cal Cert", "--phone", "+44 20 7946 0002", "--primary")
    assert done.code == 0, done.err
    assert people(cli, staffed_project)["Cal Cert"]["primary_roles"] == ["certificate-admin"]


def test_person_edit_refuses_what_person_add_refuses(cli: Cli, staffed_project: Path) -> None:
    done = cli("person", "edit", staffed_project, "--name", "Cal Cert", "--email", "cara@acme.example")
    assert done.code == 1
    assert one_line(done.err).startswith("dip-onboarding: --email: Cara Cert already uses cara@acme.example")


def test_person_edit_unknown_name_lists_the_people(cli: Cli, staffed_project: Path) -> None:
    done = cli("person", "edit", staffed_project, "--name", "Nobody Here", "--phone", "+44 20 7946 0003")
    assert done.code == 1
    err = one_line(done.err)
    assert 'No person called "Nobody Here"' in err
    assert "Pat Primary, Cara Cert, Cal Cert, Uma User, Dan Dns" in err


# ---------------------------------------------------------------- person remove


def test_person_remove_says_who_was_removed(cli: Cli, staffed_project: Path) -> None:
    done = cli("person", "remove", staffed_project, "--name", "Uma User")
    assert done.code == 0, done.err
    assert done.out.startswith("Removed Uma User (User Admin).")
    assert "Uma User" not in people(cli, staffed_project)


def test_person_remove_unknown_name_is_refused(cli: Cli, staffed_project: Path) -> None:
    done = cli("person", "remove", staffed_project, "--name", "Uma")
    assert done.code == 1
    err = one_line(done.err)
    assert 'No person called "Uma"' in err
    assert "Uma User" in err
    assert len(people(cli, staffed_project)) == 5


# ---------------------------------------------------------------- step set


def test_step_set_records_progress_as_the_journey_page_does(cli: Cli, uit_project: Path) -> None:
    done = cli("step", "set", uit_project, "--step", "prerequisites", "--status", "in-progress",
               "--date", "2020-03-02")
    assert done.code == 0, done.err
    assert "Before you start" in done.out
    assert (step(cli, uit_project, "prerequisites")["status"],
            step(cli, uit_project, "prerequisites")["started_on"]) == ("in-progress", "2020-03-02")
    done = cli("step", "set", uit_project, "--step", "prerequisites", "--status", "done", "--date", "2020-03-04")
    assert done.code == 0, done.err
    got = step(cli, uit_project, "prerequisites")
    assert (got["status"], got["started_on"], got["done_on"]) == ("done", "2020-03-02", "2020-03-04")
    assert step(cli, uit_project, "step-1")["next"]


def test_step_set_unknown_step_lists_the_valid_ones(cli: Cli, uit_project: Path) -> None:
    done = cli("step", "set", uit_project, "--step", "step-99", "--status", "done")
    assert done.code == 1
    err = one_line(done.err)
    assert "step-99" in err
    assert "prerequisites, step-1, step-2" in err


def test_step_set_refuses_a_bad_status_or_date(cli: Cli, uit_project: Path) -> None:
    done = cli("step", "set", uit_project, "--step", "step-1", "--status", "finished")
    assert done.code == 2
    assert "--status" in done.err
    assert done.err.count("\n") == 1
    done = cli("step", "set", uit_project, "--step", "step-1", "--status", "done", "--date", "02/03/2020")
    assert done.code == 1
    assert one_line(done.err).startswith("dip-onboarding: --date: ")
    assert step(cli, uit_project, "step-1")["status"] == "not-started"
