"""Crash reports safe to e-mail: code locations only; PEM blocks, base64 runs and secrets removed."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import pytest

from wizard import __version__
from wizard.core.crash import format_crash, redact, save_crash

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
PEM = ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
       "c2VjcmV0a2V5bWF0ZXJpYWw=\n-----END PRIVATE KEY-----")
BASE64_RUN = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w"


def test_redact_removes_pem_blocks() -> None:
    out = redact(f"could not load key:\n{PEM}\nafter the key")
    for leaked in ("BEGIN", "MIIEvQ", "c2VjcmV0"):
        assert leaked not in out
    assert out == "could not load key:\n[redacted PEM block]\nafter the key"


def test_redact_removes_an_unterminated_pem_block_to_the_end() -> None:
    out = redact("bad input: -----BEGIN CERTIFICATE-----\nMIIB\nAAAA")
    assert out == "bad input: [redacted PEM block]"


def test_redact_removes_long_base64_runs_only() -> None:
    assert redact(f"api secret {BASE64_RUN} rejected") == "api secret [redacted] rejected"
    short = "abcDEF123/+=" * 3  # 36 characters: an ordinary token, kept
    assert redact(short) == short


@pytest.mark.parametrize(("text", "expected"), [
    ("password=hunter2 for jane", "password=[redacted] for jane"),
    ("Password: hunter2", "Password: [redacted]"),
    ("passphrase = correct-horse", "passphrase = [redacted]"),
    ("api_key=abc123 sent", "api_key=[redacted] sent"),
    ("API key: abc123", "API key: [redacted]"),
    ("secret=s3cr3t&x=1", "secret=[redacted]"),
    ("token:xyz", "token:[redacted]"),
])
def test_redact_removes_secret_assignments(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_keeps_ordinary_text() -> None:
    text = "Could not save the project to /home/jane/acme: No space left on device (step-3, port 443)."
    assert redact(text) == text


@pytest.mark.parametrize("text", ['{"password": "hunter2"}', "{'password': 'hunter2'}"],
                         ids=["JSON", "Python dict repr"])
def test_redact_removes_quoted_password_values(text: str) -> None:
    """Exception messages often quote a dict or JSON; a quoted key is still a password assignment."""
    assert "hunter2" not in redact(text)


def _fail_with_secrets() -> None:
    secret_local = "local-value-hunter2"  # noqa: F841 -- must not reach the report
    raise ValueError(f"cannot read key password=hunter2\n{PEM}")


def test_format_crash_lists_frames_but_no_locals_or_secrets() -> None:
    try:
        _fail_with_secrets()
    except ValueError as exc:
        report = format_crash(exc, now=NOW)
    else:  # pragma: no cover
        pytest.fail("no exception")
    raise_line = inspect.getsourcelines(_fail_with_secrets)[1] + 2
    lines = report.splitlines()
    assert lines[0] == f"DIP Onboarding Wizard {__version__} crash report, {NOW.isoformat()}"
    assert lines[1].startswith("Python ")
    assert lines[2].startswith("builtins.ValueError: cannot read key password=[redacted]")
    assert "Where:" in lines
    assert f"  test_crash.py:{raise_line} in _fail_with_secrets" in lines
    assert any(line.startswith("  test_crash.py:") and "test_format_crash_lists_frames" in line for line in lines)
    for leaked in ("local-value-hunter2", "secret_local", "hunter2", "BEGIN PRIVATE KEY", "MIIEvQ"):
        assert leaked not in report
    assert "[redacted PEM block]" in report


def test_format_crash_truncates_long_messages() -> None:
    report = format_crash(RuntimeError("x " * 1000), now=NOW)
    message_line = report.splitlines()[2]
    assert len(message_line) == len("builtins.RuntimeError: ") + 500


def test_save_crash(tmp_path: Path) -> None:
    saved = save_crash("report text\n", tmp_path / "logs", NOW)
    assert saved == tmp_path / "logs" / "crash-20260302T093000Z.txt"
    assert saved.read_text() == "report text\n"
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert save_crash("report", blocker / "logs", NOW) is None


ATLAS_SECRET = "AtlasSecret-7Hq2Lm9Xv4Rt8Wz1"
PASSWORD = "Quartz-Lantern-Meadow-9041"


class _StoreFailed(Exception):
    pass


def _store_atlas(api_secret: str, password: str, pem: str) -> None:
    credentials = {"api_secret": api_secret, "password": password}  # noqa: F841 -- locals: must not be reported
    try:
        # A library error carrying the values as arguments, with no label that says they are secret.
        raise _StoreFailed("could not store", api_secret, password, pem)
    except _StoreFailed as exc:
        raise RuntimeError(f"saving failed: password={password}\n{pem}") from exc


def test_format_crash_keeps_secrets_in_locals_arguments_messages_and_the_chain_out() -> None:
    try:
        _store_atlas(ATLAS_SECRET, PASSWORD, PEM)
    except RuntimeError as exc:
        report = format_crash(exc, now=NOW)
    else:  # pragma: no cover
        pytest.fail("no exception")
    for leaked in (ATLAS_SECRET, PASSWORD, "BEGIN PRIVATE KEY", "MIIEvQ", "c2VjcmV0", "credentials"):
        assert leaked not in report
    lines = report.splitlines()
    assert "builtins.RuntimeError: saving failed: password=[redacted]" in lines[2]
    # The exception behind it is named, with where it was raised, but its values are not shown.
    assert "Caused by:" in lines
    assert any(line.endswith("_StoreFailed: (4 values not shown)") for line in lines)
    assert sum(" in _store_atlas" in line for line in lines) == 2


@pytest.mark.parametrize("exc", [KeyError(ATLAS_SECRET), ValueError(PASSWORD, 3), TypeError(b"secret bytes"),
                                 OSError(13, "Permission denied", f"/keys/{PASSWORD}.pem")],
                         ids=["KeyError", "several arguments", "bytes", "OSError with a file name"])
def test_format_crash_shows_no_bare_values(exc: Exception) -> None:
    report = format_crash(exc, now=NOW)
    for leaked in (ATLAS_SECRET, PASSWORD, "secret bytes"):
        assert leaked not in report
    assert type(exc).__name__ in report.splitlines()[2]


def test_format_crash_follows_a_suppressed_context_no_further() -> None:
    try:
        try:
            raise ValueError(f"api_secret={ATLAS_SECRET}")
        except ValueError:
            raise RuntimeError("plain") from None
    except RuntimeError as exc:
        report = format_crash(exc, now=NOW)
    assert "ValueError" not in report
    assert ATLAS_SECRET not in report
    try:
        try:
            raise ValueError("first problem")
        except ValueError:
            raise RuntimeError("second problem")  # noqa: B904 -- an implicit chain, as in real crashes
    except RuntimeError as exc:
        report = format_crash(exc, now=NOW)
    assert "While handling:" in report
    assert "builtins.ValueError: first problem" in report


def test_crash_reports_in_the_same_second_never_overwrite_one_another(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    saved = [save_crash(f"report {i}\n", logs, NOW) for i in range(3)]
    assert all(path is not None for path in saved)
    assert len({p for p in saved}) == 3
    assert sorted(p.read_text() for p in saved if p is not None) == ["report 0\n", "report 1\n", "report 2\n"]
