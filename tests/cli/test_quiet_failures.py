"""Failures that are not the user's problem stay quiet: output cut short by a closed pipe (`status DIR | head -1`)
ends the command without a crash report, and Ctrl-C at any moment of start-up gives no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import _command

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes and signals (Windows: its own tests)")


def _project(folder: Path, env: dict[str, str]) -> None:
    subprocess.run([*_command(), "project", "init", str(folder), "--org", "Acme Energy Ltd", "--company-number",
                    "01234567", "--domain", "acme.example", "--env", "uit"], env=env, check=True, capture_output=True)


@pytest.mark.parametrize("argv", [["status", "{dir}"], ["audit", "{dir}"], ["status", "{dir}", "--json"]])
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path, user_home: Path, argv: list[str]) -> None:
    env = {**os.environ, "DIP_ONBOARDING_HOME": str(user_home)}
    folder = tmp_path / "acme"
    _project(folder, env)
    for _ in range(5):  # the race (the reader gone before or after the first write) differs run to run
        read_end, write_end = os.pipe()
        os.close(read_end)  # `| head -1` that has already exited: every write fails with EPIPE
        done = subprocess.run([*_command(), *(a.format(dir=folder) for a in argv)], env=env, stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=60)
        os.close(write_end)
        assert done.returncode in (0, 141), done.stderr
        assert done.stderr == "", done.stderr
    crashes = list(user_home.rglob("crash-*.txt"))
    assert crashes == []


def test_ctrl_c_during_start_up_prints_no_traceback(tmp_path: Path, user_home: Path) -> None:
    env = {**os.environ, "DIP_ONBOARDING_HOME": str(user_home)}
    for delay in (0.05, 0.1, 0.2, 0.3):
        proc = subprocess.Popen([*_command(), "status", str(tmp_path / "none")], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, (delay, err)
        assert "KeyboardInterrupt" not in err, (delay, err)
