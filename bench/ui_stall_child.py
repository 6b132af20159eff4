"""The child process of `ui_max_stall_ms`: `python -m bench.ui_stall_child RUNS`, prints one JSON object.

Each run, on a fresh demo project, times five things the user starts with a button, each until the page is no
longer busy, while a 5 ms timer records its every tick:
- **key**: an RSA-4096 key made with the keys page's "Make key" button (made, stored and recorded);
- **import**: that key's certificate (issued by a demo CA outside the timing and written as a PEM file with its
  chain) imported with the Certificates page's "Choose file…" button (read, matched, checked and recorded);
- **pfx**: a Modern PFX of that certificate saved with the Packages page's "Save the package…" button (key read from
  the vault, written, re-opened and checked);
- **bundle**: a handoff bundle for the Technical Lead with that PFX inside, from the Packages page's "Export a
  handoff bundle…" button (wizard/ui/bundle_section.py);
- **switch**: in a new window on the same project, every page switch from the welcome page to the last page by the
  Next button, each until the page is painted, not busy and its background jobs are done; twice: the first pass
  builds each page on its first visit (reported as `switch_first_...`, not in the result: first visits have their
  own goal, `page_first_visit_ms`), the second, after `restart()` back to the welcome page, switches between built
  pages.
The result of each is the longest gap between consecutive moments (click, ticks, end): the longest the event loop
could not run. Before each click the event loop runs untimed for a moment (`settle`), so work queued before the click
is not counted as the click's. One warm-up run, then RUNS measured ones.

Keys go to the real OS keychain when there is one (and are deleted again afterwards), else to an in-memory store.
Run by bench/ui_stall.py with QT_QPA_PLATFORM=offscreen and a fresh DIP_ONBOARDING_HOME.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from wizard.app import Services, build_services
from wizard.core.flow import PageId, next_page
from wizard.core.keychain import os_keychain_backend
from wizard.core.keys import load_private_key
from wizard.core.model import Person, Project
from wizard.core.packaging import generate_passphrase
from wizard.core.profile import Profile
from wizard.demo import create_demo_project, issue_demo_certificate, make_demo_ca, with_demo_keychain
from wizard.ui.dialogs import Dialogs
from wizard.ui.main import make_application
from wizard.ui.pages.base import BasePage
from wizard.ui.pages.certificates import CertificatesPage
from wizard.ui.pages.keys import KeysPage
from wizard.ui.pages.packages import PackagesPage
from wizard.ui.pages.welcome import WelcomePage
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

TICK_MS = 5
IDLE_MS = 250           # how long the idle baseline runs before each click
SETTLE_MS = 100         # the event loop runs this long, untimed, before each timed click (see `settle`)
KIND = "dip-mtls"
ALGORITHM = "rsa-4096"
PFX_PROFILE = "modern"
AUDIENCE = "technical-lead"  # receives a PFX in its bundle
WAIT_S = 120.0          # give up on one run after this long


class BenchFailed(Exception):
    pass


class _NoDialogs(Dialogs):
    """A fresh project has no key to replace, so no question may open; one that does is a failure. Save dialogs
    answer with the paths queued for them."""

    def __init__(self) -> None:
        self.save_paths: list[Path] = []
        self.open_paths: list[Path] = []

    def confirm(self, parent: QWidget, title: str, text: str, *, action: str) -> bool:
        raise BenchFailed(f"unexpected question: {text}")

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        raise BenchFailed(f"unexpected error dialog: {text}")

    def edit_person(self, parent: QWidget, profile: Profile, project: Project, person: Person | None) -> None:
        raise BenchFailed("unexpected person dialog")

    def save_file(self, parent: QWidget, title: str, suggested: Path, file_filter: str) -> Path | None:
        if not self.save_paths:
            raise BenchFailed(f"unexpected save dialog: {title}")
        return self.save_paths.pop(0)

    def open_files(self, parent: QWidget, title: str, start: Path, file_filter: str) -> list[Path]:
        if not self.open_paths:
            raise BenchFailed(f"unexpected open dialog: {title}")
        return [self.open_paths.pop(0)]


def choose_keychain(services: Services) -> tuple[Services, str]:
    found = os_keychain_backend()
    if found is not None:
        return services, f"OS keychain: {found[1]}"
    return with_demo_keychain(services), "in-memory store (no OS keychain found)"


def wait_until(app: QApplication, condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise BenchFailed(f"timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


class Ticker:
    """A 5 ms precise timer that records when it fires."""

    def __init__(self) -> None:
        self.stamps: list[int] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.stamps.append(time.perf_counter_ns()))

    def max_gap_ms(self, start: int, end: int) -> float:
        moments = [start, *self.stamps, end]
        return max(b - a for a, b in itertools.pairwise(moments)) / 1e6


def settle(app: QApplication) -> None:
    """Let the event loop run for SETTLE_MS, untimed: the work that the steps before a timed click queued (the
    layouts and paints after fields were filled in, a window's first paint) runs here, not inside the click's
    timing. A user's click comes long after such work; until 2026-12-06 it was timed as the click's (the idle
    baseline's first gap, ~10 ms of a window's paint, was reported as the event loop's)."""
    loop = QEventLoop()
    QTimer.singleShot(SETTLE_MS, loop.quit)
    loop.exec()


def idle_gap(app: QApplication) -> float:
    """The longest gap of the same timer while nothing happens: the floor this machine's event loop shows."""
    settle(app)
    ticker = Ticker()
    loop = QEventLoop()
    QTimer.singleShot(IDLE_MS, loop.quit)
    start = time.perf_counter_ns()
    ticker.timer.start()
    loop.exec()
    ticker.timer.stop()
    return ticker.max_gap_ms(start, time.perf_counter_ns())


def measure(app: QApplication, page: BasePage, button: QWidget) -> tuple[float, float]:
    """Click `button` and wait until `page` is no longer busy; (longest gap, click to done) in ms."""
    ticker = Ticker()
    loop = QEventLoop()

    def quit_when_idle(busy: bool) -> None:
        if not busy:
            loop.quit()

    settle(app)
    page.busy_changed.connect(quit_when_idle)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(int(WAIT_S * 1000))
    ticker.timer.start()
    start = time.perf_counter_ns()
    button.click()  # type: ignore[attr-defined]
    if page.is_busy():
        loop.exec()
    end = time.perf_counter_ns()
    ticker.timer.stop()
    guard.stop()
    page.busy_changed.disconnect(quit_when_idle)
    if page.is_busy():
        raise BenchFailed(f"{button.text()} did not finish within {WAIT_S:.0f} s")  # type: ignore[attr-defined]
    if page.page_error.text():
        raise BenchFailed(f"{button.text()} failed: {page.page_error.text()}")  # type: ignore[attr-defined]
    return round(ticker.max_gap_ms(start, end), 2), round((end - start) / 1e6, 1)


def settled(app: QApplication, window: OnboardingWizard) -> bool:
    """One event-loop pass; True when the current page is not busy and no background job is pending."""
    app.processEvents()
    page = window.currentPage()
    return not (isinstance(page, BasePage) and page.is_busy()) and pending_count() == 0


def measure_switches(app: QApplication, window: OnboardingWizard) -> tuple[float, float, str]:
    """Click Next from the welcome page to the last page; (longest gap, slowest switch click to settled, its page),
    each switch timed from its click until two event-loop passes in a row find the page settled."""
    welcome = window.page(PageId.WELCOME)
    assert isinstance(welcome, WelcomePage)
    welcome.choose_open_project()
    next_button = window.button(QWizard.WizardButton.NextButton)
    ticker = Ticker()
    worst_gap, worst_ms, worst_page = 0.0, 0.0, ""
    following = next_page(PageId.WELCOME)
    while following is not None:
        settle(app)
        ticker.stamps.clear()
        ticker.timer.start()
        start = time.perf_counter_ns()
        next_button.click()
        deadline = time.monotonic() + WAIT_S
        idle = 0
        while idle < 2:
            idle = idle + 1 if settled(app, window) else 0
            if time.monotonic() > deadline:
                raise BenchFailed(f"{following.name} did not settle within {WAIT_S:.0f} s")
        end = time.perf_counter_ns()
        ticker.timer.stop()
        if window.currentId() != following:
            raise BenchFailed(f"Next did not open {following.name}")
        gap = ticker.max_gap_ms(start, end)
        if gap > worst_gap:
            worst_gap, worst_page = gap, following.name
        worst_ms = max(worst_ms, (end - start) / 1e6)
        following = next_page(following)
    return round(worst_gap, 2), round(worst_ms, 1), worst_page


def measure_both_passes(app: QApplication, window: OnboardingWizard) -> dict[str, Any]:
    """The page switches twice in one window: the first pass builds each page as Next first reaches it (a first
    visit: its goal is `page_first_visit_ms`'s 50 ms, reported here as `switch_first_...`); the second, after going
    back to the welcome page, switches between built pages (`switch_...`, in the 16 ms goal)."""
    first_gap, first_ms, first_page = measure_switches(app, window)
    window.restart()
    settle(app)
    gap, ms, page = measure_switches(app, window)
    return {"switch": (gap, ms, page), "switch_first": (first_gap, first_ms, first_page)}


def open_at(app: QApplication, services: Services, dialogs: _NoDialogs, folder: Path, target: PageId) -> Any:
    window = OnboardingWizard(services, dialogs)
    window.open_project(folder)
    window.walk_to(target)
    window.show()
    page = window.currentPage()
    # The keychain is looked for in the background when a page opens: wait for that, outside the timing.
    wait_until(app, lambda: pending_count() == 0, "the keychain lookup")
    return window, page


def close(app: QApplication, window: OnboardingWizard) -> None:
    window.close()
    window.deleteLater()
    app.processEvents()


def one_run(app: QApplication, services: Services, index: int, out: Path) -> dict[str, Any]:
    folder = services.paths.projects_dir / f"northwind-{index}"
    session = create_demo_project(folder, services.profile, services.clock)
    dialogs = _NoDialogs()
    window, page = open_at(app, services, dialogs, folder, PageId.KEYS)
    if not isinstance(page, KeysPage):
        raise BenchFailed("the wizard did not reach the keys page")
    wait_until(app, lambda: page.make_button.isEnabled() or page.file_vault_button.isVisible(),
               "the keychain lookup")
    if not page.make_button.isEnabled():
        raise BenchFailed(f"the keys page cannot make keys: {page.vault_label.text()}")
    page.select_kind(KIND)
    page.algorithm.setCurrentIndex(page.algorithm.findData(ALGORITHM))
    idle = idle_gap(app)
    key_gap, key_ms = measure(app, page, page.make_button)
    keys = window.session.project.keys_for(KIND) if window.session is not None else ()
    if not keys:
        raise BenchFailed("making the key failed: no key was recorded")
    close(app, window)
    vault = services.vaults.keychain()
    try:
        # Outside the timing: the supplier's certificate for the new key, recorded as an import would.
        session = type(session).open(folder, services.profile, services.clock)
        now = services.clock()
        ca = make_demo_ca(now)
        organisation = session.project.organisation
        cert = issue_demo_certificate(ca, load_private_key(vault, keys[0]).public_key(),
                                      common_name=organisation.domain, organisation=organisation.name,
                                      dns_names=[organisation.domain], not_before=now - dt.timedelta(days=1),
                                      not_after=now + dt.timedelta(days=365))
        from cryptography.hazmat.primitives.serialization import Encoding

        cert_file = out / f"run-{index}-certificate.pem"
        cert_file.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in (cert, *ca.chain)))
        window, certificates = open_at(app, services, dialogs, folder, PageId.CERTIFICATES)
        if not isinstance(certificates, CertificatesPage):
            raise BenchFailed("the wizard did not reach the certificates page")
        dialogs.open_paths.append(cert_file)
        import_gap, import_ms = measure(app, certificates, certificates.choose_button)
        session = window.session
        if session is None or not session.project.certificates:
            raise BenchFailed("the certificate was not recorded by the import")
        close(app, window)

        window, packages = open_at(app, services, dialogs, folder, PageId.PACKAGES)
        if not isinstance(packages, PackagesPage):
            raise BenchFailed("the wizard did not reach the packages page")
        packages.choose_destination(PFX_PROFILE)
        packages.choose_kind(KIND)
        passphrase = generate_passphrase()
        for field in (packages.password, packages.again):
            field.setText(passphrase)
        dialogs.save_paths.append(out / f"run-{index}.pfx")
        pfx_gap, pfx_ms = measure(app, packages, packages.save_button)
        if not (out / f"run-{index}.pfx").is_file():
            raise BenchFailed("the PFX was not written")

        handoff = packages.handoff
        handoff.audience.setCurrentIndex(handoff.audience.findData(AUDIENCE))
        handoff.include_pfx.setChecked(True)
        for field in (packages.password, packages.again):  # cleared once the PFX was written
            field.setText(passphrase)
        if not (handoff.export_button.isEnabled() and handoff.include_pfx.isChecked()):
            raise BenchFailed("the bundle section cannot export a bundle with a PFX")
        dialogs.save_paths.append(out / f"run-{index}.zip")
        bundle_gap, bundle_ms = measure(app, packages, handoff.export_button)
        if not (out / f"run-{index}.zip").is_file():
            raise BenchFailed("the bundle was not written")
        close(app, window)

        window = OnboardingWizard(services, dialogs)
        window.open_project(folder)
        window.show()
        wait_until(app, lambda: pending_count() == 0, "the window to settle")
        switches = measure_both_passes(app, window)
        switch_gap, switch_ms, switch_page = switches["switch"]
        first_gap, first_ms, first_page = switches["switch_first"]
        close(app, window)
    finally:
        vault.delete(keys[0].id)  # leave nothing behind in a real keychain
    gaps = {"key": key_gap, "import": import_gap, "pfx": pfx_gap, "bundle": bundle_gap, "switch": switch_gap}
    return {"max_gap_ms": max(gaps.values()), "idle_max_gap_ms": round(idle, 2),
            **{f"{action}_max_gap_ms": gap for action, gap in gaps.items()},
            "click_to_done_ms": key_ms, "import_click_to_done_ms": import_ms, "pfx_click_to_done_ms": pfx_ms,
            "bundle_click_to_done_ms": bundle_ms, "switch_click_to_done_ms": switch_ms,
            "switch_slowest_page": switch_page, "switch_first_max_gap_ms": first_gap,
            "switch_first_click_to_done_ms": first_ms, "switch_first_slowest_page": first_page}


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 5
    app = make_application()
    services, keychain = choose_keychain(build_services())
    try:
        out = services.paths.data_dir / "bench-out"
        out.mkdir(parents=True, exist_ok=True)
        warmup = one_run(app, services, 0, out)
        measured = [one_run(app, services, i, out) for i in range(1, runs + 1)]
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}", "keychain": keychain}))
        return 1
    print(json.dumps({"keychain": keychain, "kind": KIND, "algorithm": ALGORITHM, "tick_ms": TICK_MS,
                      "pfx_profile": PFX_PROFILE, "audience": AUDIENCE,
                      "warmup": warmup, "runs": measured}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
