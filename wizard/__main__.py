"""`python -m wizard` and the `dip-onboarding` command: the GUI with no arguments, the CLI otherwise."""

from __future__ import annotations

import sys


def main() -> int:
    # Ctrl-C while the program is still starting (importing its modules) ends it quietly, as it does later.
    try:
        return _main()
    except KeyboardInterrupt:
        print("dip-onboarding: stopped.", file=sys.stderr)
        return 130


def _main() -> int:
    if sys.argv[1:] == ["--make-pfx"]:  # the GUI's PFX, made and checked beside it (wizard/core/pfx_maker.py)
        from wizard.core.pfx_maker import child_main

        return child_main()
    from wizard.gui_start import gui_arguments, run

    # Opening the window does not need the command line's modules: it starts sooner without them.
    gui = gui_arguments(sys.argv[1:])
    if gui is None:
        from wizard.cli import main as cli_main

        return cli_main(sys.argv[1:])
    try:
        return run(gui)
    except Exception as exc:
        # Said as any command's failure is: a WizardError in one line (exit 1), anything else a crash report.
        from wizard.cli import report_failure

        return report_failure(exc)


if __name__ == "__main__":
    sys.exit(main())
