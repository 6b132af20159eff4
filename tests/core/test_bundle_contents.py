"""Bundles say exactly what they hold: a full-chain file holds the certificate and every issuer certificate the
project imported, leaf first (or its description, in the instructions too, says it holds the certificate alone)."""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from dataclasses import replace

import pytest
from cryptography import x509

from tests.core.bundles import AT, PASSWORD, certified_project, key_for
from wizard.core.bundle_export import PfxRequest, build_bundle
from wizard.core.model import Project
from wizard.core.profile import Profile


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def descriptions(raw_manifest: bytes) -> dict[str, str]:
    return {f["name"]: f["description"] for f in json.loads(raw_manifest)["files"]}


def words(text: str) -> str:
    """Text with its line wrapping undone, to find a sentence the plain-text instructions wrap."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def project(profile: Profile) -> Project:
    return certified_project(profile)


@pytest.mark.parametrize("audience", ["technical-lead", "dns-admin", "certificate-admin"])
def test_each_full_chain_file_holds_the_certificate_and_every_issuer_leaf_first(profile: Profile, project: Project,
                                                                                 audience: str) -> None:
    data, raw_manifest = build_bundle(profile, project, audience, AT)
    files = members(data)
    fullchains = [name for name in files if name.endswith("-fullchain.pem")]
    assert bool(fullchains) == ("certificates" in profile.audience(audience).receives)
    for name in fullchains:
        kind = name.removeprefix("certificates/").removesuffix("-fullchain.pem")
        record = project.current_certificate(kind)
        assert record is not None
        imported = [x509.load_pem_x509_certificate(record[1].pem.encode()),
                    *x509.load_pem_x509_certificates(record[1].chain_pem.encode())]
        held = x509.load_pem_x509_certificates(files[name])
        assert held == imported
        assert len(held) == 3  # the leaf, the issuing CA and the root
        for child, parent in itertools.pairwise(held):
            assert child.issuer == parent.subject, "leaf first, each followed by its issuer"
        assert held[-1].subject == held[-1].issuer
        assert "followed by the 2 issuer certificates that issued it" in descriptions(raw_manifest)[name]


def test_a_certificate_imported_without_its_chain_is_said_to_be_alone(profile: Profile, project: Project) -> None:
    leaf_only = replace(project, certificates=tuple(replace(c, chain_pem="") for c in project.certificates))
    data, raw_manifest = build_bundle(profile, leaf_only, "technical-lead", AT,
                                      pfx=[PfxRequest("dip-mtls", key_for("dip-mtls"))], password=PASSWORD)
    files = members(data)
    said = "holds only the certificate, not its chain"
    fullchains = [name for name in files if name.endswith("-fullchain.pem")]
    assert fullchains
    for name in fullchains:
        assert len(x509.load_pem_x509_certificates(files[name])) == 1
        assert said in descriptions(raw_manifest)[name]
        assert "followed by" not in descriptions(raw_manifest)[name]
    text = words(files["instructions.txt"].decode())
    html = words(files["instructions.html"].decode())
    for instructions in (text, html):
        assert instructions.count(said) == 2 * len(fullchains)  # under its certificate, and in the list of files
        assert "followed by the certificates that issued it" not in instructions
    assert "with its private key and no issuer certificate" in descriptions(raw_manifest)["pfx/dip-mtls.pfx"]


@pytest.mark.parametrize("audience", ["technical-lead", "dns-admin", "certificate-admin"])
def test_html_instructions_show_code_as_code_elements_and_hold_no_backtick(profile: Profile, project: Project,
                                                                           audience: str) -> None:
    files = members(build_bundle(profile, project, audience, AT)[0])
    page, text = files["instructions.html"].decode(), words(files["instructions.txt"].decode())
    assert "`" not in page
    assert "<code>dip-onboarding bundle verify FILE</code>" in page
    assert "`dip-onboarding bundle verify FILE`" in text  # plain text marks code as before
    if audience == "dns-admin":
        assert "for example <code>nslookup -type=TXT acme.example</code> or <code>dig TXT acme.example +short</code>:" \
            in page
        assert "`nslookup -type=TXT acme.example` or `dig TXT acme.example +short`" in text


def test_a_backtick_in_a_name_is_a_character_not_code(profile: Profile, project: Project) -> None:
    named = replace(project, organisation=replace(project.organisation, name="Acme `Energy` Ltd"))
    files = members(build_bundle(profile, named, "dns-admin", AT)[0])
    page = files["instructions.html"].decode()
    assert "`" not in page
    assert "<code>Energy</code>" not in page
    assert "Acme &#96;Energy&#96; Ltd" in page
    assert "Acme `Energy` Ltd" in files["instructions.txt"].decode()
