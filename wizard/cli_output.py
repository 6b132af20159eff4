"""How every command prints its result: plain text, or JSON with --json."""

from __future__ import annotations

import argparse
import json

PROG = "dip-onboarding"


def emit(args: argparse.Namespace, text: str, data: object) -> None:
    if args.json:
        # ASCII JSON (with \u escapes) survives any console or redirect encoding, e.g. cp1252 on Windows.
        print(json.dumps(data, indent=2, ensure_ascii=True))
    else:
        print(text)
