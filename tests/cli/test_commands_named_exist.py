"""Every message that names a `dip-onboarding ...` command names one the real parser takes: the strings of every
.py file under wizard/ (implicitly joined literals and f-strings read as one text) and the files under resources/."""

from __future__ import annotations

import argparse
import ast
import html
import re
from pathlib import Path

from wizard.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
MENTION = re.compile(r"(?<![\w-])dip-onboarding(?![\w-])((?: [a-z][a-z0-9-]*)*)")
PROSE = {"command", "commands"}  # "use the dip-onboarding commands": the program, not a command of it
HOLE = "\x00"  # where an f-string's value goes: it ends the words of a command


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return None


def unknown_command(words: list[str]) -> str | None:
    """None when `dip-onboarding WORDS...` starts with a command the parser has; else what is wrong."""
    parser: argparse.ArgumentParser = build_parser()
    path: list[str] = []
    for word in words:
        subs = _subcommands(parser)
        if subs is None:
            return None  # a whole command: what follows is its arguments or the sentence
        if not path and word in PROSE:
            return None
        if word not in subs:
            return f"{' '.join(path) or 'dip-onboarding'} has no command {word!r}"
        path.append(word)
        parser = subs[word]
    if path and _required_action(parser):
        return f"{' '.join(path)} needs one of: {', '.join(_subcommands(parser) or {})}"
    return None


def _required_action(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) and a.required for a in parser._actions)


def _texts(path: Path) -> list[str]:
    """The string constants of a Python file, an f-string's values as holes; a resource file as its text."""
    if path.suffix != ".py":
        return [html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))]
    texts: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            texts.append("".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else HOLE
                                 for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
    return texts


def mentions() -> list[tuple[str, str]]:
    files = sorted((ROOT / "wizard").rglob("*.py")) + sorted(p for p in (ROOT / "resources").rglob("*")
                                                              if p.is_file() and p.suffix in (".html", ".md",
                                                                                              ".txt", ".toml"))
    found = []
    for path in files:
        for text in _texts(path):
            for match in MENTION.finditer(text):
                found.append((str(path.relative_to(ROOT)), "dip-onboarding" + match.group(1)))
    return found


def test_the_walk_knows_a_missing_command_from_a_real_one() -> None:
    assert unknown_command(["person", "add"]) is None
    assert unknown_command(["status"]) is None
    assert unknown_command(["keys", "destroy-retired"]) is None
    assert unknown_command(["person", "rename"]) is not None
    assert unknown_command(["frobnicate"]) is not None
    assert unknown_command(["cert"]) is not None


def test_every_command_a_message_names_exists() -> None:
    found = mentions()
    assert len(found) > 20  # the search found the messages at all
    wrong = sorted({f"{where}: {text!r}: {problem}" for where, text in found
                    if (problem := unknown_command(text.split()[1:]))})
    assert not wrong, "\n".join(wrong)
