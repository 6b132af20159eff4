"""A save killed at any moment (SIGKILL: no clean-up runs) leaves a project that opens with either the content it
had before or the content being saved — never a damaged or empty file."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.conftest import NOW
from wizard.core.model import Project
from wizard.core.store import create_project, load_project, save_project
from wizard.core.store import project_file as project_json

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                                reason="forks a child to kill; POSIX (Linux) only")

KILLS = 60
# Two contents that differ in size, so a half-written file could not pass for either of them.
CONTENTS = {"A": "a" * 20_000, "B": "b" * 3}


def _saver(folder: Path, project: Project, ready_w: int) -> None:
    """In the forked child: save the two contents alternately, for ever (until killed)."""
    os.write(ready_w, b"x")
    os.close(ready_w)
    i = 0
    while True:
        tag = "AB"[i % 2]
        save_project(folder, Project(**{**_fields(project), "notes": {"content": CONTENTS[tag]}}), NOW)
        i += 1


def _fields(project: Project) -> dict[str, object]:
    return {name: getattr(project, name) for name in Project.__dataclass_fields__}


def test_sigkill_at_random_moments_while_saving(tmp_path: Path, make_project: Callable[..., Project]) -> None:
    rng = random.Random(20260302)
    start = Project(**{**_fields(make_project()), "notes": {"content": CONTENTS["A"]}})
    template = tmp_path / "template"
    create_project(template, start)
    delays = []
    for n in range(KILLS):
        folder = tmp_path / f"run-{n}"
        shutil.copytree(template, folder)
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns to pytest
            try:
                os.close(ready_r)
                _saver(folder, start, ready_w)
            finally:
                os._exit(0)
        os.close(ready_w)
        assert os.read(ready_r, 1) == b"x"
        os.close(ready_r)
        delay = rng.uniform(0.0, 0.06)  # a save here takes a few ms: this lands anywhere in one
        delays.append(delay)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the child stopped by itself"
        assert os.WTERMSIG(status) == signal.SIGKILL

        project = load_project(folder)  # raises ProjectDamaged if the kill left a broken file
        assert project.notes["content"] in CONTENTS.values(), f"run {n} after {delay * 1000:.1f} ms"
        assert project.organisation == start.organisation
    # The kills spread over the saving loop, not all before the first write.
    saved_ever = [n for n in range(KILLS) if (tmp_path / f"run-{n}" / "project.json").stat().st_mtime_ns
                  != project_json(template).stat().st_mtime_ns]
    assert len(saved_ever) > KILLS // 2
    assert max(delays) > 0.03
