"""run.py's pure helpers, imported as a module (importing it must not create, install or run anything)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUN_PY = Path(__file__).resolve().parent.parent / "run.py"


def _import_run_py(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, RUN_PY)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run() -> ModuleType:
    return _import_run_py("run_bootstrap")


def test_import_has_no_side_effects(capsys: pytest.CaptureFixture[str]) -> None:
    module = _import_run_py("run_again")
    assert capsys.readouterr() == ("", "")
    assert callable(module.main)


def test_venv_python_on_windows(run: ModuleType) -> None:
    assert run.venv_python(Path("proj/.venv"), "nt") == Path("proj/.venv/Scripts/python.exe")


def test_venv_python_on_posix(run: ModuleType) -> None:
    assert run.venv_python(Path("proj/.venv"), "posix") == Path("proj/.venv/bin/python")


def test_digest_follows_the_content(run: ModuleType) -> None:
    a = run.pyproject_digest(b"[project]\nname = 'x'\n")
    assert a == run.pyproject_digest(b"[project]\nname = 'x'\n")
    assert a != run.pyproject_digest(b"[project]\nname = 'y'\n")
    assert len(a) == 64


def test_stamp_round_trips(run: ModuleType) -> None:
    digest = run.pyproject_digest(b"toml")
    for extras in (frozenset(), frozenset({"test"}), frozenset({"test", "docs"})):
        assert run.parse_stamp(run.format_stamp(digest, extras)) == (digest, extras)


@pytest.mark.parametrize("text", ["", "garbage\n", "abc\ntest\n"])
def test_a_damaged_stamp_means_reinstall(run: ModuleType, text: str) -> None:
    stamp = run.parse_stamp(text)
    assert stamp is None
    assert run.needs_install(stamp, run.pyproject_digest(b"toml"), frozenset())


def test_install_only_when_pyproject_or_extras_change(run: ModuleType) -> None:
    old, new = run.pyproject_digest(b"old"), run.pyproject_digest(b"new")
    with_test = (old, frozenset({"test"}))
    assert not run.needs_install(with_test, old, frozenset({"test"}))
    assert not run.needs_install(with_test, old, frozenset())          # a test install also serves `run.py`
    assert run.needs_install((old, frozenset()), old, frozenset({"test"}))
    assert run.needs_install(with_test, new, frozenset())


def test_extras_accumulate_only_for_the_same_pyproject(run: ModuleType) -> None:
    old, new = run.pyproject_digest(b"old"), run.pyproject_digest(b"new")
    assert run.extras_after_install((old, frozenset({"test"})), old, frozenset()) == {"test"}
    assert run.extras_after_install((old, frozenset({"test"})), new, frozenset()) == frozenset()
    assert run.extras_after_install(None, new, frozenset({"test"})) == {"test"}


@pytest.mark.parametrize(("returncode", "expected"), [(0, 0), (5, 5), (-2, 130), (-9, 137)])
def test_child_exit_codes_propagate_like_a_shell(run: ModuleType, returncode: int, expected: int) -> None:
    assert run.child_exit_code(returncode) == expected


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help_prints_usage_without_touching_the_venv(run: ModuleType, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch, flag: str) -> None:
    monkeypatch.setattr(run, "ensure_venv", lambda: pytest.fail("--help must not set up .venv"))
    assert run.main([flag]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python run.py")
    assert "run.py test" in out


def test_old_python_is_refused_in_one_line(run: ModuleType, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "version_info", (3, 10, 12, "final", 0))
    monkeypatch.setattr(run, "ensure_venv", lambda: pytest.fail("an old Python must not set up .venv"))
    assert run.main([]) == 1
    err = capsys.readouterr().err
    assert "needs Python 3.11 or newer" in err
    assert err.count("\n") == 1
