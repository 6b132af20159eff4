"""The child process of `page_first_visit_ms`: `python -m bench.page_visit_child`, prints one JSON object.

One fresh process is one run: the demo project (Northwind, with its DIP IDs, channels and domain) is opened in a new
window on the welcome page, which is shown and settled; then the Next button is clicked page by page to the last
page. Each page's first visit is timed from the click until the page is built (its module imported and the page
made, on first use: `OnboardingWizard.page`), initialised, laid out and painted, and the event loop has run the work
the page queued for just after it is drawn: the click, then event-loop passes (`processEvents`, which delivers the
posted layout and paint events and zero-time timers) until two passes in a row find the page not busy. Background
jobs (the keys page's keychain lookup) are not waited for inside the timing; they are waited for after it.
Keys go to an in-memory keychain (only looked up here, never written). Run with QT_QPA_PLATFORM=offscreen and a fresh
DIP_ONBOARDING_HOME (bench/page_visit.py).
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtWidgets import QApplication, QWizard

from wizard.app import build_services
from wizard.core.flow import PageId, next_page
from wizard.demo import add_demo_tracking, create_demo_project, with_demo_keychain
from wizard.ui.dialogs import Dialogs
from wizard.ui.main import make_application
from wizard.ui.pages.base import BasePage
from wizard.ui.pages.welcome import WelcomePage
from wizard.ui.wizard import OnboardingWizard

IDLE_PASSES = 2
MAX_PASSES = 200
WAIT_S = 60.0


def settle(app: QApplication, window: OnboardingWizard) -> None:
    idle = 0
    for _ in range(MAX_PASSES):
        app.processEvents()
        page = window.currentPage()
        idle = 0 if isinstance(page, BasePage) and page.is_busy() else idle + 1
        if idle >= IDLE_PASSES:
            return


def wait_for_background(app: QApplication) -> None:
    workers = sys.modules.get("wizard.ui.workers")
    deadline = time.monotonic() + WAIT_S
    while workers is not None and workers.pending_count() > 0 and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    app.processEvents()


def main() -> int:
    app = make_application()
    services = with_demo_keychain(build_services())
    folder = services.paths.projects_dir / "northwind-networks-uit"
    add_demo_tracking(create_demo_project(folder, services.profile, services.clock))
    window = OnboardingWizard(services, Dialogs())
    window.open_project(folder)
    window.show()
    settle(app, window)
    welcome = window.page(PageId.WELCOME)
    assert isinstance(welcome, WelcomePage)
    welcome.choose_open_project()
    visits: dict[str, dict[str, float]] = {}
    next_button = window.button(QWizard.WizardButton.NextButton)
    following = next_page(PageId.WELCOME)
    while following is not None:
        start = time.perf_counter_ns()
        next_button.click()
        built = time.perf_counter_ns()
        settle(app, window)
        end = time.perf_counter_ns()
        if window.currentId() != following:
            print(json.dumps({"error": f"Next did not open {following.name} (on {PageId(window.currentId()).name})"}))
            return 1
        visits[following.name] = {"ms": round((end - start) / 1e6, 2), "next_ms": round((built - start) / 1e6, 2)}
        wait_for_background(app)
        following = next_page(following)
    window.close()
    print(json.dumps({"pages": visits}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
