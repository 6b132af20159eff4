"""The qualification evidence pack: one document that shows what was done in a project, for the participant's own
assurance, the DIP Manager or its Code Body.

`build_pack` reads the open project (organisation, people and the staffing checks, the journey, every certificate
with its fingerprint, DIP IDs and channels, the domain, the audit trail and its check, the profile's unconfirmed
rules) into sections of paragraphs, label/value facts and tables: plain data, no markup. `evidence_html` renders it
(escaped); `wizard/evidence_pdf.py` prints that HTML to PDF with Qt. Never key material: keys and certificates are
named by their SHA-256 fingerprints, and no PEM, CSR or public key is read into the pack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wizard.core import audit
from wizard.core.algorithms import describe_algorithm, fingerprint_text
from wizard.core.audit_words import STEP_STATUS_WORDS, VAULT_WORDS, detail_words, event_words
from wizard.core.errors import WizardError
from wizard.core.findings import Finding
from wizard.core.model import PORTAL_STATUS_WORDS, CertificateRecord, KeyRecord
from wizard.core.session import ProjectSession
from wizard.core.wording import counted

EVENT = "evidence pack made"  # the audit event written once a pack is saved (with its file and SHA-256)
FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html"}
PURPOSE = ("This pack records where the onboarding to Elexon's Data Integration Platform (DIP) stands, for the "
           "participant's own assurance and for the DIP Manager or its Code Body. It holds no private key, password "
           "or secret: keys and certificates are named by their SHA-256 fingerprints. Its own SHA-256 is written to "
           "the project's audit trail when it is saved, so a copy can be checked against the trail later.")


@dataclass(frozen=True, slots=True)
class Code:
    """A value to read character by character (a fingerprint, a hash, a serial number, a TXT value)."""

    text: str


Cell = str | Code


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    tone: str = ""  # "" plain, "ok" a check passed, "problem" something is wrong


@dataclass(frozen=True, slots=True)
class Facts:
    """Label/value pairs: a two-column table whose labels head their rows."""

    rows: tuple[tuple[str, Cell], ...]
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    widths: tuple[int, ...] = ()  # each column's share of the page width, in per cent (none: as the text needs)


Block = Paragraph | Facts | Table


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class EvidencePack:
    organisation: str
    environment: str
    made_at: dt.datetime
    made_by: str  # the program and its version
    audit_ok: bool
    audit_result: str  # the audit check's verdict in words
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        return f"Onboarding evidence pack: {self.organisation} in {self.environment}"


def pack_format(path_suffix: str) -> str:
    """"pdf" or "html" for a file's suffix; raises WizardError naming the ones that work."""
    found = FORMATS.get(path_suffix.lower())
    if found is None:
        raise WizardError(f'The evidence pack is saved as PDF or HTML: give a file name ending .pdf or .html '
                          f'(not "{path_suffix or "no suffix"}").')
    return found


def build_pack(session: ProjectSession, made_by: str) -> EvidencePack:
    """Everything the pack says, read from the open project now."""
    now = session.clock()
    env = session.profile.environment(session.project.environment)
    verdict = audit.verify(session.folder, session.revision)
    result = (f"The audit trail checks out: {counted(verdict.lines, 'line')}, none changed, removed, inserted, "
              "moved or cut off." if verdict.ok else f"The audit trail does not check out: {verdict.problem}.")
    sections = (_about(session, now, made_by), _people(session), _journey(session), _certificates(session, now),
                _dip_ids(session), _domain(session), _audit(session, verdict.ok, result), _profile(session))
    checklist = _checklist(session)
    return EvidencePack(session.project.organisation.name, env.name, now, made_by, verdict.ok, result,
                        (*sections, *checklist))


def _day(value: dt.date | dt.datetime | None, empty: str = "") -> str:
    return f"{value:%d %b %Y}" if value is not None else empty


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _about(session: ProjectSession, now: dt.datetime, made_by: str) -> Section:
    p, profile = session.project, session.profile
    o = p.organisation
    rows: list[tuple[str, Cell]] = [("Organisation", o.name), ("Companies House number", o.company_number),
                                    ("Domain", o.domain)]
    if o.description:
        rows.append(("Description", o.description))
    rows += [("DIP Connection Provider", _yes(o.is_dcp)),
             ("Environment", profile.environment(p.environment).name),
             ("MPIDs", "; ".join(f"{m.mpid} ({', '.join(m.role_codes) or 'no role codes'})" for m in p.mpids)
              or "none recorded")]
    if p.promoted_from:
        rows.append(("Promoted from", p.promoted_from))
    rows += [("Project started", _day(p.created_at)), ("Last changed", f"{p.updated_at:%d %b %Y %H:%M} UTC"),
             ("DIP profile", f"{profile.name}, version {profile.version}"),
             ("Pack made", f"{now:%d %b %Y %H:%M} UTC"), ("Made by", made_by)]
    return Section("about", "Organisation and environment", (Paragraph(PURPOSE), Facts(tuple(rows))))


_SEVERITY = {"error": "Problem", "warning": "Warning", "info": "Note"}


def _findings(findings: tuple[Finding, ...], caption: str) -> Table:
    return Table(("Severity", "Finding", "Rule"),
                 tuple((_SEVERITY.get(f.severity, f.severity), f.message,
                        ("confirmed by public guidance" if f.confirmed else "not confirmed by public guidance"))
                       for f in findings), caption, (14, 58, 28))


def _people(session: ProjectSession) -> Section:
    from wizard.core.people import role_labels

    p, profile = session.project, session.profile
    blocks: list[Block] = []
    if p.people:
        blocks.append(Table(("Name", "Roles", "E-mail and phone", "Employee", "DIP portal account"),
                            tuple((x.name, ", ".join(role_labels(profile, x)),
                                   x.email + (f"; {x.phone}" if x.phone else ""),
                                   "no (external)" if x.external else "yes",
                                   PORTAL_STATUS_WORDS.get(x.portal_status, x.portal_status))
                                  for x in p.people), widths=(16, 20, 34, 15, 15)))
    else:
        blocks.append(Paragraph("No people planned yet."))
    staffing = session.staffing()
    if staffing:
        problems = sum(f.severity == "error" for f in staffing)
        blocks.append(Paragraph(f"The staffing checks found {counted(problems, 'problem')} to fix before onboarding "
                                "can go on." if problems else "The staffing checks found no problem to fix before "
                                "onboarding can go on.",
                                "problem" if problems else "ok"))
        blocks.append(_findings(staffing, "Staffing checks"))
    else:
        blocks.append(Paragraph("The staffing meets every rule in the profile.", "ok"))
    return Section("people", "People and roles", tuple(blocks))


def _journey(session: ProjectSession) -> Section:
    from wizard.core.journey import expected_time, journey_findings, journey_timeline, timeline_lines

    profile = session.profile
    plan = session.plan()
    rows = tuple((item.step.heading, STEP_STATUS_WORDS.get(item.progress.status, item.progress.status)
                  + (" (next)" if item.is_next else ""), _day(item.progress.started_on, "—"),
                  _day(item.progress.done_on, "—"), ", ".join(x.name for x in item.owners) or "nobody yet",
                  expected_time(item.step, profile.timeline) or "—") for item in plan)
    blocks: list[Block] = [Table(("Step", "Status", "Started", "Done", "Who does it", "Expected time"), rows,
                                 widths=(27, 13, 12, 12, 16, 20))]
    try:
        timeline = journey_timeline(profile, plan, session.today())
    except WizardError as exc:  # the profile's bank holiday calendar is unknown here: the dates cannot be laid out
        blocks.append(Paragraph(f"The planned dates could not be worked out: {exc}", "problem"))
    else:
        if timeline is not None:
            blocks += [Paragraph(line) for line in timeline_lines(timeline)]
    found = journey_findings(profile, plan)
    if found:
        blocks.append(_findings(found, "Journey checks"))
    return Section("journey", "The journey", tuple(blocks))


def key_kept(key: KeyRecord) -> str:
    """Where a key lives and how it got there, in the words the Audit page uses."""
    where = VAULT_WORDS.get(key.vault, key.vault)
    return f"{where}; brought in from a file you had" if key.brought_in else f"{where}; made by the wizard"


def _certificate_state(session: ProjectSession, c: CertificateRecord, now: dt.datetime) -> str:
    """In words, as the certificate inventory (core/inventory.py) judges it: waiting, retired, expired, or in use."""
    from wizard.core.inventory import certificate_status

    status = certificate_status(session.profile, session.project, c, now)
    return {"waiting": f"waiting, valid from {_day(c.not_before)}",
            "retired": "retired (its key is no longer in use; kept until it expires)", "expired": "expired",
            "soon": "in use, renew soon"}.get(status, "in use")


def _certificate(session: ProjectSession, c: CertificateRecord, now: dt.datetime) -> Facts:
    profile, project = session.profile, session.project
    names = {k.id: k.name for k in profile.certificate_kinds}
    key = next((k for k in project.keys if k.id == c.key_id), None)
    details = _parsed(c)
    days = (c.not_after - now).days
    left = f"expired {counted(-days, 'day')} ago" if c.not_after <= now else f"{counted(days, 'day')} left"
    rows: list[tuple[str, Cell]] = [
        ("Subject", details.subject or c.subject), ("Issuer", details.issuer or c.issuer),
        ("Serial number", Code(details.serial) if details.serial else "(cannot be read)"),
        ("Valid from", f"{c.not_before:%d %b %Y %H:%M} UTC"),
        ("Valid until", f"{c.not_after:%d %b %Y %H:%M} UTC ({left})"),
        ("Certificate fingerprint", Code(fingerprint_text(c.fingerprint))),
        ("Key algorithm", describe_algorithm(key.algorithm) if key else "(the key is no longer in the project)"),
    ]
    if key is not None:
        rows += [("Key fingerprint", Code(fingerprint_text(key.fingerprint))),
                 ("Where the key is kept", key_kept(key))]
    rows += [("Issuer certificates", "; ".join(details.chain) or "none imported with it"),
             ("Imported", _day(c.imported_at))]
    return Facts(tuple(rows), f"{names.get(c.kind, c.kind)}: {_certificate_state(session, c, now)}")


@dataclass(frozen=True, slots=True)
class _Parsed:
    subject: str
    issuer: str
    serial: str
    chain: tuple[str, ...]  # the subjects of the issuer certificates imported with it


def _parsed(c: CertificateRecord) -> _Parsed:
    """The full subject and issuer, the serial number and the chain's subjects, read from the stored PEM, each on
    its own: a field that cannot be read is left empty (and the project's summary is shown instead)."""
    from collections.abc import Callable

    from cryptography import x509

    from wizard.core.certfiles import read_certificates
    from wizard.core.shown import shown

    def read(fn: Callable[[], object]) -> str:
        try:
            return shown(fn())
        except Exception:  # one odd field of a public certificate must not stop the pack
            return ""

    try:
        cert = x509.load_pem_x509_certificate(c.pem.encode("ascii"))
    except Exception:
        return _Parsed("", "", "", ())
    try:
        chain = read_certificates(c.chain_pem.encode("ascii"), "The chain").certificates \
            if c.chain_pem.strip() else ()
    except Exception:
        chain = ()
    number = cert.serial_number
    serial = read(lambda: ":".join(f"{b:02X}" for b in number.to_bytes((number.bit_length() + 8) // 8, "big",
                                                                         signed=True)))
    names = [read(issuer.subject.rfc4514_string) for issuer in chain]
    return _Parsed(read(cert.subject.rfc4514_string), read(cert.issuer.rfc4514_string), serial,
                   tuple(name for name in names if name))


def _certificates(session: ProjectSession, now: dt.datetime) -> Section:
    from wizard.core.lifecycle import key_status

    profile, project = session.profile, session.project
    blocks: list[Block] = []
    if project.certificates:
        blocks.append(Paragraph(f"{counted(len(project.certificates), 'certificate')} imported. Compare a "
                                "certificate's fingerprint with the one its holder or the DIP shows."))
        blocks += [_certificate(session, c, now) for c in project.certificates]
    else:
        blocks.append(Paragraph("No certificates imported yet."))
    names = {k.id: k.name for k in profile.certificate_kinds}
    waiting = [k for k in project.keys if project.certificate_for(k.id) is None]
    if waiting:
        blocks.append(Table(("Certificate", "Key", "Key fingerprint", "State", "Where the key is kept"),
                            tuple((names.get(k.kind, k.kind), describe_algorithm(k.algorithm),
                                   Code(fingerprint_text(k.fingerprint)), key_status(project, k, now), key_kept(k))
                                  for k in waiting), "Keys waiting for their certificate", (17, 12, 37, 14, 20)))
    if project.atlas_credentials is not None:
        saved = project.atlas_credentials
        blocks.append(Paragraph(f"The GlobalSign Atlas API key and secret were saved on {_day(saved.saved_at)} in "
                                f"{VAULT_WORDS.get(saved.vault, saved.vault)} (not shown here)."))
    return Section("certificates", "Certificates and keys", tuple(blocks))


def _dip_ids(session: ProjectSession) -> Section:
    from wizard.core.dipids import channel_findings

    profile, p = session.profile, session.project
    if not p.dip_ids:
        return Section("dip-ids", "DIP IDs and message channels", (Paragraph("No DIP IDs recorded yet."),))
    blocks: list[Block] = [Table(("DIP ID", "MPID", "DIP role code", "DCP ID", "Confirmed in this environment"),
                                 tuple((d.id, d.mpid, d.role_code, d.dcp_id or "—", _yes(d.confirmed))
                                       for d in p.dip_ids))]
    if p.channels:
        rows = []
        for ch in p.channels:
            found = channel_findings(profile, p, ch)
            checks = "; ".join(f"{_SEVERITY.get(f.severity, f.severity)}: {f.message}" for f in found) or "none"
            rows.append((ch.dip_id, ch.channel, ch.url, _yes(ch.confirmed), checks))
        blocks.append(Table(("DIP ID", "Channel", "Webhook address", "Confirmed", "Notes"), tuple(rows),
                            "Message channels and their webhooks", (17, 13, 35, 17, 18)))
    else:
        blocks.append(Paragraph("No message channels recorded yet."))
    return Section("dip-ids", "DIP IDs and message channels", tuple(blocks))


def _domain(session: ProjectSession) -> Section:
    from wizard.core.domain_expiry import domain_expiry, unconfirmed_words

    profile, p = session.profile, session.project
    rules = profile.domain_verification
    rows: list[tuple[str, Cell]] = [("Domain", p.organisation.domain),
                                    ("DNS record", f"{rules.record_type} record named {rules.record_name}")]
    if p.domain_txt is not None:
        rows += [("TXT value", Code(p.domain_txt.value)), ("TXT value recorded", _day(p.domain_txt.captured_at))]
    else:
        rows.append(("TXT value", "not recorded yet"))
    blocks: list[Block] = []
    expiry = domain_expiry(profile, p, session.today())
    if expiry is None:
        rows.append(("Verified", "no verified date recorded yet"))
    else:
        left = (f"ran out {counted(-expiry.days_left, 'day')} ago" if expiry.days_left < 0 else
                "today is its last day" if expiry.days_left == 0 else f"{counted(expiry.days_left, 'day')} left")
        rows += [("Verified", _day(expiry.verified_on)), ("Can be used until", f"{_day(expiry.expires_on)} ({left})"),
                 ("Renewal", expiry.validity.renew_text)]
        caveat = unconfirmed_words(expiry.validity)
        if caveat:
            blocks.append(Paragraph(caveat))
    return Section("domain", "Domain verification", (Facts(tuple(rows)), *blocks))


def _audit(session: ProjectSession, ok: bool, result: str) -> Section:
    profile, project = session.profile, session.project
    head = audit.head_record(session.folder)
    entries = audit.read_entries(session.folder)
    facts = Facts((("Lines", str(len(entries))),
                   ("Head hash", Code(head[1]) if head else "no head record"),))
    note = Paragraph("Each line of the trail is sealed to the one before it; the head hash is the seal of the last "
                     "line. The seal shows changes made by accident or in passing, not by someone who can rewrite "
                     "every line. This pack's own making is the next line of the trail, with its SHA-256.")
    rows = tuple((str(e.n), f"{e.at:%d %b %Y %H:%M}", e.user, event_words(e.event),
                  detail_words(e.event, e.details, profile, project)) for e in entries)
    return Section("audit", "Audit trail", (Paragraph(result, "ok" if ok else "problem"), facts, note,
                                            Table(("#", "When (UTC)", "Who", "What", "Details"), rows,
                                                  widths=(5, 19, 10, 19, 47))))


def _profile(session: ProjectSession) -> Section:
    from wizard.core.profile import rule_sources, unconfirmed_rules

    profile = session.profile
    rules = unconfirmed_rules(profile)
    facts = Facts((("Profile", profile.name), ("Version", profile.version), ("Id", profile.id)))
    summary = Paragraph(f"{counted(len(rules), 'rule')} of the {len(rule_sources(profile))} this profile sources "
                        + ("are" if len(rules) != 1 else "is") + " not confirmed by public guidance: each rests on "
                        "the assumption its note states." if rules else
                        "Every rule of this profile is confirmed by public guidance.")
    blocks: list[Block] = [Paragraph(profile.description), facts, summary]
    if rules:
        blocks.append(Table(("Area", "Rule", "What it assumes"),
                            tuple((r.area, r.name, r.provenance.note or "") for r in rules), "Unconfirmed rules",
                            (16, 30, 54)))
    return Section("profile", "The DIP profile", tuple(blocks))


def _checklist(session: ProjectSession) -> tuple[Section, ...]:
    items = session.project.checklist
    if not items:
        return ()
    return (Section("checklist", "Checklist", (Table(("Item", "Done"), tuple(
        (i.text, f"yes, {_day(i.done_at)}" if i.done and i.done_at else _yes(i.done)) for i in items)),)),)
