"""Command-line certificate import and inspection, packages (PFX, PEM) and bringing your own key.

Passwords come from files (first line) or the terminal, never from argv. cryptography is imported by the
commands themselves, so that starting the program stays quick.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard import cli_webhook
from wizard.app import Services
from wizard.cli_keys import _kind, _read_first_line, _vault, open_session
from wizard.cli_output import emit
from wizard.core.errors import InvalidInput

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
    cli_webhook.add_check_live_parser(cert, common, folder_arg)

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
    from wizard.actions.certificates import commit_certificate, examine
    from wizard.core.certfiles import describe_certificate, read_certificates

    session = open_session(args, s)
    found = read_certificates(_read(args.file, "certificate file"), args.file.name)
    kind_hint = _kind(s, args.cert).id if args.cert else None
    now = s.clock()
    examined = examine(session.project, s.profile, found, now, kind_hint)
    done = commit_certificate(session, examined)
    lines = [done.summary().replace("DIR", str(args.dir)), *describe_certificate(examined.match.leaf, now),
             *(f"  {f.severity}: {f.message}" for f in examined.findings)]
    record = done.record
    emit(args, "\n".join(lines), {"certificate": {"id": record.id, "kind": record.kind, "subject": record.subject,
                                                   "issuer": record.issuer, "not_after": record.not_after.isoformat(),
                                                   "fingerprint": record.fingerprint, "state": done.outcome.state,
                                                   "valid_from": record.not_before.isoformat()},
                                  "findings": [{"severity": f.severity, "code": f.code, "message": f.message}
                                               for f in examined.findings]})
    return 0


def cert_inspect(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.inspect import inspect_file

    data = _read(args.file, "certificate file")
    password = (_read_first_line(args.password_file, "PFX password", "password")
                if args.password_file is not None else None)
    report = inspect_file(data, args.file.name, password, s.clock())
    emit(args, "\n".join(report.lines), report.as_json())
    return 0


def _read_password(path: Path, what: str) -> str:
    return _read_first_line(path, what, "password")


def pfx_export(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.packages import package_source, record_package, write_package
    from wizard.core.packaging import check_password, pfx_profile

    profile = pfx_profile(args.pfx_profile)
    password = _read_password(args.password_file, "PFX password")
    check_password(password)
    session = open_session(args, s)
    source = package_source(session, _kind(s, args.cert))
    vault = _vault(args, s, source.key.vault)
    written = write_package(source, profile.id, args.out, vault=vault, password=password, overwrite=args.force)
    record_package(session, source, profile.id, written)
    chain = source.certificate.chain_pem.count("-----BEGIN CERTIFICATE-----")
    emit(args, f"Wrote {args.out}: a {profile.name} PFX with the {source.kind.name} key, certificate and "
               f"{chain} issuer certificate{'s' if chain != 1 else ''}. It was re-opened with its password "
               "and checked. Send the password separately from the file.",
         {"pfx": str(args.out), "profile": profile.id, "chain": chain, "friendly_name": source.friendly_name})
    return 0


def pem_export(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.packages import package_source, record_package, write_package

    session = open_session(args, s)
    source = package_source(session, _kind(s, args.cert))
    password = ""
    vault = None
    if args.key_out is not None:
        if args.password_file is None:
            raise InvalidInput("password", "The key is always written password-protected: add --password-file F.")
        password = _read_password(args.password_file, "key password")
        vault = _vault(args, s, source.key.vault)
    format_id = "pem" if args.key_out is not None else "chain"
    written = write_package(source, format_id, args.out, vault=vault, password=password, key_out=args.key_out,
                            overwrite=args.force)
    record_package(session, source, format_id, written)
    emit(args, "Wrote " + " and ".join(str(p) for p in written) + ". Each was re-opened and checked.",
         {"written": [str(p) for p in written]})
    return 0


def key_import(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.certificates import begin_bring_key, bring_summary, finish_bring_key, open_and_store
    from wizard.actions.keys import cancel_key_generation

    session = open_session(args, s)
    kind = _kind(s, args.cert)
    data = _read(args.file, "key file")
    password = _read_first_line(args.password_file, "password", "password")
    certificate = _read(args.cert_file, "certificate file") if args.cert_file else None
    vault = _vault(args, s)
    job = begin_bring_key(session, kind, vault.kind)
    try:
        brought = open_and_store(job, data, password, certificate, vault, s.clock())
    except BaseException:
        cancel_key_generation(session, job, vault)
        raise
    outcome = finish_bring_key(session, job, brought)
    emit(args, bring_summary(kind, vault.name, outcome),
         {"kind": kind.id, "key": outcome.record.id, "certificate": outcome.imported is not None,
          "certificate_refused": outcome.refused})
    return 0
