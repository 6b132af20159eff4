"""The CLI contract, in-process: exit codes, one-line errors naming the option, text and JSON output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wizard import __version__
from wizard.app import default_profile_path

Cli = Callable[..., Any]  # the `cli` fixture: returns an outcome with .code, .out and .err
Team = tuple[tuple[str, ...], ...]
ROLE_IDS = ("primary-user-admin", "user-admin", "certificate-admin", "message-admin", "dns-admin", "technical-lead")


def one_line(err: str) -> str:
    """The error contract: exactly one line on stderr, starting with the program name."""
    assert err.endswith("\n"), err
    assert err.count("\n") == 1, err
    assert err.startswith("dip-onboarding")
    return err


def status_json(cli: Cli, folder: Path) -> dict[str, Any]:
    done = cli("status", folder, "--json")
    assert done.code == 0, done.err
    data: dict[str, Any] = json.loads(done.out)
    return data


def init_args(folder: Path, **override: str) -> list[str]:
    options = {"--org": "Acme Energy Ltd", "--company-number": "01234567", "--domain": "acme.example",
               "--env": "uit", **override}
    return ["project", "init", str(folder), *(x for pair in options.items() for x in pair)]


# ---------------------------------------------------------------- version and usage


def test_version(cli: Cli) -> None:
    done = cli("--version")
    assert (done.code, done.out, done.err) == (0, f"dip-onboarding {__version__}\n", "")


@pytest.mark.parametrize(("argv", "mentions"), [
    (["project", "init", "DIR", "--org", "A", "--company-number", "1", "--domain", "a.example"], "--env"),
    (["project", "init", "--org", "A"], "required"),
    (["project"], "ACTION"),
    (["person", "add", "DIR", "--name", "Jane", "--email", "j@a.example"], "--role"),
    (["roles", "check"], "DIR"),
    (["status"], "DIR"),
    (["frobnicate"], "invalid choice"),
    (["status", "DIR", "--colour"], "--colour"),
])
def test_usage_errors_exit_2_with_one_line(cli: Cli, argv: list[str], mentions: str) -> None:
    done = cli(*argv)
    assert done.code == 2
    assert mentions in one_line(done.err)
    assert "--help" in done.err
    assert done.out == ""


# ---------------------------------------------------------------- project init


def test_project_init(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "new" / "acme"
    done = cli(*init_args(folder, **{"--domain": "Acme.Example.", "--company-number": "1234"}),
               "--mpid", "abcd:ldso,umso", "--mpid", "WXYZ", "--description", "We supply power", "--dcp")
    assert done.code == 0, done.err
    assert done.out == (f"Created the UIT (User Integration Testing) onboarding project for Acme Energy Ltd "
                        f"in {folder}.\n")
    assert done.err == ""
    assert (folder / "project.json").is_file()
    data = status_json(cli, folder)
    assert data["organisation"] == {"name": "Acme Energy Ltd", "company_number": "00001234", "domain": "acme.example",
                                    "description": "We supply power", "is_dcp": True}
    assert data["environment"]["id"] == "uit"
    assert data["mpids"] == [{"mpid": "ABCD", "role_codes": ["LDSO", "UMSO"]}, {"mpid": "WXYZ", "role_codes": []}]


@pytest.mark.parametrize("env", ["production", "PRODUCTION", " Production "])
def test_project_init_env_is_case_insensitive(cli: Cli, tmp_path: Path, env: str) -> None:
    folder = tmp_path / "acme"
    done = cli(*init_args(folder, **{"--env": env}))
    assert done.code == 0, done.err
    assert done.out.startswith("Created the Production onboarding project")
    assert status_json(cli, folder)["environment"] == {"id": "production", "name": "Production"}


def test_project_init_json(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    done = cli(*init_args(folder), "--json")
    assert done.code == 0
    data = json.loads(done.out)
    assert data["created"] == str(folder)
    assert data["environment"] == "uit"
    assert data["organisation"]["domain"] == "acme.example"


def test_project_init_into_existing_project(cli: Cli, uit_project: Path) -> None:
    before = (uit_project / "project.json").read_bytes()
    done = cli(*init_args(uit_project, **{"--org": "Other Ltd"}))
    assert done.code == 1
    assert "already holds an onboarding project" in one_line(done.err)
    assert (uit_project / "project.json").read_bytes() == before


@pytest.mark.parametrize(("option", "value", "hint"), [
    ("--domain", "https://acme.example", "without https://"),
    ("--domain", "acme", "is not a valid domain name"),
    ("--company-number", "12345678X", "is not a Companies House number"),
    ("--org", "   ", "Enter the registered company name"),
    ("--mpid", "AB-CD:LDSO", "is not an MPID"),
    ("--mpid", "ABCD:L", "is not a role code"),
])
def test_project_init_bad_input_names_the_option(cli: Cli, tmp_path: Path, option: str, value: str,
                                                 hint: str) -> None:
    folder = tmp_path / "acme"
    done = cli(*init_args(folder, **{option: value}))
    assert done.code == 1
    err = one_line(done.err)
    assert option in err
    assert hint in err
    assert not (folder / "project.json").exists()


def test_project_init_unknown_env_names_the_option(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    done = cli(*init_args(folder, **{"--env": "staging"}))
    assert done.code == 1
    err = one_line(done.err)
    assert "uit, production" in err
    assert "--env" in err, f"the error does not say which option was wrong: {err!r}"
    assert not folder.exists()


# ---------------------------------------------------------------- person add


def test_person_add_with_several_roles_and_primary(cli: Cli, uit_project: Path) -> None:
    done = cli("person", "add", uit_project, "--name", " Cara  Cert ", "--email", "Cara@ACME.example",
               "--phone", "+44 20 7946 0001", "--role", "certificate-admin", "--role", "Message-Admin", "--primary",
               "--job-title", "Head of IT")
    assert done.code == 0, done.err
    assert done.out == "Added Cara Cert (Primary Certificate Admin, Message Admin).\n"
    [cara] = status_json(cli, uit_project)["people"]
    assert {k: cara[k] for k in ("name", "email", "phone", "job_title", "roles", "primary_roles", "external")} == {
        "name": "Cara Cert", "email": "Cara@acme.example", "phone": "+44 20 7946 0001", "job_title": "Head of IT",
        "roles": ["certificate-admin", "message-admin"], "primary_roles": ["certificate-admin"], "external": False}


def test_person_add_json(cli: Cli, uit_project: Path) -> None:
    done = cli("person", "add", uit_project, "--name", "Uma User", "--email", "uma@acme.example",
               "--role", "user-admin", "--json")
    assert done.code == 0
    added = json.loads(done.out)["added"]
    assert (added["name"], added["roles"], added["role_names"]) == ("Uma User", ["user-admin"], ["User Admin"])


@pytest.mark.parametrize(("extra", "option", "hint"), [
    (["--role", "certificate-admin", "--primary"], "--phone", "needs a direct phone number"),
    (["--role", "user-admin", "--primary"], "--primary", "applies only to these roles: certificate-admin"),
    (["--role", "certificate-admin", "--primary", "--phone", "+44 20 7946 0001", "--external"], "--primary",
     "must be an employee"),
    (["--role", "user-admin", "--phone", "ring me"], "--phone", "is not a phone number"),
    (["--role", "user-admin", "--job-title", "x" * 201], "--job-title", "too long"),
])
def test_person_add_bad_input_names_the_option(cli: Cli, uit_project: Path, extra: list[str], option: str,
                                               hint: str) -> None:
    before = (uit_project / "project.json").read_bytes()
    done = cli("person", "add", uit_project, "--name", "Jane Smith", "--email", "jane@acme.example", *extra)
    assert done.code == 1
    err = one_line(done.err)
    assert err.startswith(f"dip-onboarding: {option}: ")
    assert hint in err
    assert (uit_project / "project.json").read_bytes() == before


def test_person_add_unknown_role_lists_valid_roles(cli: Cli, uit_project: Path) -> None:
    done = cli("person", "add", uit_project, "--name", "Jane", "--email", "jane@acme.example",
               "--role", "user-admin", "--role", "ceo")
    assert done.code == 1
    err = one_line(done.err)
    assert err.startswith('dip-onboarding: --role: "ceo" is not a role. Use one of: ')
    for role_id in ROLE_IDS:
        assert role_id in err


@pytest.mark.parametrize(("email", "hint"), [("jane", "is not a valid e-mail address"),
                                             ("PAT@acme.example", "Pat Primary already uses PAT@acme.example")])
def test_person_add_bad_or_reused_email(cli: Cli, uit_project: Path, team: Team, email: str, hint: str) -> None:
    assert cli("person", "add", uit_project, *team[0]).code == 0
    done = cli("person", "add", uit_project, "--name", "Jane", "--email", email, "--role", "user-admin")
    assert done.code == 1
    err = one_line(done.err)
    assert err.startswith("dip-onboarding: --email: ")
    assert hint in err


def test_person_add_to_a_folder_without_project(cli: Cli, tmp_path: Path) -> None:
    done = cli("person", "add", tmp_path, "--name", "Jane", "--email", "jane@acme.example", "--role", "user-admin")
    assert done.code == 1
    assert "There is no onboarding project in" in one_line(done.err)
    assert list(tmp_path.glob("*.json")) == []


# ---------------------------------------------------------------- roles check


def test_roles_check_fails_until_fully_staffed(cli: Cli, uit_project: Path, team: Team) -> None:
    done = cli("roles", "check", uit_project)
    assert done.code == 1
    assert "ERROR" in done.out
    assert "Nobody is the Primary Certificate Admin yet" in done.out
    assert done.out.rstrip().endswith("5 problems to fix before onboarding can go on.")

    for member in team[:-1]:
        assert cli("person", "add", uit_project, *member).code == 0
    # Everything but the DNS Admin: a warning only, so the check passes.
    done = cli("roles", "check", uit_project)
    assert done.code == 0
    assert "  warning  Nobody is the DNS Admin yet" in done.out
    assert "ERROR" not in done.out

    assert cli("person", "add", uit_project, *team[-1]).code == 0
    done = cli("roles", "check", uit_project)
    assert (done.code, done.out, done.err) == (0, "The staffing meets every rule in the profile.\n", "")


def test_roles_check_json(cli: Cli, staffed_project: Path) -> None:
    assert json.loads(cli("roles", "check", staffed_project, "--json").out) == {"ok": True, "findings": []}
    cli("person", "add", staffed_project, "--name", "Pia Second", "--email", "pia@acme.example",
        "--role", "primary-user-admin")
    done = cli("roles", "check", staffed_project, "--json")
    assert done.code == 1
    data = json.loads(done.out)
    assert data["ok"] is False
    [finding] = data["findings"]
    assert (finding["severity"], finding["code"], finding["role"]) == ("error", "role-too-many", "primary-user-admin")
    assert set(finding) == {"severity", "code", "message", "role", "person", "source", "confirmed"}


def test_roles_check_explains_creation_order(cli: Cli, uit_project: Path, team: Team) -> None:
    cli("person", "add", uit_project, *team[3])  # a User Admin before any Certificate/Message Admin
    cli("person", "add", uit_project, *team[1])
    done = cli("roles", "check", uit_project)
    assert done.code == 1
    assert ("  warning  Plan a Certificate Admin and a Message Admin before Uma User: the DIP portal asks for a "
            "Certificate Admin and a Message Admin to be created before any other users. Move Cara Cert up the "
            "list.\n") in done.out
    assert "Nobody is the DNS Admin yet. Add someone for this role: the colleague who manages" in done.out


# ---------------------------------------------------------------- status


def test_status_text(cli: Cli, staffed_project: Path) -> None:
    done = cli("status", staffed_project)
    assert done.code == 0
    lines = done.out.splitlines()
    assert lines[0] == "Acme Energy Ltd (company 01234567, domain acme.example)"
    assert lines[1] == "Environment: UIT (User Integration Testing)"
    assert "People (5):" in lines
    assert "  Cara Cert <cara@acme.example>: Primary Certificate Admin, Message Admin" in lines
    assert "  -> Before you start [not-started] (Pat Primary)" in lines
    assert any(line.startswith("     Step 3: Managing your GlobalSign account [not-started] (Cara Cert, Cal Cert)")
               for line in lines)
    assert "Keys: none yet" in lines


def test_status_text_of_empty_project(cli: Cli, uit_project: Path) -> None:
    out = cli("status", uit_project).out
    assert "People: none planned yet" in out
    assert "  -> Before you start [not-started] (nobody yet)" in out
    assert "No MPIDs recorded yet" in out
    # Step 6's owner is an assumption in the profile, and the text says so.
    assert ("Step 6: Creating a Signing/mTLS certificate needs a Certificate Admin, and nobody holds that role "
            "yet. (rule not confirmed by public guidance)") in out


def test_status_json(cli: Cli, staffed_project: Path) -> None:
    data = status_json(cli, staffed_project)
    assert {"organisation", "environment", "people", "findings", "journey", "keys", "csrs",
            "certificates"} <= set(data)
    assert (data["keys"], data["csrs"], data["certificates"]) == ([], [], [])
    assert [p["name"] for p in data["people"]] == ["Pat Primary", "Cara Cert", "Cal Cert", "Uma User", "Dan Dns"]
    assert [f["code"] for f in data["findings"]] == ["no-mpids"]
    journey = data["journey"]
    assert [s["id"] for s in journey] == ["prerequisites", *(f"step-{n}" for n in range(1, 9)), "qualification-checks"]
    assert [s["id"] for s in journey if s["next"]] == ["prerequisites"]
    step_3 = journey[3]
    assert (step_3["owners"], step_3["expected"], step_3["status"]) == (
        ["Cara Cert", "Cal Cert"], "3–4 working days (up to 72 hours)", "not-started")
    assert data["profile"]["id"] == "dip-mhhs"


def test_status_json_of_production_project_includes_promotion(cli: Cli, tmp_path: Path, team: Team) -> None:
    folder = tmp_path / "prod"
    assert cli(*init_args(folder, **{"--env": "production"})).code == 0
    assert cli("person", "add", folder, *team[0]).code == 0
    data = status_json(cli, folder)
    assert data["journey"][-1]["id"] == "promotion"
    assert "people-not-carried-over" in [f["code"] for f in data["findings"]]


def test_json_before_the_command_is_honoured(cli: Cli, uit_project: Path) -> None:
    """`--help` shows `dip-onboarding [--json] ... COMMAND`; --json given there must not be silently dropped."""
    done = cli("--json", "status", uit_project)
    assert done.code == 0
    assert done.out.startswith("{"), "--json before the command was ignored: plain text was printed"


def test_profile_before_the_command_is_honoured(cli: Cli, uit_project: Path, tmp_path: Path) -> None:
    """`--help` shows `dip-onboarding [--profile FILE] COMMAND`; a profile given there must be the one used."""
    done = cli("--dip-profile", tmp_path / "no-such-profile.toml", "status", uit_project)
    assert done.code == 1, "--profile before the command was ignored: the built-in profile was used instead"
    assert "no-such-profile.toml: cannot be read" in done.err


# ---------------------------------------------------------------- damaged projects and broken profiles


@pytest.mark.parametrize("argv", [["status", "{dir}"], ["status", "{dir}", "--json"], ["roles", "check", "{dir}"],
                                  ["person", "add", "{dir}", "--name", "Jane", "--email", "jane@acme.example",
                                   "--role", "user-admin"]])
def test_damaged_project_exit_1_and_file_unchanged(cli: Cli, uit_project: Path, argv: list[str]) -> None:
    path = uit_project / "project.json"
    damaged = path.read_bytes()[:-40]
    path.write_bytes(damaged)
    done = cli(*(a.format(dir=uit_project) for a in argv))
    assert done.code == 1
    assert "is damaged: it is not valid JSON" in one_line(done.err)
    assert done.out == ""
    assert path.read_bytes() == damaged
    # Only what `project init` made: the project file and its audit trail; nothing new beside them.
    assert sorted(p.name for p in uit_project.iterdir()) == ["audit.head.json", "audit.jsonl", "project.json"]


def test_newer_project_is_refused(cli: Cli, uit_project: Path) -> None:
    path = uit_project / "project.json"
    doc = json.loads(path.read_text())
    doc["format_version"] = 99
    path.write_text(json.dumps(doc))
    before = path.read_bytes()
    done = cli("status", uit_project)
    assert done.code == 1
    assert "saved by a newer version of the wizard" in one_line(done.err)
    assert path.read_bytes() == before


def test_broken_profile_file_is_named(cli: Cli, uit_project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "custom.toml"
    broken.write_text(default_profile_path().read_text().replace("min_count = 2", 'min_count = "two"', 1))
    done = cli("status", uit_project, "--dip-profile", broken)
    assert done.code == 1
    assert one_line(done.err) == ('dip-onboarding: custom.toml: roles[1].min_count: expected a whole number, '
                                  'got "two"\n')


def test_internal_error_exit_70_with_redacted_report(cli: Cli, uit_project: Path, user_home: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard import cli as cli_module

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected state password=hunter2")

    monkeypatch.setattr(cli_module.ProjectSession, "open", explode)
    done = cli("status", uit_project)
    assert done.code == 70
    err = one_line(done.err)
    assert "internal error (RuntimeError)" in err
    assert err.rstrip().endswith("Please report it.")
    [report] = (user_home / "logs").glob("crash-*.txt")
    assert str(report) in err
    text = report.read_text()
    assert "RuntimeError: unexpected state password=[redacted]" in text
    assert "hunter2" not in text
