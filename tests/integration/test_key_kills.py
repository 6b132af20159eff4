"""No orphans: `key generate` killed at random moments, in the real Secret Service, leaves nothing that
`keys check` cannot put right — afterwards every entry under the project's identity is a recorded key, every
recorded key reads back whole, and no intent is left."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.test_keys_secret_service import User, init_project, secret_service_items, user

__all__ = ["user"]  # the fixture, imported so pytest finds it here
from wizard.core.keychain import KeychainStatus
from wizard.core.store import load_project
from wizard.core.vault import Vault, open_keychain

pytestmark = [pytest.mark.keychain,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the Secret Service directly")]
KILLS = 12


def _entries_of(identity: str) -> set[str]:
    """The key entries (without /part-N and /index) under a project identity in the Secret Service."""
    return {name.rsplit("/", 1)[0] for name in secret_service_items() if name.startswith(identity + "/")}


def test_keys_check_repairs_what_twelve_random_kills_of_key_generate_leave(real_keychain: KeychainStatus,
                                                                          user: User, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    init_project(user, folder)
    identity = load_project(folder).identity
    seed = int(os.environ.get("DIP_KILL_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)
    outcomes = []
    command = [sys.executable, "-m", "wizard", "key", "generate", str(folder), "--cert", "dip-mtls", "--algorithm",
               "rsa-4096", "--replace"]
    try:
        # One whole run first, to know how long one takes on this machine: the kills then fall inside that time,
        # from start-up (imports) through generation, the intent, the keychain writes and the final save.
        started = time.perf_counter()
        assert subprocess.run(command, env=user.env, stdin=subprocess.DEVNULL, capture_output=True, check=False,
                              timeout=300).returncode == 0
        whole = time.perf_counter() - started
        for _ in range(KILLS):
            started = time.perf_counter()
            child = subprocess.Popen(command, env=user.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 1.0) * whole)
            child.kill()
            code = child.wait(timeout=60)
            outcomes.append(f"{'finished' if code == 0 else 'killed'} at {time.perf_counter() - started:.2f} s")
        project = load_project(folder)
        print(f"seed {seed}, one whole run {whole:.2f} s: {outcomes}; before the check: "
              f"{len(project.key_intents)} intent(s), {len(project.keys)} key(s), {len(_entries_of(identity))} "
              "entr(ies)")

        done = user.run("keys", "check", folder)
        assert done.returncode == 0, (seed, done.stdout, done.stderr)
        project = load_project(folder)
        assert project.key_intents == ()
        assert _entries_of(identity) == {k.vault_entry for k in project.keys}, seed  # no orphan, nothing missing
        vault = Vault(open_keychain())
        for key in project.keys:
            assert vault.get(key.vault_entry), seed
        again = user.run("keys", "check", folder)
        assert again.returncode == 0
        assert "All is well" in again.stdout
    finally:
        vault = Vault(open_keychain())
        for entry in _entries_of(identity):
            vault.delete(entry)
    assert _entries_of(identity) == set()
