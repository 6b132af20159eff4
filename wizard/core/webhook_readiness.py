"""Is a webhook ready for the DIP? What one handshake showed (tls_probe.py), judged in plain words against the
project: TLS 1.2 or newer; the project's webhook certificate (by SHA-256 fingerprint), valid now and for how long,
naming the URL's host; every intermediate of the project's imported chain sent; and a request for a client
certificate (mTLS), with the CAs it accepts ("any CA" when it lists none, which is no failure).

No trust store is read: the chain is judged against the chain imported with the project's certificate. The same
judgement, without the webhook-only rules, serves `cert check-live` (any https:// host against the inventory).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from wizard.core.algorithms import fingerprint_text
from wizard.core.certfiles import certificate_fingerprint, common_name, issuer_name, readable_name
from wizard.core.errors import InvalidInput
from wizard.core.model import CertificateRecord, Channel, Project
from wizard.core.profile import Profile
from wizard.core.tls_names import covers, san_names
from wizard.core.tls_probe import Endpoint, HandshakeFacts
from wizard.core.webhooks import check_webhook_url
from wizard.core.wording import counted

GOOD_VERSIONS = ("TLSv1.2", "TLSv1.3")
# A stored webhook that breaks one of these is not worth a connection: http:// has no TLS to check, and the DIP
# can never reach a loopback or private address (--connect-to may still send the check to one).
_STORED_URL_REFUSALS = ("webhook-https-only", "webhook-unreachable-host", "webhook-no-credentials")


@dataclass(frozen=True, slots=True)
class Check:
    """One finding: `status` is "ok", "problem" (the server is not ready) or "note" (a fact, no verdict)."""

    topic: str
    status: str
    message: str


@dataclass(frozen=True, slots=True)
class Readiness:
    url: str
    facts: HandshakeFacts
    checks: tuple[Check, ...]
    certificate: CertificateRecord | None  # the project's record of the certificate the server presented

    @property
    def problems(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "problem")

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def verdict(self) -> str:
        return "ready" if self.ready else "not ready"

    def as_json(self) -> dict[str, Any]:
        f = self.facts
        return {"url": self.url, "verdict": self.verdict, "ready": self.ready,
                "server_name": f.endpoint.server_name, "connected_to": f.endpoint.where,
                "tls_version": f.tls_version,
                "certificates": [_certificate_json(c) for c in f.chain],
                "client_certificate_requested": f.client_certificate_requested,
                "client_cas": [c.rfc4514_string() for c in f.client_cas],
                "server_ended_handshake": f.ended_by_server or None,
                "project_certificate": None if self.certificate is None else {
                    "id": self.certificate.id, "kind": self.certificate.kind,
                    "fingerprint": self.certificate.fingerprint},
                "findings": [{"topic": c.topic, "status": c.status, "message": c.message} for c in self.checks]}


def _certificate_json(cert: x509.Certificate) -> dict[str, Any]:
    return {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "fingerprint": certificate_fingerprint(cert), "names": list(san_names(cert)),
            "not_before": cert.not_valid_before_utc.isoformat(), "not_after": cert.not_valid_after_utc.isoformat(),
            "pem": cert.public_bytes(serialization.Encoding.PEM).decode("ascii")}


# ---------------------------------------------------------------- what to connect to


def webhook_kinds(profile: Profile) -> tuple[str, ...]:
    """The certificate kinds a webhook presents: those the profile gives server authentication."""
    return tuple(k.id for k in profile.certificate_kinds if "server_auth" in k.extended_key_usage)


def channel_to_check(profile: Profile, project: Project, dip_id: str, channel: str) -> Channel:
    from wizard.core.dipids import normalise_channel

    dip_id, name = dip_id.strip(), normalise_channel(profile, channel)
    if all(d.id != dip_id for d in project.dip_ids):
        have = ", ".join(d.id for d in project.dip_ids) or "none yet"
        raise InvalidInput("dip_id", f"No DIP ID {dip_id} in this project (it has: {have}). Record it first: "
                                     "dip-onboarding dip-id add DIR.")
    found = next((c for c in project.channels if c.dip_id == dip_id and c.channel == name), None)
    if found is None:
        have = ", ".join(c.channel for c in project.channels if c.dip_id == dip_id) or "none yet"
        raise InvalidInput("channel", f"No channel {name} recorded for the DIP ID {dip_id} (it has: {have}). "
                                      "Record its webhook first: dip-onboarding channel set DIR.")
    return found


def endpoint_for(profile: Profile, url: str, connect_to: tuple[str, int] | None = None, *,
                 stored: bool) -> Endpoint:
    """Where to connect for `url`: the URL's host (sent as SNI and checked against the certificate) and port, or
    `connect_to` for the connection alone. A `stored` webhook address is refused, naming why, when it is http://
    or a host the DIP can never reach; any https:// address may be checked live."""
    clean, findings = check_webhook_url(profile, url)
    refused = [f.message for f in findings if f.code in _STORED_URL_REFUSALS]
    parts = urlsplit(clean)
    if stored and refused:
        raise InvalidInput("address", f"The recorded address {clean} cannot be checked: {' '.join(refused)}")
    # Live too: a password typed into the address would be written to the audit trail and the output as typed
    # (and is never needed, as only the handshake is made). The address is not repeated, as it holds the secret.
    secret = next((f.message for f in findings if f.code == "webhook-no-credentials"), None)
    if secret is not None:
        raise InvalidInput("address", f"Nothing was checked. {secret}")
    if parts.scheme != "https":
        raise InvalidInput("address", f"{clean} is not an https:// address, so it has no TLS certificate to check.")
    host = (parts.hostname or "").strip("[]")
    port = parts.port or 443
    target_host, target_port = connect_to or (host, port)
    return Endpoint(server_name=host, host=target_host, port=target_port)


# ---------------------------------------------------------------- the judgement


def webhook_readiness(profile: Profile, project: Project, url: str, facts: HandshakeFacts,
                      now: dt.datetime) -> Readiness:
    """The webhook verdict: every rule of a DIP webhook, each a plain sentence."""
    kinds = webhook_kinds(profile)
    record = _record_of(project, facts.leaf)
    names = {k.id: k.name for k in profile.certificate_kinds}
    wanted = " or ".join(names[k] for k in kinds) or "webhook server certificate"
    checks = [_version_check(facts), _identity_check(profile, project, facts.leaf, record, kinds, wanted),
              _validity_check(facts.leaf, now), _name_check(facts),
              _chain_check(facts, record, project), _client_check(facts, required=True)]
    return Readiness(url, facts, tuple(checks), record)


def live_certificate(profile: Profile, project: Project | None, url: str, facts: HandshakeFacts,
                     now: dt.datetime) -> Readiness:
    """`cert check-live`: the certificate a server presents, against the project's inventory when there is one;
    whether it asks for a client certificate is said, not judged."""
    record = _record_of(project, facts.leaf) if project is not None else None
    checks = [_version_check(facts)]
    if project is not None:
        checks.append(_inventory_check(profile, project, facts.leaf, record, now))
    checks += [_validity_check(facts.leaf, now), _name_check(facts), _chain_check(facts, record, project),
               _client_check(facts, required=False)]
    return Readiness(url, facts, tuple(checks), record)


def _record_of(project: Project, leaf: x509.Certificate) -> CertificateRecord | None:
    fingerprint = certificate_fingerprint(leaf)
    return next((c for c in project.certificates if c.fingerprint == fingerprint), None)


def _version_words(version: str) -> str:
    return {"TLSv1": "TLS 1.0"}.get(version, version.replace("TLSv", "TLS "))


def _version_check(facts: HandshakeFacts) -> Check:
    words = _version_words(facts.tls_version)
    if facts.tls_version in GOOD_VERSIONS:
        return Check("tls-version", "ok", f"The server agreed {words} (1.2 or newer is needed).")
    return Check("tls-version", "problem", f"The server agreed {words}, which is too old: the DIP connects with TLS "
                                           "1.2 or newer. Turn on TLS 1.2 or 1.3 on the server.")


def _state_words(project: Project, record: CertificateRecord) -> str:
    state = next((k.state for k in project.keys if k.id == record.key_id), "active")
    return {"pending": "waiting to be used", "retired": "retired"}.get(state, "in use")


def _identity_check(profile: Profile, project: Project, leaf: x509.Certificate, record: CertificateRecord | None,
                    kinds: tuple[str, ...], wanted: str) -> Check:
    shown_fp = fingerprint_text(certificate_fingerprint(leaf))
    names = {k.id: k.name for k in profile.certificate_kinds}
    if record is not None and record.kind in kinds:
        state = _state_words(project, record)
        if state == "retired":
            return Check("certificate", "problem", f"The server presents the project's previous {names[record.kind]}"
                         ", which is retired. Install the one in use.")
        return Check("certificate", "ok", f"The server presents the project's {names[record.kind]} ({state}), "
                     f"{shown_fp}.")
    if record is not None:
        other = names.get(record.kind, record.kind)
        return Check("certificate", "problem", f"The server presents the project's {other}, not its {wanted}. "
                     f"Install the {wanted} on the webhook.")
    ours = [c for c in project.certificates if c.kind in kinds]
    if not ours:
        return Check("certificate", "problem", f"The server presents a certificate for {common_name(leaf)} from "
                     f"{issuer_name(leaf)} ({shown_fp}), but this project has no {wanted} yet to compare it with. "
                     "Import it first.")
    expected = "; ".join(fingerprint_text(c.fingerprint) for c in ours)
    return Check("certificate", "problem", f"The server presents a certificate that is not the project's {wanted}: "
                 f"{common_name(leaf)} from {issuer_name(leaf)}, {shown_fp}. The project's is {expected}.")


def _inventory_check(profile: Profile, project: Project, leaf: x509.Certificate, record: CertificateRecord | None,
                     now: dt.datetime) -> Check:
    names = {k.id: k.name for k in profile.certificate_kinds}
    if record is None:
        return Check("certificate", "problem", f"The server presents a certificate that is not one of this "
                     f"project's: {common_name(leaf)} from {issuer_name(leaf)}, "
                     f"{fingerprint_text(certificate_fingerprint(leaf))}.")
    kind = names.get(record.kind, record.kind)
    state = _state_words(project, record)
    if state == "retired":
        return Check("certificate", "problem", f"The server presents the project's previous {kind}, which is retired"
                     ". Install the one in use.")
    newer = [c for c in project.certificates if c.kind == record.kind and c.not_after > record.not_after]
    later = f" The project has a newer one, valid from {newer[-1].not_before:%d %b %Y}: install it before this one " \
            f"expires on {record.not_after:%d %b %Y}." if newer else ""
    return Check("certificate", "ok", f"The server presents the project's {kind} ({state}), imported on "
                 f"{record.imported_at:%d %b %Y}.{later}")


def _validity_check(leaf: x509.Certificate, now: dt.datetime) -> Check:
    start, end = leaf.not_valid_before_utc, leaf.not_valid_after_utc
    if now < start:
        return Check("validity", "problem", f"The certificate is not valid yet: it starts on {start:%d %b %Y %H:%M} "
                     "UTC.")
    if now >= end:
        return Check("validity", "problem", f"The certificate expired on {end:%d %b %Y}. Renew it and install the "
                     "new one.")
    days = (end - now).days
    left = "today is its last day" if days == 0 else f"for {counted(days, 'more day')}"
    return Check("validity", "ok", f"The certificate is valid now, {left} (until {end:%d %b %Y}).")


def _name_check(facts: HandshakeFacts) -> Check:
    host = facts.endpoint.server_name
    names = san_names(facts.leaf)
    if covers(facts.leaf, host):
        return Check("name", "ok", f"Its names cover {host}.")
    if not names:
        return Check("name", "problem", f"The certificate names no host in its Subject Alternative Name, so it does "
                     f"not cover {host} (clients no longer read the common name).")
    listed = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return Check("name", "problem", f"The certificate does not cover {host}: it names {listed}.")


def _same_ca(a: x509.Certificate, b: x509.Certificate) -> bool:
    """The same CA: the same name and key (a re-issued intermediate certificate still links the chain)."""
    return a.subject == b.subject and a.public_key() == b.public_key()


def _self_issued(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer


def _chain_check(facts: HandshakeFacts, record: CertificateRecord | None, project: Project | None) -> Check:
    sent = facts.chain[1:]
    imported = x509.load_pem_x509_certificates(record.chain_pem.encode("ascii")) if record and \
        record.chain_pem.strip() else []
    needed = [c for c in imported if not _self_issued(c)]
    if needed:
        missing = [c for c in needed if not any(_same_ca(c, s) for s in sent)]
        if missing:
            names = ", ".join(common_name(c) for c in missing)
            return Check("chain", "problem", f"The server does not send "
                         f"{counted(len(missing), 'intermediate certificate')} of the chain imported with it: {names}. "
                         "Install the full chain (certificate and intermediates) on the server.")
        return Check("chain", "ok", f"The chain is complete: the server sends every intermediate imported with the "
                     f"certificate ({', '.join(common_name(c) for c in needed)}).")
    return _chain_by_links(facts.leaf, sent, project)


def _chain_by_links(leaf: x509.Certificate, sent: tuple[x509.Certificate, ...], project: Project | None) -> Check:
    """Without an imported chain to compare with: follow the issuers through what was sent; the chain is complete
    when it ends at a self-issued certificate or at a root this program knows (certifi's, or one imported)."""
    from wizard.core.certs import public_roots

    current = leaf
    for _ in range(len(sent) + 1):
        if _self_issued(current):
            return Check("chain", "ok", "The chain is complete: the server sends every issuer up to the root.")
        parent = next((c for c in sent if c.subject == current.issuer), None)
        if parent is None:
            break
        current = parent
    known = [*public_roots()]
    if project is not None:
        for c in project.certificates:
            known += [r for r in x509.load_pem_x509_certificates(c.chain_pem.encode("ascii"))
                      if _self_issued(r)] if c.chain_pem.strip() else []
    if any(r.subject == current.issuer for r in known):
        return Check("chain", "ok", f"The chain is complete: the server sends every intermediate up to the root "
                     f"{readable_name(current.issuer)}.")
    return Check("chain", "problem", f"The chain may be incomplete: {common_name(current)} was issued by "
                 f"{readable_name(current.issuer)}, which the server does not send and which is not a root this "
                 "program knows. If it is an intermediate, install it on the server with the certificate.")


def _client_check(facts: HandshakeFacts, *, required: bool) -> Check:
    if not facts.client_certificate_requested:
        if not required:
            return Check("client-certificate", "note", "The server does not ask for a client certificate.")
        return Check("client-certificate", "problem", "The server does not ask for a client certificate, so it "
                     "cannot tell the DIP from anyone else (the DIP connects with mTLS). Turn on client certificates "
                     "on the server.")
    cas = [readable_name(n) for n in facts.client_cas]
    accepts = f"it accepts certificates from {'; '.join(cas)}" if cas else "it lists no CA, so any CA"
    ended = (" It ended the handshake when this check offered none, as a server that requires one does."
             if facts.ended_by_server else "")
    return Check("client-certificate", "ok" if required else "note",
                 f"The server asks for a client certificate (mTLS): {accepts}.{ended}")


def summary(readiness: Readiness, what: str = "the webhook") -> str:
    """The verdict in one sentence: "Ready: ..." / "Not ready: ..." for a webhook, else what was found."""
    f = readiness.facts
    via = f" (connected to {f.endpoint.where})" if f.endpoint.host != f.endpoint.server_name else ""
    subject = f"{what} at {f.endpoint.server_name}{via}"
    if what != "the webhook":
        return (f"{subject[0].upper()}{subject[1:]} passes every check." if readiness.ready else
                f"{subject[0].upper()}{subject[1:]} has {counted(len(readiness.problems), 'problem')} to fix.")
    if readiness.ready:
        return f"Ready: {subject} passes every check."
    return f"Not ready: {subject} has {counted(len(readiness.problems), 'problem')} to fix."
