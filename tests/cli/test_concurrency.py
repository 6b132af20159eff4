"""Several commands changing one project at once: each either saves or says why not; nothing is lost silently."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_parallel_person_adds_never_lose_a_saved_change(tmp_path: Path) -> None:
    env = {**os.environ, "DIP_ONBOARDING_HOME": str(tmp_path / "home")}
    project = tmp_path / "p"
    base = [sys.executable, "-m", "wizard"]
    subprocess.run([*base, "project", "init", str(project), "--org", "Acme Ltd", "--company-number", "01234567",
                    "--domain", "acme.example", "--env", "uit"], env=env, check=True, capture_output=True)
    runs = [subprocess.Popen([*base, "person", "add", str(project), "--name", f"Person {i}", "--email",
                              f"p{i}@acme.example", "--role", "user-admin"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for i in range(8)]
    results = [(r.wait(timeout=120), r.stderr.read() if r.stderr else "") for r in runs]
    succeeded = sum(1 for code, _ in results if code == 0)
    for code, err in results:
        assert code in (0, 1), err
        assert "Traceback" not in err
        if code == 1:
            assert "changed elsewhere" in err or "being saved by another" in err, err
            assert len(err.strip().splitlines()) == 1
    saved = json.loads((project / "project.json").read_text())["project"]["people"]
    assert len(saved) == succeeded, "every command that reported success kept its person"
    assert succeeded >= 1
    assert not list(project.glob(".project.json.*.tmp"))
    assert not (project / ".project.lock").exists()
