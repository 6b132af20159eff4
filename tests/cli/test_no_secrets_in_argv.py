"""Secrets never travel on a command line: no option of any command takes a password, passphrase, secret, token or
key material as its value (only the path of a file that holds it: `--password-file F`), and the wizard starts no
process with a secret in its arguments (the self-test's window check is its only child process)."""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wizard import selftest
from wizard.cli import build_parser
from wizard.gui_start import add_gui_options

WIZARD = Path(__file__).resolve().parents[2] / "wizard"
SECRET_WORD = re.compile(r"pass(word|phrase)?|secret|token|pin|api[-_]?key|private[-_]?key|key[-_]?material|pem|"
                         r"credential", re.I)
FILE_OPTION = re.compile(r"-(file|out)$")  # a path to read the secret from, or to write an encrypted key to


def parsers(parser: argparse.ArgumentParser, path: str = "dip-onboarding") -> Iterator[tuple[str, Any]]:
    """(command path, parser) for the parser and every subcommand under it."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, f"{path} {name}")


def value_options(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str]]:
    """(name, dest) of every option or positional that takes a value."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.nargs == 0:
            continue
        for name in action.option_strings or [action.dest]:
            yield name, action.dest


def all_commands() -> list[tuple[str, Any]]:
    gui = argparse.ArgumentParser(prog="dip-onboarding gui")
    add_gui_options(gui)
    return [*parsers(build_parser()), ("dip-onboarding gui (start-up parser)", gui)]


def test_the_walk_reaches_every_command_that_handles_a_secret() -> None:
    names = {path for path, _ in all_commands()}
    for command in ("pfx export", "pem export", "key import", "key generate", "atlas save", "bundle export",
                    "bundle import", "cert inspect"):
        assert f"dip-onboarding {command}" in names


def test_no_option_takes_a_secret_as_its_value() -> None:
    offending = []
    secret_options = []
    for path, parser in all_commands():
        for name, dest in value_options(parser):
            if SECRET_WORD.search(name) or SECRET_WORD.search(dest):
                secret_options.append(f"{path} {name}")
                if not FILE_OPTION.search(name):
                    offending.append(f"{path} {name}")
    assert offending == []
    # The rule is checked against real options: these take file paths, as they must.
    assert "dip-onboarding pfx export --password-file" in secret_options
    assert "dip-onboarding atlas save --secret-file" in secret_options
    assert "dip-onboarding key generate --passphrase-file" in secret_options


def test_the_checker_would_flag_an_option_that_takes_a_password() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--password")
    parser.add_argument("--api-secret")
    parser.add_argument("--password-file")
    flagged = [n for n, d in value_options(parser) if SECRET_WORD.search(n) and not FILE_OPTION.search(n)]
    assert flagged == ["--password", "--api-secret"]


def process_calls() -> dict[str, list[str]]:
    """Every call in wizard/ that starts a process, by file: subprocess.*, os.system/exec*/spawn*/popen, QProcess."""
    found: dict[str, list[str]] = {}
    for path in sorted(WIZARD.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            text = ""
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = ast.unparse(node.func.value)
                attr = node.func.attr
                if owner == "subprocess" or (owner == "os" and re.match(r"system|exec|spawn|popen|posix_spawn",
                                                                        attr)):
                    text = f"{owner}.{attr}"
            if isinstance(node, ast.Name) and node.id in ("QProcess", "startDetached"):
                text = node.id
            if text:
                found.setdefault(path.relative_to(WIZARD.parent).as_posix(), []).append(text)
    return found


def test_only_the_self_test_and_the_pfx_check_start_a_process() -> None:
    # The PFX maker's child gets its password on stdin: tests/core/test_pfx_maker.py shows it. The DNS check asks
    # DNS itself (dnspython) and starts nothing: tests/cli/test_domain_check.py runs it with process starts refused.
    assert process_calls() == {"wizard/selftest.py": ["subprocess.run"],
                               "wizard/core/pfx_maker.py": ["subprocess.run"]}


def test_the_dns_check_asks_only_for_the_public_domain(tmp_path: Path) -> None:
    """DNS is asked for the domain's TXT records: public values, never the project's secrets."""
    from wizard.app import default_profile_path
    from wizard.core.domain import lookup_txt
    from wizard.core.profile import load_profile

    seen: list[tuple[str, str]] = []

    class Resolver:
        def resolve(self, qname: str, rdtype: str) -> list[Any]:
            seen.append((qname, rdtype))
            return []

    lookup_txt(load_profile(default_profile_path()), "acme.example", "v=1", resolver=Resolver())
    assert seen == [("acme.example.", "TXT")]


def test_the_self_test_child_gets_no_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Its command line is fixed: the interpreter, the module, the window flag and at most a profile path."""
    seen: list[list[str]] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append(list(command))
        return subprocess.CompletedProcess(command, 0, "main window shown (offscreen)\n", "")

    monkeypatch.setattr(selftest.subprocess, "run", fake_run)
    profile = tmp_path / "profile.toml"
    for path in (None, profile):
        assert selftest._window(path)() == "main window shown (offscreen)"
    assert seen == [[sys.executable, "-m", "wizard", "--self-test-window"],
                    [sys.executable, "-m", "wizard", "--self-test-window", "--dip-profile", str(profile)]]
