"""Issued certificates: matched to the project's keys whatever the order in the file, refused with a plain
explanation when they answer another key, checked in plain words (validity, usage, chain, names), recorded (a
replacement key takes over once its certificate is valid; the old key is retired, never deleted here; a certificate
the checks reject is refused), listed for expiry, and kept in the project file (format 3)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtensionOID

from tests.pki import (
    NOW,
    SERVER,
    Chain,
    Issuer,
    make_intermediate,
    make_leaf,
    make_root,
    pem,
    rsa_key,
)
from wizard.actions.certificates import CertificateImported, commit_certificate, examine
from wizard.core import store
from wizard.core.algorithms import fingerprint_start
from wizard.core.certfiles import CertificateFile, certificate_fingerprint
from wizard.core.certs import (
    Match,
    NotForThisKey,
    check_certificate,
    match_certificate,
    public_roots,
)
from wizard.core.errors import ProjectDamaged, ProjectTooNew, UnknownId, WizardError
from wizard.core.findings import Finding
from wizard.core.inventory import InventoryRow, inventory
from wizard.core.keys import public_fingerprint
from wizard.core.lifecycle import due_switches, key_status, kind_state, with_switch
from wizard.core.model import CertificateRecord, KeyRecord, Organisation, Project, with_key
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.core.store import load_project, project_file, save_project

ACME = Organisation("Acme Energy Ltd", "01234567", "acme.example")
DOMAIN = "acme.example"


def key_record(index: int, kind: str, **changes: object) -> KeyRecord:
    """A key record for the cached test key `rsa_key(index)`."""
    record = KeyRecord(id=f"k-{index:02d}", kind=kind, algorithm="rsa-2048",
                       fingerprint=public_fingerprint(rsa_key(index).public_key()), created_at=NOW)
    return replace(record, **changes)  # type: ignore[arg-type]


def project_with(*keys: KeyRecord) -> Project:
    return Project(profile_id="dip-mhhs", environment="uit", organisation=ACME, created_at=NOW, updated_at=NOW,
                   keys=keys)


@pytest.fixture(scope="module")
def root() -> Issuer:
    return make_root()


@pytest.fixture(scope="module")
def issuing(root: Issuer) -> Issuer:
    return make_intermediate(root)


@pytest.fixture(scope="module")
def mtls(root: Issuer, issuing: Issuer) -> Chain:
    """A DIP mTLS certificate for rsa_key(0) from the test CA."""
    return Chain(root, issuing, make_leaf(issuing, rsa_key(0).public_key()), rsa_key(0))


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def finding(findings: tuple[Finding, ...], code: str) -> Finding:
    [found] = [f for f in findings if f.code == code]
    return found


# ---------------------------------------------------------------- match_certificate


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_the_leaf_is_found_whatever_the_order_and_the_chain_runs_leaf_to_root(
        profile: Profile, mtls: Chain, order: tuple[int, ...]) -> None:
    certs = (mtls.leaf, mtls.intermediate.cert, mtls.root.cert)
    found = CertificateFile(tuple(certs[i] for i in order), "PEM")
    match = match_certificate(profile, project_with(key_record(0, "dip-mtls")), found)
    assert match == Match(mtls.leaf, (mtls.intermediate.cert, mtls.root.cert), key_record(0, "dip-mtls"),
                          profile.certificate_kind("dip-mtls"))


def test_certificates_that_do_not_link_are_kept_after_the_chain(profile: Profile, mtls: Chain) -> None:
    stranger = make_root("Someone Else's Root").cert
    found = CertificateFile((stranger, mtls.root.cert, mtls.leaf, mtls.intermediate.cert), "PEM")
    match = match_certificate(profile, project_with(key_record(0, "dip-mtls")), found)
    assert match.chain == (mtls.intermediate.cert, mtls.root.cert, stranger)


def test_the_key_decides_the_kind(profile: Profile, issuing: Issuer) -> None:
    webhook = make_leaf(issuing, rsa_key(1).public_key(), eku=(SERVER,))
    project = project_with(key_record(0, "dip-mtls"), key_record(1, "webhook-tls"))
    match = match_certificate(profile, project, CertificateFile((webhook, issuing.cert), "PEM"))
    assert match.kind.id == "webhook-tls"
    assert match.key.id == "k-01"


def test_kind_hint_chooses_between_two_matching_leaves(profile: Profile, mtls: Chain, issuing: Issuer) -> None:
    webhook = make_leaf(issuing, rsa_key(1).public_key(), eku=(SERVER,))
    project = project_with(key_record(0, "dip-mtls"), key_record(1, "webhook-tls"))
    found = CertificateFile((mtls.leaf, webhook, issuing.cert), "PEM")
    assert match_certificate(profile, project, found).leaf == mtls.leaf  # no hint: the first in the file
    assert match_certificate(profile, project, found, kind_hint="webhook-tls").leaf == webhook
    assert match_certificate(profile, project, found, kind_hint="dip-mtls").leaf == mtls.leaf
    hinted = match_certificate(profile, project, found, kind_hint="webhook-tls")
    assert hinted.chain == (issuing.cert, mtls.leaf)


def test_an_unknown_kind_hint_is_refused(profile: Profile, mtls: Chain) -> None:
    with pytest.raises(UnknownId):
        match_certificate(profile, project_with(key_record(0, "dip-mtls")),
                          CertificateFile((mtls.leaf,), "PEM"), kind_hint="dip-typo")


def _not_for_this_key(profile: Profile, project: Project, found: CertificateFile, hint: str | None = None) -> str:
    with pytest.raises(NotForThisKey) as caught:
        match_certificate(profile, project, found, kind_hint=hint)
    return str(caught.value)


def test_a_certificate_for_another_key_names_the_request_it_seems_to_answer(profile: Profile,
                                                                            issuing: Issuer) -> None:
    other = make_leaf(issuing, rsa_key(5).public_key())  # acme.example, but not our key
    exported = dt.datetime(2026, 2, 11, 14, 0, tzinfo=dt.UTC)
    record = key_record(0, "dip-mtls", csr_exported_at=exported)
    message = _not_for_this_key(profile, project_with(record), CertificateFile((other, issuing.cert), "PEM"))
    assert message.startswith("This certificate (issued to acme.example, Acme Energy Ltd) was made for a different "
                              "key from any this project holds")
    assert "It looks like an answer to the DIP mTLS client certificate request, but for another key" in message
    assert "the CSR exported on 11 Feb 2026" in message
    assert f"whose key fingerprint is {fingerprint_start(record.fingerprint)}" in message
    start = record.fingerprint.upper()
    assert fingerprint_start(record.fingerprint) == f"SHA-256 {start[:4]} {start[4:8]} {start[8:12]} {start[12:16]}…"


def test_a_certificate_for_another_atlas_key(profile: Profile, issuing: Issuer) -> None:
    other = make_leaf(issuing, rsa_key(5).public_key(), cn="Acme Energy Ltd Atlas API", sans=())
    record = key_record(2, "atlas-api")
    message = _not_for_this_key(profile, project_with(key_record(0, "dip-mtls"), record),
                                CertificateFile((other,), "DER"))
    assert "answer to the GlobalSign Atlas API certificate request" in message
    assert fingerprint_start(record.fingerprint) in message


def test_the_kind_hint_narrows_the_explanation(profile: Profile, issuing: Issuer) -> None:
    other = make_leaf(issuing, rsa_key(5).public_key(), eku=(SERVER,))
    project = project_with(key_record(0, "dip-mtls"), key_record(1, "webhook-tls"))
    message = _not_for_this_key(profile, project, CertificateFile((other,), "PEM"), hint="webhook-tls")
    assert "answer to the Webhook server certificate request" in message
    assert fingerprint_start(key_record(1, "webhook-tls").fingerprint) in message


@pytest.mark.parametrize("order", [(2, 1, 0), (1, 0, 2), (1, 2, 0)], ids=["root-first", "issuer-first",
                                                                          "issuer-root-leaf"])
def test_the_explanation_reads_the_leaf_whatever_the_order(profile: Profile, root: Issuer, issuing: Issuer,
                                                            order: tuple[int, ...]) -> None:
    """Was a bug: _explain_mismatch takes the first certificate that is not self-signed as the leaf, so when the
    issuing CA comes before the leaf in the file (root → intermediate → leaf is a common download order, and
    `openssl crl2pkcs7` keeps the order it is given) the message says "issued to Acme Test Issuing CA" and
    cannot say which request the certificate answers."""
    other = make_leaf(issuing, rsa_key(5).public_key())
    certs = (other, issuing.cert, root.cert)
    record = key_record(0, "dip-mtls")
    message = _not_for_this_key(profile, project_with(record),
                                CertificateFile(tuple(certs[i] for i in order), "PKCS#7 (DER)"))
    assert "issued to acme.example" in message
    assert "DIP mTLS client certificate request" in message


def test_a_project_without_keys_is_told_to_make_one(profile: Profile, mtls: Chain) -> None:
    message = _not_for_this_key(profile, project_with(), CertificateFile((mtls.leaf,), "PEM"))
    assert message.endswith("Make a key and send its CSR first; the certificate that comes back will then match.")


def test_a_certificate_for_nothing_we_recognise(profile: Profile, issuing: Issuer) -> None:
    other = make_leaf(issuing, rsa_key(5).public_key(), cn="www.elsewhere.example", sans=("www.elsewhere.example",))
    message = _not_for_this_key(profile, project_with(key_record(0, "dip-mtls")), CertificateFile((other,), "PEM"))
    assert "issued to www.elsewhere.example" in message
    assert message.endswith("Check that the supplier used the CSR you sent from this wizard.")


def test_an_odd_certificate_for_another_key_is_still_explained(profile: Profile, issuing: Issuer) -> None:
    """Was a bug: _explain_mismatch reads the names with certfiles.dns_names, which catches only ExtensionNotFound and
    ValueError; a certificate whose SubjectAlternativeName holds a name type cryptography cannot represent (here
    an x400Address) raises x509.UnsupportedGeneralNameType out of match_certificate instead of NotForThisKey."""
    odd = make_leaf(issuing, rsa_key(5).public_key(), sans=(), extra=[
        x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, b"\x30\x02\xa3\x00")])
    message = _not_for_this_key(profile, project_with(key_record(0, "dip-mtls")), CertificateFile((odd,), "DER"))
    assert "was made for a different key" in message


# ---------------------------------------------------------------- check_certificate


def test_a_good_certificate_has_days_left_and_a_private_chain_warning(profile: Profile, mtls: Chain) -> None:
    found = check_certificate(profile.certificate_kind("dip-mtls"), mtls.leaf, mtls.above, NOW, DOMAIN)
    assert codes(found) == ["chain-private", "valid"]
    assert finding(found, "valid").severity == "info"
    assert finding(found, "valid").message == "Valid until 02 Mar 2027: 365 days left."
    private = finding(found, "chain-private")
    assert private.severity == "warning"
    assert private.message.startswith("The chain leads to Acme Test Root CA, Test PKI Ltd, which is not one of the "
                                      "public roots this wizard knows.")


def test_not_yet_valid(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    leaf = make_leaf(issuing, rsa_key(0).public_key(), not_before=NOW + dt.timedelta(days=3))
    found = check_certificate(profile.certificate_kind("dip-mtls"), leaf, (issuing.cert, root.cert), NOW, DOMAIN)
    early = finding(found, "not-yet-valid")
    assert early.severity == "warning"
    assert early.message == "This certificate only becomes valid on 05 Mar 2026."
    assert "valid" not in codes(found)


def test_expired(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    leaf = make_leaf(issuing, rsa_key(0).public_key(), not_before=NOW - dt.timedelta(days=400),
                     not_after=NOW - dt.timedelta(days=2))
    found = check_certificate(profile.certificate_kind("dip-mtls"), leaf, (issuing.cert, root.cert), NOW, DOMAIN)
    assert found[0].code == "expired"
    assert found[0].severity == "error"
    assert found[0].message == "This certificate expired on 28 Feb 2026. Ask for a new one."


def test_missing_client_auth_for_dip_mtls(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    leaf = make_leaf(issuing, rsa_key(0).public_key(), eku=(SERVER,))
    kind = profile.certificate_kind("dip-mtls")
    found = check_certificate(kind, leaf, (issuing.cert, root.cert), NOW, DOMAIN)
    usage = finding(found, "wrong-usage")
    assert usage.severity == "error"
    assert usage.message == ("This certificate is not issued for client auth, which the DIP mTLS client certificate "
                             "needs. Ask your supplier for one with the right usage.")
    assert usage.source == kind.provenance.source
    assert usage.confirmed is kind.provenance.confirmed
    assert found[0] == usage  # most serious first


def test_no_extended_key_usage_at_all_is_not_a_wrong_usage(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    leaf = make_leaf(issuing, rsa_key(0).public_key(), eku=None)
    found = check_certificate(profile.certificate_kind("dip-mtls"), leaf, (issuing.cert, root.cert), NOW, DOMAIN)
    assert "wrong-usage" not in codes(found)


def test_key_usage_is_checked_against_the_kind(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    """Was a bug: the issue asks for key usage and extended key usage to be checked against the kind's purpose, and
    check_certificate's docstring says so, but only the EKU is checked: a DIP mTLS certificate whose KeyUsage
    allows only key encipherment (no digital signature, which a TLS client needs to prove its key) passes with
    no finding, and so does one that allows only certificate signing."""
    kind = profile.certificate_kind("dip-mtls")
    assert "digital_signature" in kind.key_usage
    for usage in (("key_encipherment",), ("key_cert_sign",)):
        leaf = make_leaf(issuing, rsa_key(0).public_key(), usage=usage)
        found = check_certificate(kind, leaf, (issuing.cert, root.cert), NOW, DOMAIN)
        assert [f for f in found if f.severity != "info" and "usage" in f.code], (usage, found)


def test_a_server_kind_is_checked_as_a_server(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    """A webhook certificate with only the server-auth usage verifies (as a server, for its DNS name); checked as a
    client it would not."""
    leaf = make_leaf(issuing, rsa_key(1).public_key(), eku=(SERVER,))
    found = check_certificate(profile.certificate_kind("webhook-tls"), leaf, (issuing.cert, root.cert), NOW, DOMAIN)
    assert codes(found) == ["chain-private", "valid"]
    as_client = check_certificate(profile.certificate_kind("dip-mtls"), leaf, (issuing.cert, root.cert), NOW, DOMAIN)
    assert "chain-private" not in codes(as_client)
    assert "wrong-usage" in codes(as_client)


def test_a_client_certificate_offered_for_the_webhook(profile: Profile, mtls: Chain) -> None:
    found = check_certificate(profile.certificate_kind("webhook-tls"), mtls.leaf, mtls.above, NOW, DOMAIN)
    assert finding(found, "wrong-usage").message.startswith("This certificate is not issued for server auth")


def test_leaf_alone_warns_that_the_chain_is_missing(profile: Profile, mtls: Chain) -> None:
    found = check_certificate(profile.certificate_kind("dip-mtls"), mtls.leaf, (), NOW, DOMAIN)
    missing = finding(found, "chain-missing")
    assert missing.severity == "warning"
    assert "Ask your supplier for the chain (often a '.p7b' or 'full chain' download)" in missing.message


def test_an_incomplete_chain_is_reported(profile: Profile, mtls: Chain) -> None:
    found = check_certificate(profile.certificate_kind("dip-mtls"), mtls.leaf, (mtls.intermediate.cert,), NOW,
                              DOMAIN)
    broken = finding(found, "chain-broken")
    assert broken.severity == "warning"
    assert broken.message.startswith("The issuer certificates in this file do not link this certificate")
    assert "Ask your supplier for the full chain" in broken.message


@pytest.mark.parametrize("window", ["expired", "not-yet-valid"])
def test_a_certificate_outside_its_dates_is_not_told_its_chain_is_broken(profile: Profile, issuing: Issuer,
                                                                         root: Issuer, window: str) -> None:
    """Was a bug: the chain is verified at `now`, so a certificate that has expired (or is not valid yet) fails chain
    verification too, and besides the "expired"/"not-yet-valid" finding the user is told "The chain could not be
    checked: validation failed: cert is not valid at validation time (encountered processing <Certificate(subject=
    <Name(...)>, ...)>). Ask your supplier for the full chain." although the file holds the whole chain."""
    if window == "expired":
        leaf = make_leaf(issuing, rsa_key(0).public_key(), not_before=NOW - dt.timedelta(days=400),
                         not_after=NOW - dt.timedelta(days=2))
    else:
        leaf = make_leaf(issuing, rsa_key(0).public_key(), not_before=NOW + dt.timedelta(days=3))
    found = check_certificate(profile.certificate_kind("dip-mtls"), leaf, (issuing.cert, root.cert), NOW, DOMAIN)
    assert window in codes(found)
    assert "chain-broken" not in codes(found), [f.message for f in found]


def test_chain_findings_are_in_plain_words(profile: Profile, mtls: Chain) -> None:
    """Was a bug: "chain-broken" quotes the verifier's error text, e.g. "validation failed: candidates exhausted: all
    candidates exhausted with no interior errors" for a chain missing its root, or a Python repr
    "<Certificate(subject=<Name(...)>, ...)>" — not the plain words the issue asks for."""
    found = check_certificate(profile.certificate_kind("dip-mtls"), mtls.leaf, (mtls.intermediate.cert,), NOW,
                              DOMAIN)
    message = finding(found, "chain-broken").message
    for jargon in ("candidates exhausted", "interior errors", "validation failed", "<Certificate(", "<Name("):
        assert jargon not in message, message


def test_another_domain_is_warned_about(profile: Profile, mtls: Chain) -> None:
    kind = profile.certificate_kind("dip-mtls")
    found = check_certificate(kind, mtls.leaf, mtls.above, NOW, "northwind.example")
    domain = finding(found, "domain")
    assert domain.severity == "warning"
    assert domain.message == ("This certificate does not name your verified domain northwind.example (it names "
                              "acme.example). Check this is what you expect.")
    assert domain.confirmed is kind.provenance.confirmed


def test_a_subdomain_of_the_verified_domain_is_fine(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    leaf = make_leaf(issuing, rsa_key(0).public_key(), cn="dip.acme.example", sans=("dip.acme.example",))
    found = check_certificate(profile.certificate_kind("dip-mtls"), leaf, (issuing.cert, root.cert), NOW, DOMAIN)
    assert "domain" not in codes(found)


def _atlas_certificate(issuing: Issuer) -> x509.Certificate:
    """What a CA issues for the wizard's Atlas API CSR: CN "<organisation> Atlas API", no SAN, client auth."""
    return make_leaf(issuing, rsa_key(2).public_key(), cn="Acme Energy Ltd Atlas API", sans=())


def test_an_atlas_certificate_is_not_expected_to_name_the_domain(profile: Profile, issuing: Issuer,
                                                                 root: Issuer) -> None:
    """Was a bug: the Atlas API kind names the organisation, not the domain (its CN template is "{organisation} Atlas
    API" and it has no SANs), yet check_certificate compares every certificate's names with the verified domain,
    so every Atlas API certificate issued exactly as requested gets "does not name your verified domain"."""
    kind = profile.certificate_kind("atlas-api")
    assert kind.san_dns == ()
    found = check_certificate(kind, _atlas_certificate(issuing), (issuing.cert, root.cert), NOW, DOMAIN)
    assert "domain" not in codes(found)


def test_an_atlas_certificate_chain_checks_out(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    """Was a bug: chains are checked with cryptography's client verifier, which refuses a leaf without a
    SubjectAlternativeName ("Certificate is missing required extension"); the Atlas API CSR asks for none, so an
    Atlas certificate with its whole chain is reported as "chain-broken" ("Ask your supplier for the full
    chain") instead of "chain-private" (or "chain-public")."""
    found = check_certificate(profile.certificate_kind("atlas-api"), _atlas_certificate(issuing),
                              (issuing.cert, root.cert), NOW, DOMAIN)
    assert "chain-broken" not in codes(found), found
    assert "chain-private" in codes(found)


def test_an_odd_certificate_is_checked_without_crashing(profile: Profile, issuing: Issuer, root: Issuer) -> None:
    """Was a bug: check_certificate reads the EKU catching only ExtensionNotFound and ValueError, and the names through
    dns_names (the same two); a certificate whose SAN holds an x400Address raises x509.UnsupportedGeneralNameType
    out of check_certificate (a certificate with a duplicated extension raises x509.DuplicateExtension the same
    way)."""
    odd = make_leaf(issuing, rsa_key(0).public_key(), sans=(), extra=[
        x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, b"\x30\x02\xa3\x00")])
    found = check_certificate(profile.certificate_kind("dip-mtls"), odd, (issuing.cert, root.cert), NOW, DOMAIN)
    assert "valid" in codes(found)


def test_findings_are_most_serious_first(profile: Profile, issuing: Issuer) -> None:
    leaf = make_leaf(issuing, rsa_key(0).public_key(), eku=(SERVER,), cn="other.example", sans=("other.example",),
                     not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=1))
    found = check_certificate(profile.certificate_kind("dip-mtls"), leaf, (), NOW, DOMAIN)
    severities = [f.severity for f in found]
    assert severities == sorted(severities, key=("error", "warning", "info").index)
    assert {"expired", "wrong-usage", "domain", "chain-missing"} <= set(codes(found))


def test_public_roots_are_loaded_offline_without_warnings() -> None:
    """certifi's bundle ships with the wizard; every root in it loads, quietly, and is loaded once."""
    public_roots.cache_clear()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        roots = public_roots()
    assert [str(w.message) for w in seen] == []
    assert len(roots) > 100
    assert all(isinstance(r, x509.Certificate) for r in roots)
    assert all(r.subject == r.issuer for r in roots)
    assert public_roots() is roots


def test_our_private_test_root_is_not_public(mtls: Chain) -> None:
    assert mtls.root.cert not in public_roots()


# ---------------------------------------------------------------- commit_certificate (wizard/actions/certificates.py)


@pytest.fixture
def session(tmp_path: Path, profile: Profile) -> ProjectSession:
    return ProjectSession.create(tmp_path / "acme", profile, lambda: NOW, organisation=ACME, environment="uit")


def _import(session: ProjectSession, *certs: x509.Certificate) -> CertificateImported:
    found = CertificateFile(certs, "PEM")
    return commit_certificate(session, examine(session.project, session.profile, found, session.clock()))


def _in_use(session: ProjectSession, mtls: Chain) -> tuple[KeyRecord, CertificateRecord]:
    """k-00 with its certificate imported and valid now."""
    session.commit(with_key(session.project, key_record(0, "dip-mtls")))
    imported = _import(session, mtls.leaf, *mtls.above)
    return session.project.key("k-00"), imported.record


def test_commit_records_the_certificate_and_its_chain(session: ProjectSession, mtls: Chain) -> None:
    session.commit(with_key(session.project, key_record(0, "dip-mtls")))
    imported = _import(session, mtls.root.cert, mtls.leaf, mtls.intermediate.cert)
    record = imported.record
    assert (imported.outcome.state, imported.outcome.retired) == ("active", ())
    assert imported.outcome.valid_from == mtls.leaf.not_valid_before_utc
    assert (imported.kind.id, imported.chain, imported.form) == ("dip-mtls", 2, "PEM")
    assert imported.summary() == "Imported the DIP mTLS client certificate (PEM, with 2 issuer certificates)."
    assert record.kind == "dip-mtls"
    assert record.key_id == "k-00"
    assert record.pem == pem(mtls.leaf).decode()
    assert record.chain_pem == pem(mtls.intermediate.cert, mtls.root.cert).decode()
    assert record.fingerprint == certificate_fingerprint(mtls.leaf)
    assert record.subject == "acme.example, Acme Energy Ltd"
    assert record.issuer == "Acme Test Issuing CA, Test PKI Ltd"
    assert (record.not_before, record.not_after) == (mtls.leaf.not_valid_before_utc, mtls.leaf.not_valid_after_utc)
    assert record.imported_at == NOW
    assert record.id.startswith("c-")
    assert session.project.keys == (key_record(0, "dip-mtls", state="active"),)  # the first key is now in use
    assert session.project.certificates == (record,)
    assert session.project.certificate_for("k-00") == record
    assert session.project.current_certificate("dip-mtls") == (session.project.key("k-00"), record)
    assert load_project(session.folder) == session.project


def test_reimporting_for_the_key_in_use_replaces_its_record(session: ProjectSession, mtls: Chain,
                                                            issuing: Issuer) -> None:
    active, first = _in_use(session, mtls)
    renewed = make_leaf(issuing, rsa_key(0).public_key(), not_after=NOW + dt.timedelta(days=730))
    second = _import(session, renewed, *mtls.above)
    assert (second.outcome.state, second.outcome.retired) == ("active", ())
    assert second.record.id != first.id
    assert session.project.keys == (active,)
    assert session.project.certificates == (second.record,)
    assert session.project.current_certificate("dip-mtls") == (active, second.record)
    assert load_project(session.folder).certificates == (second.record,)


def test_a_certificate_for_the_replacement_key_retires_the_old_key(session: ProjectSession, mtls: Chain,
                                                                   issuing: Issuer) -> None:
    """Valid now: the replacement becomes the key in use; the old key is retired, not deleted, and keeps its
    certificate record until it is destroyed."""
    old, old_cert = _in_use(session, mtls)
    webhook = key_record(3, "webhook-tls")
    new = key_record(1, "dip-mtls", replaces="k-00")
    session.commit(with_key(with_key(session.project, webhook), new))
    imported = _import(session, make_leaf(issuing, rsa_key(1).public_key()), *mtls.above)
    retired = replace(old, state="retired")
    assert imported.outcome.state == "active"
    assert imported.outcome.retired == (retired,)
    assert "the previous key is retired and kept until its certificate expires" in imported.summary()
    assert session.project.keys == (retired, webhook, replace(new, state="active", replaces=None))
    assert session.project.certificates == (old_cert, imported.record)
    assert session.project.certificate_for("k-00") == old_cert
    assert session.project.current_certificate("dip-mtls") == (session.project.key("k-01"), imported.record)
    assert load_project(session.folder) == session.project


def test_a_certificate_not_yet_valid_waits_and_the_old_key_stays_in_use(session: ProjectSession, mtls: Chain,
                                                                        issuing: Issuer) -> None:
    old, old_cert = _in_use(session, mtls)
    new = key_record(1, "dip-mtls", replaces="k-00")
    session.commit(with_key(session.project, new))
    starts = NOW + dt.timedelta(days=5)
    imported = _import(session, make_leaf(issuing, rsa_key(1).public_key(), not_before=starts), *mtls.above)
    assert (imported.outcome.state, imported.outcome.valid_from, imported.outcome.retired) == ("waiting", starts, ())
    assert "It is waiting: it becomes valid on 07 Mar 2026" in imported.summary()
    assert session.project.keys == (old, new)  # still pending, still replacing the key in use
    assert session.project.certificates == (old_cert, imported.record)
    assert session.project.current_certificate("dip-mtls") == (old, old_cert)
    assert kind_state(session.project, "dip-mtls") == "New certificate waiting, valid from 07 Mar 2026"
    assert key_status(session.project, new, NOW) == "waiting, valid from 07 Mar 2026"
    assert load_project(session.folder) == session.project

    # The switch happens at the first open on or after its start (wizard/actions/opening.py), not before.
    assert due_switches(session.project, NOW) == ()
    assert due_switches(session.project, starts - dt.timedelta(seconds=1)) == ()
    assert due_switches(session.project, starts) == (new,)
    assert due_switches(session.project, starts + dt.timedelta(days=30)) == (new,)
    switched, outcome = with_switch(session.project, new)
    assert (outcome.state, outcome.valid_from, outcome.retired) == ("active", starts, (replace(old, state="retired"),))
    assert switched.keys == (replace(old, state="retired"), replace(new, state="active", replaces=None))
    assert switched.current_certificate("dip-mtls") == (switched.key("k-01"), imported.record)
    assert switched.certificates == (old_cert, imported.record)
    assert due_switches(switched, starts) == ()


def test_a_certificate_for_the_key_in_use_leaves_the_replacement_pending(session: ProjectSession, mtls: Chain,
                                                                         issuing: Issuer) -> None:
    old, _ = _in_use(session, mtls)
    new = key_record(1, "dip-mtls", replaces="k-00")
    session.commit(with_key(session.project, new))
    renewed = _import(session, make_leaf(issuing, rsa_key(0).public_key()), *mtls.above)
    assert (renewed.outcome.state, renewed.outcome.retired) == ("active", ())
    assert session.project.keys == (old, new)
    assert session.project.certificates == (renewed.record,)
    assert session.project.current_certificate("dip-mtls") == (old, renewed.record)


def test_the_key_is_taken_as_it_is_at_the_commit(session: ProjectSession, mtls: Chain) -> None:
    """Examined on a worker, committed later: a change made to the key meanwhile (its CSR exported) is kept."""
    session.commit(with_key(session.project, key_record(0, "dip-mtls")))
    examined = examine(session.project, session.profile, CertificateFile((mtls.leaf,), "PEM"), NOW)
    exported = replace(session.project.key("k-00"), csr_pem="csr", csr_exported_at=NOW)
    session.commit(with_key(session.project, exported))
    commit_certificate(session, examined)
    assert session.project.keys == (replace(exported, state="active"),)


@pytest.mark.parametrize("problem", ["expired", "wrong-usage"])
def test_a_certificate_the_checks_reject_is_refused_and_nothing_changes(session: ProjectSession, mtls: Chain,
                                                                        issuing: Issuer, problem: str) -> None:
    old, old_cert = _in_use(session, mtls)
    new = key_record(1, "dip-mtls", replaces="k-00")
    session.commit(with_key(session.project, new))
    leaf = (make_leaf(issuing, rsa_key(1).public_key(), not_before=NOW - dt.timedelta(days=400),
                      not_after=NOW - dt.timedelta(days=2)) if problem == "expired"
            else make_leaf(issuing, rsa_key(1).public_key(), eku=(SERVER,)))
    examined = examine(session.project, session.profile, CertificateFile((leaf, *mtls.above), "PEM"), NOW)
    assert problem in codes(examined.findings)
    assert examined.problems
    state = session.project
    before = project_file(session.folder).read_bytes()
    with pytest.raises(WizardError, match="Not imported: it is for the DIP mTLS client certificate, but it cannot "
                                          "be used"):
        commit_certificate(session, examined)
    assert session.project == state
    assert project_file(session.folder).read_bytes() == before
    assert session.project.keys == (old, new)
    assert session.project.current_certificate("dip-mtls") == (old, old_cert)


def test_a_waiting_certificate_is_not_an_error(session: ProjectSession, mtls: Chain, issuing: Issuer) -> None:
    """"Not yet valid" is a warning: the certificate is kept, waiting, rather than refused."""
    session.commit(with_key(session.project, key_record(0, "dip-mtls")))
    leaf = make_leaf(issuing, rsa_key(0).public_key(), not_before=NOW + dt.timedelta(days=1))
    examined = examine(session.project, session.profile, CertificateFile((leaf, *mtls.above), "PEM"), NOW)
    assert "not-yet-valid" in codes(examined.findings)
    assert examined.problems == ()
    imported = commit_certificate(session, examined)
    assert imported.outcome.state == "waiting"
    assert session.project.key("k-00").state == "pending"
    assert session.project.current_certificate("dip-mtls") is None


# ---------------------------------------------------------------- inventory


def cert_record(index: int, kind: str, not_after: dt.datetime, subject: str = "acme.example") -> CertificateRecord:
    return CertificateRecord(id=f"c-{index:02d}", kind=kind, key_id=f"k-{index:02d}", pem="", chain_pem="",
                             fingerprint="00" * 32, subject=subject, issuer="Acme Test Issuing CA",
                             not_before=NOW - dt.timedelta(days=300), not_after=not_after, imported_at=NOW)


def test_inventory_statuses_soonest_first(profile: Profile) -> None:
    lead = max(profile.reminders.lead_days)
    assert lead == 60
    records = (
        cert_record(1, "dip-mtls", NOW + dt.timedelta(days=200)),
        cert_record(2, "webhook-tls", NOW + dt.timedelta(days=45)),
        cert_record(3, "atlas-api", NOW - dt.timedelta(days=3), subject="Acme Energy Ltd Atlas API"),
        cert_record(4, "dip-signing", NOW + dt.timedelta(days=lead)),
        cert_record(5, "dip-mtls", NOW + dt.timedelta(days=lead + 1, hours=1)),
    )
    project = replace(project_with(), certificates=records)
    rows = inventory(profile, project, NOW)
    assert [(r.kind, r.days_left, r.status) for r in rows] == [
        ("atlas-api", -3, "expired"),
        ("webhook-tls", 45, "soon"),
        ("dip-signing", 60, "soon"),
        ("dip-mtls", 61, "ok"),
        ("dip-mtls", 200, "ok"),
    ]
    assert rows[0] == InventoryRow("atlas-api", "GlobalSign Atlas API certificate", "Acme Energy Ltd Atlas API",
                                   "Acme Test Issuing CA", NOW - dt.timedelta(days=3), -3, "expired",
                                   records[2].not_before)
    assert rows[1].kind_name == "Webhook server certificate"


def test_inventory_expires_at_the_moment_of_not_after(profile: Profile) -> None:
    project = replace(project_with(), certificates=(cert_record(1, "dip-mtls", NOW),
                                                    cert_record(2, "dip-mtls", NOW + dt.timedelta(minutes=1))))
    assert [(r.status, r.days_left) for r in inventory(profile, project, NOW)] == [("expired", 0), ("soon", 0)]


def test_inventory_of_a_project_without_certificates(profile: Profile) -> None:
    assert inventory(profile, project_with(), NOW) == ()


# ---------------------------------------------------------------- the project file


def test_certificates_round_trip_through_the_project_file(tmp_path: Path, mtls: Chain) -> None:
    folder = tmp_path / "acme"
    record = CertificateRecord(id="c-0001", kind="dip-mtls", key_id="k-00", pem=pem(mtls.leaf).decode(),
                               chain_pem=pem(*mtls.above).decode(), fingerprint=certificate_fingerprint(mtls.leaf),
                               subject="acme.example, Acme Energy Ltd", issuer="Acme Test Issuing CA, Test PKI Ltd",
                               not_before=mtls.leaf.not_valid_before_utc, not_after=mtls.leaf.not_valid_after_utc,
                               imported_at=NOW)
    project = replace(project_with(key_record(0, "dip-mtls")), certificates=(record,))
    store.create_project(folder, project)
    assert load_project(folder) == project
    saved = save_project(folder, project, NOW + dt.timedelta(hours=1))
    assert load_project(folder) == saved
    doc = json.loads(project_file(folder).read_text(encoding="utf-8"))
    assert doc["format_version"] >= 3  # certificates arrived in format 3
    assert doc["project"]["certificates"][0]["not_after"] == mtls.leaf.not_valid_after_utc.isoformat()


@pytest.mark.parametrize(("change", "why"), [
    (lambda c: c.pop("not_after"), "certificates[0].not_after"),
    (lambda c: c.update(pem=42), "certificates[0].pem should be text"),
    (lambda c: c.update(imported_at="2026-03-02T09:30:00"), "certificates[0].imported_at has no time zone"),
])
def test_a_damaged_certificate_entry_is_refused(tmp_path: Path, change: object, why: str) -> None:
    folder = tmp_path / "acme"
    project = replace(project_with(key_record(0, "dip-mtls")),
                      certificates=(cert_record(0, "dip-mtls", NOW + dt.timedelta(days=10)),))
    store.create_project(folder, project)
    doc = json.loads(project_file(folder).read_text(encoding="utf-8"))
    change(doc["project"]["certificates"][0])  # type: ignore[operator]
    raw = json.dumps(doc).encode()
    project_file(folder).write_bytes(raw)
    with pytest.raises(ProjectDamaged, match=why.replace("[", r"\[").replace("]", r"\]")):
        load_project(folder)
    assert project_file(folder).read_bytes() == raw


def test_a_certificate_for_a_key_the_project_does_not_hold_is_refused_on_open(tmp_path: Path,
                                                                              profile: Profile) -> None:
    folder = tmp_path / "acme"
    project = replace(project_with(key_record(0, "dip-mtls")),
                      certificates=(cert_record(9, "dip-mtls", NOW + dt.timedelta(days=10)),))
    store.create_project(folder, project)
    with pytest.raises(ProjectDamaged, match="for a key or kind it does not hold"):
        ProjectSession.open(folder, profile, lambda: NOW)


def test_version_2_files_gain_certificates_after_a_backup(tmp_path: Path) -> None:
    """A file written by the keys release (format 2: keys, no certificates) opens, is backed up byte for byte, and
    is saved as format 3 with an empty certificate list; its keys are kept."""
    folder = tmp_path / "v2"
    folder.mkdir()
    v2 = {"format": "dip-onboarding-project", "format_version": 2, "written_by": "0.2.0", "revision": 7,
          "project": {
              "profile_id": "dip-mhhs", "environment": "uit", "created_at": "2026-03-02T09:30:00+00:00",
              "updated_at": "2026-03-02T09:30:00+00:00", "promoted_from": None,
              "organisation": {"name": "Old Co", "company_number": "01234567", "domain": "old.example",
                               "description": "", "is_dcp": False},
              "mpids": [], "people": [], "progress": [], "notes": {},
              "keys": [{"id": "k-01", "kind": "dip-mtls", "algorithm": "rsa-2048", "fingerprint": "ab" * 32,
                        "created_at": "2026-03-02T09:30:00+00:00", "vault": "keychain", "replaces": None,
                        "csr_pem": None, "csr_exported_at": None}],
              "atlas_credentials": None}}
    raw = json.dumps(v2, indent=2).encode()
    project_file(folder).write_bytes(raw)
    project = load_project(folder)
    assert project.certificates == ()
    assert [k.id for k in project.keys] == ["k-01"]
    [backup] = folder.glob("project.v2.*.json")
    assert backup.read_bytes() == raw
    doc = json.loads(project_file(folder).read_text(encoding="utf-8"))
    assert doc["format_version"] == store.FORMAT_VERSION  # 3, then on through any later migrations
    assert doc["project"]["certificates"] == []
    # The keys are kept as they were; version 5 gave each its lifecycle state (no certificate: still pending).
    [key] = doc["project"]["keys"]
    assert key.pop("state") == "pending"
    assert [key] == v2["project"]["keys"]  # type: ignore[index]
    assert load_project(folder) == project
    assert list(folder.glob("project.v2.*.json")) == [backup]  # a second load migrates nothing


def test_a_version_2_wizard_refuses_a_version_3_file(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    store.create_project(folder, project_with())
    with pytest.raises(ProjectTooNew, match=f"project format {store.FORMAT_VERSION}; this version reads up to 2"):
        load_project(folder, current_version=2)


def test_a_kind_hint_that_does_not_fit_is_explained_not_ignored(profile: Profile, mtls: Chain) -> None:
    """Was a bug: `--cert webhook-tls` with the mTLS key's certificate imported it as mTLS without a word."""
    project = project_with(key_record(0, "dip-mtls"))
    found = CertificateFile((mtls.leaf, mtls.intermediate.cert), "PEM")
    with pytest.raises(NotForThisKey, match="answers the DIP mTLS client certificate key, not the Webhook"):
        match_certificate(profile, project, found, "webhook-tls")
