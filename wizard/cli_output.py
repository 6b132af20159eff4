"""How every command prints its result: plain text, or JSON with --json."""

from __future__ import annotations

import argparse
import json


def emit(args: argparse.Namespace, text: str, data: object) -> None:
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(text)
