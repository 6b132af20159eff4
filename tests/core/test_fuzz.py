"""Property-based tests (hypothesis) over what the wizard reads from files it did not write: `cert inspect` on any
file (PFX with a password, CSR, key, certificate), a password-protected key brought in, and project.json. Whatever
the bytes, only the wizard's own errors (WizardError subclasses) come out, and a project file that is refused is
left exactly as it was. (Certificate files and PFX reading alone: test_certfiles.py and test_packaging.py.)"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.conftest import NOW
from tests.pki import make_leaf, make_root, name, rsa_key
from wizard.core.errors import WizardError
from wizard.core.inspect import inspect_file
from wizard.core.model import Organisation, Project
from wizard.core.packaging import read_encrypted_key
from wizard.core.store import create_project, load_project, project_file

_FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_KEY = rsa_key(3)
_ROOT = make_root()
_LEAF = make_leaf(_ROOT, _KEY.public_key())
_PASSWORD = "fuzz password"
_SAMPLES: dict[str, bytes] = {
    "pfx": pkcs12.serialize_key_and_certificates(
        b"fuzz", _KEY, _LEAF, None, serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(1000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
        .build(_PASSWORD.encode())),
    "csr": x509.CertificateSigningRequestBuilder().subject_name(name("acme.example", "Acme Energy Ltd", "GB"))
    .sign(_KEY, hashes.SHA256()).public_bytes(serialization.Encoding.PEM),
    "cert-pem": _LEAF.public_bytes(serialization.Encoding.PEM),
    "cert-der": _LEAF.public_bytes(serialization.Encoding.DER),
    "key": _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.BestAvailableEncryption(_PASSWORD.encode())),
}


@st.composite
def damaged(draw: st.DrawFn, kinds: tuple[str, ...] = tuple(_SAMPLES)) -> bytes:
    """A real file with a few bit flips, perhaps cut short."""
    data = bytearray(_SAMPLES[draw(st.sampled_from(kinds))])
    for _ in range(draw(st.integers(0, 4))):
        data[draw(st.integers(0, len(data) - 1))] ^= 1 << draw(st.integers(0, 7))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


def _inspect_only_wizard_errors(data: bytes, password: str | None) -> None:
    try:
        report = inspect_file(data, "fuzz.bin", password, NOW)
    except WizardError as exc:
        message = str(exc)
        assert message, "an empty message"
        return
    assert report.kind in {"csr", "private-key", "pfx", "certificates"}
    assert report.lines or report.items


@_FUZZ
@given(st.binary(max_size=3000), st.one_of(st.none(), st.text(max_size=20)))
def test_cert_inspect_on_arbitrary_bytes(data: bytes, password: str | None) -> None:
    _inspect_only_wizard_errors(data, password)


@_FUZZ
@given(damaged(), st.sampled_from([None, _PASSWORD, "", "wrong"]))
def test_cert_inspect_on_damaged_pfx_csr_key_and_certificate_files(data: bytes, password: str | None) -> None:
    _inspect_only_wizard_errors(data, password)


@_FUZZ
@given(st.one_of(st.binary(max_size=3000), damaged(("key", "pfx", "cert-pem"))),
       st.sampled_from([_PASSWORD, "", "wrong"]))
def test_bringing_a_damaged_key_file_only_raises_wizard_errors(data: bytes, password: str) -> None:
    try:
        key = read_encrypted_key(data, password)
    except WizardError as exc:
        message = str(exc)
        assert message, "an empty message"
        return
    assert key.public_key().public_numbers() == _KEY.public_key().public_numbers()


# ---------------------------------------------------------------- project.json

_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                   max_size=3), max_leaves=8)


def _saved_document() -> dict[str, Any]:
    """A project.json as the wizard writes it, with a person and a key record."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(profile_id="dip-mhhs", environment="uit",
                          organisation=Organisation("Acme Energy Ltd", "01234567", "acme.example"),
                          created_at=NOW, updated_at=NOW)
        create_project(Path(tmp), project)
        doc: dict[str, Any] = json.loads(project_file(Path(tmp)).read_text())
    doc["project"]["people"] = [{"id": "p1", "name": "Ann", "email": "ann@acme.example", "roles": ["dip-manager"]}]
    doc["project"]["keys"] = [{"id": "k-1", "kind": "dip-mtls", "algorithm": "rsa-2048", "fingerprint": "ab",
                               "created_at": NOW.isoformat(), "vault": "keychain"}]
    return doc


_DOC = _saved_document()


def _paths(doc: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(doc, dict):
        for k, v in doc.items():
            found += _paths(v, (*at, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found += _paths(v, (*at, i))
    return found


def _load_only_wizard_errors(folder: Path, raw: bytes) -> None:
    project_file(folder).write_bytes(raw)
    try:
        project = load_project(folder, persist=False)
    except WizardError as exc:
        message = str(exc)
        assert message, "an empty message"
        assert project_file(folder).read_bytes() == raw  # refused files are left exactly as they are
        return
    assert isinstance(project.created_at, dt.datetime)


@_FUZZ
@given(st.binary(max_size=2000))
def test_loading_random_bytes_as_a_project(tmp_path: Path, data: bytes) -> None:
    _load_only_wizard_errors(tmp_path, data)


@_FUZZ
@given(st.data())
def test_loading_a_mutated_project_document(tmp_path: Path, data: st.DataObject) -> None:
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    doc = copy.deepcopy(_DOC)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(doc)[1:]))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_JSON)
        if not _paths(doc)[1:]:
            break
    _load_only_wizard_errors(folder, json.dumps(doc).encode())
