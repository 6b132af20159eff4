"""The frozen app's entry point: the same `main` as `python -m wizard` and the `dip-onboarding` command."""

import sys

from wizard.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
