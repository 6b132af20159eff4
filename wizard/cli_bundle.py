"""Command-line handoff bundles: export for one audience, verify, and import (optionally a PFX's key into the
keychain). The fingerprint printed by export and by verify is the same when the bundle is the one sent."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.app import Services
from wizard.cli_keys import _kind, _read_first_line, _vault, open_session
from wizard.cli_output import emit
from wizard.core.errors import InvalidInput, UnknownId, WizardError


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser],
                folder_arg: Callable[[str], Path], vault_opts: argparse.ArgumentParser) -> None:
    bundle = sub.add_parser("bundle", help="handoff bundles for colleagues").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    export = bundle.add_parser("export", parents=[common, vault_opts], help="write the handoff bundle for one "
                               "audience and print its fingerprint")
    export.add_argument("dir", type=folder_arg, metavar="DIR")
    export.add_argument("--audience", required=True, metavar="AUDIENCE",
                        help="technical-lead, dns-admin or certificate-admin")
    export.add_argument("--out", required=True, type=Path, metavar="FILE")
    export.add_argument("--include-pfx", action="append", default=[], metavar="KIND",
                        help="also put this certificate with its key in, as a password-protected PFX (repeatable)")
    export.add_argument("--pfx-profile", default="modern", metavar="modern|compat",
                        help="the PFX profile for --include-pfx (default modern)")
    export.add_argument("--password-file", type=Path, metavar="F", help="the PFX password, on the first line of F "
                        "(never put in the bundle)")
    export.add_argument("--force", action="store_true", help="replace a file that already exists")

    verify = bundle.add_parser("verify", parents=[common], help="check a bundle and print its fingerprint")
    verify.add_argument("file", type=Path, metavar="FILE")

    imp = bundle.add_parser("import", parents=[common], help="check a bundle and unpack it into a new folder")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--into", required=True, type=folder_arg, metavar="DIR", help="a new (or empty) folder")
    imp.add_argument("--keychain", action="store_true", help="also put the key of each PFX in the bundle into "
                     "your OS keychain")
    imp.add_argument("--password-file", type=Path, metavar="F", help="the PFX password (with --keychain)")


def bundle_export(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.bundle_describe import files_held, files_json
    from wizard.core.bundle_export import PfxRequest, bundle_audit_details, export_bundle
    from wizard.core.files import check_output
    from wizard.core.keys import load_private_key
    from wizard.core.packaging import check_password, pfx_profile

    session = open_session(args, s)
    try:
        audience = s.profile.audience(args.audience.strip().lower())
    except UnknownId as exc:
        raise InvalidInput("audience", str(exc)) from None
    kinds = [_kind(s, typed) for typed in args.include_pfx]
    password = None
    if kinds:
        if not audience.may_receive_key_material:
            raise InvalidInput("include_pfx", f"A bundle for the {audience.name} never holds a private key; leave "
                                              "out --include-pfx.")
        if args.password_file is None:
            raise InvalidInput("password", "A PFX is always protected by a password: add --password-file F. The "
                                           "password is never put in the bundle.")
        password = _read_first_line(args.password_file, "PFX password", "password")
        check_password(password)
        pfx_profile(args.pfx_profile)
    check_output(args.out, overwrite=args.force)  # before any key is read
    requests = []
    for kind in kinds:
        held = session.project.current_certificate(kind.id)
        if held is None:
            raise WizardError(f"The {kind.name} has no imported certificate yet, so there is no PFX to include.")
        key = load_private_key(_vault(args, s, held[0].vault), held[0])
        requests.append(PfxRequest(kind.id, key, args.pfx_profile.strip().lower()))
    exported = export_bundle(s.profile, session.project, audience.id, args.out, s.clock(), pfx=requests,
                             password=password, overwrite=args.force)
    session.record("bundle exported", bundle_audit_details(exported, audience.id))
    lines = [f"Wrote {args.out}: the handoff bundle for the {audience.name}, with "
             f"{files_held(len(exported.manifest.files))}.", f"Fingerprint: {exported.fingerprint}",
             "Read the fingerprint to the recipient by phone: when they open the bundle they see the same one if it "
             "is the bundle you sent."]
    if requests:
        lines.append("The PFX password is not in the bundle: give it to them separately (by phone or a password "
                     "manager), never in the same e-mail.")
    emit(args, "\n".join(lines), {"bundle": str(args.out), "audience": audience.id,
                                  "fingerprint": exported.fingerprint, "files": files_json(exported.manifest)})
    return 0


def _describe(bundle: Any) -> list[str]:
    from wizard.core.bundle_describe import describe_bundle

    return describe_bundle(bundle).lines()


def _bundle_json(bundle: Any) -> dict[str, Any]:
    from wizard.core.bundle_describe import bundle_json

    return bundle_json(bundle)


def bundle_verify(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.bundle_read import read_bundle_file

    bundle = read_bundle_file(args.file)
    emit(args, "\n".join(_describe(bundle)), _bundle_json(bundle))
    return 0


def bundle_import(args: argparse.Namespace, s: Services) -> int:
    from wizard.core.bundle_read import check_import_target, import_bundle, read_bundle_file

    bundle = read_bundle_file(args.file)
    if not args.keychain:
        imported = import_bundle(bundle, args.into)
        lines = [*_describe(bundle), f"Imported {_held(imported)} into {args.into}."]
        emit(args, "\n".join(lines), {**_bundle_json(bundle), "imported_into": str(args.into),
                                      "written": [str(p) for p in imported.written],
                                      "manifest": str(imported.manifest), "keychain": []})
        return 0
    check_import_target(args.into)
    done = _import_with_keys(args, s, bundle)
    lines = [*_describe(bundle), f"Imported {_held(done.imported)} into {args.into}, as a project "
                                 f"that records the keys stored (dip-onboarding keys check {args.into})."]
    lines += [f"Stored the key from {k.file} in {k.vault} (fingerprint {k.fingerprint[:16]}…); its certificate: "
              f"{k.certificate}." for k in done.stored]
    stored = [{"file": k.file, "kind": k.kind, "entry": k.entry, "vault": k.vault, "fingerprint": k.fingerprint,
               "certificate": k.certificate} for k in done.stored]
    emit(args, "\n".join(lines), {**_bundle_json(bundle), "imported_into": str(args.into),
                                  "written": [str(p) for p in done.imported.written],
                                  "manifest": str(done.imported.manifest), "keychain": stored})
    return 0


def _held(imported: Any) -> str:
    from wizard.core.bundle_describe import files_held

    return files_held(len(imported.written))


def _import_with_keys(args: argparse.Namespace, s: Services, bundle: Any) -> Any:
    """Everything checked (folder, environment, kinds, every PFX opened) before the keychain is touched."""
    from wizard.actions.bundles import check_bundle_keys, import_with_keys

    if args.password_file is None:
        raise InvalidInput("password", "The PFX's password is needed to put its key in the keychain: add "
                                       "--password-file F.")
    password = _read_first_line(args.password_file, "PFX password", "password")
    keys = check_bundle_keys(bundle, s.profile, password)
    args.file_vault = False
    return import_with_keys(bundle, args.into, s.profile, s.clock, password, keys, _vault(args, s))
