"""Domain verification (step 5): the TXT value the DIP portal shows, the DNS Admin's sheet, the commands to check
it, and a DNS lookup only when the user asks for one.

`lookup_txt` asks for TXT records with dnspython, through the resolver this computer is set up with, within a
few seconds, and starts no program to do it.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from wizard.core.errors import InvalidInput, WizardError
from wizard.core.model import DomainTxt, Project
from wizard.core.profile import Profile

MAX_TXT = 1024
LOOKUP_SECONDS = 5.0  # the whole DNS lookup, every server and retry included


def normalise_txt_value(value: str) -> str:
    """The value as pasted from the portal: surrounding space and one pair of quotes removed; one line of
    printable ASCII, as DNS TXT values are."""
    text = unicodedata.normalize("NFKC", value).strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    if not text:
        raise InvalidInput("value", "Paste the TXT value the DIP portal shows after you choose your domain.")
    if len(text) > MAX_TXT:
        raise InvalidInput("value", f"That is too long for a TXT value ({len(text)} characters); paste only the "
                                    "value the portal shows.")
    if not text.isascii() or any(not c.isprintable() for c in text) or '"' in text:
        raise InvalidInput("value", "The TXT value contains characters a DNS TXT value cannot hold (quotes, line "
                                    "breaks or non-ASCII letters); copy it from the portal again.")
    return text


def with_txt_value(project: Project, value: str, now: dt.datetime) -> Project:
    return replace(project, domain_txt=DomainTxt(normalise_txt_value(value), now))


def check_commands(profile: Profile, domain: str) -> tuple[str, ...]:
    """Commands anyone can run to see the record (Windows, macOS and Linux)."""
    kind = profile.domain_verification.record_type
    return (f"nslookup -type={kind} {domain}", f"dig +short {kind} {domain}")


@dataclass(frozen=True, slots=True)
class DnsSheet:
    text: str
    html: str


def dns_sheet(profile: Profile, project: Project) -> DnsSheet:
    """What the DNS Admin needs: record type, name, value, where, and that the record must stay."""
    if project.domain_txt is None:
        raise WizardError("No TXT value recorded yet. Enter your domain in the DIP portal (Certificates tab), then "
                          "record the TXT value it shows: dip-onboarding domain txt DIR --value VALUE")
    rules = profile.domain_verification
    org = project.organisation
    value = project.domain_txt.value
    commands = check_commands(profile, org.domain)
    rows = (("Domain", org.domain), ("Record type", rules.record_type),
            ("Name", f"{rules.record_name}   (the top of the domain itself)"), ("Value", value))
    lines = [f"DNS record for {org.name}: domain verification for the Elexon DIP", "",
             *(f"{label + ':':<13}{text}" for label, text in rows), "",
             "Please add this record to the domain's DNS.", rules.wait_text, rules.keep_text, "",
             "To check it has been published, run one of:", *(f"  {c}" for c in commands)]
    if rules.provenance.source:
        lines += ["", f"Guidance: {rules.provenance.source}"]
    e = html.escape
    table = "".join(f"<tr><th align='left'>{e(label)}</th><td><code>{e(text)}</code></td></tr>"
                    for label, text in rows)
    page = (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>DNS record for {e(org.name)}"
            f"</title></head><body><h1>DNS record for {e(org.name)}</h1><p>Domain verification for the Elexon "
            f"DIP. Please add this record to the DNS of <b>{e(org.domain)}</b>.</p><table>{table}</table>"
            f"<p>{e(rules.wait_text)}</p><p><b>{e(rules.keep_text)}</b></p><p>To check it has been published, run "
            "one of:</p><pre>" + "\n".join(e(c) for c in commands) + "</pre>"
            + (f"<p>Guidance: <a href='{e(rules.provenance.source)}'>{e(rules.provenance.source)}</a></p>"
               if rules.provenance.source else "") + "</body></html>\n")
    return DnsSheet("\n".join(lines) + "\n", page)


@dataclass(frozen=True, slots=True)
class LookupResult:
    tool: str  # what answered: "DNS server 192.0.2.53", or "DNS" when the resolver does not say
    values: tuple[str, ...]  # one per TXT record, in the order DNS gave them
    found: bool  # the expected value is among them


class TxtResolver(Protocol):
    """What `lookup_txt` asks: dnspython's `dns.resolver.Resolver` (or a test's stand-in). `resolve(name, "TXT")`
    returns the TXT records, each with `strings` (its character-strings as bytes), and raises dnspython's errors."""

    def resolve(self, qname: str, rdtype: str) -> Iterable[Any]: ...


def system_resolver() -> TxtResolver:
    """dnspython's resolver as this computer is set up (/etc/resolv.conf on Linux and macOS, the registry on
    Windows), giving up after LOOKUP_SECONDS in all. Reading the setup sends nothing to the network."""
    import dns.resolver

    try:
        resolver = dns.resolver.Resolver()  # NoResolverConfiguration when no DNS server is set up
    except OSError as exc:  # the settings could not be read (on Windows, a registry key missing)
        unreadable = dns.resolver.NoResolverConfiguration(f"the DNS settings could not be read: {exc}")  # type: ignore[no-untyped-call]
        raise unreadable from exc
    resolver.lifetime = LOOKUP_SECONDS
    resolver.timeout = min(resolver.timeout, LOOKUP_SECONDS)
    return resolver


def _record_text(rdata: Any) -> str:
    """One TXT record as one value: its character-strings joined with nothing between them (RFC 7208, 3.3)."""
    return b"".join(rdata.strings).decode("utf-8", "backslashreplace")


def lookup_txt(profile: Profile, domain: str, expected: str, *,
               resolver: TxtResolver | None = None) -> LookupResult:
    """Ask DNS now (only when the user asks) for the domain's TXT records, through this computer's resolver.

    Each TXT record is one value; separate records are never joined. A domain without TXT records gives no values
    (the record is not published yet); anything that stops DNS answering is a `WizardError` that says what to do.
    """
    import dns.exception
    import dns.resolver

    from wizard.core.validation import normalise_domain

    kind = profile.domain_verification.record_type
    domain = normalise_domain(domain)  # a domain and nothing else, before anything is sent
    others = " Or ask your DNS Admin to run: " + " or ".join(check_commands(profile, domain))
    try:
        answer = (resolver or system_resolver()).resolve(domain + ".", kind)
    except dns.resolver.NoAnswer:
        return LookupResult("DNS", (), False)
    except dns.resolver.NXDOMAIN:
        raise WizardError(f"DNS says {domain} does not exist. Check the domain recorded for this project (it must "
                          "be the one you chose in the DIP portal).") from None
    except dns.resolver.NoResolverConfiguration:
        raise WizardError("This computer has no DNS server set up (or its DNS settings could not be read), so the "
                          "wizard cannot look the record up. Check its network settings." + others) from None
    except dns.exception.Timeout:
        raise WizardError(f"DNS did not answer within {LOOKUP_SECONDS:g} seconds. Check that this computer is "
                          "connected to the network, then try again." + others) from None
    except dns.resolver.NoNameservers as exc:
        errors = exc.kwargs.get("errors") or []
        if errors and all(isinstance(error[3], OSError) for error in errors):
            raise WizardError("Could not reach a DNS server: this computer seems not to be connected to the "
                              "network. Connect, then try again." + others) from None
        raise WizardError(f"The DNS server could not look up {domain} (it answered with an error). Try again "
                          "later." + others) from None
    except (dns.exception.DNSException, OSError) as exc:
        raise WizardError(f"Could not look up {domain} in DNS ({exc})." + others) from None
    server = getattr(answer, "nameserver", None)
    values = tuple(_record_text(rdata) for rdata in answer)
    return LookupResult(f"DNS server {server}" if server else "DNS", values, expected in values)
