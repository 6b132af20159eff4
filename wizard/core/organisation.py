"""The organisation being onboarded: checked input and soft findings (MPID form, DCP reminders)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from wizard.core.errors import InvalidInput
from wizard.core.findings import Finding
from wizard.core.model import MarketParticipant, Organisation, Project
from wizard.core.profile import Profile
from wizard.core.validation import clean_text, normalise_company_number, normalise_domain, normalise_mpid


def build_organisation(*, name: str, company_number: str, domain: str, description: str = "",
                       is_dcp: bool = False) -> Organisation:
    """Validate what the user typed; raises `InvalidInput` naming the field at fault."""
    return Organisation(
        name=clean_text("org_name", name, label="registered company name"),
        company_number=normalise_company_number(company_number),
        domain=normalise_domain(domain),
        description=clean_text("description", description, label="company description", required=False,
                               limit=1000),
        is_dcp=is_dcp,
    )


def build_mpids(rows: Iterable[tuple[str, Iterable[str]]]) -> tuple[MarketParticipant, ...]:
    """MPIDs with their market role codes; blank rows are skipped, duplicates refused."""
    result: list[MarketParticipant] = []
    for mpid_text, codes in rows:
        if not mpid_text.strip():
            continue
        mpid = normalise_mpid(mpid_text)
        if any(m.mpid == mpid for m in result):
            raise InvalidInput("mpids", f"{mpid} is listed twice.")
        clean_codes = []
        for code in codes:
            c = code.strip().upper()
            if not c:
                continue
            if not re.fullmatch(r"[A-Z0-9]{2,8}", c):
                raise InvalidInput("mpids", f'"{code.strip()}" is not a role code: use 2 to 8 letters or digits, '
                                            "for example LDSO.")
            clean_codes.append(c)
        result.append(MarketParticipant(mpid, tuple(dict.fromkeys(clean_codes))))
    return tuple(result)


def recorded_details_problem(project: Project) -> str | None:
    """Why the Organisation page would refuse to be left with what the project records (the checks its Next runs,
    `build_organisation` and `build_mpids`), or None. Reopening a project walks past that page without building
    it only when this is None (OnboardingWizard.walk_to)."""
    org = project.organisation
    try:
        build_organisation(name=org.name, company_number=org.company_number, domain=org.domain,
                           description=org.description, is_dcp=org.is_dcp)
        build_mpids((m.mpid, m.role_codes) for m in project.mpids)
    except InvalidInput as exc:
        return str(exc)
    return None


def parse_mpid_spec(spec: str) -> tuple[str, list[str]]:
    """`ABCD:LDSO,UMSO` (as typed on the command line) -> ("ABCD", ["LDSO", "UMSO"])."""
    mpid, _, codes = spec.partition(":")
    return mpid, [c for c in codes.split(",") if c.strip()]


def check_organisation(profile: Profile, project: Project) -> tuple[Finding, ...]:
    """Soft checks that warn but never block: MPIDs of an unexpected form, role codes not yet known."""
    rules = profile.dip_ids
    found: list[Finding] = []
    for m in project.mpids:
        if not re.fullmatch(rules.mpid_pattern, m.mpid):
            found.append(Finding("warning", "mpid-form", f"{m.mpid} does not look like an MPID (usually 4 "
                                 "capital letters). Check it against your qualification records.",
                                 rules.provenance.source, rules.provenance.confirmed))
        for code in m.role_codes:
            if code not in rules.role_codes:
                found.append(Finding("info", "role-code-unlisted", f"{code} (for {m.mpid}) is not in the list of "
                                     "DIP role codes this wizard knows. That is fine if it is on your "
                                     "qualification records.", rules.provenance.source, rules.provenance.confirmed))
    if not project.mpids:
        found.append(Finding("info", "no-mpids", "No MPIDs recorded yet. Add the MPIDs your organisation will use "
                             "on the DIP; you need them to create your DIP IDs.", rules.provenance.source,
                             rules.provenance.confirmed))
    return tuple(found)
