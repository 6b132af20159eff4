"""Keys and CSRs through the real CLI and the real Secret Service, as a user types the commands; then every file
the flow wrote is searched for unencrypted private-key material, and none may be found.

The search is shown to work: it finds a planted key in every form it looks for (test_scanner_finds_planted_keys,
and again inside the flow test).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from wizard.core.keychain import SERVICE, KeychainStatus
from wizard.core.keys import PrivateKey, load_private_key
from wizard.core.store import load_project
from wizard.core.vault import CHUNK_CHARS, Vault, open_keychain

FAIL_BACKEND = "keyring.backends.fail.Keyring"
ORG = "Acme Energy Ltd"
API_KEY = "AtlasKey-3f9c2e71d0b84a56"
API_SECRET = "AtlasSecret-7Hq2Lm9Xv4Rt8Wz1"
PASSPHRASE = "correct horse battery staple"

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="searches the Secret Service directly")


# ---------------------------------------------------------------- the scanner


@dataclass(frozen=True)
class Needle:
    label: str
    data: bytes


def key_needles(name: str, key: PrivateKey) -> list[Needle]:
    """Forms in which an unencrypted private key could end up in a file: its PKCS#8 DER, that DER as one base64
    line, every 64-character run of that base64 (PEM lines and the vault's 1,000-character chunks are made of
    them), its PKCS#1 / SEC1 DER, and the raw secret numbers."""
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    traditional = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption())
    b64 = base64.b64encode(pkcs8)
    needles = [Needle(f"{name}: PKCS#8 DER", pkcs8), Needle(f"{name}: traditional DER", traditional),
               Needle(f"{name}: base64 of the PKCS#8 DER", b64)]
    needles += [Needle(f"{name}: base64 run at {i}", b64[i:i + 64]) for i in range(0, len(b64) - 63, 64)]
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.private_numbers()
        for label, value in (("p", numbers.p), ("q", numbers.q), ("d", numbers.d)):
            needles.append(Needle(f"{name}: RSA {label}", value.to_bytes((value.bit_length() + 7) // 8, "big")))
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        value = key.private_numbers().private_value
        needles.append(Needle(f"{name}: EC private value", value.to_bytes((value.bit_length() + 7) // 8, "big")))
    return needles


PEM_MARKER = Needle("a PEM private key marker", b"PRIVATE KEY")


def files_under(roots: Iterable[Path]) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
            continue
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = Path(folder, name)
                if path.is_file() and not path.is_symlink():
                    yield path


def scan(paths: Iterable[Path], needles: list[Needle]) -> list[tuple[Path, str]]:
    """Every (file, needle) where a file holds a needle; files are read in overlapping blocks, so any size works."""
    overlap = max(len(n.data) for n in needles)
    found: list[tuple[Path, str]] = []
    for path in paths:
        try:
            handle = path.open("rb")
        except OSError:
            continue  # gone already (another process's temp file) or a socket
        with handle:
            tail = b""
            hits: set[str] = set()
            while block := handle.read(1 << 20):
                window = tail + block
                hits.update(n.label for n in needles if n.data in window)
                tail = window[-overlap:]
        found.extend((path, label) for label in sorted(hits))
    return found


def temp_files() -> set[Path]:
    return set(files_under([Path(tempfile.gettempdir())]))


def new_temp_files(before: set[Path], own_basetemp: Path) -> set[Path]:
    """Files that appeared in the system temp folder since `before`, less those of other pytest runs.

    Machines are shared: another run of this suite at the same moment plants keys under its own
    /tmp/pytest-of-USER/pytest-N on purpose (test_scanner_finds_planted_keys), which would be reported here.
    This run's own folder is always searched.
    """
    runs = own_basetemp.parent
    others = runs if runs.name.startswith("pytest-of-") else None
    return {p for p in temp_files() - before
            if others is None or not p.is_relative_to(others) or p.is_relative_to(own_basetemp)}


def plant_keys(folder: Path) -> tuple[PrivateKey, list[Path]]:
    """Unencrypted copies of a fresh key in every form the scanner looks for."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    b64 = base64.b64encode(pkcs8)
    folder.mkdir(parents=True, exist_ok=True)
    pkcs1 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption())
    body = b"".join(line for line in pem.splitlines(keepends=True) if b"PRIVATE KEY" not in line)
    planted = {"key.pem": pem, "key.der": pkcs8, "key.b64": b64, "chunk-1.txt": b"prefix" + b64[1000:2000],
               "pem-body.txt": body, "pkcs1.der": pkcs1}
    paths = []
    for name, data in planted.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    (folder / "innocent.txt").write_text("nothing to see")
    return key, paths


def test_scanner_finds_planted_keys(tmp_path: Path) -> None:
    """The no-key-on-disk scan can fail: every planted form is found, and a clean file is not reported."""
    key, planted = plant_keys(tmp_path / "scratch")
    found = scan(files_under([tmp_path / "scratch"]), [PEM_MARKER, *key_needles("planted", key)])
    assert {path for path, _ in found} == set(planted)
    labels = {label for _, label in found}
    assert {"a PEM private key marker", "planted: PKCS#8 DER", "planted: traditional DER",
            "planted: base64 of the PKCS#8 DER", "planted: RSA p"} <= labels


# ---------------------------------------------------------------- running the CLI as typed


@dataclass(frozen=True)
class User:
    home: Path
    env: dict[str, str]

    def run(self, *argv: str | Path, keychain: bool = True) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        if not keychain:
            env["PYTHON_KEYRING_BACKEND"] = FAIL_BACKEND
        result = subprocess.run([sys.executable, "-m", "wizard", *map(str, argv)], capture_output=True, text=True,
                                env=env, timeout=300, stdin=subprocess.DEVNULL, check=False)
        assert "Traceback" not in result.stderr, result.stderr
        return result


@pytest.fixture
def user(tmp_path: Path) -> User:
    home = tmp_path / "dip-home"
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env["DIP_ONBOARDING_HOME"] = str(home)
    return User(home, env)


@pytest.fixture
def projects() -> Iterator[list[Path]]:
    """Project folders whose keys and Atlas credentials are removed from the real keychain afterwards."""
    folders: list[Path] = []
    yield folders
    vault = Vault(open_keychain())
    for folder in folders:
        if not (folder / "project.json").exists():
            continue
        project = load_project(folder)
        for record in project.keys:
            if record.vault == "keychain":
                vault.delete(record.vault_entry)
        if project.atlas_credentials is not None and project.atlas_credentials.vault == "keychain":
            vault.delete(project.atlas_credentials.vault_entry)
        if sys.platform.startswith("linux"):
            ids = {r.id for r in project.keys}
            if project.atlas_credentials is not None:
                ids.add(project.atlas_credentials.id)
            left = [name for name in secret_service_items() if name.rsplit("/", 2)[-2] in ids]
            assert left == [], f"entries left in the keychain: {left}"


def openssl_command() -> str:
    found = shutil.which("openssl")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("openssl is not installed; CI must have it (.ci/run installs it).")
        pytest.skip("openssl is not installed")
    return found


def init_project(user: User, folder: Path) -> None:
    done = user.run("project", "init", folder, "--org", ORG, "--company-number", "01234567", "--domain",
                    "acme.example", "--env", "uit")
    assert done.returncode == 0, done.stderr


def one_line(err: str) -> str:
    assert err.count("\n") == 1, err
    assert err.startswith("dip-onboarding: "), err
    return err


def secret_service_items() -> dict[str, str]:
    """Every entry under the wizard's service in the default Secret Service collection: username → secret."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        return {item.get_attributes()["username"]: item.get_secret().decode("utf-8")
                for item in collection.search_items({"service": SERVICE})}
    finally:
        connection.close()


# ---------------------------------------------------------------- the whole flow


@pytest.mark.keychain
@linux_only
def test_keys_and_csrs_in_the_secret_service_and_no_key_on_disk(real_keychain: KeychainStatus, user: User,
                                                                 projects: list[Path], tmp_path: Path,
                                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    openssl = openssl_command()
    temp_before = temp_files()
    folder = tmp_path / "Acme UIT"
    out = tmp_path / "csrs"
    out.mkdir()
    projects.append(folder)
    init_project(user, folder)

    for kind, algorithm in (("atlas-api", "rsa-4096"), ("dip-mtls", None)):
        done = user.run("key", "generate", folder, "--cert", kind, *(["--algorithm", algorithm] if algorithm else []))
        assert done.returncode == 0, done.stderr
        assert f"stored it in {real_keychain.name}" in done.stdout
        done = user.run("csr", "export", folder, "--cert", kind, "--out", out / f"{kind}.csr.pem")
        assert done.returncode == 0, done.stderr
        assert f'It names the organisation "{ORG}" in GB' in done.stdout
        assert "kept in your keychain" in done.stdout

    for kind, cn in (("atlas-api", f"{ORG} Atlas API"), ("dip-mtls", "acme.example")):
        csr = out / f"{kind}.csr.pem"
        verified = subprocess.run([openssl, "req", "-in", str(csr), "-noout", "-verify", "-subject", "-nameopt",
                                   "RFC2253"], capture_output=True, text=True, timeout=60, check=False)
        assert verified.returncode == 0, verified.stderr
        assert "verify OK" in verified.stdout + verified.stderr
        assert f"subject=CN={cn},O={ORG},C=GB" in verified.stdout

    # The keys are in the Secret Service: an index and every part, each within the vault's chunk size.
    records = {k.kind: k for k in load_project(folder).keys}
    assert {r.algorithm for r in records.values()} == {"rsa-4096", "rsa-2048"}
    assert all(r.vault == "keychain" for r in records.values())
    items = secret_service_items()
    for record in records.values():
        index = json.loads(items[f"{record.vault_entry}/index"])
        assert index["parts"] >= 2
        for i in range(index["parts"]):
            assert 0 < len(items[f"{record.vault_entry}/part-{i}"]) <= CHUNK_CHARS
        assert f"{record.vault_entry}/part-{index['parts']}" not in items
    assert json.loads(items[f"{records['atlas-api'].vault_entry}/index"])["parts"] == 4

    # Nothing under the project, the user's folders, the CSR folder or new temp files holds the private keys.
    vault = Vault(open_keychain())
    keys = {kind: load_private_key(vault, record) for kind, record in records.items()}
    needles = [PEM_MARKER, *(n for kind, key in keys.items() for n in key_needles(kind, key))]
    new_temp = new_temp_files(temp_before, tmp_path_factory.getbasetemp())
    written = sorted({*files_under([folder, user.home, out]), *new_temp})
    assert folder / "project.json" in written
    assert out / "atlas-api.csr.pem" in written
    assert scan(written, needles) == []

    # ...and the same scan does see a key that is there.
    planted_key, planted = plant_keys(tmp_path / "scratch")
    found = scan(files_under([tmp_path / "scratch"]), [PEM_MARKER, *key_needles("planted", planted_key)])
    assert {path for path, _ in found} == set(planted)
    (out / "leak.bin").write_bytes(b"header" + keys["dip-mtls"].private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    assert {label for _, label in scan([out / "leak.bin"], needles)} >= {"dip-mtls: PKCS#8 DER", "dip-mtls: RSA p"}


# ---------------------------------------------------------------- no keychain, and the file vault


@pytest.mark.keychain
def test_no_keychain_is_refused_and_changes_nothing(real_keychain: KeychainStatus, user: User,
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    init_project(user, folder)
    before = (folder / "project.json").read_bytes()
    done = user.run("key", "generate", folder, "--cert", "atlas-api", keychain=False)
    assert done.returncode == 1
    err = one_line(done.stderr)
    assert "keychain" in err
    assert "--file-vault" in err
    assert done.stdout == ""
    assert (folder / "project.json").read_bytes() == before


@pytest.mark.keychain
def test_file_vault_without_a_keychain(real_keychain: KeychainStatus, user: User, tmp_path: Path,
                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    openssl = openssl_command()
    temp_before = temp_files()
    folder = tmp_path / "acme"
    init_project(user, folder)
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text(PASSPHRASE + "\n")
    done = user.run("key", "generate", folder, "--cert", "dip-mtls", "--file-vault", "--passphrase-file", passphrase,
                    keychain=False)
    assert done.returncode == 0, done.stderr
    assert "passphrase-protected file vault" in done.stdout
    [record] = load_project(folder).keys
    assert record.vault == "file"
    out = tmp_path / "dip-mtls.csr.pem"
    done = user.run("csr", "export", folder, "--cert", "dip-mtls", "--out", out, "--passphrase-file", passphrase,
                    keychain=False)
    assert done.returncode == 0, done.stderr
    verified = subprocess.run([openssl, "req", "-in", str(out), "-noout", "-verify"], capture_output=True,
                              text=True, timeout=60, check=False)
    assert verified.returncode == 0, verified.stderr

    wrong = tmp_path / "wrong.txt"
    wrong.write_text("this is not the passphrase\n")
    vault_file = user.home / "data" / "vault" / "secrets.vault"
    vault_before = vault_file.read_bytes()
    done = user.run("csr", "export", folder, "--cert", "dip-mtls", "--out", tmp_path / "again.pem",
                    "--passphrase-file", wrong, keychain=False)
    assert done.returncode == 1
    assert "That passphrase does not open the file vault" in one_line(done.stderr)
    assert "this is not the passphrase" not in done.stderr
    assert vault_file.read_bytes() == vault_before

    # The key in the file vault is encrypted: no form of it is on disk in plain.
    from wizard.core.vault import FileStore

    key = load_private_key(Vault(FileStore.open(vault_file, PASSPHRASE)), record)
    new_temp = new_temp_files(temp_before, tmp_path_factory.getbasetemp())
    written = sorted({*files_under([folder, user.home, tmp_path]), *new_temp})
    assert vault_file in written
    assert scan(written, [PEM_MARKER, *key_needles("dip-mtls", key)]) == []


# ---------------------------------------------------------------- Atlas credentials


@pytest.mark.keychain
def test_atlas_credentials_go_to_the_keychain_only(real_keychain: KeychainStatus, user: User, projects: list[Path],
                                                   tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    temp_before = temp_files()
    folder = tmp_path / "acme"
    projects.append(folder)
    init_project(user, folder)
    given = tmp_path / "from-atlas"
    given.mkdir()
    (given / "key.txt").write_text(API_KEY + "\n")
    (given / "secret.txt").write_text(API_SECRET + "\n")
    done = user.run("atlas", "save", folder, "--key-file", given / "key.txt", "--secret-file", given / "secret.txt")
    assert done.returncode == 0, done.stderr
    assert f"Stored the Atlas API key and secret in {real_keychain.name}" in done.stdout
    assert API_SECRET not in done.stdout + done.stderr

    record = load_project(folder).atlas_credentials
    assert record is not None
    assert record.vault == "keychain"
    stored = json.loads(Vault(open_keychain()).get(record.vault_entry))  # as atlas.store_credentials wrote it
    assert (stored["api_key"], stored["api_secret"]) == (API_KEY, API_SECRET)

    # Only the files the user gave hold the values; nothing the wizard wrote does.
    new_temp = new_temp_files(temp_before, tmp_path_factory.getbasetemp())
    written = {*files_under([folder, user.home]), *new_temp} - {given / "key.txt", given / "secret.txt"}
    assert folder / "project.json" in written
    stored_form = base64.b64encode(json.dumps({"api_key": API_KEY, "api_secret": API_SECRET}).encode())
    needles = [Needle("API key", API_KEY.encode()), Needle("API secret", API_SECRET.encode()),
               Needle("the vault's base64 of the pair", stored_form[:64])]
    assert scan(sorted(written), needles) == []
