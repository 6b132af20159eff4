"""A realistic demo project, for `gui --demo`, screenshots and benchmarks. Fictional people and domain."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace
from pathlib import Path

from wizard.app import Services
from wizard.core.model import with_person, with_step_status
from wizard.core.organisation import build_mpids, build_organisation
from wizard.core.people import build_person
from wizard.core.profile import Profile
from wizard.core.session import Clock, ProjectSession
from wizard.core.vault import VaultProvider

DEMO_PEOPLE = (
    ("Priya Shah", "priya.shah@northwind-networks.example", "+44 20 7946 0101", "Head of Market Operations",
     ("primary-user-admin",), ()),
    ("Tom Okafor", "tom.okafor@northwind-networks.example", "+44 20 7946 0102", "PKI Engineer",
     ("certificate-admin", "technical-lead"), ("certificate-admin",)),
    ("Grace Lin", "grace.lin@northwind-networks.example", "+44 20 7946 0103", "Integration Analyst",
     ("message-admin",), ()),
    ("Sam Patel", "sam.patel@northwind-networks.example", "", "Settlement Manager", ("user-admin",), ()),
    ("Ewan Fraser", "ewan.fraser@northwind-networks.example", "", "Network Engineer", ("dns-admin",), ()),
)


def create_demo_project(folder: Path, profile: Profile, clock: Clock) -> ProjectSession:
    """Northwind Networks Ltd in UIT, part-way through step 2, with one Certificate and Message Admin short."""
    organisation = build_organisation(name="Northwind Networks Ltd", company_number="09876543",
                                      domain="northwind-networks.example",
                                      description="Electricity distribution network operator for the North West")
    mpids = build_mpids([("NWNL", ["LDSO", "UMSO"]), ("NWRG", ["REGS"])])
    session = ProjectSession.create(folder, profile, clock, organisation=organisation, environment="uit",
                                    mpids=mpids)
    project = session.project
    for name, email, phone, title, roles, primary in DEMO_PEOPLE:
        project = with_person(project, build_person(profile, project, name=name, email=email, phone=phone,
                                                    job_title=title, roles=roles, primary_roles=primary))
    today = clock().date()
    project = with_step_status(project, "prerequisites", "done", today - dt.timedelta(days=9))
    project = with_step_status(project, "step-1", "done", today - dt.timedelta(days=6))
    project = with_step_status(project, "step-2", "in-progress", today - dt.timedelta(days=2))
    session.commit(project)
    return session


class DemoKeychain:
    """A keychain that lives in memory and is forgotten when the process ends.

    Only for the demo, screenshots and benchmarks, whose projects live in a temporary folder: keys made there must
    not land in the user's real keychain, where nothing would ever remove them. Never used for real projects.
    """

    kind = "keychain"
    name = "Demo keychain (in memory)"

    def __init__(self) -> None:
        self._entries: dict[str, str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "DemoKeychain()"

    def put(self, entry: str, value: str) -> None:
        with self._lock:
            self._entries[entry] = value

    def get(self, entry: str) -> str | None:
        with self._lock:
            return self._entries.get(entry)

    def delete(self, entry: str) -> None:
        with self._lock:
            self._entries.pop(entry, None)


def with_demo_keychain(services: Services) -> Services:
    """The same services, but keys and secrets go to a fresh in-memory `DemoKeychain`."""
    keychain = DemoKeychain()
    return replace(services, vaults=VaultProvider(services.vaults.file_path, keychain=lambda: keychain))
