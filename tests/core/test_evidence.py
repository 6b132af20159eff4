"""The evidence pack's content and HTML (core/evidence.py, core/evidence_html.py) and its writing (actions/evidence.py):
every section, every certificate with its fingerprint, serial and where its key is kept, no key material, hostile
text escaped, a project with nothing yet, the profile's unconfirmed rules, the audit check's verdict and head hash,
and a file that is written whole or not at all."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.core.evidence_project import CERTIFIED, evidence_project, key_material, leaked, serial_text
from wizard.actions.evidence import record_pack, write_pack
from wizard.core import audit
from wizard.core.algorithms import fingerprint_text
from wizard.core.audit_words import detail_words, event_words
from wizard.core.errors import WizardError
from wizard.core.evidence import EVENT, Facts, build_pack, pack_format
from wizard.core.evidence_html import pack_html
from wizard.core.model import Channel, DipId, Organisation
from wizard.core.organisation import build_organisation
from wizard.core.profile import Profile, load_profile, unconfirmed_rules
from wizard.core.session import ProjectSession

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
MADE_BY = "DIP Onboarding Wizard 9.9.9"
SECTIONS = ["Organisation and environment", "People and roles", "The journey", "Certificates and keys",
            "DIP IDs and message channels", "Domain verification", "Audit trail", "The DIP profile"]


def shown_in(page: str, text: str) -> bool:
    return html.escape(text, quote=True) in page


def never_printed(_html: str, _title: str, _author: str) -> bytes:
    raise AssertionError("an HTML pack is never printed to PDF")


def test_the_pack_holds_every_section_certificate_and_fingerprint_and_no_key_material(
        tmp_path: Path, profile: Profile) -> None:
    made = evidence_project(tmp_path / "demo", profile, NOW)
    pack = build_pack(made.session, MADE_BY)
    page = pack_html(pack)

    assert [s.title for s in pack.sections] == SECTIONS
    assert pack.organisation == "Northwind Networks Ltd"
    assert pack.environment == "UIT (User Integration Testing)"
    for text in ("Northwind Networks Ltd", "09876543", "UIT (User Integration Testing)", "NWNL (LDSO, UMSO)",
                 MADE_BY, f"{profile.name}, version {profile.version}", "02 Mar 2026 09:30 UTC"):
        assert shown_in(page, text), text
    # People, roles and the staffing checks `roles check` runs.
    for person in made.session.project.people:
        assert shown_in(page, person.name)
        assert shown_in(page, person.email)
    for finding in made.session.staffing():
        assert shown_in(page, finding.message)
    # The journey, with its dates.
    for item in made.session.plan():
        assert shown_in(page, item.step.heading)
    assert "21 Feb 2026" in page  # the pre-requisites were done nine days before NOW (the demo's dates)
    # Every certificate: subject, issuer, serial, validity, fingerprint, key algorithm and where the key is kept.
    for record, cert in zip(made.certificates, made.issued, strict=True):
        kind = profile.certificate_kind(record.kind)
        assert shown_in(page, f"{kind.name}: in use")
        assert fingerprint_text(record.fingerprint) in page
        assert serial_text(cert) in page
        assert shown_in(page, cert.subject.rfc4514_string())
        assert shown_in(page, cert.issuer.rfc4514_string())
        assert f"{record.not_after:%d %b %Y %H:%M} UTC" in page
        key = made.session.project.key(record.key_id)
        assert fingerprint_text(key.fingerprint) in page
    (certificates,) = [s for s in pack.sections if s.id == "certificates"]
    facts = [dict(b.rows) for b in certificates.blocks if isinstance(b, Facts)]
    assert [(f["Key algorithm"], f["Where the key is kept"]) for f in facts] == \
        [("RSA 2048-bit", "the computer's keychain; made by the wizard")] * len(CERTIFIED)
    # The key still waiting for its certificate, by its fingerprint.
    assert "Keys waiting for their certificate" in page
    assert fingerprint_text(made.waiting.fingerprint) in page
    # DIP IDs, channels and their webhooks, the domain.
    for d in made.session.project.dip_ids:
        assert d.id in page
    for ch in made.session.project.channels:
        assert shown_in(page, ch.url)
    assert made.session.project.domain_txt is not None
    assert made.session.project.domain_txt.value in page
    assert "31 Jan 2026" in page  # verified 30 days before NOW
    # The audit trail, checked, with its head hash.
    head = audit.head_record(made.session.folder)
    assert head is not None
    assert pack.audit_ok
    assert f"The audit trail checks out: {head[0]} lines" in page
    assert head[1] in page
    assert page.count("<tr>") > head[0]
    # Nothing that is key material, in any form.
    assert leaked(page, key_material(made)) == []


def test_every_value_is_escaped_so_hostile_text_cannot_add_markup(tmp_path: Path, profile: Profile) -> None:
    session = ProjectSession.create(tmp_path / "p", profile, lambda: NOW,
                                    organisation=build_organisation(name="Acme Ltd", company_number="01234567",
                                                                    domain="acme.example"), environment="uit")
    hostile = '<script>alert("org")</script> & <b>Co</b>'
    url = 'https://dip.acme.example/hook?x="><img src=x onerror=alert(1)>'
    session.commit(replace(session.project, organisation=Organisation(hostile, "01234567", "acme.example",
                                                                      description="<i>desc</i>"),
                           dip_ids=(DipId("<b>42</b>", "ACME", "LDSO"),),
                           channels=(Channel("<b>42</b>", "IF-001", url),)))
    page = pack_html(build_pack(session, "<u>maker</u>"))

    tags: set[str] = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: Any) -> None:
            tags.add(tag)

    Tags().feed(page)
    assert tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "b", "table", "thead",
                    "tbody", "tr", "th", "td", "code"}
    for text in (hostile, url, "<b>42</b>", "<i>desc</i>", "<u>maker</u>"):
        assert text not in page
        assert html.escape(text, quote=True) in page, text


def test_a_project_with_nothing_yet_says_so(tmp_path: Path, profile: Profile) -> None:
    session = ProjectSession.create(tmp_path / "p", profile, lambda: NOW,
                                    organisation=build_organisation(name="Acme Ltd", company_number="01234567",
                                                                    domain="acme.example"), environment="production")
    pack = build_pack(session, MADE_BY)
    page = pack_html(pack)
    assert [s.title for s in pack.sections] == SECTIONS
    for text in ("No people planned yet.", "No certificates imported yet.", "No DIP IDs recorded yet.",
                 "not recorded yet", "no verified date recorded yet", profile.environment("production").name):
        assert text in page, text
    assert "Keys waiting for their certificate" not in page
    assert "The staffing checks found" in page
    assert "problems to fix" in page
    assert "The audit trail checks out: 1 line," in page


def test_every_unconfirmed_rule_of_the_profile_is_listed_with_its_note(tmp_path: Path, profile: Profile,
                                                                       profile_data: dict[str, Any],
                                                                       write_profile: Any) -> None:
    def unconfirmed_tables(node: object) -> int:
        if isinstance(node, dict):
            return (node.get("confirmed") is False) + sum(unconfirmed_tables(v) for v in node.values())
        if isinstance(node, list):
            return sum(unconfirmed_tables(v) for v in node)
        return 0

    # The walk misses no table of the profile marked confirmed = false.
    assert len(unconfirmed_rules(profile)) == unconfirmed_tables(profile_data) > 0
    made = evidence_project(tmp_path / "demo", profile, NOW)
    page = pack_html(build_pack(made.session, MADE_BY))
    for rule in unconfirmed_rules(profile):
        assert shown_in(page, rule.name), rule.name
        assert shown_in(page, rule.provenance.note or ""), rule.name
    assert f"{len(unconfirmed_rules(profile))} rules of the" in page

    # A rule the profile newly leaves unconfirmed is listed too.
    profile_data["roles"][0].update(confirmed=False, note="An assumption made only for this test.")
    variant = load_profile(write_profile(profile_data))
    session = ProjectSession.create(tmp_path / "v", variant, lambda: NOW,
                                    organisation=build_organisation(name="Acme Ltd", company_number="01234567",
                                                                    domain="acme.example"), environment="uit")
    page = pack_html(build_pack(session, MADE_BY))
    assert "An assumption made only for this test." in page
    assert shown_in(page, variant.roles[0].name)


def test_a_trail_that_does_not_check_out_is_said_so(tmp_path: Path, profile: Profile) -> None:
    made = evidence_project(tmp_path / "demo", profile, NOW)
    log = audit.audit_path(made.session.folder)
    lines = log.read_bytes().splitlines(keepends=True)
    assert b"Priya Shah" in lines[1]
    lines[1] = lines[1].replace(b"Priya Shah", b"Priya Shaw")
    log.write_bytes(b"".join(lines))
    pack = build_pack(made.session, MADE_BY)
    assert not pack.audit_ok
    assert pack.audit_result == "The audit trail does not check out: line 2 was changed after it was written."
    assert pack.audit_result in pack_html(pack)


def test_pack_format_follows_the_suffix() -> None:
    assert [pack_format(s) for s in (".pdf", ".PDF", ".html", ".htm")] == ["pdf", "pdf", "html", "html"]
    for suffix in (".txt", "", ".pdf.bak"):
        with pytest.raises(WizardError, match=r"ending \.pdf or \.html"):
            pack_format(suffix)


def test_the_pack_is_written_whole_and_its_sha256_recorded_in_words(tmp_path: Path, profile: Profile) -> None:
    made = evidence_project(tmp_path / "demo", profile, NOW)
    out = tmp_path / "pack.html"
    written = write_pack(build_pack(made.session, MADE_BY), out, never_printed, overwrite=False)
    assert written.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    record_pack(made.session, written)  # the audit trail's no-secrets check accepts the event
    last = audit.read_entries(made.session.folder)[-1]
    assert (last.event, last.details) == (EVENT, {"file": str(out), "format": "html", "sha256": written.sha256})
    assert audit.verify(made.session.folder, made.session.revision).ok
    assert event_words(last.event) == "Evidence pack made"
    words = detail_words(last.event, last.details, profile, made.session.project)
    assert words == f"file: {out}; format: html; SHA-256 {written.sha256[:4].upper()} {written.sha256[4:8].upper()} " \
                    f"{written.sha256[8:12].upper()} {written.sha256[12:16].upper()}…"
    # An existing file is refused unless replacing it was asked for.
    with pytest.raises(WizardError, match="already exists"):
        write_pack(build_pack(made.session, MADE_BY), out, never_printed, overwrite=False)
    assert write_pack(build_pack(made.session, MADE_BY), out, never_printed, overwrite=True).path == out


def test_nothing_is_left_when_the_pack_cannot_be_made_or_written(tmp_path: Path, profile: Profile,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    made = evidence_project(tmp_path / "demo", profile, NOW)
    pack = build_pack(made.session, MADE_BY)
    folder = tmp_path / "out"
    folder.mkdir()

    def broken_printer(_html: str, _title: str, _author: str) -> bytes:
        raise RuntimeError("the printer failed")

    with pytest.raises(RuntimeError):
        write_pack(pack, folder / "pack.pdf", broken_printer, overwrite=False)
    assert list(folder.iterdir()) == []

    def full_disk(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(WizardError, match=r"No space left on device\. Nothing was written\."):
        write_pack(pack, folder / "pack.html", never_printed, overwrite=False)
    assert list(folder.iterdir()) == []
    assert audit.read_entries(made.session.folder)[-1].event != EVENT


def test_a_persons_dip_portal_account_is_said_as_the_people_page_says_it(tmp_path: Path, profile: Profile) -> None:
    """One voice: the pack, the audit trail and the People page word a portal account the same way
    (core/model.PORTAL_STATUS_WORDS), not "planned" in one place and "Not created yet" in another."""
    from wizard.core.model import PORTAL_STATUS_WORDS, with_person
    from wizard.core.people import build_person

    session = ProjectSession.create(tmp_path / "p", profile, lambda: NOW,
                                    organisation=build_organisation(name="Acme Ltd", company_number="01234567",
                                                                    domain="acme.example"), environment="uit")
    project = session.project
    for n, status in enumerate(("planned", "invited", "active")):
        project = with_person(project, build_person(profile, project, name=f"Person {n}", email=f"p{n}@acme.example",
                                                    roles=["user-admin"], portal_status=status))
    session.commit(project)
    page = pack_html(build_pack(session, MADE_BY))
    assert PORTAL_STATUS_WORDS == {"planned": "Not created yet", "invited": "Invited to the DIP portal",
                                   "active": "Has an active DIP account"}
    for words in PORTAL_STATUS_WORDS.values():
        assert words in page
    assert ">planned<" not in page
    said = detail_words("person changed", {"name": "Person 1", "portal_status": "invited"}, profile, None)
    assert "DIP portal account: Invited to the DIP portal" in said
