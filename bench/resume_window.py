"""The app side of `resume_ratio`: the wizard started as a returning user starts it. Run as a script, never imported.

`python bench/resume_window.py` starts the GUI exactly as `python -m wizard gui --exit-after-paint` does
(`wizard.gui_start.gui_arguments` and `run`, the same imports in the same order), with one change made after those
imports: instead of ending at the first frame, the window ends once the page it reopened (`resume_last`, from the
settings file the parent wrote into DIP_ONBOARDING_HOME) is painted with the project's data and settled:
- the first frame has been painted (the resumed page, built before `show`) and the work deferred to after it has run
  (`OnboardingWizard.after_first_frame`);
- no background job is pending (`wizard.ui.workers.pending_count`, e.g. the keys page's keychain lookup) and the
  page is not busy, on two event-loop turns in a row (a turn runs the posted events: layout, the paint of anything
  that changed, the `QTimer.singleShot(0)` work a page queues "just after it is drawn", the expiry reminder).
It then prints `first_paint_ns <time.monotonic_ns()>` on stderr (the contract bench/launch.py reads) and quits.
It exits 3, saying why on stderr, when the window is not on the page BENCH_RESUME_PAGE names or has no project.

`python bench/resume_window.py --setup` (not timed) creates the demo project (Northwind, with its DIP IDs, channels
and domain) in DIP_ONBOARDING_HOME and prints its folder.
"""

import sys
import time

IDLE_TURNS = 2          # event-loop turns in a row with nothing pending
WAIT_S = 30.0           # give up after this long


def setup() -> int:
    from wizard.app import build_services
    from wizard.demo import add_demo_tracking, create_demo_project

    services = build_services()
    folder = services.paths.projects_dir / "northwind-networks-uit"
    add_demo_tracking(create_demo_project(folder, services.profile, services.clock))
    print(folder)
    return 0


def main() -> int:
    import os

    from wizard.gui_start import gui_arguments, run

    args = gui_arguments(["gui", "--exit-after-paint"])
    assert args is not None
    expected = os.environ.get("BENCH_RESUME_PAGE", "")
    # The imports `run` makes, in its order, so that patching the window imports nothing earlier than the app does.
    import wizard.app
    import wizard.core.flow
    import wizard.core.help_topics
    import wizard.core.settings  # noqa: F401
    from wizard.ui.wizard import OnboardingWizard

    def end_when_settled(window: OnboardingWizard, then: object) -> None:
        window.after_first_frame(lambda: _settle(window, then, expected, time.monotonic() + WAIT_S, 0))

    OnboardingWizard.end_at_first_frame = end_when_settled  # type: ignore[method-assign,assignment]
    return run(args)


def _settle(window: object, then: object, expected: str, deadline: float, idle: int) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from wizard.core.flow import PageId
    from wizard.ui.pages.base import BasePage

    page = window.currentPage()  # type: ignore[attr-defined]
    current = PageId(window.currentId()).name  # type: ignore[attr-defined]
    if window.session is None or current != expected:  # type: ignore[attr-defined]
        print(f"resumed on {current} (wanted {expected}), project open: {window.session is not None}; "  # type: ignore[attr-defined]
              f"welcome problem: {window.startup_problem!r}", file=sys.stderr, flush=True)  # type: ignore[attr-defined]
        QApplication.exit(3)
        return
    workers = sys.modules.get("wizard.ui.workers")  # not imported: no background job was ever started
    pending = workers is not None and workers.pending_count() > 0
    busy = isinstance(page, BasePage) and page.is_busy()
    idle = 0 if pending or busy else idle + 1
    if idle >= IDLE_TURNS:
        then()  # type: ignore[operator]
        return
    if time.monotonic() > deadline:
        print(f"{current} did not settle within {WAIT_S:.0f} s (pending jobs: {pending}, busy: {busy})",
              file=sys.stderr, flush=True)
        QApplication.exit(3)
        return
    # While a job is pending, look again in 1 ms rather than on the very next turn: the event loop then sleeps
    # without the GIL between looks, as the app's own loop does, instead of taking the GIL from the worker it waits
    # for (a 0 ms poll ran ~50,000 times on the keys page and made its keychain lookup 2-3x slower).
    QTimer.singleShot(0 if idle else 1, lambda: _settle(window, then, expected, deadline, idle))


if __name__ == "__main__":
    sys.exit(setup() if sys.argv[1:] == ["--setup"] else main())
