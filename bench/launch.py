"""Launching a GUI child once and measuring it: time to first paint, peak RSS, exit code.

The child contract: the parent reads `time.monotonic_ns()` just before `Popen` and passes it as `BENCH_T0_NS`; the
child prints `first_paint_ns <time.monotonic_ns()>` on stderr right after its first paint and exits 0. The monotonic
clock is system-wide on Linux, macOS and Windows, so the two readings can be subtracted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

FIRST_PAINT = re.compile(r"^first_paint_ns (\d+)\s*$", re.MULTILINE)
KIB_PER_MIB = 1024
STDERR_TAIL = 400


@dataclass(frozen=True, slots=True)
class Launch:
    """One measured run. `problem` is None when the child painted and exited 0."""

    first_paint_ms: float | None
    peak_rss_mib: float | None
    exit_code: int
    problem: str | None


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"       # same platform plugin on every machine, no display needed
    env["DIP_ONBOARDING_HOME"] = str(home)     # the app reads and writes nothing in the user's own folders
    # Installed apps run from cached byte-code (pip compiles on install, PyInstaller ships it); with this set,
    # every launch would compile the app's own modules from source again (~35 ms here), which no user sees.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def launch(cmd: list[str], cwd: Path, timeout_s: float) -> Launch:
    """Start cmd, wait for it (killing it after timeout_s), and measure it."""
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    try:
        return _launch(cmd, cwd, home, timeout_s)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def launch_in(home: Path, cmd: list[str], cwd: Path, timeout_s: float, extra_env: dict[str, str] | None = None
              ) -> Launch:
    """As `launch`, in a home folder the caller prepared (and removes): e.g. a returning user's settings."""
    return _launch(cmd, cwd, home, timeout_s, extra_env)


def _launch(cmd: list[str], cwd: Path, home: Path, timeout_s: float, extra_env: dict[str, str] | None = None
            ) -> Launch:
    env = child_env(home)
    env.update(extra_env or {})
    t0_ns = time.monotonic_ns()                # as late as possible: the only work left before exec is Popen's
    env["BENCH_T0_NS"] = str(t0_ns)
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    chunks: list[bytes] = []
    # Drain stderr while we wait, so a chatty child never blocks on a full pipe.
    reader = threading.Thread(target=_drain, args=(proc, chunks), daemon=True)
    reader.start()
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        proc.kill()

    killer = threading.Timer(timeout_s, kill)
    killer.start()
    try:
        exit_code, peak_rss_mib = _wait(proc)
    finally:
        killer.cancel()
    reader.join(timeout=5)
    err = b"".join(chunks).decode(errors="replace")
    match = FIRST_PAINT.search(err)
    first_paint_ms = (int(match.group(1)) - t0_ns) / 1e6 if match else None
    problem = None
    if timed_out.is_set():
        problem = f"did not exit within {timeout_s:.0f} s (killed)"
    elif exit_code != 0:
        problem = f"exit code {exit_code}"
    elif first_paint_ms is None:
        problem = "exited 0 but printed no 'first_paint_ns <N>' line on stderr"
    if problem:
        tail = err.strip()[-STDERR_TAIL:]
        problem = f"{problem}; stderr: {tail!r}" if tail else problem
    return Launch(first_paint_ms, peak_rss_mib, exit_code, problem)


def _drain(proc: subprocess.Popen[bytes], into: list[bytes]) -> None:
    if proc.stderr is not None:
        into.append(proc.stderr.read())
        proc.stderr.close()


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, float | None]:
    """Reap the child; (exit code, peak RSS in MiB or None where the OS does not report it)."""
    if not hasattr(os, "wait4"):  # Windows
        return proc.wait(), None
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it has been reaped
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else float(usage.ru_maxrss)
    return proc.returncode, kib / KIB_PER_MIB
