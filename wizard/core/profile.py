"""The DIP profile: what the wizard knows about DIP onboarding, loaded from data and validated.

The format is documented in docs/profile-format.md. Nothing here knows a DIP fact; it only checks that the
data is complete and consistent and answers questions about it.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from wizard.core.errors import ProfileError, UnknownId
from wizard.core.tomlreader import Node

SCHEMA_VERSION = 1
MAX_PROFILE_BYTES = 1024 * 1024
ALGORITHMS = ("rsa-2048", "rsa-3072", "rsa-4096", "ec-p256", "ec-p384")
KEY_USAGES = ("digital_signature", "key_encipherment", "content_commitment", "key_agreement")
EXTENDED_KEY_USAGES = ("client_auth", "server_auth", "code_signing", "email_protection")
PRODUCTION_HANDLING = ("repeat", "reuse", "confirm")
# What a handoff bundle can carry for an audience (besides its instructions, which every bundle has).
BUNDLE_CONTENTS = ("certificates", "csrs", "pfx", "dns-record", "tables", "reminders")
WEBHOOK_CHECKS = ("scheme", "host-not-ip", "no-credentials", "port", "host-under-domain", "no-wildcard", "path")
SIGNATURE_ALGORITHMS = ("rsa-pkcs1v15-sha256",)
STRING_TO_SIGN_FIELDS = ("method", "url", "date", "content_hash")
TEMPLATE_FIELDS = ("organisation", "domain", "company_number")
_ID = r"[a-z0-9]+(-[a-z0-9]+)*"
_URL = r"https://\S+"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a rule comes from: a public source, or an unconfirmed default with a note."""

    source: str | None
    confirmed: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class PrimaryHolder:
    title: str
    summary: str
    count: int
    needs_phone: bool
    needs_email: bool
    must_be_employee: bool
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    portal_role: bool
    summary: str
    min_count: int
    max_count: int | None
    counts_as: tuple[str, ...]
    create_first: bool
    invited: bool
    primary: PrimaryHolder | None
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Duration:
    hours: float
    text: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    number: int | None
    title: str
    summary: str
    owner_roles: tuple[str, ...]
    helper_roles: tuple[str, ...]
    requires_steps: tuple[str, ...]
    preconditions: tuple[str, ...]
    environments: tuple[str, ...]
    production: str
    duration: Duration | None
    provenance: Provenance
    page: str | None = None  # the wizard page that helps with it (one of STEP_PAGES); None: done in the DIP portal

    @property
    def label(self) -> str:
        """'Step 3', or the title for the unnumbered steps (pre-requisites, promotion)."""
        return f"Step {self.number}" if self.number is not None else self.title

    @property
    def heading(self) -> str:
        """'Step 3: Managing your GlobalSign account', or just the title for an unnumbered step."""
        return f"Step {self.number}: {self.title}" if self.number is not None else self.title


@dataclass(frozen=True, slots=True)
class SubjectTemplate:
    cn: str
    o: str
    c: str
    ou: str | None


@dataclass(frozen=True, slots=True)
class CertificateKind:
    id: str
    name: str
    purpose: str
    why: str
    step: str
    algorithms: tuple[str, ...]
    default_algorithm: str
    subject: SubjectTemplate
    san_dns: tuple[str, ...]
    key_usage: tuple[str, ...]
    extended_key_usage: tuple[str, ...]
    combined_signing_mtls: bool
    validity_days: int | None
    destination: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Environment:
    id: str
    name: str
    summary: str
    people_carry_over: bool
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class DnsRecord:
    """The DNS record an audience adds: its type and name, and where its value is found when the project has none."""

    type: str
    name: str
    where: str


@dataclass(frozen=True, slots=True)
class Audience:
    id: str
    name: str
    summary: str
    role: str
    may_receive_key_material: bool
    provenance: Provenance
    # What the audience's handoff bundle carries (BUNDLE_CONTENTS), for which certificate kinds, which journey
    # steps its instructions walk through, and what to check afterwards (templates, as in subjects).
    receives: tuple[str, ...] = ()
    certificate_kinds: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    dns_record: DnsRecord | None = None


@dataclass(frozen=True, slots=True)
class WebhookRule:
    id: str
    check: str
    value: tuple[str, ...]
    severity: str
    message: str
    provenance: Provenance


# The wizard pages a journey step may name as the one that helps with it (core/flow.py's PageId, in lower case).
STEP_PAGES = ("organisation", "people", "journey", "keys", "certificates", "packages", "domain", "dip-ids", "renewal",
              "promotion", "audit")

# The files the Packages page writes; a destination names one (core/packaging.py's PFX profiles, PEM, the chain).
PACKAGE_FORMATS = ("modern", "compat", "pem", "chain")


@dataclass(frozen=True, slots=True)
class PackageDestination:
    """Where a certificate may go, and which file it takes there, with the source of that claim."""

    id: str
    name: str
    format: str  # one of PACKAGE_FORMATS
    purpose: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Reminders:
    lead_days: tuple[int, ...]
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class DipIdRules:
    mpid_pattern: str
    role_codes: tuple[str, ...]
    provenance: Provenance
    channel_pattern: str = r"[A-Z]+-[0-9]+"


@dataclass(frozen=True, slots=True)
class ValidityPeriod:
    """From `starts` on (the first period: also before it), a domain verification may be used for `days` days."""

    starts: dt.date
    days: int


@dataclass(frozen=True, slots=True)
class DomainValidity:
    """How long a verified domain lasts (a schedule of periods, oldest first) and how it is renewed."""

    periods: tuple[ValidityPeriod, ...]
    renew_text: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class DomainVerification:
    """The DNS record the DIP portal asks for, and what to tell the DNS Admin about it; `validity`, when the
    profile gives one, says when a verified domain runs out."""

    record_type: str
    record_name: str
    wait_text: str
    keep_text: str
    provenance: Provenance
    validity: DomainValidity | None = None


@dataclass(frozen=True, slots=True)
class SigningScheme:
    """How a DIP request is signed: header names, the string to sign and the algorithm."""

    certificate_kinds: tuple[str, ...]
    method: str
    sample_url: str
    date_header: str
    content_hash_header: str
    certificate_header: str
    signature_header: str
    string_to_sign: str
    lowercase_url: bool
    certificate_lf: bool
    algorithm: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class DayRange:
    """A number of working days, fewest to most (equal when the guidance gives one number)."""

    fewest: int
    most: int

    @property
    def text(self) -> str:
        """'5–7 working days', or '3 working days'."""
        span = str(self.most) if self.fewest == self.most else f"{self.fewest}–{self.most}"
        return f"{span} working day{'' if span == '1' else 's'}"


@dataclass(frozen=True, slots=True)
class Timeline:
    """How long the whole onboarding is expected to take, and its longest wait (a step), in working days; and
    whose bank holidays are not working days (a `holidays` package country and subdivision, named for people)."""

    working_days: DayRange
    wait_step: str
    wait_working_days: DayRange
    holidays_country: str
    holidays_subdivision: str | None
    holidays_name: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class SupportContact:
    """Where to get help: a web page or an e-mail address, what to ask there, and the source that says so."""

    id: str
    name: str
    use_for: str
    url: str | None
    url_is: str | None  # what the link is, when it is not the contact's own page
    email: str | None
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Profile:
    """A validated DIP profile. Lookups by id raise `UnknownId` with the ids that do exist."""

    id: str
    name: str
    version: str
    description: str
    roles: tuple[Role, ...]
    steps: tuple[Step, ...]
    certificate_kinds: tuple[CertificateKind, ...]
    environments: tuple[Environment, ...]
    audiences: tuple[Audience, ...]
    webhook_rules: tuple[WebhookRule, ...]
    reminders: Reminders
    dip_ids: DipIdRules
    domain_verification: DomainVerification
    signing: SigningScheme
    path: str
    package_destinations: tuple[PackageDestination, ...] = ()
    timeline: Timeline | None = None
    support: tuple[SupportContact, ...] = ()

    def role(self, role_id: str) -> Role:
        return _lookup("role", role_id, self.roles)

    def step(self, step_id: str) -> Step:
        return _lookup("step", step_id, self.steps)

    def certificate_kind(self, kind_id: str) -> CertificateKind:
        return _lookup("certificate kind", kind_id, self.certificate_kinds)

    def environment(self, env_id: str) -> Environment:
        return _lookup("environment", env_id, self.environments)

    def audience(self, audience_id: str) -> Audience:
        return _lookup("audience", audience_id, self.audiences)

    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    def roles_with_primary(self) -> tuple[str, ...]:
        """Ids of the roles that have a primary holder (e.g. the Primary Certificate Admin)."""
        return tuple(r.id for r in self.roles if r.primary is not None)

    def steps_for(self, env_id: str) -> tuple[Step, ...]:
        """The journey steps that happen in this environment, in order."""
        return tuple(s for s in self.steps if env_id in s.environments)


_T = TypeVar("_T", Role, Step, CertificateKind, Environment, Audience)


@dataclass(frozen=True, slots=True)
class RuleSource:
    """One rule of the profile named for people (its area and name) with where it comes from."""

    area: str
    name: str
    provenance: Provenance


def rule_sources(p: Profile) -> tuple[RuleSource, ...]:
    """Every rule that carries a source or a "confirmed = false" note, in the profile's order."""
    found = [RuleSource("Environment", e.name, e.provenance) for e in p.environments]
    for r in p.roles:
        found.append(RuleSource("Role", r.name, r.provenance))
        if r.primary is not None:
            found.append(RuleSource("Role", r.primary.title, r.primary.provenance))
    for s in p.steps:
        found.append(RuleSource("Journey step", s.heading, s.provenance))
        if s.duration is not None:
            found.append(RuleSource("Journey step", f"How long {s.heading} takes", s.duration.provenance))
    found += [RuleSource("Certificate", k.name, k.provenance) for k in p.certificate_kinds]
    found += [RuleSource("Handoff bundle", a.name, a.provenance) for a in p.audiences]
    found += [RuleSource("Webhook address", w.message, w.provenance) for w in p.webhook_rules]
    found += [RuleSource("Where a certificate goes", d.name, d.provenance) for d in p.package_destinations]
    found += [RuleSource("Reminders", "When renewal reminders fall", p.reminders.provenance),
              RuleSource("DIP IDs", "DIP ID and MPID rules", p.dip_ids.provenance),
              RuleSource("Domain verification", "The DNS record", p.domain_verification.provenance)]
    if p.domain_verification.validity is not None:
        found.append(RuleSource("Domain verification", "How long a verified domain lasts",
                                p.domain_verification.validity.provenance))
    found.append(RuleSource("Signing", "How a DIP request is signed", p.signing.provenance))
    if p.timeline is not None:
        found.append(RuleSource("Timeline", "How long the onboarding takes", p.timeline.provenance))
    found += [RuleSource("Where to get help", c.name, c.provenance) for c in p.support]
    return tuple(found)


def unconfirmed_rules(p: Profile) -> tuple[RuleSource, ...]:
    """The rules public guidance does not confirm (each says what it assumes in its note)."""
    return tuple(r for r in rule_sources(p) if not r.provenance.confirmed)


def _lookup(what: str, wanted: str, items: tuple[_T, ...]) -> _T:
    for item in items:
        if item.id == wanted:
            return item
    known = ", ".join(i.id for i in items)
    article = "an" if what[0] in "aeiou" else "a"
    raise UnknownId(f'"{wanted}" is not {article} {what} this profile knows. Use one of: {known}.')


def load_profile(path: Path) -> Profile:
    """Read and validate a profile file; raises `ProfileError` naming the file, key and problem."""
    name = path.name
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise ProfileError(name, "", "is not an ordinary file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError(name, "", f"cannot be read ({exc.strerror or exc})") from exc
    if len(raw) > MAX_PROFILE_BYTES:
        raise ProfileError(name, "", "is far larger than any profile")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProfileError(name, "", "is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(name, "", f"is not valid TOML ({exc})") from exc
    except RecursionError:
        raise ProfileError(name, "", "is nested too deeply to be a profile") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise ProfileError(name, "", "holds a number far too long to be a profile's") from None
    return parse_profile(data, file=name, path=str(path))


def parse_profile(data: dict[str, object], *, file: str, path: str = "") -> Profile:
    """Validate already-parsed TOML data; see `load_profile`."""
    root = Node(file, "", dict(data))
    head = root.table("profile")
    assert head is not None
    schema = head.whole("schema")
    if schema > SCHEMA_VERSION:
        raise head.fail("schema", f"is {schema}, newer than this wizard understands ({SCHEMA_VERSION}); "
                                  "install a newer version of the wizard to use this profile")
    if schema < 1:
        raise head.fail("schema", f"must be {SCHEMA_VERSION}, got {schema}")
    profile_id = head.text("id", pattern=_ID)
    profile_name = head.text("name")
    version = head.text("version")
    description = head.text("description")
    head.finish()

    environments = tuple(_environment(n) for n in root.tables("environments"))
    roles = tuple(_role(n) for n in root.tables("roles"))
    steps = tuple(_step(n) for n in root.tables("steps"))
    kinds = tuple(_kind(n) for n in root.tables("certificate_kinds"))
    audiences = tuple(_audience(n) for n in root.tables("audiences"))
    rules = tuple(_webhook_rule(n) for n in root.tables("webhook_rules"))
    destinations = tuple(_package_destination(n) for n in root.tables("package_destinations"))
    reminders_node = root.table("reminders")
    assert reminders_node is not None
    reminders = Reminders(_lead_days(reminders_node), _provenance(reminders_node))
    reminders_node.finish()
    dip_node = root.table("dip_ids")
    assert dip_node is not None
    dip_ids = _dip_ids(dip_node)
    domain_node = root.table("domain_verification")
    assert domain_node is not None
    domain = _domain_verification(domain_node)
    signing_node = root.table("signing")
    assert signing_node is not None
    signing = _signing(signing_node)
    timeline_node = root.table("timeline")
    assert timeline_node is not None
    timeline = _timeline(timeline_node)
    support = tuple(_support(n) for n in root.tables("support"))
    root.finish()

    profile = Profile(profile_id, profile_name, version, description, roles, steps, kinds, environments,
                      audiences, rules, reminders, dip_ids, domain, signing, path,
                      package_destinations=destinations, timeline=timeline, support=support)
    _check_references(profile, file)
    return profile


def _provenance(node: Node) -> Provenance:
    confirmed = node.flag("confirmed", True)
    source = node.optional_text("source")
    note = node.optional_text("note")
    if source is not None and not re.fullmatch(_URL, source):
        raise node.fail("source", f'must be an https:// address, got "{source}"')
    if confirmed and source is None:
        raise node.fail("source", "is missing: give the public source, or set confirmed = false with a note")
    if not confirmed and note is None:
        raise node.fail("note", "is missing: an unconfirmed rule must say in plain words what it assumes")
    return Provenance(source, confirmed, note)


def _environment(n: Node) -> Environment:
    env = Environment(n.text("id", pattern=_ID), n.text("name"), n.text("summary"),
                      n.flag("people_carry_over"), _provenance(n))
    n.finish()
    return env


def _primary(n: Node) -> PrimaryHolder:
    holder = PrimaryHolder(n.text("title"), n.text("summary"), n.whole("count", minimum=1),
                           n.flag("needs_phone", False), n.flag("needs_email", False),
                           n.flag("must_be_employee", False), _provenance(n))
    n.finish()
    return holder


def _role(n: Node) -> Role:
    primary_node = n.table("primary", required=False)
    role = Role(
        id=n.text("id", pattern=_ID),
        name=n.text("name"),
        portal_role=n.flag("portal_role"),
        summary=n.text("summary"),
        min_count=n.whole("min_count", minimum=0),
        max_count=n.optional_whole("max_count", minimum=1),
        counts_as=n.texts("counts_as"),
        create_first=n.flag("create_first", False),
        invited=n.flag("invited", False),
        primary=_primary(primary_node) if primary_node else None,
        provenance=_provenance(n),
    )
    if role.max_count is not None and role.max_count < role.min_count:
        raise n.fail("max_count", f"is {role.max_count}, smaller than min_count ({role.min_count})")
    n.finish()
    return role


def _duration(n: Node) -> Duration:
    d = Duration(n.positive_number("hours"), n.text("text"), _provenance(n))
    n.finish()
    return d


def _step(n: Node) -> Step:
    duration_node = n.table("duration", required=False)
    step = Step(
        id=n.text("id", pattern=_ID),
        number=n.optional_whole("number", minimum=1),
        title=n.text("title"),
        summary=n.text("summary"),
        owner_roles=n.texts("owner_roles", required=True),
        helper_roles=n.texts("helper_roles"),
        requires_steps=n.texts("requires_steps"),
        preconditions=n.texts("preconditions"),
        environments=n.texts("environments", required=True),
        production=n.choice("production", PRODUCTION_HANDLING),
        duration=_duration(duration_node) if duration_node else None,
        provenance=_provenance(n),
        page=n.choice("page", STEP_PAGES) if n.has("page") else None,
    )
    if not step.owner_roles:
        raise n.fail("owner_roles", "must name at least one role")
    if not step.environments:
        raise n.fail("environments", "must name at least one environment")
    n.finish()
    return step


def _template(node: Node, name: str) -> str:
    value = node.text(name)
    for field in re.findall(r"\{([^{}]*)\}", value):
        if field not in TEMPLATE_FIELDS:
            raise node.fail(name, f'uses {{{field}}}; templates may only use '
                                  + ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS))
    return value


def _kind(n: Node) -> CertificateKind:
    subject_node = n.table("subject")
    assert subject_node is not None
    subject = SubjectTemplate(_template(subject_node, "cn"), _template(subject_node, "o"),
                              subject_node.text("c", pattern=r"[A-Z]{2}"),
                              _template(subject_node, "ou") if subject_node.has("ou") else None)
    if not subject_node.has("ou"):
        subject_node.optional_text("ou")
    subject_node.finish()
    algorithms = n.texts("algorithms", allowed=ALGORITHMS, required=True)
    if not algorithms:
        raise n.fail("algorithms", "must list at least one key algorithm")
    default = n.text("default_algorithm")
    if default not in algorithms:
        raise n.fail("default_algorithm", f'"{default}" is not in this kind\'s algorithms')
    san_dns = n.texts("san_dns")
    for i, _entry in enumerate(san_dns):
        # Validate each SAN template through a throwaway node so the error names the list entry.
        _template(Node(n.file, n.key(f"san_dns[{i}]"), {"value": san_dns[i]}), "value")
    kind = CertificateKind(
        id=n.text("id", pattern=_ID),
        name=n.text("name"),
        purpose=n.text("purpose"),
        why=n.text("why"),
        step=n.text("step"),
        algorithms=algorithms,
        default_algorithm=default,
        subject=subject,
        san_dns=san_dns,
        key_usage=n.texts("key_usage", allowed=KEY_USAGES, required=True),
        extended_key_usage=n.texts("extended_key_usage", allowed=EXTENDED_KEY_USAGES, required=True),
        combined_signing_mtls=n.flag("combined_signing_mtls"),
        validity_days=n.optional_whole("validity_days", minimum=1),
        destination=n.text("destination"),
        provenance=_provenance(n),
    )
    n.finish()
    return kind


def _audience(n: Node) -> Audience:
    record_node = n.table("dns_record", required=False)
    record = None
    if record_node is not None:
        record = DnsRecord(record_node.text("type", pattern=r"[A-Z]+"), record_node.text("name"),
                           record_node.text("where"))
        record_node.finish()
    a = Audience(n.text("id", pattern=_ID), n.text("name"), n.text("summary"), n.text("role"),
                 n.flag("may_receive_key_material"), _provenance(n),
                 receives=n.texts("receives", allowed=BUNDLE_CONTENTS), certificate_kinds=n.texts("certificate_kinds"),
                 steps=n.texts("steps"), checks=tuple(_template(Node(n.file, n.key(f"checks[{i}]"), {"value": c}),
                                                                "value") for i, c in enumerate(n.texts("checks"))))
    if "pfx" in a.receives and not a.may_receive_key_material:
        raise n.fail("receives", 'lists "pfx", but may_receive_key_material is false')
    if "dns-record" in a.receives and record is None:
        raise n.fail("dns_record", 'is missing: an audience that receives "dns-record" needs the record\'s type, '
                                   "name and where its value is found")
    a = replace(a, dns_record=record)
    n.finish()
    return a


def _webhook_rule(n: Node) -> WebhookRule:
    check = n.choice("check", WEBHOOK_CHECKS)
    value = n.texts("value", required=check in ("scheme", "port", "path"))
    if check == "port" and not all(re.fullmatch(r"[0-9]{1,5}", v) and 0 < int(v) < 65536 for v in value):
        raise n.fail("value", "must list port numbers between 1 and 65535 (as text)")
    if check == "path":
        for v in value:
            _regex(n, "value", v)
    rule = WebhookRule(n.text("id", pattern=_ID), check, value, n.choice("severity", ("error", "warning")),
                       n.text("message"), _provenance(n))
    n.finish()
    return rule


def _package_destination(n: Node) -> PackageDestination:
    destination = PackageDestination(n.text("id", pattern=_ID), n.text("name"), n.choice("format", PACKAGE_FORMATS),
                                      n.text("purpose"), _provenance(n))
    n.finish()
    return destination


def _lead_days(n: Node) -> tuple[int, ...]:
    days = n.wholes("lead_days", minimum=1)
    if list(days) != sorted(set(days), reverse=True):
        raise n.fail("lead_days", "must be different numbers of days, largest first (e.g. [60, 30, 14])")
    return days


def _regex(n: Node, name: str, pattern: str) -> str:
    from wizard.core.regex_safety import may_backtrack_badly

    try:
        re.compile(pattern)
        risky = may_backtrack_badly(pattern)
    except (re.error, OverflowError, RecursionError) as exc:
        raise n.fail(name, f"is not a valid regular expression ({exc})") from None
    if risky:
        raise n.fail(name, "could take exponential time on some input: a repeated group holds another repeat or "
                           "alternatives that can backtrack, as in (a+)+. Make the inner or outer repeat possessive "
                           "(*+, ++) or use an atomic group (?>...)")
    return pattern


def _dip_ids(n: Node) -> DipIdRules:
    pattern = _regex(n, "mpid_pattern", n.text("mpid_pattern"))
    channel = n.optional_text("channel_pattern")
    rules = DipIdRules(pattern, n.texts("role_codes"), _provenance(n),
                       *((_regex(n, "channel_pattern", channel),) if channel is not None else ()))
    n.finish()
    return rules


def _domain_verification(n: Node) -> DomainVerification:
    validity_node = n.table("validity", required=False)
    d = DomainVerification(n.text("record_type", pattern=r"[A-Z]+"), n.text("record_name"), n.text("wait_text"),
                           n.text("keep_text"), _provenance(n),
                           None if validity_node is None else _domain_validity(validity_node))
    n.finish()
    return d


def _domain_validity(n: Node) -> DomainValidity:
    periods: list[ValidityPeriod] = []
    for p in n.tables("periods"):
        period = ValidityPeriod(p.day("from"), p.whole("days", minimum=1))
        if periods and period.starts <= periods[-1].starts:
            raise p.fail("from", "must be later than the one before (periods go oldest first)")
        p.finish()
        periods.append(period)
    validity = DomainValidity(tuple(periods), n.text("renew_text"), _provenance(n))
    n.finish()
    return validity


def _signing(n: Node) -> SigningScheme:
    template = n.text("string_to_sign")
    for field in re.findall(r"\{([^{}]*)\}", template):
        if field not in STRING_TO_SIGN_FIELDS:
            raise n.fail("string_to_sign", f"uses {{{field}}}; it may only use "
                                           + ", ".join("{" + f + "}" for f in STRING_TO_SIGN_FIELDS))
    header = r"[A-Za-z0-9-]+"
    scheme = SigningScheme(
        certificate_kinds=n.texts("certificate_kinds", required=True),
        method=n.text("method", pattern=r"[A-Z]+"),
        sample_url=n.text("sample_url", pattern=_URL),
        date_header=n.text("date_header", pattern=header),
        content_hash_header=n.text("content_hash_header", pattern=header),
        certificate_header=n.text("certificate_header", pattern=header),
        signature_header=n.text("signature_header", pattern=header),
        string_to_sign=template,
        lowercase_url=n.flag("lowercase_url"),
        certificate_lf=n.flag("certificate_lf"),
        algorithm=n.choice("algorithm", SIGNATURE_ALGORITHMS),
        provenance=_provenance(n),
    )
    if not scheme.certificate_kinds:
        raise n.fail("certificate_kinds", "must name at least one certificate kind")
    n.finish()
    return scheme


def _day_range(n: Node, name: str) -> DayRange:
    days = n.wholes(name, minimum=1)
    if len(days) > 2 or days != tuple(sorted(days)):
        raise n.fail(name, "must be one number of working days, or the fewest and the most (e.g. [5, 7])")
    return DayRange(days[0], days[-1])


def _timeline(n: Node) -> Timeline:
    total = _day_range(n, "working_days")
    wait = _day_range(n, "wait_working_days")
    if wait.most > total.most:
        raise n.fail("wait_working_days", f"is up to {wait.most}, longer than the whole onboarding "
                                          f"(working_days, up to {total.most})")
    subdivision = n.optional_text("holidays_subdivision")
    if subdivision is not None and not re.fullmatch(r"[A-Z0-9]{1,4}", subdivision):
        raise n.fail("holidays_subdivision", f'must be a subdivision code such as "ENG", got "{subdivision}"')
    timeline = Timeline(total, n.text("wait_step"), wait, n.text("holidays_country", pattern=r"[A-Z]{2}"),
                        subdivision, n.text("holidays_name"), _provenance(n))
    n.finish()
    return timeline


def _support(n: Node) -> SupportContact:
    url = n.optional_text("url")
    if url is not None and not re.fullmatch(_URL, url):
        raise n.fail("url", f'must be an https:// address, got "{url}"')
    email = n.optional_text("email")
    if email is not None and not re.fullmatch(r"[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", email):
        raise n.fail("email", f'must be an e-mail address, got "{email}"')
    if url is None and email is None:
        raise n.fail("url", "is missing: a support contact needs a web address (url) or an e-mail address (email)")
    url_is = n.optional_text("url_is")
    if url_is is not None and url is None:
        raise n.fail("url_is", "says what the url is, but there is no url")
    contact = SupportContact(n.text("id", pattern=_ID), n.text("name"), n.text("use_for"), url, url_is, email,
                             _provenance(n))
    n.finish()
    return contact


def _check_references(p: Profile, file: str) -> None:
    """Cross-table checks: unique ids, and every id mentioned refers to something defined."""
    tables: dict[str, tuple[str, ...]] = {
        "roles": p.role_ids(), "steps": tuple(s.id for s in p.steps),
        "certificate_kinds": tuple(k.id for k in p.certificate_kinds),
        "environments": tuple(e.id for e in p.environments), "audiences": tuple(a.id for a in p.audiences),
        "webhook_rules": tuple(w.id for w in p.webhook_rules),
        "package_destinations": tuple(d.id for d in p.package_destinations),
        "support": tuple(c.id for c in p.support),
    }
    for table, ids in tables.items():
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                raise ProfileError(file, f"{table}[{i}].id", f'"{item_id}" is used twice')
            seen.add(item_id)
    roles = set(p.role_ids())
    envs = {e.id for e in p.environments}

    def known(key: str, values: tuple[str, ...], allowed: set[str], what: str) -> None:
        for v in values:
            if v not in allowed:
                raise ProfileError(file, key, f'"{v}" is not {what}')

    for i, r in enumerate(p.roles):
        known(f"roles[{i}].counts_as", r.counts_as, roles - {r.id}, "another role defined in this profile")
    earlier: set[str] = set()
    for i, s in enumerate(p.steps):
        known(f"steps[{i}].owner_roles", s.owner_roles, roles, "a role defined in this profile")
        known(f"steps[{i}].helper_roles", s.helper_roles, roles, "a role defined in this profile")
        known(f"steps[{i}].environments", s.environments, envs, "an environment defined in this profile")
        known(f"steps[{i}].requires_steps", s.requires_steps, earlier, "a step defined earlier in the journey")
        earlier.add(s.id)
    for i, k in enumerate(p.certificate_kinds):
        known(f"certificate_kinds[{i}].step", (k.step,), earlier, "a step defined in this profile")
    kinds = {k.id for k in p.certificate_kinds}
    for i, a in enumerate(p.audiences):
        known(f"audiences[{i}].role", (a.role,), roles, "a role defined in this profile")
        known(f"audiences[{i}].certificate_kinds", a.certificate_kinds, kinds,
              "a certificate kind defined in this profile")
        known(f"audiences[{i}].steps", a.steps, earlier, "a step defined in this profile")
    known("signing.certificate_kinds", p.signing.certificate_kinds, set(tables["certificate_kinds"]),
          "a certificate kind defined in this profile")
    if p.timeline is not None:
        known("timeline.wait_step", (p.timeline.wait_step,), earlier, "a step defined in this profile")
