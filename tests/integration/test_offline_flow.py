"""The whole CLI flow — project init → person add → key generate → csr export → cert import → pfx export — with the
network blocked and the real keychain: no connection is ever attempted (only AF_UNIX, which D-Bus uses, is allowed),
and no file the flow wrote (project, platformdirs config/data/state/cache folders redirected into tmp, the temp
folder, logs) holds the private key unencrypted (the scanner of test_keys_secret_service.py)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.integration.test_keys_secret_service import PEM_MARKER, files_under, key_needles, scan
from tests.pki import make_intermediate, make_leaf, make_root, pem
from wizard.core.keychain import KeychainStatus
from wizard.core.keys import load_private_key
from wizard.core.store import load_project
from wizard.core.vault import Vault, open_keychain

pytestmark = [pytest.mark.keychain,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Secret Service over AF_UNIX D-Bus")]

# Put on PYTHONPATH for the child: Python imports `sitecustomize` at start-up, before the wizard.
GUARD = '''
import os, socket
_LOG = os.environ["OFFLINE_GUARD_LOG"]
def _refuse(what, family, address):
    with open(_LOG, "a") as log:
        log.write(f"{what} family={family} address={address!r}\\n")
    raise OSError(101, f"network blocked by the offline test: {what} {address!r}")
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
def connect(self, address):
    if self.family != socket.AF_UNIX:
        _refuse("connect", self.family, address)
    return _connect(self, address)
def connect_ex(self, address):
    if self.family != socket.AF_UNIX:
        _refuse("connect_ex", self.family, address)
    return _connect_ex(self, address)
def getaddrinfo(host, *args, **kwargs):
    _refuse("getaddrinfo", None, host)
socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''


class Offline:
    def __init__(self, root: Path) -> None:
        self.root = root
        guard = root / "guard"
        guard.mkdir()
        (guard / "sitecustomize.py").write_text(GUARD)
        self.log = root / "connections.log"
        self.temp = root / "tmp"
        self.temp.mkdir()
        self.home = root / "home"
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND", "DIP_ONBOARDING_HOME")}
        # platformdirs' folders (config, data, state = logs, cache) and the temp folder, all under tmp
        env.update(HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / "config"),
                   XDG_STATE_HOME=str(self.home / "state"), XDG_CACHE_HOME=str(self.home / "cache"),
                   TMPDIR=str(self.temp), OFFLINE_GUARD_LOG=str(self.log),
                   PYTHONPATH=os.pathsep.join([str(guard), *filter(None, [os.environ.get("PYTHONPATH")])]))
        # XDG_DATA_HOME stays: gnome-keyring's files live there; the wizard's data goes under HOME instead.
        env.pop("XDG_DATA_HOME", None)
        self.env = env

    def python(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, env=self.env,
                              timeout=300, stdin=subprocess.DEVNULL, check=False)

    def wizard(self, *args: str | Path) -> str:
        done = self.python("-m", "wizard", *args)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr
        return done.stdout

    def attempts(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def test_the_guard_catches_a_connection_attempt(tmp_path: Path) -> None:
    """Self-check: under the guard a TCP connection, a UDP one and a name lookup are each refused and logged."""
    offline = Offline(tmp_path)
    done = offline.python("-c", "import socket\n"
                                "for attempt in (lambda: socket.create_connection(('127.0.0.1', 9), timeout=1),\n"
                                "                lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
                                ".connect(('192.0.2.1', 53)),\n"
                                "                lambda: socket.getaddrinfo('example.org', 443)):\n"
                                "    try: attempt()\n"
                                "    except OSError as exc: print('refused', exc)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("refused") == 3
    log = offline.attempts()
    assert "address='127.0.0.1'" in log  # create_connection looks the address up first
    assert "('192.0.2.1', 53)" in log
    assert "example.org" in log


def test_whole_cli_flow_offline_and_no_key_on_disk(real_keychain: KeychainStatus, tmp_path: Path) -> None:
    offline = Offline(tmp_path)
    project, out = tmp_path / "project", tmp_path / "out"
    out.mkdir()
    offline.wizard("project", "init", project, "--org", "Acme Energy Ltd", "--company-number", "01234567",
                   "--domain", "acme.example", "--env", "uit")
    offline.wizard("person", "add", project, "--name", "Cara Cert", "--email", "cara@acme.example", "--phone",
                   "+44 20 7946 0001", "--role", "certificate-admin", "--primary")
    offline.wizard("key", "generate", project, "--cert", "dip-mtls")
    [record] = load_project(project).keys
    vault = Vault(open_keychain())
    try:
        offline.wizard("csr", "export", project, "--cert", "dip-mtls", "--out", out / "mtls.csr.pem")
        csr = x509.load_pem_x509_csr((out / "mtls.csr.pem").read_bytes())
        root = make_root()
        issuing = make_intermediate(root)
        now = dt.datetime.now(dt.UTC)
        leaf = make_leaf(issuing, csr.public_key(), not_before=now - dt.timedelta(days=1),
                         not_after=now + dt.timedelta(days=397))
        (out / "issued.pem").write_bytes(pem(leaf, issuing.cert, root.cert))
        assert "Imported" in offline.wizard("cert", "import", project, out / "issued.pem")
        (tmp_path / "password.txt").write_text("correct horse battery\n")
        offline.wizard("pfx", "export", project, "--cert", "dip-mtls", "--profile", "modern", "--password-file",
                       tmp_path / "password.txt", "--out", out / "mtls.pfx")
        assert pkcs12.load_pkcs12((out / "mtls.pfx").read_bytes(), b"correct horse battery").key is not None

        assert offline.attempts() == "", "the flow tried to reach the network"
        key = load_private_key(vault, record)
        written = sorted({*files_under([project, out, offline.home, offline.temp])} - {out / "issued.pem"})
        assert project / "project.json" in written
        assert scan(written, [PEM_MARKER, *key_needles("dip-mtls", key)]) == []
        # ...while the same scan finds the key where it is in plain.
        leak = offline.temp / "leak.der"
        leak.write_bytes(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        assert scan([leak], key_needles("dip-mtls", key))
    finally:
        for stored in load_project(project).keys:
            vault.delete(stored.vault_entry)
