"""Opening the window without loading the command line: `dip-onboarding` and `dip-onboarding gui [options]`.

The CLI module imports every command and most of core; the window needs few of them before it is shown, so
`__main__` sends the plain GUI invocations here (bench/README.md, startup_ratio). Anything this parser does not
take cleanly (`--help`, a typo, another command) goes to the full CLI, which gives its usual answer.

This module never imports the CLI (`cli` imports it, for the `gui` command's options): a failure here is raised to
`__main__`, which has the CLI report it as it reports any command's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def add_gui_options(gui: argparse.ArgumentParser) -> None:
    """The `gui` command's own options; the CLI's `gui` subcommand gets the same ones from here."""
    gui.add_argument("--project", type=Path, metavar="DIR", help="open this project folder")
    gui.add_argument("--demo", action="store_true", help="open a realistic demo project in a throwaway folder")
    gui.add_argument("--screenshots", type=Path, metavar="DIR", help="with --demo: save every page as a PNG "
                     "into DIR and exit")
    gui.add_argument("--exit-after-paint", action="store_true", help=argparse.SUPPRESS)


class _NotForUs(Exception):
    pass


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotForUs(message)


def _parser() -> argparse.ArgumentParser:
    """The GUI's options and the two shared ones, with no help and no error output: what it cannot take cleanly
    is left to the full CLI."""
    parser = _QuietParser(add_help=False)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--dip-profile", dest="profile", type=Path)
    add_gui_options(parser)
    return parser


def gui_defaults() -> dict[str, object]:
    """Each option of a GUI invocation with its default, by destination (`cli.parse` fills them in when no command
    was given)."""
    return vars(_parser().parse_args([]))


def gui_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """The parsed arguments when `argv` is a plain GUI invocation; None when the full CLI should handle it.

    Plain argparse: a hand-written reader of the usual forms saved ~2 ms of the start and was removed
    (bench/README.md, "argv")."""
    if argv and argv[0] != "gui":
        return None
    try:
        args = _parser().parse_args(list(argv[1:]))
    except (_NotForUs, SystemExit):
        return None
    args.command = "gui"
    args.self_test = args.self_test_window = False
    return args


def run(args: argparse.Namespace) -> int:
    """Open the window for parsed GUI arguments. A failure (a `WizardError`, a crash) is raised to the caller."""
    import warnings

    if not sys.warnoptions:  # library warnings are for developers (cli.quiet_library_warnings)
        warnings.simplefilter("ignore")
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    # The Qt-free modules the first window needs are imported before PySide6 is: PySide6 installs an import hook
    # that makes every import after it slower (bench/README.md, startup_ratio).
    import wizard.app
    import wizard.core.flow
    import wizard.core.help_topics
    import wizard.core.settings  # noqa: F401
    from wizard.ui.main import run_gui

    return run_gui(args)
