"""Making and re-opening a PFX in a child process gives a file that opens with its password and the same facts as
doing it here; the child gets its password on stdin only and the key only encrypted; a maker whose facts disagree
gets nothing written."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.core.bundles import certified_project, key_for
from wizard.core import pfx_maker
from wizard.core.bundle_export import PfxRequest
from wizard.core.errors import WizardError
from wizard.core.keys import PrivateKey, public_fingerprint
from wizard.core.packaging import PackageError, export_pfx, pfx_bytes, pfx_profile
from wizard.core.pfx_maker import Made, PfxOrder, child_command, make_elsewhere, make_here, reopen_here
from wizard.core.profile import Profile

PASSWORD = "correct horse battery staple 42"


def certificate_and_chain(profile: Profile) -> tuple[x509.Certificate, tuple[x509.Certificate, ...]]:
    held = certified_project(profile).current_certificate("dip-mtls")
    assert held is not None
    return (x509.load_pem_x509_certificate(held[1].pem.encode()),
            tuple(x509.load_pem_x509_certificates(held[1].chain_pem.encode())))


def order_for(profile: Profile, profile_id: str = "modern") -> PfxOrder:
    cert, chain = certificate_and_chain(profile)
    pfx = pfx_profile(profile_id)
    der = serialization.Encoding.DER
    return PfxOrder(cert.public_bytes(der), tuple((c.public_bytes(der), b"Issuer") for c in chain), b"Acme mTLS",
                    pfx.key_cert_algorithm.name, pfx.mac().name, pfx.kdf_rounds)


@pytest.mark.parametrize("profile_id", ["modern", "compat"])
def test_the_child_makes_a_pfx_that_opens_with_the_facts_made_here(profile: Profile, profile_id: str) -> None:
    order, key = order_for(profile, profile_id), key_for("dip-mtls")
    here, there = make_here(order, key, PASSWORD), make_elsewhere(order, key, PASSWORD)
    assert here.reopened is not None
    assert there.reopened is not None
    facts = ("key_fingerprint", "certificate_der", "chain_der")
    assert [getattr(there.reopened, f) for f in facts] == [getattr(here.reopened, f) for f in facts]
    assert there.reopened.sha256 == hashlib.sha256(there.data).hexdigest(), "the bytes it re-opened are the ones sent"
    assert there.reopened is not None
    assert there.reopened.key_fingerprint == public_fingerprint(key.public_key())
    assert len(there.reopened.chain_der) == 2, "intermediate and root"
    loaded = pkcs12.load_pkcs12(there.data, PASSWORD.encode())
    assert loaded.key is not None
    assert loaded.cert is not None
    assert loaded.cert.friendly_name == b"Acme mTLS"
    assert [c.friendly_name for c in loaded.additional_certs] == [b"Issuer", b"Issuer"]
    assert "PRIVATE" not in repr(there)
    assert PASSWORD not in repr(there)


def test_export_made_in_a_child_writes_a_pfx_that_opens(profile: Profile, tmp_path: Path) -> None:
    cert, chain = certificate_and_chain(profile)
    out = tmp_path / "mtls.pfx"
    export_pfx(out, key_for("dip-mtls"), cert, chain, pfx_profile("modern"), PASSWORD, "Acme", maker=make_elsewhere)
    loaded = pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode())
    assert loaded.key is not None
    assert len(loaded.additional_certs) == 2
    data = pfx_bytes(key_for("dip-mtls"), cert, chain, pfx_profile("modern"), PASSWORD, "Acme", maker=make_elsewhere)
    assert pkcs12.load_pkcs12(data, PASSWORD.encode()).key is not None


@pytest.mark.parametrize("lie", ["key", "chain", "unopened", "other bytes"])
def test_a_maker_whose_facts_disagree_gets_nothing_written(profile: Profile, tmp_path: Path, lie: str) -> None:
    cert, chain = certificate_and_chain(profile)
    out = tmp_path / "mtls.pfx"

    def lying(order: PfxOrder, key: PrivateKey, password: str) -> Made:
        made = make_here(order, key, password)
        found = made.reopened
        assert found is not None
        return {"key": Made(made.data, pfx_maker.Reopened("0" * 64, found.certificate_der, found.chain_der,
                                                          found.sha256)),
                "chain": Made(made.data, pfx_maker.Reopened(found.key_fingerprint, found.certificate_der, (),
                                                            found.sha256)),
                "unopened": Made(made.data, None),
                "other bytes": Made(b"not the file that was checked", found)}[lie]

    with pytest.raises(PackageError, match="did not check out"):
        export_pfx(out, key_for("dip-mtls"), cert, chain, pfx_profile("modern"), PASSWORD, "Acme", maker=lying)
    assert not out.exists()
    with pytest.raises(PackageError, match="did not check out"):
        pfx_bytes(key_for("dip-mtls"), cert, chain, pfx_profile("modern"), PASSWORD, "Acme", maker=lying)
    assert PfxRequest("dip-mtls", key_for("dip-mtls")).maker is make_here, "the CLI makes it in its own process"


def test_the_child_gets_the_password_on_stdin_and_the_key_only_encrypted(profile: Profile,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[list[str], str]] = []
    real_run = subprocess.run

    def spy(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append((list(command), kwargs.get("input", "")))
        return real_run(command, **kwargs)

    monkeypatch.setattr(pfx_maker.subprocess, "run", spy)
    key = key_for("dip-mtls")
    make_elsewhere(order_for(profile), key, PASSWORD)
    ((command, stdin),) = seen
    assert command == [sys.executable, "-m", "wizard", "--make-pfx"]
    assert not any(PASSWORD in part for part in command)
    request = json.loads(stdin)
    assert request["password"] == PASSWORD
    sealed = base64.b64decode(request["key"])
    plain = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    assert base64.b64encode(plain).decode() not in stdin
    with pytest.raises(TypeError, match="encrypted"):
        serialization.load_der_private_key(sealed, None)
    opened = serialization.load_der_private_key(sealed, PASSWORD.encode())
    assert public_fingerprint(opened.public_key()) == public_fingerprint(key.public_key())  # type: ignore[arg-type]


def test_a_request_the_child_cannot_use_is_a_plain_error(profile: Profile) -> None:
    bad = order_for(profile)
    broken = PfxOrder(b"not a certificate", bad.chain, bad.friendly_name, bad.algorithm, bad.mac, bad.kdf_rounds)
    with pytest.raises(WizardError, match="could not be made"):
        make_elsewhere(broken, key_for("dip-mtls"), PASSWORD)


@pytest.mark.parametrize(("child", "said"), [
    ("import sys; sys.exit(1)", "gave no answer"),
    ("import sys; print('{\"pfx\": \"\", \"reopened\": null}'); sys.exit(1)", "gave no answer"),
    # It takes its request first: on Windows, subprocess's time limit does not cover writing to a child's stdin.
    ("import sys, time; sys.stdin.read(); time.sleep(30)", "did not answer within 1 s"),
])
def test_a_helper_that_fails_or_hangs_is_a_plain_error(profile: Profile, monkeypatch: pytest.MonkeyPatch,
                                                       child: str, said: str) -> None:
    monkeypatch.setattr(pfx_maker, "child_command", lambda: [sys.executable, "-c", child])
    monkeypatch.setattr(pfx_maker, "CHILD_TIMEOUT_S", 1)
    with pytest.raises(WizardError, match=said):
        make_elsewhere(order_for(profile), key_for("dip-mtls"), PASSWORD)


def test_a_helper_that_cannot_start_is_a_plain_error(profile: Profile, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setattr(pfx_maker, "child_command", lambda: [str(tmp_path / "no-such-program")])
    with pytest.raises(WizardError, match=r"did not start \(FileNotFoundError\)"):
        make_elsewhere(order_for(profile), key_for("dip-mtls"), PASSWORD)


def test_an_ec_key_a_compat_profile_and_unicode_names_go_through_the_child() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.pki import NOW, make_ca

    ca = make_ca("EC Test")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = ca.issue(key.public_key(), common_name="ec.example", not_before=NOW - dt.timedelta(days=1),
                    not_after=NOW + dt.timedelta(days=90))
    der = serialization.Encoding.DER
    order = PfxOrder(cert.public_bytes(der), ((ca.intermediate.public_bytes(der), "Intermediate ✓".encode()),),
                     "Ünïcode name".encode(), "PBESv1SHA1And3KeyTripleDESCBC", "sha1", 100_000)
    made = make_elsewhere(order, key, "pässwörd ünïcode 42")
    assert made.reopened is not None
    assert made.reopened.key_fingerprint == public_fingerprint(key.public_key())
    loaded = pkcs12.load_pkcs12(made.data, "pässwörd ünïcode 42".encode())
    assert loaded.cert is not None
    assert loaded.cert.friendly_name == "Ünïcode name".encode()


def test_a_file_that_does_not_open_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Could not deserialize"):
        reopen_here(b"not a pfx", PASSWORD)


def test_a_frozen_app_starts_itself_or_its_console_twin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    app = tmp_path / "dip-onboarding"
    monkeypatch.setattr(sys, "executable", str(app))
    assert child_command() == [str(app), "--make-pfx"]
    windowed, console = tmp_path / "dip-onboarding-gui.exe", tmp_path / "dip-onboarding.exe"
    monkeypatch.setattr(sys, "executable", str(windowed))
    assert child_command() == [str(windowed), "--make-pfx"], "no console twin: itself"
    console.write_bytes(b"")
    assert child_command() == [str(console), "--make-pfx"], "the windowed exe has no streams to answer on"
