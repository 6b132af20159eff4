"""Command-line certificate import and inspection, packages (PFX, PEM) and bringing your own key.

Passwords come from files (first line) or the terminal, never from argv. cryptography is imported by the
commands themselves, so that starting the program stays quick.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.app import Services
from wizard.cli_keys import _kind, _read_first_line, _vault
from wizard.cli_output import emit
from wizard.core.errors import InvalidInput, WizardError
from wizard.core.session import ProjectSession

MAX_INPUT = 1024 * 1024


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser],
                folder_arg: Callable[[str], Path], vault_opts: argparse.ArgumentParser) -> None:
    cert = sub.add_parser("cert", help="issued certificates").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    imp = cert.add_parser("import", parents=[common, vault_opts], help="import an issued certificate (PEM, "
                          "DER/CER or P7B)")
    imp.add_argument("dir", type=folder_arg, metavar="DIR")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--cert", metavar="KIND", help="which certificate kind it is for (found from the key "
                     "otherwise)")
    inspect = cert.add_parser("inspect", parents=[common], help="say what a certificate, chain, CSR or PFX file "
                              "holds, without importing it")
    inspect.add_argument("file", type=Path, metavar="FILE")
    inspect.add_argument("--password-file", type=Path, metavar="F", help="the PFX password, on the first line of F")

    pfx = sub.add_parser("pfx", help="PFX (PKCS#12) packages").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    export = pfx.add_parser("export", parents=[common, vault_opts], help="write a password-protected PFX with the "
                            "key, certificate and chain")
    export.add_argument("dir", type=folder_arg, metavar="DIR")
    export.add_argument("--cert", required=True, metavar="KIND")
    export.add_argument("--profile", dest="pfx_profile", required=True, metavar="modern|compat",
                        help="modern: Azure, Windows 10/Server 2019+, OpenSSL 3, current Java; compat: Windows "
                        "Server 2016 and older, macOS Keychain, older Java")
    export.add_argument("--password-file", type=Path, required=True, metavar="F", help="the PFX password, on the "
                        "first line of F")
    export.add_argument("--out", required=True, type=Path, metavar="FILE")
    export.add_argument("--force", action="store_true", help="replace a file that already exists")

    pem = sub.add_parser("pem", help="PEM packages for Linux servers").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    pem_export = pem.add_parser("export", parents=[common, vault_opts], help="write the certificate and chain as "
                                "PEM, and optionally the key as password-protected PKCS#8")
    pem_export.add_argument("dir", type=folder_arg, metavar="DIR")
    pem_export.add_argument("--cert", required=True, metavar="KIND")
    pem_export.add_argument("--out", required=True, type=Path, metavar="FILE", help="the PEM chain file")
    pem_export.add_argument("--key-out", type=Path, metavar="FILE", help="also write the key, encrypted, here")
    pem_export.add_argument("--password-file", type=Path, metavar="F", help="the key's password (with --key-out)")
    pem_export.add_argument("--force", action="store_true", help="replace files that already exist")



def _read(path: Path, what: str) -> bytes:
    try:
        if path.stat().st_size > MAX_INPUT:
            raise InvalidInput("file", f"{path} is far larger than any {what}; check you chose the right file.")
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput("file", f"There is no file {path}.") from None
    except IsADirectoryError:
        raise InvalidInput("file", f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise InvalidInput("file", f"Could not read {path}: {exc.strerror or exc}.") from None


def cert_import(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.certfiles import describe_certificate, read_certificates
    from wizard.core.certs import check_certificate, commit_certificate, match_certificate

    session = ProjectSession.open(args.dir, s.profile, s.clock)
    found = read_certificates(_read(args.file, "certificate file"), args.file.name)
    kind_hint = _kind(s, args.cert).id if args.cert else None
    match = match_certificate(s.profile, session.project, found, kind_hint)
    now = s.clock()
    findings = check_certificate(match.kind, match.leaf, match.chain, now, session.project.organisation.domain)
    problems = [f for f in findings if f.severity == "error"]
    if problems:
        raise WizardError("Not imported: " + " ".join(f.message for f in problems))
    record, retired = commit_certificate(session, match)
    for old in retired:
        _vault(args, s, old.vault).delete(old.id)
    lines = [f"Imported the {match.kind.name} ({found.form}, with {len(match.chain)} issuer "
             f"certificate{'s' if len(match.chain) != 1 else ''}).", *describe_certificate(match.leaf, now),
             *(f"  {f.severity}: {f.message}" for f in findings)]
    if retired:
        lines.append("Its key replaces the earlier key, which has been removed from the keychain.")
    emit(args, "\n".join(lines), {"certificate": {"id": record.id, "kind": record.kind, "subject": record.subject,
                                                   "issuer": record.issuer, "not_after": record.not_after.isoformat(),
                                                   "fingerprint": record.fingerprint},
                                  "findings": [{"severity": f.severity, "code": f.code, "message": f.message}
                                               for f in findings]})
    return 0


def cert_inspect(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.inspect import inspect_file

    data = _read(args.file, "certificate file")
    password = (_read_first_line(args.password_file, "PFX password", "password")
                if args.password_file is not None else None)
    report = inspect_file(data, args.file.name, password, s.clock())
    emit(args, "\n".join(report.lines), report.as_json())
    return 0


def _certificate_parts(session: ProjectSession, kind_id: str) -> tuple[Any, Any, tuple[Any, ...]]:
    from cryptography import x509

    held = session.project.current_certificate(kind_id)
    if held is None:
        raise WizardError(f"The {kind_id} certificate has not been imported yet. Import it first: "
                          f"dip-onboarding cert import DIR FILE")
    key_record, cert_record = held
    cert = x509.load_pem_x509_certificate(cert_record.pem.encode("ascii"))
    chain = tuple(x509.load_pem_x509_certificates(cert_record.chain_pem.encode("ascii"))) \
        if cert_record.chain_pem else ()
    return key_record, cert, chain


def pfx_export(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.keys import load_private_key
    from wizard.core.packaging import check_password, export_pfx, pfx_profile

    profile = pfx_profile(args.pfx_profile)
    password = _read_first_line(args.password_file, "PFX password", "password") \
        if args.password_file.exists() and args.password_file.stat().st_size else ""
    check_password(password)
    session = ProjectSession.open(args.dir, s.profile, s.clock)
    kind = _kind(s, args.cert)
    key_record, cert, chain = _certificate_parts(session, kind.id)
    key = load_private_key(_vault(args, s, key_record.vault), key_record)
    export_pfx(args.out, key, cert, chain, profile, password, friendly_name=f"{kind.id}", overwrite=args.force)
    session.record("package exported", {"kind": kind.id, "format": f"pfx-{profile.id}", "file": str(args.out),
                                        "fingerprint": key_record.fingerprint})
    emit(args, f"Wrote {args.out}: a {profile.name} PFX with the {kind.name} key, certificate and "
               f"{len(chain)} issuer certificate{'s' if len(chain) != 1 else ''}. It was re-opened with its password "
               "and checked. Send the password separately from the file.",
         {"pfx": str(args.out), "profile": profile.id, "chain": len(chain)})
    return 0


def pem_export(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.keys import load_private_key
    from wizard.core.packaging import export_encrypted_key, export_pem_chain

    session = ProjectSession.open(args.dir, s.profile, s.clock)
    kind = _kind(s, args.cert)
    key_record, cert, chain = _certificate_parts(session, kind.id)
    password = ""
    if args.key_out is not None:
        if args.password_file is None:
            raise InvalidInput("password", "The key is always written password-protected: add --password-file F.")
        password = _read_first_line(args.password_file, "key password", "password")
        from wizard.core.packaging import check_password

        check_password(password)
    from wizard.core.files import check_output

    if args.key_out is not None:
        check_output(args.key_out, overwrite=args.force)  # before anything is written
    export_pem_chain(args.out, cert, chain, overwrite=args.force)
    written = [str(args.out)]
    if args.key_out is not None:
        key = load_private_key(_vault(args, s, key_record.vault), key_record)
        export_encrypted_key(args.key_out, key, password, overwrite=args.force)
        written.append(str(args.key_out))
    session.record("package exported", {"kind": kind.id, "format": "pem", "files": written,
                                        "fingerprint": key_record.fingerprint})
    emit(args, "Wrote " + " and ".join(written) + ". Each was re-opened and checked.", {"written": written})
    return 0


def key_import(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.certs import commit_certificate, match_certificate
    from wizard.core.keys import commit_new_key, store_existing_key
    from wizard.core.packaging import open_own_key

    session = ProjectSession.open(args.dir, s.profile, s.clock)
    kind = _kind(s, args.cert)
    if session.project.keys_for(kind.id):
        raise WizardError(f"The {kind.name} already has a key in this project. Bringing your own is for a kind "
                          "with no key yet.")
    data = _read(args.file, "key file")
    password = _read_first_line(args.password_file, "password", "password")
    certificate = _read(args.cert_file, "certificate file") if args.cert_file else None
    key, found = open_own_key(data, password, certificate)  # checked before anything is stored
    vault = _vault(args, s)
    new = store_existing_key(kind, key, vault, s.clock())
    commit_new_key(session, new, vault)
    text = f"Stored your own key for the {kind.name} in {vault.name}."
    if found is not None:
        commit_certificate(session, match_certificate(s.profile, session.project, found, kind.id))
        text += " Its certificate was imported too."
    emit(args, text, {"kind": kind.id, "key": new.record.id, "certificate": found is not None})
    return 0
