"""Starting the GUI: the QApplication, the crash handler, demo mode, screenshots and the benchmark hook."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from wizard import APP_NAME, __version__
from wizard.app import HOME_ENV, AppPaths, Services, build_services, icon_path, utc_now
from wizard.core.errors import WizardError
from wizard.ui.dialogs import Dialogs
from wizard.ui.wizard import OnboardingWizard


def app_icon() -> QIcon:
    """The window and taskbar icon, drawn from the SVG in resources (a null icon if the file is missing)."""
    path = icon_path()
    return QIcon(str(path)) if path.is_file() else QIcon()


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("DIP Onboarding")
    app.setWindowIcon(app_icon())
    return app


def install_crash_handler(dialogs: Dialogs, paths: AppPaths) -> None:
    """Unexpected errors: save a redacted report and show it in a dialog; never a raw traceback."""

    def handle(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        from wizard.core.crash import format_crash, save_crash

        now = utc_now()
        report = format_crash(exc.with_traceback(tb), now=now)
        saved = save_crash(report, paths.log_dir, now)
        dialogs.crash(QApplication.activeWindow(), report, saved)

    sys.excepthook = handle


def _report_first_paint() -> None:
    """For the start-up benchmark: report the monotonic time of the window's first frame, then quit."""
    print(f"first_paint_ns {time.monotonic_ns()}", file=sys.stderr, flush=True)
    QApplication.quit()


def has_display() -> bool:
    """False on a Linux/BSD box with no X or Wayland display, where Qt would abort the whole process."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(args: argparse.Namespace) -> int:
    if args.screenshots is not None and not args.demo:
        raise WizardError("--screenshots needs --demo: screenshots are taken of the demo project only.")
    if args.screenshots is not None:
        # Screenshots need no display; render offscreen unless the caller chose a platform.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif not has_display():
        raise WizardError("No display was found, so the wizard window cannot open. Run it from a desktop "
                          "session, or use the dip-onboarding commands (see dip-onboarding --help).")
    demo_home = None
    if args.demo:
        import tempfile  # only the demo needs it: not loaded before an ordinary start's first frame

        demo_home = tempfile.TemporaryDirectory(prefix="dip-onboarding-demo-")
        os.environ[HOME_ENV] = demo_home.name
    try:
        app = make_application()
        # The profile is read right after the first frame (the welcome page asks for it), the vaults when a page
        # first needs a key: the window appears sooner (bench/README.md, startup_ratio).
        services = build_services(profile_path=args.profile, load_later=True)
        if args.demo:
            from wizard.demo import with_demo_keychain

            # The demo project lives in a temporary folder; its keys must not stay behind in the real keychain.
            services = with_demo_keychain(services)
        dialogs = Dialogs()
        install_crash_handler(dialogs, services.paths)
        if args.screenshots is not None:
            from wizard.ui.screenshots import take_screenshots

            for path in take_screenshots(services, args.screenshots):
                print(path)
            return 0
        return _show(app, services, dialogs, args)
    finally:
        if demo_home is not None:
            demo_home.cleanup()


def _show(app: QApplication, services: Services, dialogs: Dialogs, args: argparse.Namespace) -> int:
    window = OnboardingWizard(services, dialogs)
    if args.demo:
        from wizard.demo import add_demo_tracking, create_demo_project

        add_demo_tracking(create_demo_project(services.paths.projects_dir / "northwind-networks-uit",
                                              services.profile, services.clock))
    if args.project is not None:
        _open_given(window, Path(args.project))
    elif args.demo:
        window.open_project(services.paths.projects_dir / "northwind-networks-uit")
        window.walk_to_page_named("PEOPLE")
    else:
        problem = window.resume_last()
        if problem:
            window.show_welcome_problem(problem)
    if args.exit_after_paint:
        window.end_at_first_frame(_report_first_paint)
    _close_on_ctrl_c(window)
    window.show()
    return app.exec()


def _close_on_ctrl_c(window: OnboardingWizard) -> None:
    """Ctrl-C in the terminal the wizard was started from closes it as the Close button does (settings saved).

    Python runs signal handlers only between its own byte codes, and an idle Qt event loop runs none, so a timer
    gives the interpreter a moment twice a second to notice the signal."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_: window.close())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(500)


def _open_given(window: OnboardingWizard, folder: Path) -> None:
    try:
        window.open_project(folder)
    except WizardError as exc:
        window.show_welcome_problem(str(exc))
        return
    window.walk_to_page_named("JOURNEY")
