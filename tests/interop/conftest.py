"""Interop tests run the real `openssl` command. A developer machine without it skips them; CI must have it
(.ci/run installs it), so there a missing `openssl` fails them instead."""

from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def openssl() -> str:
    found = shutil.which("openssl")
    if found is None:
        message = "The openssl command is not installed (Debian: apt-get install openssl)."
        if os.environ.get("CI"):
            pytest.fail(message + " CI must run the interop tests.")
        pytest.skip(message)
    return found
