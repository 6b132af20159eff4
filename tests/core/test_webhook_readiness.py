"""The webhook verdict from handshake facts (no network: the facts are built here), the host-name rules of RFC 6125,
where the check connects (--connect-to, the stored-URL rule) and `cert check-live`'s judgement (issue 18, items 2,
3). The real handshakes are in tests/integration/test_webhook_check.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.pki import NOW, SupplierCA, make_ca, pem, rsa_key
from wizard.core.algorithms import fingerprint_text
from wizard.core.certfiles import certificate_fingerprint, common_name, issuer_name
from wizard.core.errors import InvalidInput
from wizard.core.model import CertificateRecord, KeyRecord, Organisation, Project
from wizard.core.profile import Profile
from wizard.core.tls_names import name_matches
from wizard.core.tls_probe import Endpoint, HandshakeFacts, ProbeFailed, parse_connect_to
from wizard.core.webhook_readiness import (
    endpoint_for,
    live_certificate,
    summary,
    webhook_kinds,
    webhook_readiness,
)

HOST = "hook.acme.example"
URL = f"https://{HOST}/dip/if-001"


@pytest.fixture(scope="module")
def ca() -> SupplierCA:
    return make_ca("Acme Test", now=NOW)


def leaf_for(ca: SupplierCA, index: int = 0, names: tuple[str, ...] = (HOST,), days: tuple[int, int] = (-1, 30),
             usage: str = "server_auth") -> x509.Certificate:
    return ca.issue(rsa_key(index).public_key(), common_name=names[0], dns_names=names, usages=(usage,),
                    not_before=NOW + dt.timedelta(days=days[0]), not_after=NOW + dt.timedelta(days=days[1]))


def record(kind: str, leaf: x509.Certificate, ca: SupplierCA, n: int = 1, state: str = "active",
           chain: bool = True) -> tuple[KeyRecord, CertificateRecord]:
    key = KeyRecord(f"k-{n}", kind, "rsa-2048", f"{n:064x}", NOW - dt.timedelta(days=3), state=state)
    cert = CertificateRecord(f"c-{n}", kind, key.id, leaf.public_bytes(serialization.Encoding.PEM).decode(),
                             pem(*ca.chain).decode() if chain else "", certificate_fingerprint(leaf),
                             common_name(leaf), issuer_name(leaf), leaf.not_valid_before_utc,
                             leaf.not_valid_after_utc, NOW - dt.timedelta(days=1))
    return key, cert


def project_with(*records: tuple[KeyRecord, CertificateRecord]) -> Project:
    return Project("dip-mhhs", "uit", Organisation("Acme Energy Ltd", "01234567", "acme.example"), NOW, NOW,
                   keys=tuple(k for k, _ in records), certificates=tuple(c for _, c in records))


def facts(chain: tuple[x509.Certificate, ...], *, version: str = "TLSv1.3", requested: bool = True,
          cas: tuple[x509.Name, ...] = (), ended: str = "", connect: tuple[str, int] = (HOST, 443)) -> HandshakeFacts:
    return HandshakeFacts(Endpoint(HOST, *connect), version, chain, requested, cas, ended)


def statuses(readiness: object) -> dict[str, str]:
    return {c.topic: c.status for c in readiness.checks}  # type: ignore[attr-defined]


def message(readiness: object, topic: str) -> str:
    return next(c.message for c in readiness.checks if c.topic == topic)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def ours(ca: SupplierCA) -> x509.Certificate:
    return leaf_for(ca)


@pytest.fixture
def project(ca: SupplierCA, ours: x509.Certificate) -> Project:
    return project_with(record("webhook-tls", ours, ca))


def test_the_webhook_certificate_is_the_kind_with_server_authentication(profile: Profile) -> None:
    assert webhook_kinds(profile) == ("webhook-tls",)


def test_a_ready_webhook(profile: Profile, project: Project, ca: SupplierCA, ours: x509.Certificate) -> None:
    result = webhook_readiness(profile, project, URL, facts((ours, ca.intermediate), cas=(ca.root.subject,)), NOW)
    assert result.ready
    assert result.verdict == "ready"
    assert list(statuses(result)) == ["tls-version", "certificate", "validity", "name", "chain", "client-certificate"]
    assert set(statuses(result).values()) == {"ok"}
    assert fingerprint_text(certificate_fingerprint(ours)) in message(result, "certificate")
    assert message(result, "validity") == f"The certificate is valid now, for 30 more days (until " \
                                          f"{ours.not_valid_after_utc:%d %b %Y})."
    assert "it accepts certificates from Acme Test Root CA" in message(result, "client-certificate")
    assert summary(result) == f"Ready: the webhook at {HOST} passes every check."
    assert result.certificate is not None
    assert result.as_json()["project_certificate"]["id"] == result.certificate.id


def test_an_empty_client_ca_list_means_any_ca(profile: Profile, project: Project, ca: SupplierCA,
                                              ours: x509.Certificate) -> None:
    result = webhook_readiness(profile, project, URL, facts((ours, ca.intermediate), cas=()), NOW)
    assert result.ready
    assert "it lists no CA, so any CA" in message(result, "client-certificate")
    assert result.as_json()["client_cas"] == []


@pytest.mark.parametrize(("change", "topic", "words"), [
    ({"version": "TLSv1.1"}, "tls-version", "The server agreed TLS 1.1, which is too old"),
    ({"version": "TLSv1"}, "tls-version", "The server agreed TLS 1.0, which is too old"),
    ({"requested": False}, "client-certificate", "does not ask for a client certificate"),
])
def test_each_rule_alone_makes_it_not_ready(profile: Profile, project: Project, ca: SupplierCA,
                                            ours: x509.Certificate, change: dict[str, object], topic: str,
                                            words: str) -> None:
    result = webhook_readiness(profile, project, URL, facts((ours, ca.intermediate), **change), NOW)  # type: ignore[arg-type]
    assert not result.ready
    assert [c.topic for c in result.problems] == [topic]
    assert words in message(result, topic)
    assert summary(result) == f"Not ready: the webhook at {HOST} has 1 problem to fix."


def test_a_missing_intermediate_is_named(profile: Profile, project: Project, ours: x509.Certificate) -> None:
    result = webhook_readiness(profile, project, URL, facts((ours,)), NOW)
    assert [c.topic for c in result.problems] == ["chain"]
    assert "does not send 1 intermediate certificate of the chain imported with it: Acme Test Issuing CA" in \
        message(result, "chain")


def test_the_root_need_not_be_sent_but_may_be(profile: Profile, project: Project, ca: SupplierCA,
                                              ours: x509.Certificate) -> None:
    with_root = webhook_readiness(profile, project, URL, facts((ours, ca.intermediate, ca.root)), NOW)
    assert with_root.ready


def test_a_certificate_that_is_not_the_projects(profile: Profile, project: Project, ca: SupplierCA,
                                                ours: x509.Certificate) -> None:
    other = leaf_for(ca, index=5)
    result = webhook_readiness(profile, project, URL, facts((other, ca.intermediate)), NOW)
    assert [c.topic for c in result.problems] == ["certificate"]
    text = message(result, "certificate")
    assert "not the project's Webhook server certificate" in text
    assert fingerprint_text(certificate_fingerprint(other)) in text
    assert fingerprint_text(certificate_fingerprint(ours)) in text
    assert result.certificate is None


def test_another_kind_of_the_projects_certificates_is_not_the_webhook_one(profile: Profile, ca: SupplierCA) -> None:
    mtls = leaf_for(ca, index=2, usage="client_auth")
    project = project_with(record("dip-mtls", mtls, ca))
    result = webhook_readiness(profile, project, URL, facts((mtls, ca.intermediate)), NOW)
    assert "presents the project's DIP mTLS client certificate, not its Webhook server certificate" in \
        message(result, "certificate")


def test_a_project_without_a_webhook_certificate_says_so(profile: Profile, ca: SupplierCA,
                                                         ours: x509.Certificate) -> None:
    result = webhook_readiness(profile, project_with(), URL, facts((ours, ca.intermediate)), NOW)
    assert "this project has no Webhook server certificate yet" in message(result, "certificate")
    assert not result.ready


def test_a_retired_certificate_is_not_ready(profile: Profile, ca: SupplierCA, ours: x509.Certificate) -> None:
    project = project_with(record("webhook-tls", ours, ca, state="retired"))
    result = webhook_readiness(profile, project, URL, facts((ours, ca.intermediate)), NOW)
    assert "previous Webhook server certificate, which is retired" in message(result, "certificate")


def test_expired_and_not_yet_valid(profile: Profile, ca: SupplierCA) -> None:
    for days, words in (((-100, -2), "expired on"), ((3, 90), "is not valid yet")):
        leaf = leaf_for(ca, index=3, days=days)
        project = project_with(record("webhook-tls", leaf, ca))
        result = webhook_readiness(profile, project, URL, facts((leaf, ca.intermediate)), NOW)
        assert [c.topic for c in result.problems] == ["validity"], days
        assert words in message(result, "validity")


def test_a_name_that_does_not_cover_the_host(profile: Profile, ca: SupplierCA) -> None:
    leaf = leaf_for(ca, index=4, names=("www.acme.example", "*.other.example"))
    project = project_with(record("webhook-tls", leaf, ca))
    result = webhook_readiness(profile, project, URL, facts((leaf, ca.intermediate)), NOW)
    assert [c.topic for c in result.problems] == ["name"]
    assert message(result, "name") == f"The certificate does not cover {HOST}: it names www.acme.example, " \
                                      "*.other.example."


def test_a_wildcard_certificate_covers_the_host(profile: Profile, ca: SupplierCA) -> None:
    leaf = leaf_for(ca, index=4, names=("*.acme.example",))
    project = project_with(record("webhook-tls", leaf, ca))
    assert webhook_readiness(profile, project, URL, facts((leaf, ca.intermediate)), NOW).ready


@pytest.mark.parametrize(("pattern", "host", "covered"), [
    ("hook.acme.example", "hook.acme.example", True),
    ("HOOK.Acme.Example.", "hook.acme.example", True),
    ("*.acme.example", "hook.acme.example", True),
    ("*.acme.example", "acme.example", False),  # a wildcard is one label, never none
    ("*.acme.example", "a.hook.acme.example", False),  # nor two
    ("*.example", "acme.example", False),  # not over a whole top-level domain
    ("ho*.acme.example", "hook.acme.example", False),  # only the whole left-most label
    ("hook.*.example", "hook.acme.example", False),
    ("*.*.example", "a.b.example", False),
    ("xn--bcher-kva.example", "xn--bcher-kva.example", True),
    ("192.0.2.7", "192.0.2.7", True),
    ("*.0.2.7", "192.0.2.7", False),  # an address is matched by the same address only
    ("192.0.2.7", "hook.acme.example", False),
    ("2001:db8::1", "2001:db8:0::1", True),
    ("", "hook.acme.example", False),
])
def test_names_as_rfc_6125_matches_them(pattern: str, host: str, covered: bool) -> None:
    assert name_matches(pattern, host) is covered


def test_without_a_subject_alternative_name_nothing_is_covered(profile: Profile, ca: SupplierCA) -> None:
    from tests.pki import make_leaf

    leaf = make_leaf(ca.issuing, rsa_key(6).public_key(), cn=HOST, sans=(), eku=None,
                     not_before=NOW - dt.timedelta(days=1), not_after=NOW + dt.timedelta(days=30))
    project = project_with(record("webhook-tls", leaf, ca))
    result = webhook_readiness(profile, project, URL, facts((leaf, ca.intermediate)), NOW)
    assert "names no host in its Subject Alternative Name" in message(result, "name")


def test_without_an_imported_chain_the_links_are_followed(profile: Profile, ca: SupplierCA,
                                                          ours: x509.Certificate) -> None:
    project = project_with(record("webhook-tls", ours, ca, chain=False))
    up_to_root = webhook_readiness(profile, project, URL, facts((ours, ca.intermediate, ca.root)), NOW)
    assert statuses(up_to_root)["chain"] == "ok"
    short = webhook_readiness(profile, project, URL, facts((ours,)), NOW)
    assert statuses(short)["chain"] == "problem"
    assert "Acme Test Issuing CA" in message(short, "chain")


def test_a_server_ending_the_handshake_after_its_request_is_said(profile: Profile, project: Project,
                                                                 ca: SupplierCA, ours: x509.Certificate) -> None:
    result = webhook_readiness(profile, project, URL, facts((ours, ca.intermediate), version="TLSv1.2",
                                                            ended="tls alert handshake failure"), NOW)
    assert result.ready
    assert "ended the handshake when this check offered none" in message(result, "client-certificate")
    assert result.as_json()["server_ended_handshake"] == "tls alert handshake failure"


def test_the_json_holds_the_facts_and_never_a_key(profile: Profile, project: Project, ca: SupplierCA,
                                                  ours: x509.Certificate) -> None:
    data = webhook_readiness(profile, project, URL, facts((ours, ca.intermediate), connect=("127.0.0.1", 8443)),
                             NOW).as_json()
    assert (data["server_name"], data["connected_to"], data["tls_version"]) == (HOST, "127.0.0.1:8443", "TLSv1.3")
    assert [c["fingerprint"] for c in data["certificates"]] == [certificate_fingerprint(ours),
                                                                certificate_fingerprint(ca.intermediate)]
    assert data["certificates"][0]["names"] == [HOST]
    assert "PRIVATE KEY" not in str(data)


# ---------------------------------------------------------------- where the check connects


def test_the_urls_host_is_the_name_and_connect_to_only_the_place(profile: Profile) -> None:
    assert endpoint_for(profile, "https://Hook.Acme.Example:8443/x", stored=True) == \
        Endpoint("hook.acme.example", "hook.acme.example", 8443)
    assert endpoint_for(profile, URL, ("127.0.0.1", 9443), stored=True) == Endpoint(HOST, "127.0.0.1", 9443)
    assert Endpoint(HOST, "::1", 9443).where == "[::1]:9443"


def test_a_stored_address_the_dip_cannot_reach_is_refused_but_any_https_address_may_be_checked_live(
        profile: Profile) -> None:
    for url, words in (("https://127.0.0.1/hook", "The DIP can never reach 127.0.0.1"),
                       ("https://intranet/hook", "only works inside a local network"),
                       ("http://hook.acme.example/", "secure HTTPS address")):
        with pytest.raises(InvalidInput, match="cannot be checked") as caught:
            endpoint_for(profile, url, ("127.0.0.1", 9443), stored=True)
        assert words in str(caught.value)
    assert endpoint_for(profile, "https://intranet:8443/", stored=False) == Endpoint("intranet", "intranet", 8443)
    with pytest.raises(InvalidInput, match="not an https:// address"):
        endpoint_for(profile, "http://hook.acme.example/", stored=False)


def test_an_address_with_a_user_name_or_password_is_refused_before_any_connection(profile: Profile) -> None:
    """Checked live too: the address would otherwise go into the audit trail and the --json output as typed."""
    for url in ("https://user:s3cret@hook.acme.example/", "https://token@hook.acme.example/"):
        with pytest.raises(InvalidInput, match="Remove the user name or password") as caught:
            endpoint_for(profile, url, ("127.0.0.1", 9443), stored=False)
        assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(("text", "parsed"), [("127.0.0.1:8443", ("127.0.0.1", 8443)), ("[::1]:443", ("::1", 443)),
                                              (" lb.acme.example:9000 ", ("lb.acme.example", 9000))])
def test_connect_to_is_host_and_port(text: str, parsed: tuple[str, int]) -> None:
    assert parse_connect_to(text) == parsed


@pytest.mark.parametrize("text", ["127.0.0.1", ":443", "host:0", "host:70000", "host:https", "::1:443", "[::1]"])
def test_connect_to_refuses_anything_else(text: str) -> None:
    with pytest.raises(ProbeFailed):
        parse_connect_to(text)


# ---------------------------------------------------------------- cert check-live


def test_check_live_says_the_client_certificate_request_without_judging_it(
        profile: Profile, project: Project, ca: SupplierCA, ours: x509.Certificate) -> None:
    result = live_certificate(profile, project, URL, facts((ours, ca.intermediate), requested=False), NOW)
    assert result.ready
    assert statuses(result)["client-certificate"] == "note"
    assert "imported on" in message(result, "certificate")
    assert summary(result, "the certificate") == f"The certificate at {HOST} passes every check."


def test_check_live_points_to_a_newer_certificate_of_the_same_kind(profile: Profile, ca: SupplierCA,
                                                                   ours: x509.Certificate) -> None:
    newer = leaf_for(ca, index=8, days=(2, 400))
    project = project_with(record("webhook-tls", ours, ca), record("webhook-tls", newer, ca, n=2, state="pending"))
    result = live_certificate(profile, project, URL, facts((ours, ca.intermediate)), NOW)
    assert f"The project has a newer one, valid from {newer.not_valid_before_utc:%d %b %Y}: install it before this " \
           f"one expires on {ours.not_valid_after_utc:%d %b %Y}." in message(result, "certificate")


def test_check_live_without_a_project_judges_the_certificate_alone(profile: Profile, ca: SupplierCA,
                                                                   ours: x509.Certificate) -> None:
    result = live_certificate(profile, None, URL, facts((ours, ca.intermediate, ca.root)), NOW)
    assert "certificate" not in statuses(result)
    assert result.ready
    other = replace(facts((ours, ca.intermediate)), tls_version="TLSv1.1")
    assert [c.topic for c in live_certificate(profile, None, URL, other, NOW).problems] == ["tls-version", "chain"]


def test_an_unknown_dip_id_is_named_as_the_dip_id(profile: Profile, project: Project) -> None:
    """Not as a missing channel: the DIP ID is what was mistyped (or not recorded yet)."""
    from wizard.core.model import Channel, DipId
    from wizard.core.webhook_readiness import channel_to_check

    recorded = replace(project, dip_ids=(DipId("8795183096", "ACME", "LDSO"),),
                       channels=(Channel("8795183096", "IF-001", URL),))
    with pytest.raises(InvalidInput) as unknown:
        channel_to_check(profile, recorded, "123", "IF-001")
    assert unknown.value.field == "dip_id"
    assert "No DIP ID 123 in this project (it has: 8795183096)" in str(unknown.value)
    with pytest.raises(InvalidInput) as no_channel:
        channel_to_check(profile, recorded, "8795183096", "IF-002")
    assert no_channel.value.field == "channel"
    assert "No channel IF-002 recorded for the DIP ID 8795183096 (it has: IF-001)" in str(no_channel.value)
    assert channel_to_check(profile, recorded, " 8795183096 ", "if-001").url == URL


def test_a_name_lookup_that_never_answers_is_given_up_on_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection's time limit covers looking the name up too: a resolver that hangs (a locked-down network's
    DNS) is a plain one-line failure after the limit, not a wait of the resolver's own minutes."""
    import socket
    import threading
    import time

    from wizard.core import tls_probe

    release = threading.Event()

    def hanging(*_: object, **__: object) -> object:
        release.wait(30)
        raise socket.gaierror("never")

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    started = time.monotonic()
    try:
        with pytest.raises(ProbeFailed, match=r"^The name hook\.acme\.example could not be looked up within 0\.5 "
                                              r"seconds, so nothing was checked\.$"):
            tls_probe.probe(Endpoint(HOST, HOST, 443), connect_seconds=0.5)
        assert time.monotonic() - started < 5
    finally:
        release.set()
