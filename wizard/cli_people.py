"""Command-line changes to the people and the journey, as the GUI's People and Journey pages make them: `person
edit`, `person remove` and `step set`, through the same core functions (build_person, with_person, without_person,
with_step_status)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from wizard.app import Services
from wizard.cli_keys import open_session
from wizard.cli_output import emit
from wizard.core.errors import InvalidInput, UnknownId
from wizard.core.model import STEP_STATUSES, Person, Project, with_person, with_step_status, without_person
from wizard.core.people import build_person, role_labels
from wizard.core.profile import Profile

# Which option each input field comes from, so a refusal names what to retype.
Command = Callable[[argparse.Namespace, Services], int]
OPTIONS = {"new_name": "--new-name", "step": "--step", "status": "--status", "date": "--date"}


def add_person_parsers(person: Any, common: argparse.ArgumentParser, folder_arg: Callable[[str], Path]) -> None:
    """`person edit` and `person remove`, beside `person add` (made in cli.py)."""
    edit = person.add_parser("edit", parents=[common], help="change a person: only what you give changes")
    edit.add_argument("dir", type=folder_arg, metavar="DIR")
    edit.add_argument("--name", required=True, metavar="N", help="the person's name as recorded (or their e-mail)")
    edit.add_argument("--new-name", metavar="N", help="their new name")
    edit.add_argument("--email", metavar="E")
    edit.add_argument("--phone", metavar="P", help="direct phone number (an empty value removes it)")
    edit.add_argument("--job-title", metavar="T")
    edit.add_argument("--role", action="append", metavar="ROLE", help="a role id (repeatable); when given, these "
                      "replace the person's roles")
    edit.add_argument("--primary", action=argparse.BooleanOptionalAction, default=None,
                      help="make them (or, with --no-primary, no longer) the primary holder of their roles that "
                      "have one (e.g. Primary Certificate Admin)")
    remove = person.add_parser("remove", parents=[common], help="take a person out of the plan")
    remove.add_argument("dir", type=folder_arg, metavar="DIR")
    remove.add_argument("--name", required=True, metavar="N", help="the person's name as recorded (or their e-mail)")


def add_step_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser],
                     folder_arg: Callable[[str], Path]) -> None:
    step = sub.add_parser("step", help="record progress on a journey step").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    cmd = step.add_parser("set", parents=[common], help="record a step's status, as the Journey plan page does")
    cmd.add_argument("dir", type=folder_arg, metavar="DIR")
    cmd.add_argument("--step", required=True, metavar="ID", help="the step id, e.g. prerequisites or step-3 "
                     "(`status DIR --json` lists them)")
    cmd.add_argument("--status", required=True, choices=STEP_STATUSES)
    cmd.add_argument("--date", metavar="YYYY-MM-DD", help="the day it started or was done (default: today)")


def primary_roles(profile: Profile, roles: Sequence[str]) -> list[str]:
    """The roles among `roles` that have a primary holder (what --primary makes the person), or `InvalidInput`."""
    with_primary = profile.roles_with_primary()
    primary = [r for r in roles if r in with_primary]
    if not primary:
        raise InvalidInput("primary", f"--primary applies only to these roles: {', '.join(with_primary)}.")
    return primary


def find_person(project: Project, name: str) -> Person:
    """The one person called `name` (any case), or with that e-mail; otherwise a refusal naming who there is."""
    wanted = " ".join(name.split()).casefold()
    found = [p for p in project.people if " ".join(p.name.split()).casefold() == wanted]
    found = found or [p for p in project.people if p.email.casefold() == wanted]
    if len(found) == 1:
        return found[0]
    if found:
        emails = ", ".join(p.email for p in found)
        raise InvalidInput("name", f'{len(found)} people are called "{name}" ({emails}): give the e-mail address '
                                   "of the one you mean instead.")
    names = ", ".join(p.name for p in project.people)
    there = f"The people recorded are: {names}." if names else "Nobody is recorded yet."
    raise UnknownId(f'No person called "{name}" in this project. {there}')


def person_edit(args: argparse.Namespace, s: Services) -> int:
    session = open_session(args, s)
    old = find_person(session.project, args.name)
    roles = [r.strip().lower() for r in args.role] if args.role else list(old.roles)
    if args.primary is None:
        primaries = [r for r in old.primary_roles if r in roles]
    else:
        primaries = primary_roles(s.profile, roles) if args.primary else []

    def given(value: str | None, current: str) -> str:
        return current if value is None else value

    person = build_person(s.profile, session.project, name=given(args.new_name, old.name),
                          email=given(args.email, old.email), phone=given(args.phone, old.phone),
                          job_title=given(args.job_title, old.job_title), roles=roles, primary_roles=primaries,
                          external=old.external, portal_status=old.portal_status, person_id=old.id)
    session.commit(with_person(session.project, person))
    was = f" (was {old.name})" if person.name != old.name else ""
    emit(args, f"Changed {person.name}{was}: {', '.join(role_labels(s.profile, person))}, {person.email}"
               + (f", {person.phone}" if person.phone else "") + ".",
         {"changed": person_json(s.profile, person)})
    return 0


def person_remove(args: argparse.Namespace, s: Services) -> int:
    session = open_session(args, s)
    person = find_person(session.project, args.name)
    session.commit(without_person(session.project, person.id))
    emit(args, f"Removed {person.name} ({', '.join(role_labels(s.profile, person))}).",
         {"removed": person_json(s.profile, person)})
    return 0


def _day(text: str, today: dt.date) -> dt.date:
    value = text.strip()
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("date", f'"{value[:40]}" is not a day in the form YYYY-MM-DD, for example 2026-03-02.')
    if day > today:
        raise InvalidInput("date", f"{day:%d %b %Y} has not come yet: give the day the step started or was done.")
    return day


def step_set(args: argparse.Namespace, s: Services) -> int:
    session = open_session(args, s)
    steps = s.profile.steps_for(session.project.environment)
    wanted = args.step.strip().lower()
    step = next((x for x in steps if x.id == wanted), None)
    if step is None:
        raise UnknownId(f'"{args.step}" is not a step of this project. Use one of: '
                        f'{", ".join(x.id for x in steps)}.')
    day = session.today() if args.date is None else _day(args.date, session.today())
    session.commit(with_step_status(session.project, step.id, args.status, day))
    progress = session.project.step_progress(step.id)
    dates = "".join(f", {what} {when:%d %b %Y}" for what, when in (("started", progress.started_on),
                                                                  ("done", progress.done_on)) if when)
    emit(args, f"{step.heading}: {progress.status}{dates}.",
         {"step": step.id, "status": progress.status,
          "started_on": progress.started_on.isoformat() if progress.started_on else None,
          "done_on": progress.done_on.isoformat() if progress.done_on else None})
    return 0


def person_json(profile: Profile, p: Person) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "email": p.email, "phone": p.phone, "job_title": p.job_title,
            "roles": list(p.roles), "primary_roles": list(p.primary_roles), "external": p.external,
            "portal_status": p.portal_status, "role_names": role_labels(profile, p)}


COMMANDS: dict[tuple[str, str | None], Command] = {
    ("person", "edit"): person_edit,
    ("person", "remove"): person_remove,
    ("step", "set"): step_set,
}
