"""Interop tests run the real `openssl` and Java `keytool` commands. A developer machine without them skips these
tests; CI must have them (.ci/run installs openssl and default-jre-headless), so there a missing command fails
them instead."""

from __future__ import annotations

import os
import shutil

import pytest


def _required(command: str, install: str) -> str:
    found = shutil.which(command)
    if found is None:
        message = f"The {command} command is not installed ({install})."
        if os.environ.get("CI"):
            pytest.fail(message + " CI must run the interop tests.")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def openssl() -> str:
    return _required("openssl", "Debian: apt-get install openssl")


@pytest.fixture(scope="session")
def keytool() -> str:
    return _required("keytool", "it comes with Java; Debian: apt-get install default-jre-headless")
