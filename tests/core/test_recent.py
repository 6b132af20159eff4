"""A recent project read for the Welcome page (core/recent.py): a damaged or missing project says so and loses
nothing; a readable one gives its next step and nearest expiry without opening anything else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from wizard.core.profile import Profile
from wizard.core.recent import describe_recent
from wizard.core.store import project_file
from wizard.demo import add_demo_tracking, create_demo_project

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_a_damaged_or_missing_project_says_so_and_loses_nothing(tmp_path: Path, profile: Profile) -> None:
    session = create_demo_project(tmp_path / "demo", profile, lambda: NOW)
    path = project_file(session.folder)
    path.write_bytes(path.read_bytes()[:40])
    before = {p.name: p.read_bytes() for p in session.folder.iterdir()}
    damaged = describe_recent(session.folder, profile, NOW.date())
    assert not damaged.usable
    assert "cannot be opened" in damaged.lines()[0]
    assert damaged.lines()[1] == ""
    assert {p.name: p.read_bytes() for p in session.folder.iterdir()} == before
    missing = describe_recent(tmp_path / "gone", profile, NOW.date())
    assert not missing.usable
    assert not (tmp_path / "gone").exists()


def test_the_domain_verification_is_the_nearest_expiry_without_certificates(tmp_path: Path, profile: Profile) -> None:
    session = create_demo_project(tmp_path / "demo", profile, lambda: NOW)
    add_demo_tracking(session)  # verified 30 days ago
    recent = describe_recent(session.folder, profile, NOW.date())
    assert recent.usable
    assert recent.next_step == f"Next: {profile.step('step-2').heading}"
    assert recent.expiry.startswith("Nearest expiry: the verification of northwind-networks.example on ")
