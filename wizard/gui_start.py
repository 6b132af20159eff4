"""Opening the window without loading the command line: `dip-onboarding` and `dip-onboarding gui [options]`.

The CLI module imports every command and most of core; the window needs few of them before it is shown, so
`__main__` sends the plain GUI invocations here (bench/README.md, startup_ratio). Anything this parser does not
take cleanly (`--help`, a typo, another command) goes to the full CLI, which gives its usual answer.
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


# The options a plain GUI invocation may carry, by their full names: read without building a parser (below).
_FLAGS = {"--json": "json", "--demo": "demo", "--exit-after-paint": "exit_after_paint"}
_VALUES = {"--dip-profile": "profile", "--project": "project", "--screenshots": "screenshots"}


def gui_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """The parsed arguments when `argv` is a plain GUI invocation; None when the full CLI should handle it."""
    if argv and argv[0] != "gui":
        return None
    return _read_plainly(argv[1:]) or _parse(argv[1:])


def _read_plainly(options: Sequence[str]) -> argparse.Namespace | None:
    """The usual invocations (no options, or full option names), read as `_parse` reads them but without building
    an ArgumentParser: that loads gettext's locale tables, ~2.5 ms of every start (bench/README.md, startup_ratio).
    None for anything else (an abbreviation, a missing value, a typo), which `_parse` then decides."""
    found: dict[str, object] = {"json": False, "profile": None, "project": None, "demo": False,
                                "screenshots": None, "exit_after_paint": False}
    rest = iter(options)
    for token in rest:
        name, has_value, value = token.partition("=")
        if name in _FLAGS and not has_value:
            found[_FLAGS[name]] = True
        elif name in _VALUES:
            if not has_value:
                value = next(rest, "-")
            if not value or value.startswith("-"):
                return None
            found[_VALUES[name]] = Path(value)
        else:
            return None
    return _gui_namespace(argparse.Namespace(**found))


def _parse(options: Sequence[str]) -> argparse.Namespace | None:
    parser = _QuietParser(add_help=False)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--dip-profile", dest="profile", type=Path)
    add_gui_options(parser)
    try:
        args = parser.parse_args(list(options))
    except (_NotForUs, SystemExit):
        return None
    return _gui_namespace(args)


def _gui_namespace(args: argparse.Namespace) -> argparse.Namespace:
    args.command = "gui"
    args.self_test = args.self_test_window = False
    return args


def run(args: argparse.Namespace) -> int:
    """`cli.main` for the GUI: a `WizardError` is one line on stderr (exit 1), anything else a crash report."""
    import warnings

    from wizard.core.errors import WizardError

    if not sys.warnoptions:  # library warnings are for developers (cli.quiet_library_warnings)
        warnings.simplefilter("ignore")
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    try:
        # The Qt-free modules the first window needs are imported before PySide6 is: PySide6 installs an import
        # hook that makes every import after it slower (bench/README.md, startup_ratio).
        import wizard.app
        import wizard.core.flow
        import wizard.core.help_topics
        import wizard.core.settings  # noqa: F401
        from wizard.ui.main import run_gui

        return run_gui(args)
    except WizardError as exc:
        from wizard.cli import PROG

        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        from wizard.cli import PROG

        print(f"{PROG}: stopped.", file=sys.stderr)
        return 130
    except Exception as exc:
        from wizard.cli import _internal_error

        return _internal_error(exc)
