"""Real TLS servers on 127.0.0.1 for the webhook readiness tests (pyOpenSSL, one thread each), and a project that
records a webhook certificate and a channel whose webhook they stand in for.

    with TlsServer(leaf, key, chain=(ca.intermediate,), request="require", client_cas=(ca.root,)) as server:
        cli("webhook", "check", folder, "--dip-id", DIP_ID, "--channel", "IF-001",
            "--connect-to", f"127.0.0.1:{server.port}")

`silent=True` accepts connections and never says anything; `plain=b"..."` answers with those bytes (not TLS).
"""

from __future__ import annotations

import datetime as dt
import socket
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from OpenSSL import SSL

from tests.pki import SupplierCA, make_ca, pem, rsa_key
from wizard.app import utc_now
from wizard.core.certfiles import certificate_fingerprint, common_name, issuer_name
from wizard.core.dipids import build_dip_id, set_channel
from wizard.core.keys import public_fingerprint
from wizard.core.lifecycle import key_entry
from wizard.core.model import CertificateRecord, KeyRecord
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession

HOST = "hook.acme.example"
URL = f"https://{HOST}/dip/if-001"
DIP_ID = "8795183096"
CHANNEL = "IF-001"


class TlsServer:
    def __init__(self, leaf: x509.Certificate | None = None, key: rsa.RSAPrivateKey | None = None, *,
                 chain: Sequence[x509.Certificate] = (), request: str | None = None,
                 client_cas: Sequence[x509.Certificate] = (), version: int | None = None, silent: bool = False,
                 plain: bytes | None = None) -> None:
        self.silent, self.plain = silent, plain
        self.context = SSL.Context(SSL.TLS_SERVER_METHOD)
        if leaf is not None and key is not None:
            self.context.use_certificate(leaf)
            self.context.use_privatekey(key)
        for cert in chain:
            self.context.add_extra_chain_cert(cert)
        if version is not None:  # only this version, at the security level an old version needs
            self.context.set_min_proto_version(version)
            self.context.set_max_proto_version(version)
            self.context.set_cipher_list(b"DEFAULT:@SECLEVEL=0")
        if request is not None:  # "require" fails a client that offers none; "optional" lets it through
            fail = SSL.VERIFY_FAIL_IF_NO_PEER_CERT if request == "require" else 0
            self.context.set_verify(SSL.VERIFY_PEER | fail, lambda *_: True)
            for ca in client_cas:
                self.context.add_client_ca(ca)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self.connections = 0  # every connection accepted, whether or not its handshake completed
        self.handshakes = 0  # handshakes completed (a server that requires a client certificate completes none)
        self.received = b""  # anything the client sent after the handshake (the check must send nothing)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="tls-server", daemon=True)

    def __enter__(self) -> TlsServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(5)
        for held in self._held:
            held.close()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            if self.silent:
                self._held.append(client)
                continue
            # Blocking, as pyOpenSSL needs (a socket with a Python time-out is non-blocking underneath); the OS
            # time-out keeps a client that never finishes from holding the thread.
            client.settimeout(None)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
            if self.plain is not None:
                client.recv(4096)
                client.sendall(self.plain)
                client.close()
                continue
            self._handshake(client)

    def _handshake(self, client: socket.socket) -> None:
        conn = SSL.Connection(self.context, client)
        conn.set_accept_state()
        try:
            conn.do_handshake()
            self.handshakes += 1
            self.received += conn.recv(4096)  # the client's close (or anything it sent)
        except (SSL.Error, OSError):
            pass
        finally:
            client.close()


# ---------------------------------------------------------------- certificates and the project


def webhook_ca(at: dt.datetime | None = None) -> SupplierCA:
    """The supplier's CA (a root and an issuing CA), valid around `at` (now by default)."""
    return make_ca("Acme Test", now=at or utc_now())


def webhook_leaf(ca: SupplierCA, key: rsa.RSAPrivateKey, *, names: Sequence[str] = (HOST,),
                 days: tuple[float, float] = (-1, 90), at: dt.datetime | None = None) -> x509.Certificate:
    """A webhook server certificate for `key`, valid from `days[0]` to `days[1]` days from `at` (now)."""
    start = at or utc_now()
    return ca.issue(key.public_key(), common_name=names[0], organisation="Acme Energy Ltd", dns_names=names,
                    usages=("server_auth",), not_before=start + dt.timedelta(days=days[0]),
                    not_after=start + dt.timedelta(days=days[1]))


def webhook_project(folder: Path, profile: Profile, leaf: x509.Certificate, ca: SupplierCA,
                    key: rsa.RSAPrivateKey | None = None, *, url: str = URL,
                    clock: Callable[[], dt.datetime] = utc_now) -> ProjectSession:
    """A UIT project for Acme whose webhook certificate is `leaf` (imported with the CA's chain; its key in use)
    and whose DIP ID has IF-001 going to `url`."""
    from wizard.core.model import MarketParticipant, Organisation

    key = key or rsa_key(0)
    session = ProjectSession.create(folder, profile, clock, organisation=Organisation(
        "Acme Energy Ltd", "01234567", "acme.example"), environment="uit",
        mpids=(MarketParticipant("ACME", ("LDSO",)),))
    at = clock()
    kind = next(k.id for k in profile.certificate_kinds if "server_auth" in k.extended_key_usage)
    key_id = "k-0000000000000001"
    record = KeyRecord(key_id, kind, "rsa-2048", public_fingerprint(key.public_key()), at - dt.timedelta(days=2),
                       state="active", entry=key_entry(session.project, key_id))
    cert = CertificateRecord("c-0000000000000001", kind, key_id,
                             leaf.public_bytes(serialization.Encoding.PEM).decode(), pem(*ca.chain).decode(),
                             certificate_fingerprint(leaf), common_name(leaf), issuer_name(leaf),
                             leaf.not_valid_before_utc, leaf.not_valid_after_utc, at - dt.timedelta(days=1))
    project = replace(session.project, keys=(record,), certificates=(cert,))
    project, _, _ = build_dip_id(profile, project, mpid="ACME", role_code="LDSO", dip_id=DIP_ID)
    project, _, _ = set_channel(profile, project, dip_id=DIP_ID, channel=CHANNEL, url=url)
    session.commit(project)
    return session
