"""A tiny DNS server on 127.0.0.1 for tests, built with dnspython's message API: the wizard's lookups make a real
round trip through dnspython without the network.

    with LocalDns({"acme.example.": ['"v=spf1 -all"', '"globalsign=abc" "def"']}) as server:
        lookup_txt(profile, "acme.example", "globalsign=abcdef", resolver=server.resolver())

Each name maps to its TXT records in zone-file form (a record's character-strings as quoted strings); a name that
is not there is NXDOMAIN. `answer` switches to "SERVFAIL" or "silence" (never reply).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset


class LocalDns:
    def __init__(self, records: Mapping[str, Sequence[str]], answer: str = "records") -> None:
        self.records = {name.lower(): list(texts) for name, texts in records.items()}
        self.answer = answer
        self.queries: list[tuple[str, str]] = []  # (name, type) of every question received
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="local-dns", daemon=True)

    def __enter__(self) -> LocalDns:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def resolver(self, lifetime: float = 3.0) -> dns.resolver.Resolver:
        """A dnspython resolver that asks only this server."""
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = ["127.0.0.1"]
        resolver.port = self.port
        resolver.lifetime = lifetime
        resolver.timeout = lifetime
        return resolver

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self._sock.recvfrom(4096)
            except (TimeoutError, ConnectionResetError):  # Windows reports an earlier ICMP "unreachable" here
                continue
            except OSError:
                return
            query = dns.message.from_wire(wire)
            question = query.question[0]
            name = question.name.to_text().lower()
            self.queries.append((name, dns.rdatatype.to_text(question.rdtype)))
            if self.answer == "silence":
                continue
            response = dns.message.make_response(query)
            if self.answer == "SERVFAIL":
                response.set_rcode(dns.rcode.SERVFAIL)
            elif name not in self.records:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.TXT and self.records[name]:
                response.answer.append(dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN,
                                                                dns.rdatatype.TXT, self.records[name]))
            self._sock.sendto(response.to_wire(), peer)
