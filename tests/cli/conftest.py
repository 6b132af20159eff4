"""CLI fixtures: an isolated user home, in-process and subprocess runners, ready-made projects."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from wizard.cli import main

# One "person add" argument list per member of a team that meets every staffing rule, in a valid order.
FULL_TEAM: tuple[tuple[str, ...], ...] = (
    ("--name", "Pat Primary", "--email", "pat@acme.example", "--role", "primary-user-admin"),
    ("--name", "Cara Cert", "--email", "cara@acme.example", "--phone", "+44 20 7946 0001",
     "--role", "certificate-admin", "--role", "message-admin", "--primary"),
    ("--name", "Cal Cert", "--email", "cal@acme.example", "--role", "certificate-admin",
     "--role", "message-admin"),
    ("--name", "Uma User", "--email", "uma@acme.example", "--role", "user-admin"),
    ("--name", "Dan Dns", "--email", "dan@acme.example", "--role", "dns-admin"),
)


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every per-user folder (settings, logs) goes under tmp_path, never the real user's."""
    home = tmp_path / "home"
    monkeypatch.setenv("DIP_ONBOARDING_HOME", str(home))
    return home


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run wizard.cli.main in-process; a usage error's SystemExit becomes an exit code like any other."""

    def run(*argv: str | Path) -> Outcome:
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return Outcome(code, out, err)

    return run


def _command() -> list[str]:
    script = Path(sys.executable).with_name("dip-onboarding")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wizard"]


@pytest.fixture
def typed(user_home: Path) -> Callable[..., Outcome]:
    """Run `dip-onboarding ARGS...` as a separate process, as a user would type it."""

    def run(*argv: str | Path, command: Sequence[str] | None = None) -> Outcome:
        result = subprocess.run([*(command or _command()), *map(str, argv)], capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL,
                                env={**os.environ, "DIP_ONBOARDING_HOME": str(user_home)})
        assert "Traceback" not in result.stderr
        return Outcome(result.returncode, result.stdout, result.stderr)

    return run


@pytest.fixture
def team() -> tuple[tuple[str, ...], ...]:
    """`person add` options for a team meeting every staffing rule, in a valid creation order."""
    return FULL_TEAM


@pytest.fixture
def uit_project(tmp_path: Path, cli: Callable[..., Outcome]) -> Path:
    folder = tmp_path / "acme-uit"
    done = cli("project", "init", folder, "--org", "Acme Energy Ltd", "--company-number", "01234567",
               "--domain", "acme.example", "--env", "uit")
    assert done.code == 0, done.err
    return folder


@pytest.fixture
def staffed_project(uit_project: Path, cli: Callable[..., Outcome]) -> Path:
    for member in FULL_TEAM:
        done = cli("person", "add", uit_project, *member)
        assert done.code == 0, done.err
    return uit_project
