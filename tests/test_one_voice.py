"""One voice (issue 17, item 3): counts read "1 certificate" / "2 certificates", never "certificate(s)"; key and
certificate fingerprints are shown one way (core/algorithms.py's fingerprint_text / fingerprint_start)."""

from __future__ import annotations

import ast
from pathlib import Path

from wizard.core.algorithms import fingerprint_start, fingerprint_text
from wizard.core.wording import counted

WIZARD = Path(__file__).resolve().parents[1] / "wizard"


def string_parts(tree: ast.AST) -> list[tuple[int, str]]:
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_message_says_s_in_brackets() -> None:
    found = [f"{path.relative_to(WIZARD)}:{line}: {text!r}" for path in sorted(WIZARD.rglob("*.py"))
             for line, text in string_parts(ast.parse(path.read_text(encoding="utf-8")))
             if "(s)" in text and not text.lstrip().startswith(("Return", "The ", "`"))]
    assert found == []


def test_counted() -> None:
    assert [counted(n, "certificate") for n in (0, 1, 2)] == ["0 certificates", "1 certificate", "2 certificates"]
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(3, "entry", "entries") == "3 entries"


def test_fingerprints_read_one_way() -> None:
    fingerprint = "ab12cd34" * 8
    assert fingerprint_text(fingerprint) == "SHA-256 " + " ".join(["AB12 CD34"] * 8)
    assert fingerprint_start(fingerprint) == "SHA-256 AB12 CD34 AB12 CD34…"


def test_fingerprints_are_formatted_in_one_place() -> None:
    """Only core/algorithms.py groups a fingerprint; everything else shows fingerprint_text or fingerprint_start."""
    callers = sorted(str(path.relative_to(WIZARD)) for path in WIZARD.rglob("*.py")
                     if "format_fingerprint(" in path.read_text(encoding="utf-8"))
    assert callers == ["core/algorithms.py"]


def test_no_doubled_brackets_around_an_environment_name() -> None:
    import datetime as dt

    from wizard.core.bundle_describe import describe_bundle
    from wizard.core.bundle_format import (
        FileEntry,
        FileKind,
        Manifest,
        Party,
        SenderOrganisation,
        manifest_bytes,
        sha256_hex,
    )
    from wizard.core.bundle_read import VerifiedBundle

    data = b"Hello"
    entry = FileEntry("instructions.txt", len(data), sha256_hex(data), "notes", FileKind.INSTRUCTIONS_TEXT)
    manifest = Manifest("0.1.0", dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
                        SenderOrganisation("1", "Acme", "acme.example"), Party("uit", "UIT (User Integration Testing)"),
                        Party("dns-admin", "DNS Admin"), (entry,))
    about = describe_bundle(VerifiedBundle(manifest, manifest_bytes(manifest), "AAAA", {entry.name: data})).about
    assert "))" not in about
    assert 'of "Acme" in UIT (User Integration Testing), made on 05 Dec 2026' in about


def test_a_named_command_carries_the_real_folder(tmp_path: Path) -> None:
    """No placeholder text (issue 17, item 3): where the folder is known, "dip-onboarding ... DIR" names it."""
    from wizard.cli_output import with_folder

    plain = tmp_path / "acme"
    spaced = tmp_path / "Acme onboarding"
    text = "record it: dip-onboarding domain verified DIR --on YYYY-MM-DD; or dip-onboarding status DIR."
    assert with_folder(text, plain) == (f"record it: dip-onboarding domain verified {plain} --on YYYY-MM-DD; or "
                                        f"dip-onboarding status {plain}.")
    assert "DIR" not in with_folder(text, spaced)
    assert f"'{spaced}'" in with_folder(text, spaced) or f'"{spaced}"' in with_folder(text, spaced)
    assert with_folder("a DIR that is not a command", plain) == "a DIR that is not a command"
    assert with_folder(text, None) == text
