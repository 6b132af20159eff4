"""The child process of `ui_max_stall_ms`: `python -m bench.ui_stall_child RUNS`, prints one JSON object.

It opens the wizard on the keys page of a fresh demo project, makes an RSA-4096 key through the page's own
"Make key" button, and records every tick of a 5 ms timer from the click until the page is no longer busy (the key
is made, stored and recorded). The longest gap between consecutive moments (click, ticks, end) is the longest time
the event loop could not run. One warm-up run, then RUNS measured ones, each on a new demo project.

Keys go to the real OS keychain when there is one (and are deleted again afterwards), else to an in-memory store.
Run by bench/ui_stall.py with QT_QPA_PLATFORM=offscreen and a fresh DIP_ONBOARDING_HOME.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from wizard.app import Services, build_services
from wizard.core.flow import PageId
from wizard.core.keychain import os_keychain_backend
from wizard.core.model import Person, Project
from wizard.core.profile import Profile
from wizard.demo import create_demo_project, with_demo_keychain
from wizard.ui.dialogs import Dialogs
from wizard.ui.main import make_application
from wizard.ui.pages.keys import KeysPage
from wizard.ui.wizard import OnboardingWizard

TICK_MS = 5
IDLE_MS = 250           # how long the idle baseline runs before each click
KIND = "dip-mtls"
ALGORITHM = "rsa-4096"
WAIT_S = 120.0          # give up on one run after this long


class BenchFailed(Exception):
    pass


class _NoDialogs(Dialogs):
    """A fresh project has no key to replace, so no dialog may open; one that does is a failure."""

    def confirm(self, parent: QWidget, title: str, text: str, *, action: str) -> bool:
        raise BenchFailed(f"unexpected question: {text}")

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        raise BenchFailed(f"unexpected error dialog: {text}")

    def edit_person(self, parent: QWidget, profile: Profile, project: Project, person: Person | None) -> None:
        raise BenchFailed("unexpected person dialog")


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


def idle_gap(app: QApplication) -> float:
    """The longest gap of the same timer while nothing happens: the floor this machine's event loop shows."""
    ticker = Ticker()
    loop = QEventLoop()
    QTimer.singleShot(IDLE_MS, loop.quit)
    start = time.perf_counter_ns()
    ticker.timer.start()
    loop.exec()
    ticker.timer.stop()
    return ticker.max_gap_ms(start, time.perf_counter_ns())


def one_run(app: QApplication, services: Services, index: int) -> dict[str, Any]:
    folder = services.paths.projects_dir / f"northwind-{index}"
    create_demo_project(folder, services.profile, services.clock)
    window = OnboardingWizard(services, _NoDialogs())
    window.open_project(folder)
    window.walk_to(PageId.KEYS)
    window.show()
    page = window.currentPage()
    if not isinstance(page, KeysPage):
        raise BenchFailed("the wizard did not reach the keys page")
    wait_until(app, lambda: page.make_button.isEnabled() or page.file_vault_button.isVisible(),
               "the keychain lookup")
    if not page.make_button.isEnabled():
        raise BenchFailed(f"the keys page cannot make keys: {page.vault_label.text()}")
    page.select_kind(KIND)
    page.algorithm.setCurrentIndex(page.algorithm.findData(ALGORITHM))
    idle = idle_gap(app)

    ticker = Ticker()
    loop = QEventLoop()
    page.busy_changed.connect(lambda busy: None if busy else loop.quit())
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(int(WAIT_S * 1000))
    ticker.timer.start()
    start = time.perf_counter_ns()
    page.make_button.click()
    if page.is_busy():
        loop.exec()
    end = time.perf_counter_ns()
    ticker.timer.stop()
    guard.stop()

    session = window.session
    keys = session.project.keys_for(KIND) if session is not None else ()
    if page.is_busy():
        raise BenchFailed(f"the key was not made within {WAIT_S:.0f} s")
    if page.page_error.text() or not keys:
        raise BenchFailed(f"making the key failed: {page.page_error.text() or 'no key was recorded'}")
    # Outside the measured window: leave nothing behind in a real keychain.
    services.vaults.keychain().delete(keys[0].id)
    window.close()
    window.deleteLater()
    app.processEvents()
    return {"max_gap_ms": round(ticker.max_gap_ms(start, end), 2), "idle_max_gap_ms": round(idle, 2),
            "click_to_done_ms": round((end - start) / 1e6, 1), "ticks": len(ticker.stamps)}


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 5
    app = make_application()
    services, keychain = choose_keychain(build_services())
    try:
        warmup = one_run(app, services, 0)
        measured = [one_run(app, services, i) for i in range(1, runs + 1)]
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}", "keychain": keychain}))
        return 1
    print(json.dumps({"keychain": keychain, "kind": KIND, "algorithm": ALGORITHM, "tick_ms": TICK_MS,
                      "warmup": warmup, "runs": measured}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
