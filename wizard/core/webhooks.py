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
    """The cleaned URL and the profile's findings about it. Raises `InvalidInput` ("url") for something that is
    not a web address at all; rule errors come back as error findings (see `accept_webhook_url`)."""
    text = unicodedata.normalize("NFC", url).strip()
    if not text:
        raise InvalidInput("url", "Enter the webhook address, for example https://dip.example.co.uk/webhook.")
    if len(text) > MAX_URL:
        raise InvalidInput("url", f"The webhook address is too long ({len(text)} characters; at most {MAX_URL}).")
    if any(c.isspace() for c in text) or any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        raise InvalidInput("url", "The webhook address contains spaces or invisible characters; retype it.")
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
    found = [f for rule in profile.webhook_rules if (f := _apply(rule, parts, port, domain)) is not None]
    return text, most_serious_first(found)


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
    host = (parts.hostname or "").rstrip(".").lower()
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
