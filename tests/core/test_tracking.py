"""Domain verification helper, reminders and the .ics file, renewal state, promotion to Production, and the
signing self-test, all without Qt."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import icalendar
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.pki import make_chain, make_intermediate, make_leaf, make_root, rsa_key
from wizard.core.certfiles import certificate_fingerprint
from wizard.core.domain import dns_sheet, normalise_txt_value, with_txt_value
from wizard.core.errors import InvalidInput, WizardError
from wizard.core.keys import _private_der, public_fingerprint
from wizard.core.memory_keychain import MemoryKeychain
from wizard.core.model import (
    CertificateRecord,
    Channel,
    DipId,
    KeyRecord,
    Organisation,
    Person,
    Project,
    StepProgress,
)
from wizard.core.profile import Profile, parse_profile
from wizard.core.promotion import promote, promoted_project, tick_by_user
from wizard.core.reminders import escape_text, fold, reminders, to_ics
from wizard.core.renewal import renewal_state
from wizard.core.session import ProjectSession
from wizard.core.signing import content_hash, self_test, sign_request, verify_request
from wizard.core.vault import Vault

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
ORG = Organisation("Ærø Energy; Ltd, \"North\"", "01234567", "acme.example")


def cert_record(kind: str, key: rsa.RSAPrivateKey, days_left: int, *, cid: str = "c-1",
                key_id: str = "k-1", state: str = "active") -> tuple[KeyRecord, CertificateRecord, x509.Certificate]:
    root = make_root(now=NOW)
    leaf = make_leaf(make_intermediate(root, now=NOW), key.public_key(), not_before=NOW - dt.timedelta(days=300),
                     not_after=NOW + dt.timedelta(days=days_left))
    pem = leaf.public_bytes(serialization.Encoding.PEM).decode()
    k = KeyRecord(key_id, kind, "rsa-2048", public_fingerprint(key.public_key()), NOW - dt.timedelta(days=301),
                  state=state)
    c = CertificateRecord(cid, kind, key_id, pem, "", certificate_fingerprint(leaf), "acme.example", "Test CA",
                          leaf.not_valid_before_utc, leaf.not_valid_after_utc, NOW - dt.timedelta(days=300))
    return k, c, leaf


def project_with_cert(kind: str = "dip-mtls", days_left: int = 20, **extra: Any) -> Project:
    k, c, _ = cert_record(kind, rsa_key(0), days_left)
    return Project("dip-mhhs", "uit", ORG, NOW, NOW, keys=(k,), certificates=(c,), **extra)


# ---------------------------------------------------------------- domain verification


def test_txt_value_is_cleaned_and_checked() -> None:
    assert normalise_txt_value('  "globalsign-domain-verification=Ab_12-x"  ') == \
        "globalsign-domain-verification=Ab_12-x"
    for bad, words in (("", "Paste the TXT value"), ("a\nb", "cannot hold"), ('a"b', "cannot hold"),
                       ("é", "cannot hold"), ("x" * 2000, "too long")):
        with pytest.raises(InvalidInput, match=words):
            normalise_txt_value(bad)


def test_dns_sheet_names_type_name_value_and_says_keep_it(profile: Profile) -> None:
    project = Project("dip-mhhs", "uit", ORG, NOW, NOW)
    with pytest.raises(WizardError, match="No TXT value recorded"):
        dns_sheet(profile, project)
    sheet = dns_sheet(profile, with_txt_value(project, "gs=abc<1>", NOW))
    assert "Record type: TXT" in sheet.text
    assert "Name:        @" in sheet.text
    assert "Value:       gs=abc<1>" in sheet.text
    assert "used again when certificates are renewed" in sheet.text
    assert "nslookup -type=TXT acme.example" in sheet.text
    assert "dig +short TXT acme.example" in sheet.text
    assert "<code>gs=abc&lt;1&gt;</code>" in sheet.html  # escaped in HTML
    assert "Ærø Energy; Ltd, &quot;North&quot;" in sheet.html


# ---------------------------------------------------------------- reminders and the .ics file


def test_reminders_at_the_profiles_lead_times(profile: Profile) -> None:
    project = project_with_cert(days_left=40)
    found = reminders(profile, project, NOW)
    assert [r.lead_days for r in found] == list(profile.reminders.lead_days)
    expiry = project.certificates[0].not_after
    assert [r.due for r in found] == [(expiry - dt.timedelta(days=d)).date() for d in profile.reminders.lead_days]


def test_text_escaping_and_folding_follow_rfc_5545() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    line = "DESCRIPTION:" + "Ærø ünïcode " * 20
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    for p in parts:
        p.encode("utf-8").decode("utf-8")  # never split inside a character


def test_ics_file_is_strict_rfc_5545_and_parses(profile: Profile) -> None:
    project = project_with_cert(days_left=40)
    text = to_ics(profile, project, NOW)
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(text)
    events = [c for c in cal.walk("VEVENT")]
    # The expiry itself, and the lead times still to come (60 days before a 40-day expiry has passed).
    assert len(events) == 1 + sum(1 for d in profile.reminders.lead_days if d <= 40)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    expiry = next(e for e in events if str(e["UID"]).endswith("-expiry@dip-onboarding.invalid"))
    assert expiry.decoded("DTSTART") == project.certificates[0].not_after.date()
    assert "Ærø Energy; Ltd, \"North\"" in str(expiry["SUMMARY"])  # escaped on the way out, exact on the way in
    assert expiry.decoded("DTSTAMP") == NOW
    triggers = sorted(a.decoded("TRIGGER") for a in expiry.walk("VALARM"))
    assert triggers == sorted(-dt.timedelta(days=d) for d in {*profile.reminders.lead_days, 1})
    assert all(len(list(e.walk("VALARM"))) >= 1 for e in events)
    assert str(cal["VERSION"]) == "2.0"
    assert "PRODID" in cal


def test_a_replaced_certificate_gets_no_reminders(profile: Profile) -> None:
    old_key, old_cert, _ = cert_record("dip-mtls", rsa_key(0), 10, state="retired")
    new_key, new_cert, _ = cert_record("dip-mtls", rsa_key(1), 400, cid="c-2", key_id="k-2")
    project = Project("dip-mhhs", "uit", ORG, NOW, NOW, keys=(old_key, new_key), certificates=(old_cert, new_cert))
    assert {r.certificate_id for r in reminders(profile, project, NOW)} == {"c-2"}


# ---------------------------------------------------------------- renewal


def test_renewal_state_flags_a_certificate_near_expiry(profile: Profile) -> None:
    soon = renewal_state(profile, project_with_cert(days_left=20), "dip-mtls", NOW)
    assert (soon.status, soon.days_left, soon.replacement) == ("soon", 20, None)
    assert "Start the renewal" in soon.advice()
    ok = renewal_state(profile, project_with_cert(days_left=200), "dip-mtls", NOW)
    assert ok.status == "ok"
    none = renewal_state(profile, project_with_cert(days_left=20), "webhook-tls", NOW)
    assert none.status == "none"
    waiting = project_with_cert(days_left=20)
    waiting = replace(waiting, keys=(*waiting.keys, KeyRecord("k-9", "dip-mtls", "rsa-2048", "cd" * 32, NOW,
                                                              replaces="k-1")))
    state = renewal_state(profile, waiting, "dip-mtls", NOW)
    assert state.replacement is not None
    assert state.replacement.id == "k-9"
    assert "Export its CSR" in state.advice()
    assert waiting.current_certificate("dip-mtls") is not None  # the old one stays in use


# ---------------------------------------------------------------- promotion


def uit_project(tmp_path: Path, profile: Profile) -> ProjectSession:
    session = ProjectSession.create(tmp_path / "uit", profile, lambda: NOW, organisation=ORG, environment="uit")
    base = project_with_cert(days_left=200)
    session.commit(replace(session.project, keys=base.keys, certificates=base.certificates,
                           people=(Person("p-1", "Jane", "jane@acme.example", roles=("user-admin",),
                                          portal_status="active"),),
                           progress=(StepProgress("step-3", "done", NOW.date(), NOW.date()),),
                           dip_ids=(DipId("8795183096", "ABCD", "LDSO"),),
                           channels=(Channel("8795183096", "IF-001", "https://uit.acme.example/a"),)))
    return session


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_promotion_makes_a_production_project_and_leaves_uit_alone(tmp_path: Path, profile: Profile) -> None:
    uit = uit_project(tmp_path, profile)
    before = folder_bytes(uit.folder)
    production = promote(uit, tmp_path / "prod")
    assert folder_bytes(uit.folder) == before
    p = production.project
    assert (p.environment, p.organisation, p.promoted_from) == ("production", ORG, str(uit.folder.resolve()))
    assert [x.portal_status for x in p.people] == ["planned"]  # users are created again in Production
    assert p.step_progress("step-3").status == "done"  # GlobalSign registration: reuse
    assert p.step_progress("step-2").status == "not-started"
    assert [d.confirmed for d in p.dip_ids] == [False]
    assert [c.confirmed for c in p.channels] == [False]
    assert p.certificates == ()  # the shipped profile says confirm for certificates: not carried silently
    ids = {i.id: i for i in p.checklist}
    assert ids["step:step-3"].done
    assert not ids["step:step-2"].done
    assert "do this again" in ids["step:step-2"].text
    assert "Create Jane's DIP account in Production" in ids["person:p-1"].text
    assert "dip-id:8795183096" in ids
    assert "channel:8795183096/IF-001" in ids
    assert "kind:dip-mtls" in ids
    ticked = tick_by_user(p, "person:p-1", NOW)
    assert next(i for i in ticked.checklist if i.id == "person:p-1").done
    with pytest.raises(WizardError, match="No checklist item"):
        tick_by_user(p, "nope", NOW)
    with pytest.raises(WizardError, match="already the Production one"):
        promoted_project(profile, p, tmp_path / "prod", NOW)


def test_certificates_carry_over_where_the_profile_says_reuse(tmp_path: Path, profile_data: dict[str, Any]) -> None:
    data = copy.deepcopy(profile_data)
    for step in data["steps"]:
        if step["id"] == "step-6":
            step["production"] = "reuse"
    reuse = parse_profile(data, file="reuse.toml")
    uit = uit_project(tmp_path, reuse)
    copies: list[str] = []

    def copier(record: KeyRecord) -> KeyRecord:
        copies.append(record.id)
        return replace(record, id="k-copy")

    p = promoted_project(reuse, uit.project, uit.folder, NOW, copier)
    assert copies == ["k-1"]
    assert [k.id for k in p.keys] == ["k-copy"]
    assert [c.key_id for c in p.certificates] == ["k-copy"]
    assert "carried over from UIT" in next(i.text for i in p.checklist if i.id == "kind:dip-mtls")


# ---------------------------------------------------------------- signing self-test


def test_sign_and_verify_follow_the_profile_scheme(profile: Profile) -> None:
    scheme = profile.signing
    key = rsa_key(0)
    chain = make_chain(key)
    pem = chain.leaf.public_bytes(serialization.Encoding.PEM).decode()
    body = b'[{"payload":{}}]'
    url = "https://DIP.Example/Requests"
    signed = sign_request(scheme, key, pem, url, body, dt.datetime(2025, 6, 27, 14, 29, 9, 61000, tzinfo=dt.UTC))
    h = signed.headers
    assert h["X-DIP-Signature-Date"] == "2025-06-27T14:29:09.061Z"
    assert h["X-DIP-Content-Hash"] == base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert base64.b64decode(h["X-DIP-Signature-Certificate"]).decode() == pem.replace("\r\n", "\n")
    # Verified independently of the module: the string to sign as the third-party DIP client builds it.
    expected = f"POST;https://dip.example/requests;2025-06-27T14:29:09.061Z;{content_hash(body)}"
    assert signed.string_to_sign == expected
    key.public_key().verify(base64.b64decode(h["X-DIP-Signature"]), expected.encode(), padding.PKCS1v15(),
                            hashes.SHA256())
    assert all(c.ok for c in verify_request(scheme, signed, chain.leaf))
    tampered = replace(signed, body=body + b" ")
    assert [c.name for c in verify_request(scheme, tampered, chain.leaf) if not c.ok] == ["content-hash"]
    other = make_chain(rsa_key(1)).leaf
    assert {c.name for c in verify_request(scheme, signed, other) if not c.ok} == {"certificate", "signature"}


def test_self_test_uses_the_key_from_the_vault(profile: Profile) -> None:
    key = rsa_key(0)
    k, c, _ = cert_record("dip-signing", key, 200)
    vault = Vault(MemoryKeychain())
    vault.put(k.id, _private_der(key))
    project = Project("dip-mhhs", "uit", ORG, NOW, NOW, keys=(k,), certificates=(c,),
                      dip_ids=(DipId("8795183096", "ABCD", "LDSO"),))
    result = self_test(profile, project, lambda record: vault, NOW)
    assert result.ok
    assert result.kind.id == "dip-signing"
    assert b'"senderDIPID":"8795183096"' in result.request.body
    with pytest.raises(WizardError, match="No certificate to sign with yet"):
        self_test(profile, replace(project, certificates=()), lambda record: vault, NOW)


def test_the_inventory_says_waiting_and_retired_and_never_asks_to_renew_them(profile: Profile) -> None:
    from wizard.core.inventory import inventory

    retired_key, retired_cert, _ = cert_record("dip-mtls", rsa_key(0), 10, state="retired")
    active_key, active_cert, _ = cert_record("dip-mtls", rsa_key(1), 400, cid="c-2", key_id="k-2")
    waiting_key, waiting_cert, _ = cert_record("dip-mtls", rsa_key(2), 20, cid="c-3", key_id="k-3", state="pending")
    waiting_cert = replace(waiting_cert, not_before=NOW + dt.timedelta(days=3))
    project = Project("dip-mhhs", "uit", ORG, NOW, NOW, keys=(retired_key, active_key, waiting_key),
                      certificates=(retired_cert, active_cert, waiting_cert))
    rows = {r.not_after: r for r in inventory(profile, project, NOW)}
    assert rows[retired_cert.not_after].status == "retired"
    assert (rows[waiting_cert.not_after].status, rows[waiting_cert.not_after].not_before) == \
        ("waiting", NOW + dt.timedelta(days=3))
    assert rows[active_cert.not_after].status == "ok"
