"""`python -m wizard` and the `dip-onboarding` command: the GUI with no arguments, the CLI otherwise."""

from __future__ import annotations

import sys


def main() -> int:
    from wizard.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
