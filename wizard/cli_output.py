"""How every command prints its result: plain text, or JSON with --json."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex

PROG = "dip-onboarding"


# "dip-onboarding <command> [<action>] DIR": a message written where the folder was not known.
_NAMED_COMMAND = re.compile(rf"({PROG}(?: [a-z][a-z-]*){{1,2}}) DIR\b")


def with_folder(text: str, folder: object) -> str:
    """Put the project's real folder where a message names a command with the placeholder DIR, so that the
    command can be copied as it is (quoted for a shell when it holds spaces or quotes)."""
    if folder is None:
        return text
    shown = str(folder)
    if any(ch in shown for ch in " '\"$&;|<>()*?`"):
        shown = f'"{shown}"' if os.name == "nt" else shlex.quote(shown)
    return _NAMED_COMMAND.sub(lambda m: f"{m.group(1)} {shown}", text)


def emit(args: argparse.Namespace, text: str, data: object) -> None:
    if args.json:
        # ASCII JSON (with \u escapes) survives any console or redirect encoding, e.g. cp1252 on Windows.
        print(json.dumps(data, indent=2, ensure_ascii=True))
    else:
        print(with_folder(text, getattr(args, "dir", None)))
