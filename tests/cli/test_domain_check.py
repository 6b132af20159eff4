"""`dip-onboarding domain check` asks DNS itself (dnspython) and starts no child process; the other domain commands
make no network connection at all."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Outcome
from tests.local_dns import LocalDns
from wizard.core import domain as domain_module

VALUE = "globalsign-domain-verification=Zx81"
Cli = Callable[..., Outcome]


class ChildProcess(AssertionError):
    pass


def forbid_child_processes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way Python starts a program raises (and is noted) for the rest of the test."""
    tried: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def start(*args: Any, **kwargs: Any) -> Any:
            tried.append(name)
            raise ChildProcess(f"{name} was called")
        return start

    targets: list[tuple[Any, str]] = [(subprocess, "Popen"), (subprocess, "run"), (subprocess, "call"),
                                      (subprocess, "check_output")]
    targets += [(os, name) for name in ("system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp",
                                        "spawnv", "spawnve", "spawnvp", "spawnvpe", "execv", "execve", "execvp",
                                        "execvpe", "startfile")]
    for module_name, name in (("_posixsubprocess", "fork_exec"), ("_winapi", "CreateProcess")):
        module = sys.modules.get(module_name)
        if module is None:
            try:
                module = __import__(module_name)
            except ImportError:
                continue
        targets.append((module, name))
    for module, name in targets:
        monkeypatch.setattr(module, name, refuse(f"{module.__name__}.{name}"), raising=False)
    return tried


def test_domain_check_asks_dns_without_starting_a_process(cli: Cli, uit_project: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("domain", "txt", uit_project, "--value", VALUE).code == 0
    with LocalDns({"acme.example.": ['"v=spf1 -all"', f'"{VALUE[:20]}" "{VALUE[20:]}"']}) as server:
        monkeypatch.setattr(domain_module, "system_resolver", server.resolver)
        tried = forbid_child_processes(monkeypatch)
        done = cli("domain", "check", uit_project)
        assert (done.code, tried) == (0, []), done.err
        assert done.out.strip() == "Found the TXT record on acme.example (answered by DNS server 127.0.0.1)."
        server.records["acme.example."] = ['"v=spf1 -all"']
        done = cli("domain", "check", uit_project)
        assert (done.code, tried) == (1, []), done.err
        assert done.out.startswith("The TXT record is not visible on acme.example yet (answered by DNS server "
                                   "127.0.0.1; 1 other TXT record).")
    assert server.queries == [("acme.example.", "TXT")] * 2


def test_a_dns_failure_is_one_plain_line(cli: Cli, uit_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("domain", "txt", uit_project, "--value", VALUE).code == 0
    with LocalDns({}) as server:
        monkeypatch.setattr(domain_module, "system_resolver", server.resolver)
        done = cli("domain", "check", uit_project)
    assert done.code == 1
    assert done.err.startswith("dip-onboarding: DNS says acme.example does not exist.")
    assert done.err.count("\n") == 1


def test_only_domain_check_makes_a_network_connection(cli: Cli, uit_project: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise ChildProcess("a socket was opened")

    def resolver() -> Any:
        asked.append(1)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(domain_module, "system_resolver", resolver)
    for argv in (("domain", "txt", uit_project, "--value", VALUE), ("domain", "sheet", uit_project),
                 ("domain", "sheet", uit_project, "--out", tmp_path / "dns.html"), ("status", uit_project)):
        done = cli(*argv)
        assert done.code == 0, done.err
    assert asked == []
    done = cli("domain", "check", uit_project)
    assert (done.code, asked) == (1, [1])
    assert "Could not look up acme.example in DNS" in done.err
