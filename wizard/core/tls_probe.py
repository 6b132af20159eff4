"""One TLS handshake with a server, and the plain facts it showed: the TLS version agreed, the certificates the
server sent, and whether it asked for a client certificate (and from which CAs). Nothing is sent but the handshake:
no HTTP request, no client certificate, and the connection is closed straight after.

Why pyOpenSSL and not the standard `ssl` module: `ssl` says neither whether the server sent a CertificateRequest
nor which CA names it listed, and it gives only the leaf of what the server sent. pyOpenSSL gives the CA list
(`get_client_ca_list`), the whole chain as sent, and an info callback that sees every handshake state. The CA list
alone cannot tell "no request" from "a request that lists no CA" (both are []), so the request is seen in the
handshake's states: OpenSSL passes "read server certificate request" when it reads one (TLS 1.2 and 1.3 alike) and
"write client certificate" when it answers one (with an empty Certificate, as this check offers none).

Nothing here trusts or verifies anything (no trust store is read): webhook_readiness.py judges the facts.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import time
from dataclasses import dataclass

from cryptography import x509
from OpenSSL import SSL

from wizard.core.errors import WizardError

CONNECT_SECONDS = 5.0
HANDSHAKE_SECONDS = 5.0
# The states OpenSSL names (SSL_state_string_long) when the server asked for a client certificate: reading the
# request, and writing the (empty) answer that a request obliges.
_REQUEST_STATES = (b"read server certificate request", b"write client certificate")


class ProbeFailed(WizardError):
    """The handshake could not be made (nothing listening, a timeout, not a TLS server, ...): one plain line."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where the TCP connection goes (`host`, `port`) and the name sent as SNI and checked (`server_name`)."""

    server_name: str
    host: str
    port: int

    @property
    def where(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"{shown}:{self.port}"


@dataclass(frozen=True, slots=True)
class HandshakeFacts:
    """What one handshake showed. `chain` is what the server sent, its own certificate first. `ended_by_server` is
    why the server ended the handshake after sending its certificate ("" when it completed): a server that requires
    a client certificate does so in TLS 1.2 when it is offered none."""

    endpoint: Endpoint
    tls_version: str  # as OpenSSL names it: "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"
    chain: tuple[x509.Certificate, ...]
    client_certificate_requested: bool
    client_cas: tuple[x509.Name, ...]
    ended_by_server: str = ""

    @property
    def leaf(self) -> x509.Certificate:
        return self.chain[0]


def parse_connect_to(text: str) -> tuple[str, int]:
    """HOST:PORT (IPv6 as [ADDR]:PORT) for --connect-to; raises `ProbeFailed` for anything else."""
    value = text.strip()
    host, sep, port_text = value.rpartition(":")
    if value.startswith("["):
        host, sep, port_text = value[1:].partition("]:")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ProbeFailed(f'"{text}" is not HOST:PORT (for example 127.0.0.1:8443 or [::1]:8443).')
    if ":" in host and not value.startswith("["):
        raise ProbeFailed(f'"{text}": write an IPv6 address in brackets, for example [::1]:8443.')
    return host, int(port_text)


def _open_socket(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection within `timeout` seconds in all: the name lookup, then each of its addresses in turn
    (socket.create_connection's timeout covers neither the lookup nor the addresses together). A separate function
    so that tests can send it elsewhere."""
    deadline = time.monotonic() + timeout
    last: OSError = TimeoutError()
    for family, kind, proto, _, address in _look_up(host, port, timeout):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError()
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(left)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        return sock
    raise last


def _look_up(host: str, port: int, timeout: float) -> list[tuple]:  # type: ignore[type-arg]
    """getaddrinfo with a time limit: it has none of its own, and a locked-down network's resolver can take
    minutes. The lookup runs on a daemon thread that is left to finish by itself when the limit passes."""
    import threading

    found: list[object] = []

    def look() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            found.append(exc)

    worker = threading.Thread(target=look, daemon=True, name="webhook-check-lookup")
    worker.start()
    worker.join(timeout)
    if not found:
        raise ProbeFailed(f"The name {host} could not be looked up within {timeout:g} seconds, so nothing was "
                          "checked.")
    if isinstance(found[0], OSError):
        raise found[0]
    return found[0]  # type: ignore[return-value]


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def probe(endpoint: Endpoint, *, connect_seconds: float = CONNECT_SECONDS,
          handshake_seconds: float = HANDSHAKE_SECONDS) -> HandshakeFacts:
    """Connect, make one TLS handshake naming `endpoint.server_name`, close, and return what it showed.

    Every TLS version from 1.0 to 1.3 is offered, at OpenSSL's lowest security level, so that an old server is
    *seen* as old (and reported) rather than refused unseen; nothing is sent after the handshake, so offering
    them exposes nothing. Raises `ProbeFailed` with one plain sentence when there is nothing to judge.
    """
    where = endpoint.where
    try:
        sock = _open_socket(endpoint.host, endpoint.port, connect_seconds)
    except socket.gaierror:
        raise ProbeFailed(f"The name {endpoint.host} could not be found in DNS, so nothing was checked.") from None
    except ConnectionRefusedError:
        raise ProbeFailed(f"Nothing is listening at {where} (the connection was refused).") from None
    except TimeoutError:
        raise ProbeFailed(f"{where} did not answer within {connect_seconds:g} seconds.") from None
    except OSError as exc:
        raise ProbeFailed(f"Could not connect to {where}: {exc.strerror or exc}.") from None
    states: list[bytes] = []
    try:
        context = SSL.Context(SSL.TLS_CLIENT_METHOD)
        context.set_verify(SSL.VERIFY_NONE)  # judged afterwards, against the project, not a trust store
        context.set_min_proto_version(SSL.TLS1_VERSION)
        context.set_cipher_list(b"DEFAULT:@SECLEVEL=0")
        conn = SSL.Connection(context, sock)
        if not _is_ip(endpoint.server_name):  # SNI carries names only (RFC 6066)
            conn.set_tlsext_host_name(endpoint.server_name.encode("idna"))
        conn.set_info_callback(lambda c, _where, _ret: states.append(c.get_state_string()))
        conn.set_connect_state()
        ended = _handshake(conn, sock, where, handshake_seconds)
        chain = tuple(conn.get_peer_cert_chain(as_cryptography=True) or ())
        if not chain:
            raise ProbeFailed(f"The server at {where} ended the handshake before sending a certificate"
                              + (f" ({ended})." if ended else "."))
        return HandshakeFacts(
            endpoint=endpoint, tls_version=conn.get_protocol_version_name(), chain=chain,
            client_certificate_requested=any(s in state for state in states for s in _REQUEST_STATES),
            client_cas=tuple(conn.get_client_ca_list(as_cryptography=True)), ended_by_server=ended)
    finally:
        sock.close()


def _handshake(conn: SSL.Connection, sock: socket.socket, where: str, seconds: float) -> str:
    """Drive the handshake on a socket with a time-out (pyOpenSSL then works non-blocking): "" when it completed,
    else why the server ended it once it had sent something (the caller decides whether that left enough)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ProbeFailed(f"{where} accepted the connection but did not complete a TLS handshake within "
                              f"{seconds:g} seconds; is it a TLS (https) server?")
        try:
            conn.do_handshake()
            return ""
        except SSL.WantReadError:
            select.select([sock], [], [], left)
        except SSL.WantWriteError:
            select.select([], [sock], [], left)
        except SSL.SysCallError:
            return _ended(where, "it closed the connection")
        except SSL.Error as exc:
            return _ended(where, _reason(exc))


def _reason(exc: Exception) -> str:
    """OpenSSL's reason (the last part of its error tuples), e.g. "tlsv1 alert protocol version"."""
    parts = [e[-1] for e in exc.args[0] if isinstance(e, tuple) and e] if exc.args and \
        isinstance(exc.args[0], list) else []
    return "; ".join(str(p) for p in parts) or str(exc) or type(exc).__name__


def _ended(where: str, reason: str) -> str:
    """Why the handshake stopped, as the facts keep it; raises where the server never spoke TLS at all."""
    words = reason.lower()
    if "wrong version number" in words or "packet length too long" in words or "record layer failure" in words:
        raise ProbeFailed(f"{where} answered, but not as a TLS (https) server.") from None
    if "protocol version" in words or "unsupported protocol" in words or "no protocols available" in words:
        raise ProbeFailed(f"The server at {where} refused every TLS version from 1.0 to 1.3 that this check "
                          "offers, so it cannot speak TLS 1.2 or newer.") from None
    return reason
