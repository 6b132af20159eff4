"""The DNS check (`lookup_txt`): dnspython through this computer's resolver, only when asked, within a few seconds.

Most tests make a real round trip through dnspython to a tiny DNS server on 127.0.0.1 (tests/local_dns.py); the
failures no local server can stage (no network, no DNS set up) come from a stand-in resolver raising dnspython's own
errors. Nothing here needs the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import dns.message
import dns.resolver
import pytest

from tests.local_dns import LocalDns
from wizard.core import domain as domain_module
from wizard.core.domain import LOOKUP_SECONDS, lookup_txt, system_resolver
from wizard.core.errors import InvalidInput, WizardError
from wizard.core.profile import Profile

VALUE = "globalsign-domain-verification=Zx81"


def test_each_txt_record_is_one_value_and_separate_records_are_never_joined(profile: Profile) -> None:
    # The old nslookup parser joined a record with the next one and missed a value on the line after `text =`.
    records = ['"v=spf1 -all"', f'"{VALUE[:20]}" "{VALUE[20:]}"', '"part one " "part two"']
    with LocalDns({"acme.example.": records}) as server:
        result = lookup_txt(profile, "acme.example", VALUE, resolver=server.resolver())
    assert sorted(result.values) == sorted(["v=spf1 -all", VALUE, "part one part two"])
    assert result.found
    assert result.tool == "DNS server 127.0.0.1"
    assert server.queries == [("acme.example.", "TXT")]


def test_a_value_split_across_two_records_is_not_found(profile: Profile) -> None:
    with LocalDns({"acme.example.": [f'"{VALUE[:20]}"', f'"{VALUE[20:]}"']}) as server:
        result = lookup_txt(profile, "acme.example", VALUE, resolver=server.resolver())
    assert not result.found
    assert sorted(result.values) == sorted([VALUE[:20], VALUE[20:]])


def test_a_domain_without_txt_records_is_not_found_yet(profile: Profile) -> None:
    with LocalDns({"acme.example.": []}) as server:
        result = lookup_txt(profile, "ACME.example.", VALUE, resolver=server.resolver())
    assert (result.found, result.values) == (False, ())
    assert server.queries == [("acme.example.", "TXT")]  # the stored, lower-case form, asked as an absolute name


def test_a_domain_dns_does_not_know_says_so(profile: Profile) -> None:
    with LocalDns({}) as server, pytest.raises(WizardError, match=r"DNS says acme\.example does not exist\. Check"):
        lookup_txt(profile, "acme.example", VALUE, resolver=server.resolver())


def test_a_server_that_fails_says_so_and_what_else_to_do(profile: Profile) -> None:
    with LocalDns({"acme.example.": []}, answer="SERVFAIL") as server, \
            pytest.raises(WizardError, match=r"could not look up acme\.example") as caught:
        lookup_txt(profile, "acme.example", VALUE, resolver=server.resolver())
    assert "nslookup -type=TXT acme.example" in str(caught.value)


def test_a_server_that_never_answers_gives_up_quickly(profile: Profile) -> None:
    with LocalDns({"acme.example.": []}, answer="silence") as server, \
            pytest.raises(WizardError, match=f"did not answer within {LOOKUP_SECONDS:g} seconds"):
        lookup_txt(profile, "acme.example", VALUE, resolver=server.resolver(lifetime=0.3))


class Failing:
    """A resolver that raises one of dnspython's errors, for what a local server cannot stage."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def resolve(self, qname: str, rdtype: str) -> Iterable[Any]:
        raise self.error


def no_nameservers(error: Exception | str) -> dns.resolver.NoNameservers:
    request = dns.message.make_query("acme.example.", "TXT")
    return dns.resolver.NoNameservers(request=request, errors=[("192.0.2.53", False, 53, error, None)])


@pytest.mark.parametrize(("error", "words"), [
    (no_nameservers(OSError(101, "Network is unreachable")), "seems not to be connected to the network"),
    (no_nameservers("SERVFAIL"), "it answered with an error"),
    (dns.resolver.NoResolverConfiguration("no nameservers"), "has no DNS server set up"),
    (dns.resolver.LifetimeTimeout(timeout=5.0, errors=[]), "did not answer within 5 seconds"),
    (dns.resolver.YXDOMAIN(), "Could not look up acme.example in DNS"),
    (OSError(13, "Permission denied"), "Could not look up acme.example in DNS"),
])
def test_every_dns_failure_is_a_plain_message(profile: Profile, error: Exception, words: str) -> None:
    with pytest.raises(WizardError, match=re.escape(words)) as caught:
        lookup_txt(profile, "acme.example", VALUE, resolver=Failing(error))
    assert "Traceback" not in str(caught.value)
    assert "dig +short TXT acme.example" in str(caught.value) or "does not exist" in str(caught.value)


def test_no_dns_set_up_on_this_computer_is_a_plain_message(profile: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    def unconfigured(*args: Any, **kwargs: Any) -> None:
        raise dns.resolver.NoResolverConfiguration("no nameservers")

    monkeypatch.setattr(dns.resolver, "Resolver", unconfigured)
    with pytest.raises(WizardError, match="has no DNS server set up"):
        lookup_txt(profile, "acme.example", VALUE)


def test_the_system_resolver_is_this_computers_with_a_short_lifetime() -> None:
    try:
        configured = dns.resolver.Resolver()
    except dns.resolver.NoResolverConfiguration:
        pytest.skip("this computer has no DNS server set up")
    except OSError:  # Wine's registry has no Tcpip\Parameters\Interfaces key; Windows has
        pytest.skip("this computer's DNS settings cannot be read")
    resolver = system_resolver()
    assert isinstance(resolver, dns.resolver.Resolver)
    assert resolver.nameservers == configured.nameservers
    assert resolver.lifetime == LOOKUP_SECONDS == 5
    assert resolver.timeout <= LOOKUP_SECONDS


def test_a_domain_that_is_not_a_domain_is_never_asked(profile: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalDns({}) as server:
        for hostile in ("-f/etc/passwd", "acme.example -f/etc/passwd", "@8.8.8.8", "https://acme.example/", "::1"):
            with pytest.raises(InvalidInput):
                lookup_txt(profile, hostile, VALUE, resolver=server.resolver())
    assert server.queries == []


def test_nothing_is_asked_until_lookup_txt_is_called(profile: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    monkeypatch.setattr(domain_module, "system_resolver", lambda: made.append(1) or Failing(OSError("x")))
    assert domain_module.check_commands(profile, "acme.example")
    assert made == []
    with pytest.raises(WizardError):
        lookup_txt(profile, "acme.example", VALUE)
    assert made == [1]


def test_settings_that_cannot_be_read_are_explained(profile: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    """As under Wine, whose registry lacks a key dnspython reads: a plain message, not a bare OSError."""
    def unreadable() -> None:
        raise FileNotFoundError(2, "File not found")

    monkeypatch.setattr(dns.resolver, "Resolver", unreadable)
    with pytest.raises(WizardError, match="no DNS server set up \\(or its DNS settings could not be read\\)"):
        lookup_txt(profile, "acme.example", VALUE)
