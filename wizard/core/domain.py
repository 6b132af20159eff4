"""Domain verification (step 5): the TXT value the DIP portal shows, the DNS Admin's sheet, the commands to check
it, and a DNS lookup only when the user asks for one.

Python's standard library cannot ask DNS for TXT records, so `lookup_txt` runs `dig` or `nslookup` when one is
installed and says so plainly when neither is.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from wizard.core.errors import InvalidInput, WizardError
from wizard.core.model import DomainTxt, Project
from wizard.core.profile import Profile

MAX_TXT = 1024
Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


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
    tool: str
    values: tuple[str, ...]
    found: bool  # the expected value is among them


def _default_runner(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=20, check=False)


def parse_dig(output: str) -> tuple[str, ...]:
    """`dig +short TXT` prints one record per line as quoted strings ("abc" "def" for a long value in parts)."""
    values = []
    for line in output.splitlines():
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
        if parts:
            values.append("".join(p.replace('\\"', '"') for p in parts))
    return tuple(values)


def parse_nslookup(output: str) -> tuple[str, ...]:
    """nslookup prints `name  text = "value"`, with long values continued as further quoted strings."""
    values: list[str] = []
    current: list[str] | None = None
    for line in output.splitlines():
        if "text =" in line:
            if current is not None:
                values.append("".join(current))
            current = re.findall(r'"((?:[^"\\]|\\.)*)"', line.split("text =", 1)[1])
        elif current is not None and line.strip().startswith('"'):
            current += re.findall(r'"((?:[^"\\]|\\.)*)"', line)
        elif current is not None:
            values.append("".join(current))
            current = None
    if current is not None:
        values.append("".join(current))
    return tuple(values)


def lookup_txt(profile: Profile, domain: str, expected: str, *, which: Callable[[str], str | None] = shutil.which,
               runner: Runner = _default_runner) -> LookupResult:
    """Ask DNS now (only when the user asks) for the domain's TXT records, with dig or else nslookup."""
    from wizard.core.validation import normalise_domain

    kind = profile.domain_verification.record_type
    # Neither dig nor nslookup takes `--`: the domain is checked to be a domain (it can then never start with "-"
    # or "@"), and dig is told by -q that it is the name to look up.
    domain = normalise_domain(domain)
    for tool, argv, parse in (("dig", ["+short", "-t", kind, "-q", domain], parse_dig),
                              ("nslookup", [f"-type={kind}", domain], parse_nslookup)):
        path = which(tool)
        if path is None:
            continue
        try:
            done = runner([path, *argv])
        except (OSError, subprocess.SubprocessError) as exc:
            raise WizardError(f"Could not run {tool} to look up the record ({exc}).") from None
        values = parse(done.stdout)
        if done.returncode != 0 and not values:
            said = (done.stderr or done.stdout).strip().splitlines()
            raise WizardError(f"{tool} could not look up {domain}: {(said[-1] if said else 'no answer')[:200]}")
        return LookupResult(tool, values, expected in values)
    raise WizardError("Neither dig nor nslookup is installed here, and this wizard cannot query DNS TXT records "
                      "without one. Ask your DNS Admin to run: " + " or ".join(check_commands(profile, domain)))
