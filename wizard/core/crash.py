"""Crash reports that are safe to copy into an e-mail: code locations only, secrets and PEM blocks removed.

A report lists the exception type, a redacted message and the stack frames (file, line, function). It never
includes local variables, and the message is scrubbed of PEM blocks, long base64 runs and anything that
looks like a password assignment.
"""

from __future__ import annotations

import datetime as dt
import platform
import re
import sys
import traceback
from pathlib import Path

from wizard import __version__
from wizard.core.files import atomic_write

_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(-----END [A-Z0-9 ]+-----|$)", re.S)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=_-]{40,}")
_SECRET_WORDS = r"(?:password|passphrase|passwd|secret|api[_ -]?key|token|private[_ -]?key|key)"
# A quoted value after a secret-sounding name: "password": "p a s s" — the whole quoted value goes.
_SECRET_QUOTED = re.compile(r"""(?i)\b(""" + _SECRET_WORDS + r""")\b(["']?\s*[=:]\s*)(["'])(.*?)\3""")
# An unquoted value: password=x, api_key: x — up to the next space, comma or bracket.
_SECRET_BARE = re.compile(r"""(?i)\b(""" + _SECRET_WORDS + r""")\b(["']?\s*[=:]\s*)(?!["'\[])[^\s,;}\]]+""")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def redact(text: str) -> str:
    """Remove PEM blocks, secret-looking values, tokens, e-mail addresses, the home folder and long base64."""
    text = _PEM.sub("[redacted PEM block]", text)
    text = _SECRET_QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}[redacted]{m.group(3)}", text)
    text = _SECRET_BARE.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} [redacted]", text)
    text = _EMAIL.sub("[e-mail]", text)
    home = str(Path.home())
    if len(home) > 1:
        text = text.replace(home, "~")
    return _BASE64_RUN.sub("[redacted]", text)


def format_crash(exc: BaseException, *, now: dt.datetime) -> str:
    lines = [
        f"DIP Onboarding Wizard {__version__} crash report, {now.isoformat()}",
        f"Python {platform.python_version()} on {platform.system()} {platform.release()} ({sys.platform})",
        *_describe(exc),
    ]
    # The exceptions behind it (raise ... from, or raised while handling another), as locations and messages only.
    seen = {id(exc)}
    cause = _behind(exc)
    while cause is not None and id(cause) not in seen and len(seen) <= MAX_CHAIN:
        seen.add(id(cause))
        lines += ["Caused by:" if cause is exc.__cause__ else "While handling:", *_describe(cause)]
        exc, cause = cause, _behind(cause)
    return "\n".join(lines) + "\n"


MAX_CHAIN = 5


def _behind(exc: BaseException) -> BaseException | None:
    return exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)


def _describe(exc: BaseException) -> list[str]:
    frames = traceback.extract_tb(exc.__traceback__)
    return [f"{type(exc).__module__}.{type(exc).__qualname__}: {redact(_message(exc))[:500]}",
            "Where:", *(f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames)]


def _message(exc: BaseException) -> str:
    """The exception's message, but not values it merely carries: an exception made with several arguments, or
    one that is not text, shows them as a tuple (`KeyError(secret)`, `Error("could not store", value)`), where no
    label says a value is secret, so only how many there were is kept."""
    from wizard.core.errors import WizardError

    if isinstance(exc, WizardError):
        return str(exc)  # the wizard's own messages are written for the user and quote no secret
    if isinstance(exc, OSError) and exc.strerror:
        return f"[Errno {exc.errno}] {exc.strerror}"  # not the file names, which may be anything
    if len(exc.args) == 1 and isinstance(exc.args[0], str) and not isinstance(exc, KeyError | LookupError):
        return str(exc)
    if not exc.args:
        return ""
    return f"({len(exc.args)} value{'s' if len(exc.args) != 1 else ''} not shown)"


def save_crash(report: str, log_dir: Path, now: dt.datetime) -> Path | None:
    """Write the report into the log folder under a name of its own (a second report in the same second gets
    -2, -3, ...: none overwrites another); returns its path, or None if even that failed."""
    import os

    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        stem = f"crash-{now.strftime('%Y%m%dT%H%M%SZ')}"
        for n in range(1, 1000):
            path = log_dir / (f"{stem}.txt" if n == 1 else f"{stem}-{n}.txt")
            try:  # claim the name first, so two processes never pick the same one
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                continue
            atomic_write(path, report.encode("utf-8"))
            return path
        return None
    except OSError:
        return None
