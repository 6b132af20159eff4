"""Does a server certificate name a host? The rules of RFC 6125 as clients apply them today: only the Subject
Alternative Name counts (DNS names for a host name, IP addresses for an address; the common name is not read, as
browsers and TLS libraries no longer read it), case does not matter, and a wildcard is the whole left-most label
and stands for exactly one label ("*.example.com" covers "a.example.com", not "example.com" or "a.b.example.com").
"""

from __future__ import annotations

import ipaddress

from cryptography import x509


def san_names(cert: x509.Certificate) -> tuple[str, ...]:
    """The DNS names and IP addresses in the certificate's Subject Alternative Name, as written there; () when it has
    none or it cannot be read."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except Exception:  # missing, duplicated or unparseable: no names a client would accept either
        return ()
    return (*san.get_values_for_type(x509.DNSName), *(str(a) for a in san.get_values_for_type(x509.IPAddress)))


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def name_matches(pattern: str, host: str) -> bool:
    """One presented name against the host (both already in ASCII: international names as xn-- labels)."""
    wanted, given = host.rstrip(".").lower(), pattern.rstrip(".").lower()
    address = _ip(wanted)
    if address is not None:  # an address is only ever matched by the same address, never by a wildcard
        return _ip(given) == address
    if not given or _ip(given) is not None:
        return False
    if not given.startswith("*."):
        return "*" not in given and given == wanted
    rest = given[2:]
    if "*" in rest or rest.count(".") < 1:  # one wildcard, and not over a whole top-level domain ("*.com")
        return False
    label, dot, host_rest = wanted.partition(".")
    return bool(label) and bool(dot) and host_rest == rest


def covers(cert: x509.Certificate, host: str) -> bool:
    return any(name_matches(name, host) for name in san_names(cert))
