"""Command-line tracking after the certificates: DIP IDs, message channels and webhooks, domain verification,
reminders (.ics), renewal, promotion to Production with its checklist, the audit trail and the signing self-test."""

from __future__ import annotations

import argparse
import base64
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.app import Services
from wizard.cli_keys import _kind, _vault, open_session, vault_for
from wizard.cli_output import PROG, emit
from wizard.core.errors import InvalidInput, WizardError
from wizard.core.findings import Finding
from wizard.core.session import ProjectSession

# Which option each input field comes from, so a refusal names what to retype.
OPTIONS = {"dip_id": "--dip-id", "role_code": "--role-code", "dcp_id": "--dcp-id", "channel": "--channel",
           "url": "--url", "value": "--value", "body": "--body-file", "verified_on": "--on"}


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser],
                folder_arg: Callable[[str], Path], vault_opts: argparse.ArgumentParser) -> None:
    def group(name: str, text: str) -> Any:
        return sub.add_parser(name, help=text).add_subparsers(dest="action", metavar="ACTION", required=True,
                                                              parser_class=parser_class)

    def command(parent: Any, name: str, text: str, *extra: argparse.ArgumentParser) -> argparse.ArgumentParser:
        cmd: argparse.ArgumentParser = parent.add_parser(name, parents=[common, *extra], help=text)
        cmd.add_argument("dir", type=folder_arg, metavar="DIR")
        return cmd

    dip = group("dip-id", "DIP IDs: one per MPID and DIP role code")
    add = command(dip, "add", "record a DIP ID from the portal (the same DIP ID again replaces it)")
    add.add_argument("--mpid", required=True, metavar="M")
    add.add_argument("--role-code", required=True, metavar="C", help="DIP role code, e.g. LDSO")
    add.add_argument("--dip-id", required=True, metavar="ID")
    add.add_argument("--dcp-id", default="", metavar="ID", help="the DCP ID, when a DIP Connection Provider acts "
                     "for this role")
    add.add_argument("--new-role-code", action="store_true", help="accept a role code the profile does not list "
                     "(it is kept with the project)")
    rm = command(dip, "remove", "remove a DIP ID and its channels")
    rm.add_argument("--dip-id", required=True, metavar="ID")
    ls = command(dip, "list", "list DIP IDs and their channels")
    ls.add_argument("--csv", type=Path, metavar="FILE", help="also write the DIP ID table as CSV")
    ls.add_argument("--channels-csv", type=Path, metavar="FILE", help="also write the channel table as CSV")
    ls.add_argument("--force", action="store_true", help="replace files that already exist")

    channel = group("channel", "message channels (IF/PUB) and the webhooks that receive them")
    cset = command(channel, "set", "record the webhook address for a channel of a DIP ID")
    cset.add_argument("--dip-id", required=True, metavar="ID")
    cset.add_argument("--channel", required=True, metavar="IF-NNN", help="IF-nnn or PUB-nnn")
    cset.add_argument("--url", required=True, metavar="URL", help="the https:// webhook address")
    crm = command(channel, "remove", "forget a channel of a DIP ID")
    crm.add_argument("--dip-id", required=True, metavar="ID")
    crm.add_argument("--channel", required=True, metavar="IF-NNN")

    domain = group("domain", "domain verification (step 5)")
    txt = command(domain, "txt", "record the TXT value the DIP portal shows")
    txt.add_argument("--value", required=True, metavar="V")
    sheet = command(domain, "sheet", "the DNS Admin's sheet: record type, name and value")
    sheet.add_argument("--out", type=Path, metavar="FILE", help="write it to FILE (HTML when FILE ends .html)")
    sheet.add_argument("--force", action="store_true", help="replace a file that already exists")
    command(domain, "check", "look the TXT record up in DNS now (only when you ask)")
    verified = command(domain, "verified", "record the day GlobalSign verified (or last renewed) the domain; "
                       "its expiry follows")
    verified.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="the day it was verified")

    rem = sub.add_parser("reminders", parents=[common], help="certificate and domain renewal reminders; --ics "
                         "writes a calendar file")
    rem.add_argument("dir", type=folder_arg, metavar="DIR")
    rem.add_argument("--ics", type=Path, metavar="FILE", help="write the reminders as an iCalendar (.ics) file")
    rem.add_argument("--force", action="store_true", help="replace a file that already exists")

    renew = sub.add_parser("renew", parents=[common, vault_opts], help="start renewing a certificate: a new key "
                           "and CSR while the current certificate stays in use")
    renew.add_argument("dir", type=folder_arg, metavar="DIR")
    renew.add_argument("--cert", required=True, metavar="KIND")
    renew.add_argument("--algorithm", metavar="ALG")
    renew.add_argument("--out", type=Path, metavar="FILE", help="write the new CSR here (PEM)")
    renew.add_argument("--force", action="store_true", help="replace files that already exist")

    promote = sub.add_parser("promote", parents=[common, vault_opts], help="make the Production project from "
                             "this UIT project, with its checklist (the UIT project is not changed)")
    promote.add_argument("dir", type=folder_arg, metavar="DIR")
    promote.add_argument("--out", required=True, type=folder_arg, metavar="DIR2", help="folder for the Production "
                         "project")

    check = sub.add_parser("checklist", parents=[common], help="the project's checklist (e.g. after promotion)")
    check.add_argument("dir", type=folder_arg, metavar="DIR")
    check.add_argument("--done", action="append", default=[], metavar="ITEM", help="mark an item done")
    check.add_argument("--undo", action="append", default=[], metavar="ITEM", help="mark an item not done")

    audit = sub.add_parser("audit", parents=[common], help="the audit trail of what was done, by whom and when")
    audit.add_argument("dir", type=folder_arg, metavar="DIR")
    audit.add_argument("--verify", action="store_true", help="check that no line was changed, removed, inserted, "
                       "moved or cut off; exits 1 if one was")

    sign = sub.add_parser("sign-test", parents=[common, vault_opts], help="sign a sample DIP request with the "
                          "signing key and verify it against the imported certificate")
    sign.add_argument("dir", type=folder_arg, metavar="DIR")
    sign.add_argument("--url", metavar="URL", help="the request address to sign (default: the profile's sample)")
    sign.add_argument("--body-file", type=Path, metavar="F", help="sign this body instead of a sample message")


def _open(args: argparse.Namespace, s: Services) -> ProjectSession:
    return open_session(args, s)


def _finding_lines(findings: tuple[Finding, ...]) -> list[str]:
    return [f"  {f.severity}: {f.message}" + ("" if f.confirmed else " (rule not confirmed by public guidance)")
            for f in findings]


def _findings_json(findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    return [{"severity": f.severity, "code": f.code, "message": f.message, "confirmed": f.confirmed}
            for f in findings]


def dip_ids_json(session: ProjectSession) -> list[dict[str, Any]]:
    return [{"dip_id": d.id, "mpid": d.mpid, "role_code": d.role_code, "dcp_id": d.dcp_id,
             "confirmed": d.confirmed} for d in session.project.dip_ids]


def channels_json(session: ProjectSession) -> list[dict[str, Any]]:
    from wizard.core.dipids import channel_findings

    return [{"dip_id": c.dip_id, "channel": c.channel, "url": c.url, "confirmed": c.confirmed,
             "findings": _findings_json(channel_findings(session.profile, session.project, c))}
            for c in session.project.channels]


def _write_text(path: Path, text: str, force: bool) -> None:
    from wizard.core.files import atomic_write, check_output

    check_output(path, overwrite=force)
    try:
        atomic_write(path, text.encode("utf-8"), public=True)
    except OSError as exc:
        raise WizardError(f"Could not write {path}: {exc.strerror or exc}. Nothing was written.") from None


def dip_id_add(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.dipids import build_dip_id, unlisted_mpid

    session = _open(args, s)
    project, record, findings = build_dip_id(s.profile, session.project, mpid=args.mpid, role_code=args.role_code,
                                             dip_id=args.dip_id, dcp_id=args.dcp_id,
                                             new_role_code=args.new_role_code, now=s.clock())
    dcp = f", delegated to DCP ID {record.dcp_id}" if record.dcp_id else ""
    if project == session.project:  # the same DIP ID with the same details, already confirmed here
        raise WizardError(f"DIP ID {record.id} is already recorded for {record.mpid} as {record.role_code}{dcp}; "
                          "nothing changed. To change it, give the new details with the same --dip-id.")
    session.commit(project)
    warning = unlisted_mpid(session.project, record.mpid)
    if warning:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    emit(args, "\n".join([f"Recorded DIP ID {record.id} for {record.mpid} as {record.role_code}{dcp}.",
                          *_finding_lines(findings)]),
         {"dip_id": {"dip_id": record.id, "mpid": record.mpid, "role_code": record.role_code,
                     "dcp_id": record.dcp_id}, "findings": _findings_json(findings)})
    return 0


def dip_id_remove(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.dipids import without_dip_id

    session = _open(args, s)
    gone = len(session.project.channels_for(args.dip_id))
    session.commit(without_dip_id(session.project, args.dip_id))
    emit(args, f"Removed DIP ID {args.dip_id} and its {gone} channel{'s' if gone != 1 else ''}.",
         {"removed": args.dip_id, "channels_removed": gone})
    return 0


def dip_id_list(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.dipids import channels_csv, dip_ids_csv

    session = _open(args, s)
    p = session.project
    written = []
    if args.csv is not None:
        _write_text(args.csv, dip_ids_csv(p), args.force)
        written.append(str(args.csv))
    if args.channels_csv is not None:
        _write_text(args.channels_csv, channels_csv(p), args.force)
        written.append(str(args.channels_csv))
    lines = [] if p.dip_ids else ["No DIP IDs recorded yet."]
    for d in p.dip_ids:
        extra = (f", DCP ID {d.dcp_id}" if d.dcp_id else "") + ("" if d.confirmed else "  <- confirm in this "
                                                                                        "environment")
        lines.append(f"{d.id}: {d.mpid} {d.role_code}{extra}")
        lines += [f"  {c.channel} -> {c.url}" + ("" if c.confirmed else "  <- confirm") for c in p.channels_for(d.id)]
    lines += [f"Wrote {w}" for w in written]
    emit(args, "\n".join(lines), {"dip_ids": dip_ids_json(session), "channels": channels_json(session),
                                  "written": written})
    return 0


def channel_set(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.dipids import set_channel

    session = _open(args, s)
    project, record, findings = set_channel(s.profile, session.project, dip_id=args.dip_id, channel=args.channel,
                                            url=args.url, now=s.clock())
    session.commit(project)
    emit(args, "\n".join([f"{record.channel} of DIP ID {record.dip_id} goes to {record.url}.",
                          *_finding_lines(findings)]),
         {"channel": {"dip_id": record.dip_id, "channel": record.channel, "url": record.url},
          "findings": _findings_json(findings)})
    return 0


def channel_remove(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.dipids import normalise_channel, without_channel

    session = _open(args, s)
    name = normalise_channel(s.profile, args.channel)
    session.commit(without_channel(session.project, args.dip_id, name))
    emit(args, f"Removed {name} of DIP ID {args.dip_id}.", {"removed": {"dip_id": args.dip_id, "channel": name}})
    return 0


def domain_txt(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.domain import check_commands, with_txt_value

    session = _open(args, s)
    session.commit(with_txt_value(session.project, args.value, s.clock()))
    assert session.project.domain_txt is not None
    rules = s.profile.domain_verification
    value = session.project.domain_txt.value
    domain = session.project.organisation.domain
    emit(args, "\n".join([f"Recorded the TXT value for {domain}. Give your DNS Admin the sheet: "
                          f"dip-onboarding domain sheet {args.dir} --out dns-record.html", rules.keep_text,
                          "Check it with: " + " or ".join(check_commands(s.profile, domain))]),
         {"domain": domain, "record_type": rules.record_type, "name": rules.record_name, "value": value})
    return 0


def domain_sheet(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.domain import dns_sheet

    session = _open(args, s)
    sheet = dns_sheet(s.profile, session.project)
    if args.out is None:
        emit(args, sheet.text.rstrip("\n"), {"text": sheet.text, "html": sheet.html})
        return 0
    as_html = args.out.suffix.lower() in (".html", ".htm")
    _write_text(args.out, sheet.html if as_html else sheet.text, args.force)
    session.record("DNS sheet exported", {"file": str(args.out)})
    emit(args, f"Wrote the DNS Admin's sheet to {args.out}.", {"written": str(args.out)})
    return 0


def domain_check(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.domain import lookup_txt

    session = _open(args, s)
    txt = session.project.domain_txt
    if txt is None:
        raise WizardError("No TXT value recorded yet: dip-onboarding domain txt DIR --value VALUE")
    domain = session.project.organisation.domain
    result = lookup_txt(s.profile, domain, txt.value)
    session.record("DNS checked", {"domain": domain, "found": result.found, "tool": result.tool})
    text = (f"Found the TXT record on {domain} (answered by {result.tool})." if result.found else
            f"The TXT record is not visible on {domain} yet (answered by {result.tool}; {len(result.values)} other "
            f"TXT record{'s' if len(result.values) != 1 else ''}). {s.profile.domain_verification.wait_text}")
    emit(args, text, {"found": result.found, "tool": result.tool, "values": list(result.values)})
    return 0 if result.found else 1


def _days_words(days: int) -> str:
    if days < 0:
        return f"it ran out {-days} day{'s' if days != -1 else ''} ago: renew it now"
    return "today is its last day" if days == 0 else f"{days} day{'s' if days != 1 else ''} from today"


def domain_verified(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.domain_expiry import domain_expiry, parse_day, unconfirmed_words, with_domain_verified

    session = _open(args, s)
    today = s.clock().date()
    session.commit(with_domain_verified(session.project, parse_day(args.on), today))
    domain, verified = session.project.organisation.domain, session.project.domain_verified_on
    lines = [f"Recorded that {domain} was verified on {verified:%d %b %Y}."]
    expiry = domain_expiry(s.profile, session.project, today)
    if expiry is not None:
        lines[0] += (f" The verification can be used until {expiry.expires_on:%d %b %Y} "
                     f"({_days_words(expiry.days_left)}).")
        lines.append(f"{expiry.validity.renew_text} Then record the new date: dip-onboarding domain verified "
                     f"{args.dir} --on YYYY-MM-DD")
        lines += [w for w in (unconfirmed_words(expiry.validity),) if w]
    emit(args, "\n".join(lines), {"domain_verification": domain_json(session)})
    return 0


def domain_json(session: ProjectSession) -> dict[str, Any] | None:
    """The verified domain and its expiry for `--json` (None while no verified date is recorded)."""
    from wizard.core.domain_expiry import domain_expiry

    p = session.project
    if p.domain_verified_on is None:
        return None
    expiry = domain_expiry(session.profile, p, session.clock().date())
    validity = session.profile.domain_verification.validity
    return {"domain": p.organisation.domain, "verified_on": p.domain_verified_on.isoformat(),
            "expires_on": expiry.expires_on.isoformat() if expiry else None,
            "days_left": expiry.days_left if expiry else None, "status": expiry.status if expiry else None,
            "confirmed": validity.provenance.confirmed if validity else None}


def domain_status_line(session: ProjectSession) -> str | None:
    """`status`'s line about the verified domain (None when the profile gives no validity)."""
    from wizard.core.domain_expiry import domain_expiry

    expiry = domain_expiry(session.profile, session.project, session.clock().date())
    if expiry is None:
        if session.profile.domain_verification.validity is None:
            return None
        return ("Domain verification: no verified date recorded yet; once GlobalSign has verified the domain: "
                "dip-onboarding domain verified DIR --on YYYY-MM-DD")
    words = {"ok": "", "soon": "  <- renew soon", "expired": "  <- EXPIRED"}[expiry.status]
    return (f"Domain verification: {expiry.domain} verified on {expiry.verified_on:%d %b %Y}, can be used until "
            f"{expiry.expires_on:%d %b %Y} ({expiry.days_left} days){words}"
            + ("" if expiry.validity.provenance.confirmed else " (validity not confirmed by public guidance)"))


def reminders(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.domain_expiry import domain_expiry
    from wizard.core.reminders import reminders as reminder_list
    from wizard.core.reminders import to_ics

    session = _open(args, s)
    now = s.clock()
    items = reminder_list(s.profile, session.project, now)
    nothing = "No certificates imported and no domain verified date recorded yet"
    if args.ics is not None:
        if not session.project.certificates and domain_expiry(s.profile, session.project, now.date()) is None:
            raise WizardError(f"{nothing}, so there is nothing to remind you about.")
        _write_text(args.ics, to_ics(s.profile, session.project, now), args.force)
        session.record("reminders exported", {"file": str(args.ics)})
    today = now.date()
    lines = [f"{r.due:%d %b %Y}  {r.summary()}" + ("  (date passed)" if r.due < today else "") for r in items]
    lines = lines or [f"{nothing}, so no reminders."]
    if args.ics is not None:
        lines.append(f"Wrote {args.ics}: open it with your calendar program to add the reminders.")
    emit(args, "\n".join(lines), {"reminders": [{"kind": r.kind, "due": r.due.isoformat(), "lead_days": r.lead_days,
                                                 "not_after": r.not_after.isoformat(), "renews": r.renews}
                                                for r in items],
                                  "ics": str(args.ics) if args.ics else None})
    return 0


def renew(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.algorithms import choose_algorithm, describe_algorithm
    from wizard.core.renewal import check_renewable, renewal_state

    session = _open(args, s)
    kind = _kind(s, args.cert)
    state = renewal_state(s.profile, session.project, kind.id, s.clock())
    check_renewable(state)
    if args.out is not None:
        from wizard.core.files import check_output

        check_output(args.out, overwrite=args.force)  # before a key is made
    lines = [f"The current {kind.name} ({state.current.subject if state.current else ''}) expires on "
             f"{state.current.not_after:%d %b %Y} ({state.days_left} days); it stays in use until the new "
             "certificate is imported." if state.current else ""]
    record = state.replacement
    if record is None:
        from wizard.actions.keys import generate_key
        from wizard.actions.renewal import renewal_vault_kind

        vault = _vault(args, s, "file" if args.file_vault else renewal_vault_kind(session.project, kind.id))
        vault.check_access()
        record = generate_key(session, kind, choose_algorithm(kind, args.algorithm), vault, replace_key=True,
                              folder_label=str(args.dir)).record
        lines.append(f"Made a new {describe_algorithm(record.algorithm)} key for it in {vault.name}.")
    else:
        lines.append(f"A new key made on {record.created_at:%d %b %Y} is already waiting for its certificate.")
    csr_file = None
    if args.out is not None:
        from wizard.actions.keys import record_csr_exported
        from wizard.core.csr import export_csr

        exported = export_csr(kind, session.project.organisation, record, _vault(args, s, record.vault), args.out,
                              overwrite=args.force)
        record_csr_exported(session, record, exported.pem)
        csr_file = str(exported.csr)
        lines.append(f"Wrote its CSR to {exported.csr}: send it to your certificate supplier, then import the new "
                     f"certificate with: dip-onboarding cert import {args.dir} FILE")
    else:
        lines.append(f"Next: dip-onboarding csr export {args.dir} --cert {kind.id} --out FILE")
    emit(args, "\n".join(x for x in lines if x), {"kind": kind.id, "status": state.status,
                                                  "days_left": state.days_left, "new_key": record.id,
                                                  "fingerprint": record.fingerprint, "csr": csr_file})
    return 0


def promote(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.promotion import promote_project

    session = _open(args, s)
    # Certificates carry over only for kinds whose step the profile marks reuse; only then is a vault opened.
    reuse = any(s.profile.step(s.profile.certificate_kind(c.kind).step).production == "reuse"
                for c in session.project.certificates)
    production = promote_project(session, args.out, vault_for(args, s) if reuse else None)
    items = production.project.checklist
    lines = [f"Made the Production project in {args.out} from {args.dir} (which is unchanged).",
             f"Checklist ({sum(not i.done for i in items)} to do):",
             *(f"  [{'x' if i.done else ' '}] {i.id}: {i.text}" for i in items)]
    emit(args, "\n".join(lines), {"created": str(args.out), "from": str(args.dir),
                                  "checklist": [{"id": i.id, "text": i.text, "done": i.done} for i in items]})
    return 0


def checklist(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.promotion import tick_by_user

    session = _open(args, s)
    project = session.project
    for item in args.done:
        project = tick_by_user(project, item, s.clock(), True)
    for item in args.undo:
        project = tick_by_user(project, item, s.clock(), False)
    session.commit(project)
    items = session.project.checklist
    lines = [f"  [{'x' if i.done else ' '}] {i.id}: {i.text}" for i in items] or ["The checklist is empty."]
    emit(args, "\n".join(lines), {"checklist": [{"id": i.id, "text": i.text, "done": i.done} for i in items]})
    return 0


def audit_command(args: argparse.Namespace, s: Services) -> int:
    from wizard.core import audit

    session = _open(args, s)
    if args.verify:
        verdict = audit.verify(session.folder, session.revision)
        if not verdict.ok:
            raise WizardError(f"The audit trail does not check out: {verdict.problem}.")
        emit(args, f"The audit trail checks out: {verdict.lines} line{'s' if verdict.lines != 1 else ''}, none "
                   "changed, removed, inserted, moved or cut off.", {"ok": True, "lines": verdict.lines})
        return 0
    entries = audit.read_entries(session.folder)
    lines = [f"{e.n:>4}  {e.at:%d %b %Y %H:%M}  {e.user:<12} {e.event}"
             + (": " + ", ".join(f"{k}={v}" for k, v in e.details.items() if v not in (None, "", []))
                if e.details else "") for e in entries]
    emit(args, "\n".join(lines) or "The audit trail is empty.",
         {"entries": [{"n": e.n, "at": e.at.isoformat(), "user": e.user, "event": e.event, "details": e.details}
                      for e in entries]})
    return 0


def sign_test(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.signing import self_test

    session = _open(args, s)
    body = None
    if args.body_file is not None:
        from wizard.cli_certs import _read

        body = _read(args.body_file, "request body")
    if args.url is not None and not args.url.lower().startswith("https://"):
        raise InvalidInput("url", "Give the full https:// address of the request to sign.")
    result = self_test(s.profile, session.project, lambda record: _vault(args, s, record.vault), s.clock(),
                       url=args.url, body=body)
    session.record("signing self-test", {"kind": result.kind.id, "ok": result.ok, "url": result.request.url})
    scheme = s.profile.signing
    req = result.request
    shown = {k: (v if k != scheme.certificate_header else v[:48] + "...") for k, v in req.headers.items()}
    lines = [f"Signed a sample {req.method} to {req.url} with the {result.kind.name} key.", "Headers:",
             *(f"  {k}: {v}" for k, v in shown.items()), f"String signed: {req.string_to_sign}", "Checks:",
             *(f"  {'OK  ' if c.ok else 'FAIL'}  {c.message}" for c in result.checks)]
    if not scheme.provenance.confirmed:
        lines.append(f"Note: {scheme.provenance.note}")
    emit(args, "\n".join(lines), {"ok": result.ok, "kind": result.kind.id, "method": req.method, "url": req.url,
                                  "headers": req.headers, "string_to_sign": req.string_to_sign,
                                  "body_base64": base64.b64encode(req.body).decode("ascii"),
                                  "checks": [{"name": c.name, "ok": c.ok, "message": c.message}
                                             for c in result.checks],
                                  "confirmed": scheme.provenance.confirmed})
    return 0 if result.ok else 1


COMMANDS = {
    ("dip-id", "add"): dip_id_add,
    ("dip-id", "remove"): dip_id_remove,
    ("dip-id", "list"): dip_id_list,
    ("channel", "set"): channel_set,
    ("channel", "remove"): channel_remove,
    ("domain", "txt"): domain_txt,
    ("domain", "sheet"): domain_sheet,
    ("domain", "check"): domain_check,
    ("domain", "verified"): domain_verified,
    ("reminders", None): reminders,
    ("renew", None): renew,
    ("promote", None): promote,
    ("checklist", None): checklist,
    ("audit", None): audit_command,
    ("sign-test", None): sign_test,
}
