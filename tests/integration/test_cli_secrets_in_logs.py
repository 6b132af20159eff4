"""The CLI flow in this process, against the real keychain, with every logger (the wizard's, keyring's,
secretstorage's, jeepney's) captured at DEBUG: no log record, and nothing the commands print, holds the private key,
a password or the Atlas API key and secret — also when a password is wrong. (The wizard itself has no logging.)"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

import pytest
from cryptography import x509

from tests.integration.test_keys_secret_service import PEM_MARKER, Needle, key_needles, scan
from tests.pki import make_intermediate, make_leaf, make_root, pem
from wizard.cli import main
from wizard.core.keychain import KeychainStatus
from wizard.core.keys import load_private_key
from wizard.core.store import load_project
from wizard.core.vault import Vault, open_keychain

pytestmark = [pytest.mark.keychain,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Secret Service over D-Bus")]

PASSWORD = "Quartz-Lantern-Meadow-9041"
WRONG = "Wrong-Lantern-Meadow-9041"
API_KEY = "AtlasKey-3f9c2e71d0b84a56"
API_SECRET = "AtlasSecret-7Hq2Lm9Xv4Rt8Wz1"


def test_cli_flow_logs_and_prints_no_secret(real_keychain: KeychainStatus, tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("keyring", "secretstorage", "jeepney", "wizard"):
        logging.getLogger(name).debug("capture check")
    assert [r.name for r in caplog.records] == ["keyring", "secretstorage", "jeepney", "wizard"]
    caplog.clear()
    project, out = tmp_path / "project", tmp_path / "out"
    out.mkdir()
    for name, text in (("password.txt", PASSWORD), ("wrong.txt", WRONG), ("key.txt", API_KEY),
                       ("secret.txt", API_SECRET)):
        (tmp_path / name).write_text(text + "\n")

    def wizard(*args: str | Path, code: int = 0) -> None:
        assert main([str(a) for a in args]) == code, capsys.readouterr()

    wizard("project", "init", project, "--org", "Acme Energy Ltd", "--company-number", "01234567", "--domain",
           "acme.example", "--env", "uit")
    wizard("person", "add", project, "--name", "Cara Cert", "--email", "cara@acme.example", "--phone",
           "+44 20 7946 0001", "--role", "certificate-admin", "--primary")
    wizard("key", "generate", project, "--cert", "dip-mtls")
    vault = Vault(open_keychain())
    try:
        wizard("csr", "export", project, "--cert", "dip-mtls", "--out", out / "mtls.csr.pem")
        csr = x509.load_pem_x509_csr((out / "mtls.csr.pem").read_bytes())
        root = make_root()
        issuing = make_intermediate(root)
        now = dt.datetime.now(dt.UTC)
        leaf = make_leaf(issuing, csr.public_key(), not_before=now - dt.timedelta(days=1),
                         not_after=now + dt.timedelta(days=397))
        (out / "issued.pem").write_bytes(pem(leaf, issuing.cert, root.cert))
        wizard("cert", "import", project, out / "issued.pem")
        wizard("pfx", "export", project, "--cert", "dip-mtls", "--profile", "modern", "--password-file",
               tmp_path / "password.txt", "--out", out / "mtls.pfx")
        wizard("pem", "export", project, "--cert", "dip-mtls", "--out", out / "chain.pem", "--key-out",
               out / "key.pem", "--password-file", tmp_path / "password.txt")
        wizard("cert", "inspect", out / "mtls.pfx", "--password-file", tmp_path / "wrong.txt", code=1)
        wizard("atlas", "save", project, "--key-file", tmp_path / "key.txt", "--secret-file", tmp_path / "secret.txt")
        wizard("status", project, "--json")
        printed = capsys.readouterr()

        [record] = load_project(project).keys
        key = load_private_key(vault, record)
        needles = [PEM_MARKER, *key_needles("dip-mtls", key),
                   *(Needle(label, text.encode()) for label, text in (("the PFX password", PASSWORD),
                                                                      ("the wrong password", WRONG),
                                                                      ("the Atlas API key", API_KEY),
                                                                      ("the Atlas API secret", API_SECRET)))]
        logged = tmp_path / "logged.txt"
        logged.write_text("\n".join(f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}"
                                    for r in caplog.records) + caplog.text + printed.out + printed.err)
        assert scan([logged], needles) == []
        assert "password is wrong" in printed.err  # the wrong password was reported, without itself
        logged.write_text(f"planted {API_SECRET}")
        assert scan([logged], needles) == [(logged, "the Atlas API secret")]
    finally:
        state = load_project(project)
        for stored in state.keys:
            vault.delete(stored.vault_entry)
        if state.atlas_credentials is not None:
            vault.delete(state.atlas_credentials.vault_entry)
