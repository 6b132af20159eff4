"""Instructions written for the person who receives a handoff bundle, as HTML and as plain text.

The words come from the profile (the audience's steps, checks and DNS record; each certificate kind's purpose
and destination) and from this project (organisation, environment, people, the files in the bundle). The HTML is
self-contained: every value is escaped, there are no scripts, links to load or images.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wizard import APP_NAME, __version__
from wizard.core.csr_subject import fill
from wizard.core.model import Organisation, Project
from wizard.core.profile import Audience, Profile
from wizard.core.support import HEADING as HELP_HEADING
from wizard.core.support import support_lines


@dataclass(frozen=True, slots=True)
class Spans:
    """Text with code in it: `parts` alternate plain text and code, plain first (the profile marks code between
    backticks). As plain text the code keeps its backticks; in HTML it is a <code> element, never a backtick."""

    parts: tuple[str, ...]

    @classmethod
    def marked(cls, template: str, fill_part: Callable[[str], str]) -> Spans:
        """Split a template at its backticks first, then fill each part: a value with a backtick marks nothing."""
        return cls(tuple(fill_part(part) for part in template.split("`")))

    def __str__(self) -> str:
        return "`".join(self.parts)

    def as_html(self) -> str:
        out = []
        for index, part in enumerate(self.parts):
            if index % 2 == 0:
                out.append(_escape(part))
            elif index == len(self.parts) - 1:
                out.append("&#96;" + _escape(part))  # a backtick without its pair stays a character
            else:
                out.append(f"<code>{_escape(part)}</code>")
        return "".join(out)


Text = str | Spans
Rows = list[tuple[str, str]]
# ("p", text), ("code", str), ("list", items) or ("table", rows)
Block = tuple[str, Text] | tuple[str, list[Text]] | tuple[str, Rows]


def _escape(text: str) -> str:
    """HTML-escaped, with a backtick (in a name, say) as a character reference: no backtick is ever left in the
    HTML to look like leftover markup."""
    return html.escape(text).replace("`", "&#96;")


def _html(text: Text) -> str:
    return text.as_html() if isinstance(text, Spans) else _escape(text)


@dataclass(slots=True)
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)

    def p(self, text: Text) -> Section:
        self.blocks.append(("p", text))
        return self

    def items(self, items: Sequence[Text]) -> Section:
        if items:
            self.blocks.append(("list", list(items)))
        return self

    def code(self, text: str) -> Section:
        self.blocks.append(("code", text))
        return self

    def table(self, rows: Rows) -> Section:
        self.blocks.append(("table", rows))
        return self


@dataclass(frozen=True, slots=True)
class ListedFile:
    """A file in the bundle as the instructions describe it."""

    name: str
    description: str
    contains_key: bool
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Instructions:
    title: str
    sections: tuple[Section, ...]

    def as_text(self) -> str:
        # Web addresses, commands and host names keep their hyphens on one line, so they can be copied whole.
        wrap = functools.partial(textwrap.wrap, width=78, break_on_hyphens=False, break_long_words=False)
        out = [self.title, "=" * min(len(self.title), 78), ""]
        for s in self.sections:
            out += [s.heading, "-" * min(len(s.heading), 78)]
            for kind, value in s.blocks:
                if isinstance(value, str | Spans):
                    out += ([*wrap(str(value)), ""] if kind == "p" else
                            [*("    " + line for line in str(value).splitlines()), ""])
                elif kind == "list":
                    for item in value:
                        out += wrap(str(item), initial_indent="  - ", subsequent_indent="    ")
                    out.append("")
                else:
                    rows = [r for r in value if isinstance(r, tuple)]
                    width = max(len(k) for k, _v in rows)
                    for k, v in rows:
                        out += wrap(v, initial_indent=f"  {k.ljust(width)}  ",
                                    subsequent_indent=" " * (width + 4)) or [f"  {k}"]
                    out.append("")
        return "\n".join(out).rstrip() + "\n"

    def as_html(self) -> str:
        e = _escape
        out = ['<!DOCTYPE html>', '<html lang="en-GB"><head><meta charset="utf-8">',
               # No external loading of any kind: the page is read offline and may be opened anywhere.
               '<meta http-equiv="Content-Security-Policy" '
               'content="default-src \'none\'; style-src \'unsafe-inline\'">',
               f"<title>{e(self.title)}</title>",
               "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.45}"
               "code,pre{background:#f3f3f3;padding:0 .2em}pre{padding:.6em;white-space:pre-wrap}"
               "th{text-align:left;padding-right:1em;vertical-align:top}</style></head><body>",
               f"<h1>{e(self.title)}</h1>"]
        for s in self.sections:
            out.append(f"<h2>{e(s.heading)}</h2>")
            for kind, value in s.blocks:
                if isinstance(value, str | Spans):
                    out.append(f"<p>{_html(value)}</p>" if kind == "p" else f"<pre>{e(str(value))}</pre>")
                elif kind == "list":
                    out.append("<ul>" + "".join(f"<li>{_html(i)}</li>" for i in value if not isinstance(i, tuple))
                               + "</ul>")
                else:
                    rows = [r for r in value if isinstance(r, tuple)]
                    out.append("<table>" + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
                               + "</table>")
        out.append("</body></html>")
        return "\n".join(out) + "\n"


def _fill_part(part: str, organisation: Organisation) -> str:
    """`fill` for one part of a marked template, keeping the spaces around it (fill strips them)."""
    if not part.strip():
        return part
    return part[:len(part) - len(part.lstrip())] + fill(part, organisation) + part[len(part.rstrip()):]


def build_instructions(profile: Profile, project: Project, audience: Audience, files: list[ListedFile],
                       now: dt.datetime, *, txt_value: str | None = None) -> Instructions:
    org = project.organisation
    env = profile.environment(project.environment)
    sections: list[Section] = []
    intro = Section("What this is")
    intro.p(f"{org.name} (company number {org.company_number}, domain {org.domain}) is joining Elexon's Data "
            f"Integration Platform (DIP) in the {env.name} environment. You are receiving this as the "
            f"{audience.name}: {audience.summary}")
    intro.p(Spans((f"It was made on {now:%d %B %Y} by the {APP_NAME}. Before you use anything in it, check it is "
                   "the one that was sent: ask the sender to read you the bundle's fingerprint (by phone, not by "
                   "e-mail), and compare it with what the wizard shows when you open the bundle, or with ",
                   "dip-onboarding bundle verify FILE", ".")))
    if not audience.provenance.confirmed and audience.provenance.note:
        intro.p(f"Not confirmed by public guidance: {audience.provenance.note}")
    sections.append(intro)

    contacts = [f"{p.name} <{p.email}>" + (f", {p.phone}" if p.phone else "")
                for p in project.holders("certificate-admin")]
    if contacts:
        sections.append(Section("Who to ask").p("If anything here is unclear, ask:").items(
            list(dict.fromkeys(contacts))))
    if profile.support:
        sections.append(Section(HELP_HEADING).p("Outside your organisation:").items(list(support_lines(profile))))

    if audience.dns_record is not None:
        record = audience.dns_record
        dns = Section("The DNS record to add")
        dns.p(f"Add one {record.type} record to the DNS zone of {org.domain}:")
        value = txt_value if txt_value else ("Not known yet: the Certificate Admin will send it to you. They find "
                                             f"it in {record.where}.")
        dns.table([("Zone", org.domain), ("Type", record.type),
                   ("Name", f"{record.name} (the domain itself, {org.domain})"), ("Value", value)])
        if txt_value:
            dns.p("Copy the value exactly, with nothing added or left out.")
        sections.append(dns)

    for step_id in audience.steps:
        step = profile.step(step_id)
        section = Section(f"{step.heading} (in the DIP portal)").p(step.summary)
        section.items([f"Before you start: {c}" for c in step.preconditions])
        if step.duration is not None:
            section.p(f"How long: {step.duration.text}.")
        sections.append(section)

    by_kind = {k.id: k for k in profile.certificate_kinds}
    for kind_id in audience.certificate_kinds:
        kind = by_kind[kind_id]
        kind_files = [f for f in files if f.kind == kind_id]
        if not kind_files:
            continue
        section = Section(kind.name).p(kind.purpose).p(f"Where it goes: {kind.destination}")
        held = project.current_certificate(kind_id)
        if held is not None:
            section.p(f"The certificate is valid until {held[1].not_after:%d %B %Y}; renew it before then.")
        section.items([f"{f.name}: {f.description}" for f in kind_files])
        sections.append(section)

    listed = Section("Every file in this bundle").table([(f.name, f.description) for f in files])
    if any(f.contains_key for f in files):
        listed.p("Files holding a private key are protected by a password, which is not in this bundle. The sender "
                 "gives it to you separately (by phone or through a password manager). Keep those files only where "
                 "they are installed, and delete other copies once they are.")
    else:
        listed.p("Nothing in this bundle is secret: it holds no private key and no password.")
    sections.append(listed)

    checks = [Spans.marked(c.strip(), functools.partial(_fill_part, organisation=org)) for c in audience.checks]
    if checks:
        sections.append(Section("Check afterwards").items(checks))
    title = f"For the {audience.name}: {org.name}, DIP {env.name}"
    sections.append(Section("About this file").p(f"Made by the {APP_NAME} {__version__} on "
                                                 f"{now:%d %B %Y at %H:%M} UTC."))
    return Instructions(title, tuple(sections))
