"""Staffing rules: who holds which DIP role, checked against the profile, as plain-language findings.

The rules themselves (head-counts, primary holders, which roles are created first, whether people carry over
between environments) are data in the profile; this module only applies them.
"""

from __future__ import annotations

from wizard.core.findings import Finding, most_serious_first
from wizard.core.model import Person, Project
from wizard.core.profile import Profile, Role


def holders_counting(profile: Profile, project: Project, role: Role) -> tuple[Person, ...]:
    """People who hold this role, or a role that counts as it (e.g. the Primary User Admin is a User Admin)."""
    counted = {role.id} | {r.id for r in profile.roles if role.id in r.counts_as}
    return tuple(p for p in project.people if counted & set(p.roles))


def _names(people: tuple[Person, ...] | list[Person]) -> str:
    names = [p.name for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check_staffing(profile: Profile, project: Project) -> tuple[Finding, ...]:
    """All staffing findings for the project, most serious first."""
    found: list[Finding] = []
    for role in profile.roles:
        found.extend(_head_count(profile, project, role))
        if role.primary is not None:
            found.extend(_primary(project, role))
    found.extend(_creation_order(profile, project))
    found.extend(_carry_over(profile, project))
    return most_serious_first(found)


def _head_count(profile: Profile, project: Project, role: Role) -> list[Finding]:
    holders = holders_counting(profile, project, role)
    n = len(holders)
    src, ok = role.provenance.source, role.provenance.confirmed
    if n == 0 and role.min_count > 0:
        severity = "error" if role.portal_role else "warning"
        need = "someone" if role.min_count == 1 else f"at least {role.min_count} people"
        return [Finding(severity, "role-missing", f"Nobody is the {role.name} yet. Add {need} for this role: "
                        f"{_lower_first(role.summary)}", src, ok, role_id=role.id)]
    if n < role.min_count:
        return [Finding("warning", "role-too-few", f"Only {n} of {role.min_count} {role.name}s: {_names(holders)}. "
                        f"Add {role.min_count - n} more so someone can cover during absence.", src, ok,
                        role_id=role.id)]
    if role.max_count is not None and n > role.max_count:
        limit = "one person" if role.max_count == 1 else f"{role.max_count} people"
        return [Finding("error", "role-too-many", f"Only {limit} can be the {role.name}, but {n} are: "
                        f"{_names(holders)}.", src, ok, role_id=role.id)]
    return []


def _primary(project: Project, role: Role) -> list[Finding]:
    primary = role.primary
    assert primary is not None
    chosen = tuple(p for p in project.people if role.id in p.primary_roles)
    src, ok = primary.provenance.source, primary.provenance.confirmed
    found: list[Finding] = []
    if not chosen:
        if project.holders(role.id):
            text = (f"Choose which {role.name} is the {primary.title}: {_lower_first(primary.summary)}")
        else:
            text = f"Nobody is the {primary.title} yet: {_lower_first(primary.summary)}"
        found.append(Finding("error", "primary-missing", text, src, ok, role_id=role.id))
    elif len(chosen) != primary.count:
        wanted = "one person" if primary.count == 1 else f"{primary.count} people"
        found.append(Finding("error", "primary-count", f"The {primary.title} must be exactly {wanted}, but "
                             f"{len(chosen)} {'is' if len(chosen) == 1 else 'are'}: {_names(chosen)}.", src, ok,
                             role_id=role.id))
    for p in chosen:
        if role.id not in p.roles:
            found.append(Finding("error", "primary-without-role", f"{p.name} is marked {primary.title} but does "
                                 f"not hold the {role.name} role.", src, ok, role.id, p.id))
        if primary.needs_phone and not p.phone:
            found.append(Finding("error", "primary-needs-phone", f"{p.name} is the {primary.title} and needs a "
                                 "direct phone number; add one to their details.", src, ok, role.id, p.id))
        if primary.needs_email and not p.email:
            found.append(Finding("error", "primary-needs-email", f"{p.name} is the {primary.title} and needs an "
                                 "e-mail address they can reach.", src, ok, role.id, p.id))
        if primary.must_be_employee and p.external:
            found.append(Finding("error", "primary-external", f"{p.name} is from outside your organisation, but "
                                 f"the {primary.title} must be one of your own employees.", src, ok, role.id, p.id))
    return found


def _creation_order(profile: Profile, project: Project) -> list[Finding]:
    """Roles marked `create_first` must be planned before any other portal user (invited users excepted)."""
    first_roles = [r for r in profile.roles if r.create_first]
    if not first_roles:
        return []
    portal = {r.id for r in profile.roles if r.portal_role}
    invited = {r.id for r in profile.roles if r.invited}
    created = [p for p in project.people if portal & set(p.roles) and not invited & set(p.roles)]
    first_ids = {r.id for r in first_roles}
    others = [i for i, p in enumerate(created) if not first_ids & set(p.roles)]
    if not others:
        return []
    first_other = created[others[0]]
    together = " and a ".join(r.name for r in first_roles)
    # One finding per person to move, naming every role they would bring forward.
    late: dict[int, list[Role]] = {}
    for role in first_roles:
        index = next((i for i, p in enumerate(created) if role.id in p.roles), None)
        if index is not None and index > others[0]:
            late.setdefault(index, []).append(role)
    found: list[Finding] = []
    for index, roles in sorted(late.items()):
        person = created[index]
        wanted = " and a ".join(r.name for r in roles)
        found.append(Finding(
            "warning", "create-order",
            f"Plan a {wanted} before {first_other.name}: the DIP portal asks for a {together} to be created "
            f"before any other users. Move {person.name} up the list.",
            roles[0].provenance.source, all(r.provenance.confirmed for r in roles), roles[0].id, person.id))
    return found


def _carry_over(profile: Profile, project: Project) -> list[Finding]:
    env = profile.environment(project.environment)
    first_env = profile.environments[0]
    if env.people_carry_over or env.id == first_env.id or not project.people:
        return []
    return [Finding("info", "people-not-carried-over",
                    f"People are not carried over from {first_env.name}: everyone listed here needs a new "
                    f"account in the {env.name} portal, even if they already have one in {first_env.name}.",
                    env.provenance.source, env.provenance.confirmed)]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
