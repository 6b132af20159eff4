"""Handoff bundles: per-audience contents, the manifest and its fingerprint, instructions, atomic export and
all-or-nothing import."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.core.bundles import AT, PASSWORD, certified_project, key_for
from wizard.core import bundle_read
from wizard.core.bundle_export import BundleContext, BundleFile, PfxRequest, build_bundle, export_bundle
from wizard.core.bundle_format import BundleError, FileKind, fingerprint
from wizard.core.bundle_read import import_bundle, read_bundle, read_bundle_file
from wizard.core.errors import ProfileError, WizardError
from wizard.core.keys import public_fingerprint
from wizard.core.model import Organisation, Project
from wizard.core.profile import Profile, parse_profile


@pytest.fixture(scope="module")
def project(profile: Profile) -> Project:
    return certified_project(profile)


def lead_bundle(profile: Profile, project: Project) -> tuple[bytes, bytes]:
    return build_bundle(profile, project, "technical-lead", AT, pfx=[PfxRequest("dip-mtls", key_for("dip-mtls"))],
                        password=PASSWORD)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


# ---------------------------------------------------------------- the "done when", in core


def test_lead_and_dns_bundles_export_verify_with_the_same_fingerprint_and_import(profile: Profile, project: Project,
                                                                                 tmp_path: Path) -> None:
    for audience, pfx in (("technical-lead", [PfxRequest("dip-mtls", key_for("dip-mtls"))]), ("dns-admin", [])):
        out = tmp_path / f"{audience}.zip"
        exported = export_bundle(profile, project, audience, out, AT, pfx=pfx, password=PASSWORD if pfx else None)
        verified = read_bundle_file(out)
        assert verified.fingerprint == exported.fingerprint
        assert re.fullmatch(r"([A-Z2-7]{4}-){4}[A-Z2-7]{4}", exported.fingerprint)
        into = tmp_path / f"{audience}-imported"
        imported = import_bundle(verified, into)
        on_disk = {p.relative_to(into).as_posix(): p.read_bytes() for p in into.rglob("*") if p.is_file()}
        assert on_disk == {"manifest.json": verified.manifest_bytes, **verified.files}
        assert sorted([*imported.written, imported.manifest]) == sorted(into / n for n in on_disk)
        assert imported.manifest == into / "manifest.json"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp folder left


def test_the_manifest_lists_every_file_with_size_and_sha256(profile: Profile, project: Project) -> None:
    data, raw = lead_bundle(profile, project)
    manifest = json.loads(raw)
    assert manifest["format"] == "dip-onboarding-handoff-bundle"
    assert manifest["format_version"] == 2
    assert manifest["tool_version"] == "0.1.0"
    assert manifest["created_at"] == "2026-03-02T10:30:00Z"
    assert manifest["organisation"] == {"id": "01234567", "name": "Acme Energy Ltd", "domain": "acme.example"}
    assert manifest["environment"]["id"] == "uit"
    assert manifest["audience"] == {"id": "technical-lead", "name": "Technical lead"}
    contents = members(data)
    assert contents["manifest.json"] == raw
    assert {f["name"] for f in manifest["files"]} == set(contents) - {"manifest.json"}
    for f in manifest["files"]:
        assert f["size"] == len(contents[f["name"]])
        assert f["sha256"] == hashlib.sha256(contents[f["name"]]).hexdigest()
    assert [f["name"] for f in manifest["files"] if f["contains_key"]] == ["pfx/dip-mtls.pfx"]


def test_the_manifest_says_what_each_file_is_and_which_certificate_it_is_for(profile: Profile,
                                                                             project: Project) -> None:
    listed = json.loads(lead_bundle(profile, project)[1])["files"]
    kinds = {f["name"]: (f["kind"], f["certificate_kind"]) for f in listed}
    assert kinds["instructions.html"] == ("instructions-html", None)
    assert kinds["instructions.txt"] == ("instructions-text", None)
    assert kinds["certificates/dip-mtls.pem"] == ("certificate", "dip-mtls")
    assert kinds["certificates/dip-mtls-fullchain.pem"] == ("fullchain", "dip-mtls")
    assert kinds["csrs/dip-signing.csr.pem"] == ("csr", "dip-signing")
    assert kinds["csrs/dip-signing.cnf"] == ("openssl-config", "dip-signing")
    assert kinds["csrs/dip-signing.openssl.txt"] == ("openssl-commands", "dip-signing")
    assert kinds["pfx/dip-mtls.pfx"] == ("pfx", "dip-mtls")
    verified = read_bundle(lead_bundle(profile, project)[0])
    [pfx] = [f for f in verified.manifest.files if f.kind is FileKind.PFX]
    assert (pfx.name, pfx.certificate_kind, pfx.contains_key) == ("pfx/dip-mtls.pfx", "dip-mtls", True)
    assert verified.manifest.organisation.name == "Acme Energy Ltd"
    assert (verified.manifest.audience.id, verified.manifest.environment.id) == ("technical-lead", "uit")


def test_a_contributed_file_whose_kind_does_not_fit_its_name_is_never_written(profile: Profile,
                                                                              project: Project) -> None:
    def mislabelled(ctx: BundleContext) -> list[BundleFile]:
        return [BundleFile("certificates/notes.txt", b"hello", "Notes.", FileKind.CERTIFICATE, "dip-mtls")]

    with pytest.raises(BundleError, match=r"such files end in \.pem"):
        build_bundle(profile, project, "technical-lead", AT, contributors=[mislabelled])


def test_the_fingerprint_is_base32_sha256_of_the_exact_manifest_bytes() -> None:
    raw = b'{"format": "x"}\n'
    code = base64.b32encode(hashlib.sha256(raw).digest()).decode()[:20]
    assert fingerprint(raw) == "-".join(code[i:i + 4] for i in range(0, 20, 4))
    assert fingerprint(raw + b" ") != fingerprint(raw)


# ---------------------------------------------------------------- only what each person needs


def test_each_audience_gets_only_its_contents(profile: Profile, project: Project) -> None:
    lead = set(members(lead_bundle(profile, project)[0]))
    assert {"certificates/dip-mtls.pem", "certificates/dip-mtls-fullchain.pem", "certificates/webhook-tls.pem",
            "csrs/dip-signing.csr.pem", "csrs/dip-signing.cnf", "csrs/dip-signing.openssl.txt",
            "pfx/dip-mtls.pfx", "instructions.html", "instructions.txt"} <= lead
    assert not any("atlas-api" in n for n in lead)  # the Atlas certificate is the certificate admin's business
    admin = set(members(build_bundle(profile, project, "certificate-admin", AT)[0]))
    assert "certificates/atlas-api.pem" in admin
    assert not any(n.startswith("pfx/") for n in admin)  # a PFX only when asked
    dns = members(build_bundle(profile, project, "dns-admin", AT)[0])
    assert set(dns) == {"manifest.json", "instructions.html", "instructions.txt"}


def test_the_dns_admin_never_gets_key_material(profile: Profile, project: Project) -> None:
    with pytest.raises(BundleError, match="never holds a private key"):
        build_bundle(profile, project, "dns-admin", AT, pfx=[PfxRequest("dip-mtls", key_for("dip-mtls"))],
                     password=PASSWORD)

    def smuggler(ctx: BundleContext) -> list[BundleFile]:
        return [BundleFile("pfx/dip-mtls.pfx", b"a key", "a key", FileKind.PFX, "dip-mtls")]

    raw = json.loads(build_bundle(profile, project, "dns-admin", AT, contributors=[smuggler])[1])
    assert [f["name"] for f in raw["files"]] == ["instructions.html", "instructions.txt"]  # a key file never goes in


def test_the_password_is_never_inside_a_bundle_and_the_pfx_opens_with_it(profile: Profile,
                                                                         project: Project) -> None:
    data, _raw = lead_bundle(profile, project)
    contents = members(data)
    assert PASSWORD.encode() not in data
    assert all(PASSWORD.encode() not in v for v in contents.values())
    loaded = pkcs12.load_pkcs12(contents["pfx/dip-mtls.pfx"], PASSWORD.encode())
    assert loaded.key is not None
    assert public_fingerprint(loaded.key.public_key()) == public_fingerprint(key_for("dip-mtls").public_key())  # type: ignore[arg-type]
    assert len(loaded.additional_certs) == 2
    assert all(b"PRIVATE KEY" not in v for n, v in contents.items() if not n.startswith("pfx/"))


def test_a_pfx_needs_a_password_and_a_certificate(profile: Profile, project: Project) -> None:
    with pytest.raises(BundleError, match="always protected by a password"):
        build_bundle(profile, project, "technical-lead", AT, pfx=[PfxRequest("dip-mtls", key_for("dip-mtls"))])
    with pytest.raises(BundleError, match="no imported certificate yet"):
        build_bundle(profile, project, "technical-lead", AT, pfx=[PfxRequest("dip-signing", key_for("dip-signing"))],
                     password=PASSWORD)
    with pytest.raises(BundleError, match="does not receive the atlas-api"):
        build_bundle(profile, project, "technical-lead", AT, pfx=[PfxRequest("atlas-api", key_for("atlas-api"))],
                     password=PASSWORD)


def test_contributed_files_go_only_to_audiences_that_receive_them(profile: Profile, project: Project) -> None:
    def tables(ctx: BundleContext) -> list[BundleFile]:
        return [BundleFile("tables/dip-ids.csv", b"mpid,role,dip_id\nACME,LDSO,D123\n", "Your DIP IDs.",
                           FileKind.DIP_IDS)]

    lead = members(build_bundle(profile, project, "technical-lead", AT, contributors=[tables])[0])
    assert lead["tables/dip-ids.csv"].startswith(b"mpid,")
    listed = lead["instructions.txt"].decode()
    assert re.search(r"tables/dip-ids\.csv\s+Your DIP IDs\.", listed)  # the instructions say what it is
    dns = members(build_bundle(profile, project, "dns-admin", AT, contributors=[tables])[0])
    assert "tables/dip-ids.csv" not in dns


# ---------------------------------------------------------------- instructions


def test_dns_instructions_give_the_exact_record_or_say_where_to_find_it(profile: Profile, project: Project) -> None:
    value = "globalsign-domain-verification=abc123_XYZ"
    known = members(build_bundle(profile, project, "dns-admin", AT, txt_value=value)[0])
    text = known["instructions.txt"].decode()
    assert value in text
    assert re.search(r"Type\s+TXT", text)
    assert re.search(r"Name\s+@", text)
    assert "acme.example" in text
    assert "dig TXT acme.example +short" in text  # what to check afterwards, for this domain
    assert value in known["instructions.html"].decode()
    unknown = members(build_bundle(profile, project, "dns-admin", AT)[0])["instructions.txt"].decode()
    assert "Not known yet" in unknown
    assert "Certificates tab" in " ".join(unknown.split())


def test_lead_instructions_say_which_file_goes_where(profile: Profile, project: Project) -> None:
    text = " ".join(members(lead_bundle(profile, project)[0])["instructions.txt"].decode().split())
    mtls = profile.certificate_kind("dip-mtls")
    assert " ".join(mtls.destination.split()) in text
    assert "pfx/dip-mtls.pfx" in text
    assert "password, which is not in this bundle" in text
    assert "Step 8" in text
    assert "valid until" in text


def test_html_instructions_escape_everything_and_load_nothing(profile: Profile, project: Project) -> None:
    hostile = replace(project, organisation=Organisation('<script>alert("x")</script> & Co', "01234567",
                                                         "acme.example"))
    page = members(build_bundle(profile, hostile, "certificate-admin", AT)[0])["instructions.html"].decode()
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert not re.search(r"\b(src|href)\s*=|url\(|@import", page)
    assert "default-src 'none'" in page


# ---------------------------------------------------------------- atomic export


def test_a_failed_write_leaves_no_partial_bundle(profile: Profile, project: Project, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "lead.zip"

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(BundleError, match=r"No space left on device\. No bundle was written"):
        export_bundle(profile, project, "dns-admin", out, AT)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_kept_unless_replacing_is_asked(profile: Profile, project: Project,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "dns.zip"
    out.write_bytes(b"earlier")
    with pytest.raises(WizardError, match="already exists"):
        export_bundle(profile, project, "dns-admin", out, AT)
    assert out.read_bytes() == b"earlier"
    export_bundle(profile, project, "dns-admin", out, AT, overwrite=True)
    assert read_bundle_file(out).manifest.audience.id == "dns-admin"


# ---------------------------------------------------------------- import, all or nothing


def test_import_refuses_a_non_empty_target_and_accepts_an_empty_one(profile: Profile, project: Project,
                                                                    tmp_path: Path) -> None:
    verified = read_bundle(build_bundle(profile, project, "dns-admin", AT)[0])
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("keep")
    with pytest.raises(BundleError, match="not an empty folder"):
        import_bundle(verified, busy)
    assert [p.name for p in busy.iterdir()] == ["mine.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    import_bundle(verified, empty)
    assert (empty / "instructions.txt").is_file()
    with pytest.raises(BundleError, match="does not exist"):
        import_bundle(verified, tmp_path / "no" / "such")


def test_a_failure_part_way_through_import_leaves_nothing(profile: Profile, project: Project, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    verified = read_bundle(lead_bundle(profile, project)[0])
    real = bundle_read._write_new
    calls: list[Path] = []

    def flaky(path: Path, content: bytes, mode: int) -> None:
        calls.append(path)
        if len(calls) == 4:
            raise OSError(5, "Input/output error")
        real(path, content, mode)

    monkeypatch.setattr(bundle_read, "_write_new", flaky)
    with pytest.raises(BundleError, match=r"Input/output error\. Nothing was left behind"):
        import_bundle(verified, tmp_path / "into")
    assert list(tmp_path.iterdir()) == []


def test_import_keeps_key_files_private(profile: Profile, project: Project, tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    into = tmp_path / "into"
    import_bundle(read_bundle(lead_bundle(profile, project)[0]), into)
    assert (into / "pfx" / "dip-mtls.pfx").stat().st_mode & 0o077 == 0
    assert (into / "instructions.txt").stat().st_mode & 0o777 == 0o644


# ---------------------------------------------------------------- the profile's audience table


def _audience_change(data: dict[str, Any], index: int, **changes: object) -> dict[str, Any]:
    data["audiences"][index].update(changes)
    return data


@pytest.mark.parametrize(("index", "changes", "expected"), [
    (1, {"receives": ["dns-record", "pfx"]}, 'lists "pfx", but may_receive_key_material is false'),
    (0, {"certificate_kinds": ["dip-mtlz"]}, '"dip-mtlz" is not a certificate kind'),
    (0, {"steps": ["step-42"]}, '"step-42" is not a step'),
    (0, {"receives": ["keys"]}, '"keys" is not one of'),
    (0, {"checks": ["{org} is fine"]}, "uses {org}"),
])
def test_the_profile_refuses_bad_audience_tables(profile_data: dict[str, Any], index: int,
                                                 changes: dict[str, object], expected: str) -> None:
    with pytest.raises(ProfileError, match=re.escape(expected)):
        parse_profile(_audience_change(profile_data, index, **changes), file="p.toml")


def test_an_audience_receiving_the_dns_record_needs_its_description(profile_data: dict[str, Any]) -> None:
    del profile_data["audiences"][1]["dns_record"]
    with pytest.raises(ProfileError, match=r"audiences\[1\]\.dns_record: is missing"):
        parse_profile(profile_data, file="p.toml")


# ---------------------------------------------------------------- what the tracking steps add to bundles


def test_bundles_carry_the_dip_id_and_channel_tables_reminders_and_the_recorded_txt_value(
        profile: Profile, project: Project) -> None:
    from wizard.core.dipids import build_dip_id, set_channel
    from wizard.core.domain import with_txt_value

    tracked, _, _ = build_dip_id(profile, project, mpid="ACME", role_code="LDSO", dip_id="100234")
    tracked, _, _ = set_channel(profile, tracked, dip_id="100234", channel="IF-021",
                                url="https://dip.acme.example/webhooks/if-021")
    tracked = with_txt_value(tracked, "globalsign-domain-verification=Zx81kQ", AT)

    lead = members(build_bundle(profile, tracked, "technical-lead", AT)[0])
    assert "100234" in lead["dip-ids.csv"].decode()
    assert "https://dip.acme.example/webhooks/if-021" in lead["message-channels.csv"].decode()
    assert lead["certificate-reminders.ics"].startswith(b"BEGIN:VCALENDAR\r\n")
    dns = members(build_bundle(profile, tracked, "dns-admin", AT)[0])
    assert "globalsign-domain-verification=Zx81kQ" in dns["instructions.txt"].decode()
    assert not {"dip-ids.csv", "message-channels.csv"} & dns.keys(), "the DNS admin gets only the record"
    cert_admin = members(build_bundle(profile, tracked, "certificate-admin", AT)[0])
    assert "certificate-reminders.ics" in cert_admin
    assert "dip-ids.csv" not in cert_admin, "tables go only to audiences that receive them"

    bare = members(build_bundle(profile, project, "technical-lead", AT)[0])
    assert "dip-ids.csv" not in bare, "no empty tables for a project without DIP IDs"
