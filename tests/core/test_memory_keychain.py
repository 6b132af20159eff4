"""The in-memory keychain: a `SecretStore` the vault works over, also reachable the way keyring's OS backend is, with
a write that can be made to fail; and it refuses to exist outside the tests and the demo."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

from wizard.core.memory_keychain import MemoryKeychain
from wizard.core.vault import KeyringStore, Vault, VaultError, VaultProvider, open_keychain

ROOT = Path(__file__).resolve().parents[2]


def run_without_pytest(code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh Python that has never imported pytest, as the app runs."""
    script = "import sys\nassert 'pytest' not in sys.modules\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_outside_the_tests_it_refuses_to_be_made() -> None:
    done = run_without_pytest("""
        from wizard.core.memory_keychain import MemoryKeychain
        MemoryKeychain()
    """)
    assert done.returncode != 0
    assert "RuntimeError: The in-memory keychain is for tests and the demo only" in done.stderr


def test_the_demo_may_make_one_and_keys_round_trip_in_it(tmp_path: Path) -> None:
    done = run_without_pytest(f"""
        from pathlib import Path
        from wizard.app import AppPaths, build_services
        from wizard.demo import with_demo_keychain

        services = with_demo_keychain(build_services(paths=AppPaths.under(Path({str(tmp_path)!r})),
                                                     load_later=True))
        vault = services.vaults.keychain()
        vault.put("k-1", b"secret")
        assert vault.get("k-1") == b"secret"
        print(vault.name)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Demo keychain (in memory)"


def test_only_the_demo_can_ask_for_one() -> None:
    """The app's composition root never picks it: keyring does not know it, the vault provider opens the OS
    keychain by default, and no module of the wizard but the demo names it."""
    assert not issubclass(MemoryKeychain, KeyringBackend)
    assert VaultProvider(Path("unused.vault"))._keychain is open_keychain
    naming = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "wizard").rglob("*.py")
                    if "memory_keychain" in path.read_text(encoding="utf-8"))
    assert naming == ["wizard/core/memory_keychain.py", "wizard/demo.py"]


def test_the_vault_works_over_it_and_a_write_can_fail_part_way() -> None:
    keychain = MemoryKeychain()
    vault = Vault(keychain)
    vault.put("k-1", os.urandom(2400))  # four parts and the index
    assert keychain.secret_names() == {"k-1"}
    assert [op for op, _ in keychain.log] == ["put"] * 5
    failing = MemoryKeychain(fail_on_put=2)
    with pytest.raises(VaultError, match=r"The keychain \(Test keychain\) refused to store an entry"):
        Vault(failing).put("k-2", os.urandom(2400))
    assert failing.entries == {}, "the part already written was removed"


def test_it_stands_where_keyrings_os_backend_would() -> None:
    keychain = MemoryKeychain()
    vault = Vault(KeyringStore(keychain, "Test Keychain"))
    vault.put("project-1/k-1", b"key")
    assert vault.get("project-1/k-1") == b"key"
    assert keychain.secret_names() == {"project-1/k-1"}
    vault.delete("project-1/k-1")
    assert keychain.entries == {}
