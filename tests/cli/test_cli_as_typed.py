"""The installed `dip-onboarding` command run as a separate process, exactly as a user types it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard import __version__

Typed = Callable[..., Any]  # the `typed` fixture: returns an outcome with .code, .out and .err


def test_version(typed: Typed) -> None:
    done = typed("--version")
    assert (done.code, done.out, done.err) == (0, f"dip-onboarding {__version__}\n", "")


def test_python_dash_m_wizard_is_the_same_command(typed: Typed) -> None:
    done = typed("--version", command=[sys.executable, "-m", "wizard"])
    assert (done.code, done.out) == (0, f"dip-onboarding {__version__}\n")


def test_whole_flow_from_init_to_a_passing_roles_check(typed: Typed, tmp_path: Path,
                                                       team: tuple[tuple[str, ...], ...]) -> None:
    folder = tmp_path / "Acme UIT"  # a space in the path, as on many desktops
    done = typed("project", "init", folder, "--org", "Acme Energy Ltd", "--company-number", "1234567",
                 "--domain", "ACME.example.", "--env", "UIT", "--mpid", "abcd:ldso")
    assert done.code == 0, done.err
    assert done.out.startswith("Created the UIT (User Integration Testing) onboarding project for Acme Energy Ltd")

    done = typed("roles", "check", folder)
    assert done.code == 1
    assert "problems to fix before onboarding can go on." in done.out

    for member in team:
        done = typed("person", "add", folder, *member)
        assert done.code == 0, done.err
        assert done.out.startswith("Added ")

    done = typed("roles", "check", folder)
    assert (done.code, done.out.strip(), done.err) == (0, "The staffing meets every rule in the profile.", "")

    done = typed("status", folder, "--json")
    assert done.code == 0
    data = json.loads(done.out)
    assert data["organisation"]["domain"] == "acme.example"
    assert data["organisation"]["company_number"] == "01234567"
    assert data["mpids"] == [{"mpid": "ABCD", "role_codes": ["LDSO"]}]
    assert len(data["people"]) == len(team)
    assert {"keys", "csrs", "certificates", "journey", "findings"} <= set(data)


def test_bad_input_is_one_line_without_traceback(typed: Typed, tmp_path: Path) -> None:
    done = typed("project", "init", tmp_path / "x", "--org", "Acme", "--company-number", "01234567",
                 "--domain", "https://acme.example/dip", "--env", "uit")
    assert done.code == 1
    assert done.err.count("\n") == 1
    assert done.err.startswith("dip-onboarding: --domain: Enter just the domain name, without https://")
    assert not (tmp_path / "x").exists()


def test_missing_option_is_a_usage_error(typed: Typed, tmp_path: Path) -> None:
    done = typed("person", "add", tmp_path, "--name", "Jane Smith", "--email", "jane@acme.example")
    assert done.code == 2
    assert done.err.count("\n") == 1
    assert "the following arguments are required: --role" in done.err


def test_damaged_project_is_left_alone(typed: Typed, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "project.json").write_bytes(b'{"format": "dip-onboarding-project", "format_version": 1, ')
    done = typed("status", folder)
    assert done.code == 1
    assert "is damaged" in done.err
    assert done.err.count("\n") == 1
    assert (folder / "project.json").read_bytes() == b'{"format": "dip-onboarding-project", "format_version": 1, '


def test_names_reach_a_pipe_or_file_whole_as_utf8(user_home: Path, tmp_path: Path) -> None:
    # Output that goes to a pipe or a file (`dip-onboarding status DIR > status.txt`, a script reading --json) is
    # UTF-8 on every platform. Windows would otherwise write its ANSI code page (cp1252), where "Ł" becomes "?".
    import os
    import subprocess

    from tests.cli.conftest import _command

    folder = tmp_path / "acme"
    env = {**os.environ, "DIP_ONBOARDING_HOME": str(user_home)}
    env.pop("PYTHONUTF8", None)
    env.pop("PYTHONIOENCODING", None)

    def run(*argv: str | Path) -> bytes:
        done = subprocess.run([*_command(), *map(str, argv)], capture_output=True, timeout=60,
                              stdin=subprocess.DEVNULL, env=env)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        return done.stdout

    run("project", "init", folder, "--org", "Zakład Energii Łódź Sp", "--company-number", "01234567",
        "--domain", "acme.example", "--env", "uit")
    run("person", "add", folder, "--name", "Łucja Ëvans", "--email", "lucja@acme.example",
        "--role", "dns-admin")
    text = run("status", folder).decode("utf-8")
    assert "Łucja Ëvans" in text
    assert "Zakład Energii Łódź Sp" in text
    data = json.loads(run("status", folder, "--json").decode("utf-8"))
    assert data["organisation"]["name"] == "Zakład Energii Łódź Sp"
