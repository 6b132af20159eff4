#!/usr/bin/env python3
"""Run the DIP Onboarding Wizard, its tests or its linters from a source checkout. Needs only Python 3.11+.

    python run.py [ARGS...]            set up .venv if needed, then run the wizard (`python -m wizard ARGS...`)
    python run.py test [PYTEST ARGS]   set up .venv with the test extra, then run pytest in the project root
                                       (default: the whole suite; QT_QPA_PLATFORM=offscreen unless already set)
    python run.py lint [RUFF ARGS]     ruff check + mypy (both from the test extra)
    python run.py -- --help            anything after `--` goes to the wizard, even `test` or `--help`
    python run.py --help               this text

The virtual environment is `.venv` in the project root. The project is re-installed into it only when
pyproject.toml changes (.venv/run-py.stamp remembers what was installed; delete it to force a re-install).
Exit codes are the wizard's or pytest's own. Standard library only.
"""

from __future__ import annotations  # keeps annotations unevaluated, so Python 3.7-3.10 reach the version check

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
STAMP_NAME = "run-py.stamp"
USAGE = "usage: python run.py [test [PYTEST ARGS...] | lint | --help | [--] WIZARD ARGS...]"
EXIT_INTERRUPTED = 130


def venv_python(venv_dir: Path, os_name: str = os.name) -> Path:
    """The interpreter inside a venv: `Scripts\\python.exe` on Windows, `bin/python` elsewhere."""
    if os_name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def pyproject_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def format_stamp(digest: str, extras: frozenset[str]) -> str:
    return f"{digest}\n{','.join(sorted(extras))}\n"


def parse_stamp(text: str) -> tuple[str, frozenset[str]] | None:
    """(pyproject digest, installed extras) from a stamp file's text; None if it is not a stamp."""
    lines = text.splitlines()
    if not lines or len(lines[0]) != 64:
        return None
    extras = lines[1] if len(lines) > 1 else ""
    return lines[0], frozenset(e for e in extras.split(",") if e)


def needs_install(stamp: tuple[str, frozenset[str]] | None, digest: str, extras: frozenset[str]) -> bool:
    """True unless the installed project matches this pyproject.toml and already has these extras."""
    return stamp is None or stamp[0] != digest or not extras <= stamp[1]


def extras_after_install(stamp: tuple[str, frozenset[str]] | None, digest: str,
                         extras: frozenset[str]) -> frozenset[str]:
    """Extras installed once `pip install -e .[extras]` succeeded: older ones still count if pyproject is unchanged."""
    if stamp is not None and stamp[0] == digest:
        return stamp[1] | extras
    return extras


def child_exit_code(returncode: int) -> int:
    """A child's exit code as a shell would report it (killed by signal N → 128 + N)."""
    return 128 - returncode if returncode < 0 else returncode


class Interrupted(Exception):
    """Ctrl-C arrived while a set-up step was running."""


def run_child(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, bool]:
    """Run cmd in the foreground; returns (exit code, whether Ctrl-C was pressed).

    Ctrl-C reaches the child too (same console / process group), so the first one lets it shut down on its own
    (pytest still prints its summary); a second one kills it.
    """
    proc = subprocess.Popen(cmd, env=env, cwd=cwd)
    interrupted = False
    while True:
        try:
            return child_exit_code(proc.wait()), interrupted
        except KeyboardInterrupt:
            if interrupted:
                proc.kill()
            interrupted = True


def say(message: str) -> None:
    print(message, flush=True)


def ensure_venv() -> Path:
    python = venv_python(VENV)
    if python.exists():
        return python
    if VENV.exists():
        raise SystemExit(f"run.py: {VENV} exists but has no {python.relative_to(VENV)}; delete the .venv folder and "
                         "run this again.")
    say("Setting up .venv (first run only)...")
    rc, interrupted = run_child([sys.executable, "-m", "venv", str(VENV)])
    if rc != 0 or interrupted or not python.exists():
        shutil.rmtree(VENV, ignore_errors=True)  # we created it just now; a half-made venv would only confuse
        if interrupted:
            raise Interrupted
        raise SystemExit(f"run.py: could not create {VENV} (python -m venv exited {rc}). On Debian/Ubuntu, "
                         "install the python3-venv package.")
    return python


def ensure_installed(python: Path, extras: frozenset[str]) -> None:
    """`pip install -e .[extras]` unless the stamp says this pyproject.toml is already installed with them."""
    digest = pyproject_digest(PYPROJECT.read_bytes())
    stamp_path = VENV / STAMP_NAME
    try:
        stamp = parse_stamp(stamp_path.read_text(encoding="utf-8"))
    except OSError:
        stamp = None
    if not needs_install(stamp, digest, extras):
        return
    target = f".[{','.join(sorted(extras))}]" if extras else "."
    say(f"Installing the project into .venv ({'pip install -e ' + target})...")
    rc, interrupted = run_child([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                 "-e", target], cwd=ROOT)
    if interrupted:
        raise Interrupted
    if rc != 0:
        raise SystemExit(f"run.py: pip install -e {target} failed (exit {rc}); see the messages above.")
    stamp_path.write_text(format_stamp(digest, extras_after_install(stamp, digest, extras)), encoding="utf-8")


def run_wizard(args: list[str]) -> int:
    python = ensure_venv()
    ensure_installed(python, frozenset())
    return run_child([str(python), "-m", "wizard", *args])[0]


def run_tests(args: list[str]) -> int:
    python = ensure_venv()
    ensure_installed(python, frozenset({"test"}))
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")  # without a display, Qt aborts the whole process otherwise
    return run_child([str(python), "-m", "pytest", *args], env=env, cwd=ROOT)[0]


def run_lint(args: list[str]) -> int:
    python = ensure_venv()
    ensure_installed(python, frozenset({"test"}))
    say("== ruff check")
    ruff, _ = run_child([str(python), "-m", "ruff", "check", *args], cwd=ROOT)
    say("== mypy")
    mypy, _ = run_child([str(python), "-m", "mypy"], cwd=ROOT)
    return ruff or mypy


def main(argv: list[str] | None = None) -> int:
    if sys.version_info < MIN_PYTHON:
        found = ".".join(map(str, sys.version_info[:3]))
        print(f"run.py needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is {found} ({sys.executable}).",
              file=sys.stderr)
        return 1
    args = sys.argv[1:] if argv is None else list(argv)
    command = args[0] if args else ""
    try:
        if command in ("-h", "--help", "help"):
            print(USAGE)
            print(__doc__)
            return 0
        if command == "test":
            return run_tests(args[1:])
        if command == "lint":
            return run_lint(args[1:])
        return run_wizard(args[1:] if command == "--" else args)
    except (Interrupted, KeyboardInterrupt):
        print("\nrun.py: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
