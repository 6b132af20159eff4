"""Webhook addresses are read as browsers read them (WHATWG: a backslash is a path separator, IDNA, case, trailing
dot, default port) and stored in that one form; hosts the DIP can never reach are errors; https and no credentials
hold whatever a profile says; "not under your domain" waits until the domain is verified."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from wizard.core.dipids import channel_findings, set_channel
from wizard.core.errors import InvalidInput
from wizard.core.model import Channel, DipId, MarketParticipant, Organisation, Project, StepProgress
from wizard.core.profile import Profile, parse_profile
from wizard.core.webhooks import accept_webhook_url, check_webhook_url

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("typed", "stored"), [
    ("https://DIP.Acme.Example./Hook/IF-001", "https://dip.acme.example/Hook/IF-001"),
    ("HTTPS://dip.acme.example:443/hook", "https://dip.acme.example/hook"),
    ("https://bücher.acme.example/hook", "https://xn--bcher-kva.acme.example/hook"),
    ("https://dip.acme.example", "https://dip.acme.example/"),
    ("https://dip.acme.example\\hooks\\if-001", "https://dip.acme.example/hooks/if-001"),
])
def test_addresses_are_stored_in_the_form_browsers_read(profile: Profile, typed: str, stored: str) -> None:
    assert accept_webhook_url(profile, typed, "acme.example")[0] == stored


def test_a_backslash_cannot_hide_the_real_host(profile: Profile) -> None:
    # Browsers read https://evil.example\dip.acme.example.co.uk/ as the host evil.example.
    url, findings = accept_webhook_url(profile, "https://evil.example\\dip.acme.example.co.uk/", "acme.example.co.uk")
    assert url == "https://evil.example/dip.acme.example.co.uk/"
    assert "webhook-host-under-domain" in {f.code for f in findings}


@pytest.mark.parametrize("url", [
    "https://localhost/x", "https://LOCALHOST./x", "https://api.localhost/x", "https://[::1]/x", "https://127.0.0.1/x",
    "https://127.1/x", "https://0x7f.0.0.1/x", "https://10.1.2.3/hook", "https://172.16.0.9/", "https://192.168.1.20/",
    "https://169.254.169.254/", "https://[fe80::1]/", "https://[fd12:3456::1]/", "https://0.0.0.0/",
    "https://intranet/hook", "https://[::ffff:10.0.0.1]/",
])
def test_hosts_the_dip_can_never_reach_are_errors(profile: Profile, url: str) -> None:
    with pytest.raises(InvalidInput, match="DIP can never reach"):
        accept_webhook_url(profile, url, "acme.example")
    _, findings = check_webhook_url(profile, url, "acme.example")
    assert [f.code for f in findings if f.severity == "error"] == ["webhook-unreachable-host"]


def test_a_public_ip_address_is_still_only_a_warning(profile: Profile) -> None:
    _, findings = accept_webhook_url(profile, "https://8.8.8.8/hook", "acme.example")
    assert [(f.code, f.severity) for f in findings] == [("webhook-host-not-ip", "warning")]


def test_https_and_no_credentials_hold_whatever_the_profile_says(profile_data: dict[str, Any]) -> None:
    data = copy.deepcopy(profile_data)
    data["webhook_rules"] = [r for r in data["webhook_rules"] if r["check"] not in ("scheme", "no-credentials")]
    lax = parse_profile(data, file="lax.toml")
    with pytest.raises(InvalidInput, match="secure HTTPS"):
        accept_webhook_url(lax, "http://dip.acme.example/hook", "acme.example")
    with pytest.raises(InvalidInput, match="user name or password"):
        accept_webhook_url(lax, "https://user:secret@dip.acme.example/hook", "acme.example")
    # A profile that lists http as allowed cannot let it through either.
    for rule in data["webhook_rules"]:
        if rule["check"] == "scheme":
            rule["value"] = ["https", "http"]
    with pytest.raises(InvalidInput, match="secure HTTPS"):
        accept_webhook_url(parse_profile(data, file="lax.toml"), "http://dip.acme.example/hook", "")


def _project(progress: tuple[StepProgress, ...] = ()) -> Project:
    return Project("dip-mhhs", "uit", Organisation("Acme Ltd", "01234567", "acme.example"), NOW, NOW,
                   mpids=(MarketParticipant("ABCD", ("LDSO",)),), dip_ids=(DipId("8795183096", "ABCD", "LDSO"),),
                   progress=progress)


def test_not_under_your_domain_only_once_the_domain_is_verified(profile: Profile) -> None:
    elsewhere = "https://hook.other.example/dip"
    before = set_channel(profile, _project(), dip_id="8795183096", channel="IF-001", url=elsewhere)[2]
    assert "webhook-host-under-domain" not in {f.code for f in before}
    done = _project((StepProgress("step-5", "done", None, dt.date(2026, 3, 1)),))
    after = set_channel(profile, done, dip_id="8795183096", channel="IF-001", url=elsewhere)[2]
    assert "webhook-host-under-domain" in {f.code for f in after}


def test_a_stored_address_that_newer_rules_refuse_is_a_finding_not_damage(profile: Profile) -> None:
    old = _project()
    stored = Channel("8795183096", "IF-001", "https://10.1.2.3/hook")
    assert [f.code for f in channel_findings(profile, old, stored) if f.severity == "error"] == [
        "webhook-unreachable-host"]


@pytest.mark.parametrize("url", ["https://08.1/x", "https://09/x", "https://1.2.3.4.5/x", "https://999999999999/x",
                                 "https://acme.example.0x1/x"])
def test_a_host_that_ends_in_a_number_but_is_no_address_is_refused_plainly(profile: Profile, url: str) -> None:
    # Browsers refuse these too: a host ending in a number is read as an IPv4 address or not at all.
    with pytest.raises(InvalidInput, match=r"neither a host name nor an IP address|not a valid host"):
        check_webhook_url(profile, url, "")
