"""The Audit page's words (core/audit_words.py): a demo project's trail, after a key is made, its CSR exported, a
certificate imported and a step set, reads in words — no internal id, no True/False/None, no `step-…`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from wizard.core import audit
from wizard.core.algorithms import fingerprint_start
from wizard.core.audit_words import detail_words, event_words
from wizard.core.lifecycle import with_certificate
from wizard.core.model import CertificateRecord, KeyRecord, with_key, with_step_status
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.demo import add_demo_tracking, create_demo_project

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
FINGERPRINT = "ab12cd34ef567890" * 4
#: What must never show: an internal id, a step id, a Python flag or None.
RAW = re.compile(r"\b[a-z]-[0-9a-f]{4,}\b|step-|\bTrue\b|\bFalse\b|\bNone\b|\bprerequisites\b")


def rendered_rows(folder: Path, profile: Profile) -> list[str]:
    from wizard.core.store import load_project

    project = load_project(folder, persist=False)
    return [f"{event_words(e.event)} | {detail_words(e.event, e.details, profile, project)}"
            for e in audit.read_entries(folder)]


def add_key_csr_certificate_step(session: ProjectSession) -> KeyRecord:
    """A key made, its CSR exported, a certificate imported for it, step 2 set done and a signing self-test."""
    profile = session.profile
    kind = profile.certificate_kinds[0]
    key = KeyRecord(id="k-0123456789abcdef", kind=kind.id, algorithm=kind.algorithms[0], fingerprint=FINGERPRINT,
                    created_at=NOW)
    session.commit(with_key(session.project, key))
    key = replace(key, csr_pem="-----BEGIN CERTIFICATE REQUEST-----", csr_exported_at=NOW)
    session.commit(with_key(session.project, key))
    cert = CertificateRecord(id="c-fedcba9876543210", kind=kind.id, key_id=key.id, pem="", chain_pem="",
                             fingerprint="99" * 32, subject="CN=northwind-networks.example", issuer="CN=CA",
                             not_before=NOW - dt.timedelta(days=1), not_after=NOW + dt.timedelta(days=365),
                             imported_at=NOW)
    session.commit(with_certificate(session.project, key, cert, NOW)[0])
    session.commit(with_step_status(session.project, "step-2", "done", NOW.date()))
    session.record("signing self-test", {"kind": kind.id, "ok": True, "url": "https://example.invalid/x"})
    return key


def test_a_demo_trail_reads_in_words(tmp_path: Path, profile: Profile) -> None:
    session = create_demo_project(tmp_path / "demo", profile, lambda: NOW)
    add_demo_tracking(session)
    add_key_csr_certificate_step(session)
    kind = profile.certificate_kinds[0]

    rows = rendered_rows(session.folder, profile)
    bad = [row for row in rows if RAW.search(row)]
    assert not bad, bad
    text = "\n".join(rows)
    short = fingerprint_start(FINGERPRINT)
    assert f"Key generated | {kind.name}; " in text
    assert short in text
    assert f"CSR exported | {kind.name}; fingerprint {short}" in text
    assert f"for the key {short}" in text
    assert "expires 2 Mar 2027" in text
    [imported] = [row for row in rows if row.startswith("Certificate imported")]
    assert imported.index("expires 2 Mar 2027") < imported.index(short), "the date first: fingerprints are cut off"
    assert not [row for row in rows if row.startswith(("Key in use", "Key retired")) and "now " in row]
    assert f"Step status changed | {profile.step('step-2').heading}; now done" in text
    assert "DIP ID 8795183096; channel: IF-001; confirmed: yes" in text
    assert f"Signing self-test | {kind.name}; passed" in text
