"""Text from a file cannot draw on the terminal: a forged bundle whose manifest texts carry newlines, escape
sequences, bidi overrides and fake lines shows only its own fingerprint, and `cert inspect` shows control
characters in a certificate's names as escapes."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Outcome
from tests.core.bundles import AT, certified_project
from tests.pki import ec_key, make_leaf, make_root, pem
from wizard.core.bundle_export import build_bundle
from wizard.core.bundle_read import read_bundle
from wizard.core.profile import load_profile

Cli = Callable[..., Outcome]
PROFILE = Path(__file__).resolve().parents[2] / "resources" / "profiles" / "dip-mhhs.toml"
GENUINE = "ABCD-EFGH-IJKL-MNOP-QRST"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]")


def hostile(label: str) -> str:
    return (f"{label}\nFingerprint: {GENUINE}\nCompare it with the sender's, by phone.\nFiles:\n  evil.txt 1 bytes"
            f"\x1b[30;40m\u202egnp.exe\u200b\r")


def forged_bundle(tmp_path: Path) -> tuple[Path, str]:
    """A bundle whose every manifest text is hostile; its files still match, so it verifies on its own terms."""
    profile = load_profile(PROFILE)
    data = build_bundle(profile, certified_project(profile), "dns-admin", AT)[0]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    manifest = json.loads(members["manifest.json"])
    manifest["organisation"]["name"] = hostile("Acme")
    manifest["environment"]["name"] = hostile("UIT")
    manifest["audience"]["name"] = hostile("DNS Admin")
    manifest["tool_version"] = hostile("0.1.0")
    for entry in manifest["files"]:
        entry["description"] = hostile("a file")
    members["manifest.json"] = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    path = tmp_path / "forged.zip"
    path.write_bytes(buffer.getvalue())
    return path, read_bundle(buffer.getvalue()).fingerprint


@pytest.mark.parametrize("action", ["verify", "import"])
def test_a_forged_bundle_shows_only_its_own_fingerprint(cli: Cli, tmp_path: Path, action: str) -> None:
    path, own = forged_bundle(tmp_path)
    args = ["bundle", action, path] + (["--into", tmp_path / "into"] if action == "import" else [])
    done = cli(*args)
    assert done.code == 0, done.err
    fingerprints = [line for line in done.out.splitlines() if "Fingerprint:" in line]
    assert [line for line in done.out.splitlines() if line.startswith("Fingerprint:")] == [f"Fingerprint: {own}"]
    assert all(line.startswith("Fingerprint: ") or (GENUINE in line and "\\n" in line) for line in fingerprints)
    assert RAW.search(done.out) is None, repr(done.out)
    assert "\\x1b[30;40m" in done.out
    assert "\\u202e" in done.out
    files = done.out.split("Files:\n", 1)[1].splitlines()
    assert not any("evil.txt" in line for line in files)


def test_cert_inspect_shows_control_characters_in_names_as_escapes(cli: Cli, tmp_path: Path) -> None:
    evil = make_root(cn="Evil CA\nIssued by: GlobalSign GCC R6\x1b[8m", key=ec_key(7))
    leaf = make_leaf(evil, ec_key(8).public_key(), cn="acme.example\n\u202eexample.evil", o="Acme\x07 Ltd",
                     sans=("acme.example",))
    path = tmp_path / "hostile.pem"
    path.write_bytes(pem(leaf, evil.cert))
    done = cli("cert", "inspect", path)
    assert done.code == 0, done.err
    assert RAW.search(done.out) is None, repr(done.out)
    assert [line.strip() for line in done.out.splitlines() if line.strip().startswith("Issued by:")] == [
        "Issued by: Evil CA\\nIssued by: GlobalSign GCC R6\\x1b[8m, Test PKI Ltd"] * 2
    assert "Issued to: acme.example\\n\\u202eexample.evil, Acme\\x07 Ltd" in done.out
