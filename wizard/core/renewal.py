"""Guided renewal of a certificate kind: a new key and CSR while the current certificate stays in use.

Builds on the key lifecycle in `lifecycle.py` (a kind keeps its active key and at most one pending replacement;
the replacement's certificate, once valid, makes it active and retires the old key, which is kept until its
certificate expires).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wizard.core.errors import WizardError
from wizard.core.model import CertificateRecord, KeyRecord, Project
from wizard.core.profile import CertificateKind, Profile


@dataclass(frozen=True, slots=True)
class RenewalState:
    kind: CertificateKind
    current: CertificateRecord | None
    days_left: int | None
    status: str  # "none" (no certificate yet), "ok", "soon" (inside the first lead time), "expired"
    replacement: KeyRecord | None  # a new key waiting for its certificate

    def advice(self) -> str:
        """The next thing to do, in plain words."""
        name = self.kind.name
        if self.current is None:
            return f"The {name} has no certificate yet, so there is nothing to renew."
        if self.replacement is not None:
            if self.replacement.csr_exported_at is None:
                return (f"A new key for the {name} is ready. Export its CSR and send it to your certificate "
                        "supplier; the current certificate stays in use meanwhile.")
            return (f"The CSR for the new {name} key was exported on {self.replacement.csr_exported_at:%d %b %Y}. "
                    "Import the new certificate when it arrives; the current one stays in use until then.")
        if self.status == "expired":
            return f"The {name} has expired. Renew it now: make a new key and CSR."
        if self.status == "soon":
            return f"The {name} expires in {self.days_left} days. Start the renewal: make a new key and CSR."
        return f"The {name} is valid for {self.days_left} more days; no renewal is needed yet."


def renewal_state(profile: Profile, project: Project, kind_id: str, now: dt.datetime) -> RenewalState:
    kind = profile.certificate_kind(kind_id)
    held = project.current_certificate(kind_id)
    keys = project.keys_for(kind_id)
    replacement = next((k for k in keys if k.replaces is not None and project.certificate_for(k.id) is None), None)
    if held is None:
        return RenewalState(kind, None, None, "none", replacement)
    cert = held[1]
    days = (cert.not_after - now).days
    lead = max(profile.reminders.lead_days)
    status = "expired" if cert.not_after <= now else "soon" if days <= lead else "ok"
    return RenewalState(kind, cert, days, status, replacement)


def renewable_kinds(profile: Profile, project: Project, now: dt.datetime) -> tuple[RenewalState, ...]:
    """Every kind with a certificate, those needing attention first."""
    order = {"expired": 0, "soon": 1, "ok": 2}
    states = [renewal_state(profile, project, k.id, now) for k in profile.certificate_kinds]
    return tuple(sorted((s for s in states if s.current is not None),
                        key=lambda s: (order.get(s.status, 3), s.days_left or 0)))


def check_renewable(state: RenewalState) -> None:
    if state.current is None:
        raise WizardError(f"The {state.kind.name} has no certificate yet, so there is nothing to renew. Make its "
                          f"first key instead: dip-onboarding key generate DIR --cert {state.kind.id}")
