"""A finding: something the wizard noticed about a project, in plain words, with how serious it is."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """`error` blocks progress, `warning` needs attention, `info` is a reminder; `source` is where the rule
    comes from and `confirmed` is false when public guidance does not confirm it."""

    severity: str
    code: str
    message: str
    source: str | None = None
    confirmed: bool = True
    role_id: str | None = None
    person_id: str | None = None


def most_serious_first(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Errors, then warnings, then notes; the order within each is kept."""
    return tuple(sorted(findings, key=lambda f: SEVERITIES.index(f.severity)))


def errors(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity == "error")
