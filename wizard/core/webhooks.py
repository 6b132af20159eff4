"""Webhook addresses checked against the profile's rules (https only, a host name, no credentials, port, path...).

What a URL *is* (parseable, has a host, no spaces, no #fragment, which a server never receives) is checked here;
what the DIP *accepts* comes only from the profile's `webhook_rules`, each an error or a warning with its source.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, urlsplit

from wizard.core.errors import InvalidInput
from wizard.core.findings import Finding, most_serious_first
from wizard.core.profile import Profile, WebhookRule

MAX_URL = 2000
DEFAULT_PORTS = {"https": 443, "http": 80}


def check_webhook_url(profile: Profile, url: str, domain: str = "") -> tuple[str, tuple[Finding, ...]]:
    """The URL in the one form it is stored in, and the findings about it. Raises `InvalidInput` ("url") for
    something that is not a web address at all; rule errors come back as error findings (see `accept_webhook_url`).

    `domain` is the organisation's domain once it is verified ("" before), for the host-under-domain rule.
    """
    text = unicodedata.normalize("NFC", url).strip()
    if not text:
        raise InvalidInput("url", "Enter the webhook address, for example https://dip.example.co.uk/webhook.")
    if len(text) > MAX_URL:
        raise InvalidInput("url", f"The webhook address is too long ({len(text)} characters; at most {MAX_URL}).")
    if any(c.isspace() for c in text) or any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        raise InvalidInput("url", "The webhook address contains spaces or invisible characters; retype it.")
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme in DEFAULT_PORTS:
        # As browsers read web addresses (the WHATWG URL standard): a backslash is a path separator, so
        # https://evil.example\dip.acme.example/ is the host evil.example, whatever it looks like.
        text = text.replace("\\", "/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput("url", f'"{text}" is not a web address ({exc}).') from None
    if not parts.scheme or not parts.netloc:
        raise InvalidInput("url", f'"{text}" is not a full web address; it should start with https:// and a host '
                                  "name, for example https://dip.example.co.uk/webhook.")
    if not parts.hostname:
        raise InvalidInput("url", f'"{text}" has no host name after the //.')
    if parts.fragment or text.endswith("#"):
        raise InvalidInput("url", "Remove the part from # onwards: it is never sent to the server.")
    host = _host(parts.hostname)
    clean = _stored_form(parts, host, port)
    found = _built_in(parts, host)
    built_in = {f.code for f in found}
    found += [f for rule in profile.webhook_rules
              if (f := _apply(rule, parts, port, domain)) is not None and f.code not in built_in]
    return clean, most_serious_first(found)


# Rules no profile can remove: a webhook carries signed DIP messages, so it is https, and a password written into
# the address would be stored, shown and sent in the clear. And hosts the DIP cannot reach are never right.
_HTTPS_MESSAGE = ("The webhook address must be a secure HTTPS address. The DIP requires all connections to be "
                  "secured.")
_CREDENTIALS_MESSAGE = ("Remove the user name or password from the address; secrets must never be written into a "
                        "web address.")
_BUILT_IN_SOURCE = "built into the wizard"


def _built_in(parts: SplitResult, host: str) -> list[Finding]:
    found = []
    if parts.scheme.lower() != "https":
        found.append(Finding("error", "webhook-https-only", _HTTPS_MESSAGE, _BUILT_IN_SOURCE))
    if "@" in parts.netloc:
        found.append(Finding("error", "webhook-no-credentials", _CREDENTIALS_MESSAGE, _BUILT_IN_SOURCE))
    unreachable = _unreachable(host)
    if unreachable:
        found.append(Finding("error", "webhook-unreachable-host",
                             f"The DIP can never reach {unreachable}: it calls your webhook over the internet. Give "
                             "the public address your webhook will have.", _BUILT_IN_SOURCE))
    return found


def _host(hostname: str) -> str:
    """The host as browsers compare it: lower case, no trailing dot, international names in punycode, and IPv4
    written the ways resolvers still accept (127.1, 0x7f.0.0.1) as the dotted address they mean."""
    host = hostname.rstrip(".").lower()
    if host.startswith("[") or ":" in host:
        return host
    if re.fullmatch(r"0x[0-9a-f]*|[0-9]+", host.split(".")[-1]):  # ends in a number: an IPv4 address or nothing
        ipv4 = _ipv4(host)
        if ipv4 is None:
            raise InvalidInput("url", f'"{hostname}" is neither a host name nor an IP address.')
        return str(ipv4)
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInput("url", f'"{hostname}" is not a valid host name.') from None


def _ipv4(host: str) -> ipaddress.IPv4Address | None:
    """WHATWG's IPv4 parser: one to four parts, each decimal, 0x-hex or 0-octal, the last filling the rest."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(re.fullmatch(r"0x[0-9a-f]*|[0-9]+", p) for p in parts):
        return None
    try:
        numbers = [int(p, 16) if p.startswith("0x") else int(p, 8) if len(p) > 1 and p.startswith("0") else int(p)
                   for p in (q if q != "0x" else "0x0" for q in parts)]
    except ValueError:  # 08, 09: not octal
        return None
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _unreachable(host: str) -> str:
    """What makes `host` unreachable from the internet ("" when nothing does): loopback, private, link-local,
    unique-local and other non-global addresses, localhost, and names of a single label (local network names)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            return "localhost (this computer)"
        if "." not in host:
            return f"{host}, a name that only works inside a local network"
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return f"{address} (this computer)"
    if not address.is_global:
        return f"{address}, a private or local network address"
    return ""


def _stored_form(parts: SplitResult, host: str, port: int | None) -> str:
    scheme = parts.scheme.lower()
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (userinfo + "@" if "@" in parts.netloc else "") + (f"[{host.strip('[]')}]" if ":" in host else host)
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = parts.path or "/"
    return f"{scheme}://{netloc}{path}" + (f"?{parts.query}" if parts.query or parts.geturl().endswith("?") else "")


def accept_webhook_url(profile: Profile, url: str, domain: str = "") -> tuple[str, tuple[Finding, ...]]:
    """Like `check_webhook_url`, but a rule with severity error refuses the address (`InvalidInput`)."""
    text, findings = check_webhook_url(profile, url, domain)
    problems = [f for f in findings if f.severity == "error"]
    if problems:
        raise InvalidInput("url", " ".join(f.message for f in problems))
    return text, findings


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        # Forms like 127.1 or 0x7f.0.0.1 that resolvers still treat as addresses.
        return bool(re.fullmatch(r"(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}", host, re.I))
    return True


def _apply(rule: WebhookRule, parts: SplitResult, port: int | None, domain: str) -> Finding | None:
    host = _host(parts.hostname or "")
    broken = False
    if rule.check == "scheme":
        broken = parts.scheme.lower() not in rule.value
    elif rule.check == "host-not-ip":
        broken = _is_ip(host)
    elif rule.check == "no-credentials":
        broken = "@" in parts.netloc
    elif rule.check == "port":
        effective = port if port is not None else DEFAULT_PORTS.get(parts.scheme.lower())
        broken = effective is None or str(effective) not in rule.value
    elif rule.check == "host-under-domain":
        broken = bool(domain) and not _is_ip(host) and host != domain and not host.endswith("." + domain)
    elif rule.check == "no-wildcard":
        broken = "*" in parts.netloc or "*" in parts.path
    elif rule.check == "path":
        path = parts.path + (f"?{parts.query}" if parts.query or parts.geturl().endswith("?") else "")
        broken = not any(re.fullmatch(p, path) for p in rule.value)
    if not broken:
        return None
    return Finding(rule.severity, f"webhook-{rule.id}", rule.message, rule.provenance.source,
                   rule.provenance.confirmed)
