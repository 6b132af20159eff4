"""The command line: the same services as the GUI, headless and scriptable.

Plain text by default, JSON with `--json`. Exit codes: 0 success, 1 a problem the user can fix (one line on
stderr), 2 a mistyped command, 70 an internal error (a redacted crash report is saved to the log folder).
`roles check` also exits 1 when the staffing has errors, so scripts can gate on it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wizard import APP_NAME, __version__, cli_bundle, cli_certs, cli_keys, cli_people, cli_track, cli_webhook
from wizard.app import Services, build_services
from wizard.cli_output import emit, with_folder
from wizard.cli_report import COMMANDS as REPORT_COMMANDS
from wizard.cli_report import add_parsers as add_report_parsers
from wizard.core.algorithms import describe_algorithm, fingerprint_start
from wizard.core.crash import format_crash, save_crash
from wizard.core.errors import InvalidInput, UnknownId, WizardError
from wizard.core.findings import Finding, errors
from wizard.core.journey import (
    DateWindow,
    JourneyTimeline,
    PlannedStep,
    expected_time,
    journey_timeline,
    timeline_lines,
)
from wizard.core.lifecycle import key_status
from wizard.core.model import Project, with_person
from wizard.core.organisation import build_mpids, build_organisation, parse_mpid_spec
from wizard.core.people import build_person, role_labels
from wizard.core.profile import DayRange, Timeline
from wizard.core.session import ProjectSession
from wizard.core.support import HEADING as HELP_HEADING
from wizard.core.support import support_lines
from wizard.gui_start import add_gui_options, gui_defaults

PROG = "dip-onboarding"
# Which command-line option each input field comes from, so an error names what to retype.
_OPTION_FOR_FIELD = {"name": "--name", "org_name": "--org", "email": "--email", "phone": "--phone",
                     "job_title": "--job-title", "roles": "--role", "primary": "--primary",
                     "company_number": "--company-number",
                     "domain": "--domain", "description": "--description", "mpids": "--mpid", "mpid": "--mpid",
                     "env": "--env", "cert": "--cert", "algorithm": "--algorithm", "passphrase": "--passphrase-file",
                     "api_key": "--key-file", "api_secret": "--secret-file",
                     "profile": "--profile", "password": "--password-file", "file": "FILE",
                     "audience": "--audience", "include_pfx": "--include-pfx", "keychain": "--keychain", "yes": "--yes",
                     "dip_id": "--dip-id"}
EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 70


def _folder(text: str) -> Path:
    """A project folder argument: an empty string would silently mean the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the project folder is empty; give a folder path")
    return Path(text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        # argparse's own messages already name the option; keep them to one line plus where to get help.
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    # The shared options may be typed before or after the command. SUPPRESS keeps a subcommand from
    # overwriting a value typed before it with its own default; `parse` fills in the defaults afterwards
    # (set_defaults would change the shared action objects, and so every subcommand, too).
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print JSON instead of text")
    common.add_argument("--dip-profile", dest="profile", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                        help="use this DIP profile file instead of the built-in one")

    p = _Parser(prog=PROG, description=f"{APP_NAME}: onboarding to Elexon's Data Integration Platform. "
                "With no command, opens the wizard window.", parents=[common])
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    p.add_argument("--self-test", action="store_true", help="check that the app can run here and name the "
                   "keychain it found")
    p.add_argument("--self-test-window", action="store_true", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gui = sub.add_parser("gui", parents=[common], help="open the wizard window (the default)")
    add_gui_options(gui)

    project = sub.add_parser("project", help="create onboarding projects").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    init = project.add_parser("init", parents=[common], help="start a new onboarding project in DIR")
    init.add_argument("dir", type=_folder, metavar="DIR")
    init.add_argument("--org", required=True, metavar="NAME", help="registered company name")
    init.add_argument("--company-number", required=True, metavar="N", help="Companies House number")
    init.add_argument("--domain", required=True, help="the domain your organisation manages")
    init.add_argument("--env", required=True, metavar="ENV", help="uit or production")
    init.add_argument("--description", default="", help="short company description")
    init.add_argument("--dcp", action="store_true", help="the organisation acts as a DIP Connection Provider")
    init.add_argument("--mpid", action="append", default=[], metavar="MPID[:CODE,...]",
                      help="an MPID and its DIP role codes, e.g. ABCD:LDSO (repeatable)")

    person = sub.add_parser("person", help="plan the people who take DIP roles").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    add = person.add_parser("add", parents=[common], help="add a person with one or more roles")
    add.add_argument("dir", type=_folder, metavar="DIR")
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--phone", default="", help="direct phone number (needed for the Primary Certificate Admin)")
    add.add_argument("--job-title", default="")
    add.add_argument("--role", action="append", required=True, metavar="ROLE",
                     help="a role id from the profile (repeatable)")
    add.add_argument("--primary", action="store_true", help="this person is the primary holder of their role "
                     "(e.g. Primary Certificate Admin)")
    add.add_argument("--external", action="store_true", help="this person is not an employee of the organisation")
    cli_people.add_person_parsers(person, common, _folder)

    roles = sub.add_parser("roles", help="check who holds which DIP role").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    check = roles.add_parser("check", parents=[common], help="check the staffing rules; exits 1 on errors")
    check.add_argument("dir", type=_folder, metavar="DIR")

    status = sub.add_parser("status", parents=[common], help="where the project stands")
    status.add_argument("dir", type=_folder, metavar="DIR")
    cli_people.add_step_parsers(sub, common, _Parser, _folder)
    vault_opts = cli_keys.add_parsers(sub, common, _Parser, _folder)
    cli_certs.add_parsers(sub, common, _Parser, _folder, vault_opts)
    cli_bundle.add_parsers(sub, common, _Parser, _folder, vault_opts)
    cli_track.add_parsers(sub, common, _Parser, _folder, vault_opts)
    add_report_parsers(sub, common, _folder)
    cli_webhook.add_parsers(sub, common, _Parser, _folder)
    return p


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    # No command means the GUI, whose options then were never parsed: give them their defaults too.
    for name, default in gui_defaults().items():
        if not hasattr(args, name):
            setattr(args, name, default)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    quiet_library_warnings()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        if sys.platform == "win32" and not stream.isatty():
            # A pipe or a file (`status DIR > status.txt`, a script reading --json) gets UTF-8, as elsewhere:
            # Windows would write its ANSI code page, where a name such as "Łucja" loses letters. A console
            # already takes Unicode.
            reconfigure(encoding="utf-8", errors="replace")
        else:
            # A name the console cannot show (e.g. Japanese on a cp1252 console) is replaced, never a crash.
            reconfigure(errors="replace")
    args = parse(argv)
    try:
        if args.self_test:
            from wizard.selftest import run_self_test

            return run_self_test(args.profile)
        if args.self_test_window:
            from wizard.selftest import show_window

            return show_window(args.profile)
        if args.command in (None, "gui"):
            from wizard.ui.main import run_gui

            return run_gui(args)
        services = build_services(profile_path=args.profile)
        code = _COMMANDS[(args.command, getattr(args, "action", None))](args, services)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except KeyboardInterrupt:
        print(f"{PROG}: stopped.", file=sys.stderr)
        return 130
    except Exception as exc:
        return report_failure(exc, getattr(args, "dir", None))


def report_failure(exc: Exception, folder: object = None) -> int:
    """A failed command (or the GUI's start, from `__main__`) as the user sees it, and its exit code: a problem they
    can fix in one line on stderr, a closed output pipe in silence, anything else as an internal error."""
    if isinstance(exc, InvalidInput):
        option = _OPTION_FOR_FIELD.get(exc.field)
        print(with_folder(f"{PROG}: {option + ': ' if option else ''}{exc}", folder), file=sys.stderr)
        return EXIT_PROBLEM
    if isinstance(exc, WizardError):
        print(with_folder(f"{PROG}: {exc}", folder), file=sys.stderr)
        return EXIT_PROBLEM
    if isinstance(exc, BrokenPipeError):
        return _output_closed()
    return _internal_error(exc)


def quiet_library_warnings() -> None:
    """Warnings from libraries (cryptography's about an odd certificate, say) are for developers: the user reads
    the wizard's own plain words. `python -W ...` or PYTHONWARNINGS still shows them."""
    import warnings

    if not sys.warnoptions:
        warnings.simplefilter("ignore")


EXIT_PIPE_CLOSED = 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)


def _output_closed() -> int:
    """The reader of our output went away (`status DIR | head -1`): nothing is wrong, so say nothing. Standard
    output is pointed at the null device so the interpreter's own flush at exit cannot complain either."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_PIPE_CLOSED


def _internal_error(exc: Exception) -> int:
    from wizard.app import AppPaths, utc_now

    now = utc_now()
    saved = save_crash(format_crash(exc, now=now), AppPaths.for_user().log_dir, now)
    where = f"; a report was saved to {saved}" if saved else ""
    print(f"{PROG}: internal error ({type(exc).__name__}){where}. Please report it.", file=sys.stderr)
    return EXIT_INTERNAL


def _project_init(args: argparse.Namespace, s: Services) -> int:
    try:
        env = s.profile.environment(args.env.strip().lower())
    except UnknownId as exc:
        raise InvalidInput("env", str(exc)) from None
    org = build_organisation(name=args.org, company_number=args.company_number, domain=args.domain,
                             description=args.description, is_dcp=args.dcp)
    mpids = build_mpids(parse_mpid_spec(spec) for spec in args.mpid)
    _refuse_other_files(args.dir)
    session = ProjectSession.create(args.dir, s.profile, s.clock, organisation=org, environment=env.id, mpids=mpids)
    emit(args, f"Created the {env.name} onboarding project for {org.name} in {args.dir}.",
          {"created": str(args.dir), "organisation": _org_json(session)["organisation"], "environment": env.id})
    return 0


def _refuse_other_files(folder: Path) -> None:
    """A project goes into a new or empty folder, never among other files. A folder already holding a project is
    left to `create_project`, which names it."""
    from wizard.core.store import project_file

    if not folder.is_dir() or project_file(folder).exists():
        return
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError:
        return  # creating the project says why the folder cannot be used
    if names:
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        raise WizardError(f"{folder} is not empty (it holds {shown}): choose a new or empty folder for the "
                          "project. Nothing was written.")


def _person_add(args: argparse.Namespace, s: Services) -> int:
    session = cli_keys.open_session(args, s)
    roles = [r.strip().lower() for r in args.role]
    primary = cli_people.primary_roles(s.profile, roles) if args.primary else []
    person = build_person(s.profile, session.project, name=args.name, email=args.email, phone=args.phone,
                          job_title=args.job_title, roles=roles, primary_roles=primary, external=args.external)
    session.commit(with_person(session.project, person))
    role_names = ", ".join(role_labels(s.profile, person))
    emit(args, f"Added {person.name} ({role_names}).", {"added": _person_json(s.profile, person)})
    return 0


def _roles_check(args: argparse.Namespace, s: Services) -> int:
    session = cli_keys.open_session(args, s)
    findings = session.staffing()
    lines = [_finding_line(f) for f in findings] or ["The staffing meets every rule in the profile."]
    problems = errors(findings)
    if problems:
        lines.append(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} to fix before onboarding can go on.")
    emit(args, "\n".join(lines), {"ok": not problems, "findings": [_finding_json(f) for f in findings]})
    return EXIT_PROBLEM if problems else 0


def _status(args: argparse.Namespace, s: Services) -> int:
    session = cli_keys.open_session(args, s)
    data = _status_json(session)
    emit(args, _status_text(session), data)
    return 0


_COMMANDS: dict[tuple[str, str | None], cli_people.Command] = {
    ("project", "init"): _project_init,
    ("person", "add"): _person_add,
    ("roles", "check"): _roles_check,
    ("status", None): _status,
    ("key", "generate"): cli_keys.key_generate,
    ("key", "abandon"): cli_keys.key_abandon,
    ("keys", "check"): cli_keys.keys_check,
    ("keys", "destroy-retired"): cli_keys.keys_destroy_retired,
    ("csr", "export"): cli_keys.csr_export,
    ("atlas", "save"): cli_keys.atlas_save,
    ("key", "import"): cli_certs.key_import,
    ("cert", "import"): cli_certs.cert_import,
    ("cert", "inspect"): cli_certs.cert_inspect,
    ("pfx", "export"): cli_certs.pfx_export,
    ("pem", "export"): cli_certs.pem_export,
    ("bundle", "export"): cli_bundle.bundle_export,
    ("bundle", "verify"): cli_bundle.bundle_verify,
    ("bundle", "import"): cli_bundle.bundle_import,
    **cli_track.COMMANDS,
    **cli_people.COMMANDS,
    **REPORT_COMMANDS,
    **cli_webhook.COMMANDS,
}
_OPTION_FOR_FIELD.update(cli_track.OPTIONS)
_OPTION_FOR_FIELD.update(cli_people.OPTIONS)
_OPTION_FOR_FIELD.update(cli_webhook.OPTIONS)


def _finding_line(f: Finding) -> str:
    tag = {"error": "ERROR  ", "warning": "warning", "info": "note   "}[f.severity]
    unconfirmed = " (rule not confirmed by public guidance)" if not f.confirmed else ""
    return f"  {tag}  {f.message}{unconfirmed}"


def _finding_json(f: Finding) -> dict[str, Any]:
    return {"severity": f.severity, "code": f.code, "message": f.message, "role": f.role_id,
            "person": f.person_id, "source": f.source, "confirmed": f.confirmed}


_person_json = cli_people.person_json


def _org_json(session: ProjectSession) -> dict[str, Any]:
    o = session.project.organisation
    return {"organisation": {"name": o.name, "company_number": o.company_number, "domain": o.domain,
                             "description": o.description, "is_dcp": o.is_dcp}}


def _step_json(item: PlannedStep, timeline: Timeline | None) -> dict[str, Any]:
    s = item.step
    return {"id": s.id, "label": s.label, "title": s.title, "owner_roles": list(s.owner_roles),
            "owners": [p.name for p in item.owners], "status": item.progress.status,
            "started_on": item.progress.started_on.isoformat() if item.progress.started_on else None,
            "done_on": item.progress.done_on.isoformat() if item.progress.done_on else None,
            "expected": expected_time(s, timeline), "next": item.is_next,
            "confirmed": s.provenance.confirmed}


def _timeline_json(jt: JourneyTimeline | None) -> dict[str, Any] | None:
    """The expected working days and the dates they give (null where there are none)."""
    if jt is None:
        return None
    t = jt.timeline

    def days(d: DayRange) -> dict[str, int]:
        return {"fewest": d.fewest, "most": d.most}

    def window(w: DateWindow | None) -> dict[str, str] | None:
        return {"earliest": w.earliest.isoformat(), "latest": w.latest.isoformat()} if w is not None else None

    return {"working_days": days(t.working_days), "start": jt.start.isoformat(), "started": jt.started,
            "expected_finish": window(jt.finish), "late": jt.late,
            "finished_on": jt.finished_on.isoformat() if jt.finished_on else None,
            "wait": {"step": jt.wait_step.id, "working_days": days(t.wait_working_days),
                     "expected_done": window(jt.wait)},
            "holidays": t.holidays_name, "text": list(timeline_lines(jt)),
            "source": t.provenance.source, "confirmed": t.provenance.confirmed, "note": t.provenance.note}


def _certificate_state(project: Project, key_id: str) -> str:
    """"in use" (its key is active), "waiting" (valid later; its key not switched to yet) or "retired"."""
    state = next((k.state for k in project.keys if k.id == key_id), "active")
    return {"pending": "waiting", "retired": "retired"}.get(state, "in use")


def _status_json(session: ProjectSession) -> dict[str, Any]:
    p, profile = session.project, session.profile
    env = profile.environment(p.environment)
    return {
        **_org_json(session),
        "environment": {"id": env.id, "name": env.name},
        "profile": {"id": profile.id, "version": profile.version},
        "mpids": [{"mpid": m.mpid, "role_codes": list(m.role_codes)} for m in p.mpids],
        "people": [_person_json(profile, x) for x in p.people],
        "findings": [_finding_json(f) for f in session.findings()],
        "journey": [_step_json(i, profile.timeline) for i in session.plan()],
        "timeline": _timeline_json(journey_timeline(profile, session.plan(), session.today())),
        "keys": [cli_keys.key_json(k) for k in p.keys],
        "csrs": [{"kind": k.kind, "key": k.id, "exported_at": k.csr_exported_at.isoformat(), "pem": k.csr_pem}
                 for k in p.keys if k.csr_exported_at is not None],
        "certificates": [{"kind": c.kind, "key": c.key_id, "subject": c.subject, "issuer": c.issuer,
                          "not_before": c.not_before.isoformat(), "not_after": c.not_after.isoformat(),
                          "days_left": (c.not_after - session.clock()).days, "fingerprint": c.fingerprint,
                          "state": _certificate_state(p, c.key_id)}
                         for c in p.certificates],
        "atlas_credentials_saved": p.atlas_credentials.saved_at.isoformat() if p.atlas_credentials else None,
        "dip_ids": cli_track.dip_ids_json(session),
        "channels": cli_track.channels_json(session),
        "domain_txt": p.domain_txt.value if p.domain_txt else None,
        "domain_verification": cli_track.domain_json(session),
        "promoted_from": p.promoted_from,
        "checklist": [{"id": i.id, "text": i.text, "done": i.done} for i in p.checklist],
        "support": [{"id": c.id, "name": c.name, "use_for": c.use_for, "url": c.url, "url_is": c.url_is,
                     "email": c.email, "source": c.provenance.source, "confirmed": c.provenance.confirmed,
                     "note": c.provenance.note} for c in profile.support],
        "created_at": p.created_at.isoformat(),
        "updated_at": p.updated_at.isoformat(),
    }


def _status_text(session: ProjectSession) -> str:
    p, profile = session.project, session.profile
    o = p.organisation
    env = profile.environment(p.environment)
    lines = [f"{o.name} (company {o.company_number}, domain {o.domain})", f"Environment: {env.name}"]
    if p.mpids:
        lines.append("MPIDs: " + ", ".join(f"{m.mpid} ({', '.join(m.role_codes) or 'no role codes'})"
                                           for m in p.mpids))
    lines.append(f"People ({len(p.people)}):" if p.people else "People: none planned yet")
    for x in p.people:
        lines.append(f"  {x.name} <{x.email}>: {', '.join(role_labels(profile, x))}")
    findings = session.findings()
    lines.append("Findings:" if findings else "Findings: none")
    lines.extend(_finding_line(f) for f in findings)
    lines.append("Journey:")
    plan = session.plan()
    for item in plan:
        owners = ", ".join(x.name for x in item.owners) or "nobody yet"
        marker = "->" if item.is_next else "  "
        lines.append(f"  {marker} {item.step.heading} [{item.progress.status}] ({owners})")
    timeline = journey_timeline(profile, plan, session.today())
    if timeline is not None:
        lines.append("Timeline:")
        lines.extend(f"  {line}" for line in timeline_lines(timeline))
    lines.append("Keys:" if p.keys else "Keys: none yet")
    for k in p.keys:
        kind = profile.certificate_kind(k.kind).name if k.kind in {c.id for c in profile.certificate_kinds} else k.kind
        state = key_status(p, k, session.clock())
        extra = " (replacement, waiting for its certificate)" if k.replaces and k.state == "pending" else ""
        lines.append(f"  {kind}: {describe_algorithm(k.algorithm)}, {state}{extra}, fingerprint "
                     f"{fingerprint_start(k.fingerprint)}")
    if p.atlas_credentials:
        lines.append(f"Atlas API key and secret: saved {p.atlas_credentials.saved_at:%d %b %Y}")
    if p.certificates:
        from wizard.core.inventory import inventory

        lines.append("Certificates:")
        words = {"ok": "", "soon": "  <- renew soon", "expired": "  <- EXPIRED", "retired": "  (retired: its key is "
                 "no longer in use and is kept until this expires)"}
        for row in inventory(profile, p, session.clock()):
            if row.status == "waiting":
                lines.append(f"  {row.kind_name}: {row.subject}, waiting, valid from {row.not_before:%d %b %Y} "
                             f"(the current certificate stays in use until then), expires {row.not_after:%d %b %Y}")
                continue
            lines.append(f"  {row.kind_name}: {row.subject}, expires {row.not_after:%d %b %Y} "
                         f"({row.days_left} days){words[row.status]}")
    domain_line = cli_track.domain_status_line(session)
    if domain_line:
        lines.append(domain_line)
    if p.dip_ids:
        lines.append(f"DIP IDs ({len(p.dip_ids)}), with {len(p.channels)} message channel"
                     f"{'s' if len(p.channels) != 1 else ''}: dip-onboarding dip-id list DIR")
    if p.checklist:
        lines.append(f"Checklist: {sum(not i.done for i in p.checklist)} of {len(p.checklist)} still to do")
    if profile.support:
        lines.append(f"{HELP_HEADING}:")
        lines.extend(f"  {line}" for line in support_lines(profile))
    return "\n".join(lines)
