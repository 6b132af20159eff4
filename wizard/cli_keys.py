"""Command-line key, CSR and Atlas credential commands. Secrets come from files or the terminal, never argv."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.actions.vaults import VaultFor
from wizard.app import Services
from wizard.cli_output import PROG, emit, with_folder
from wizard.core.algorithms import choose_algorithm, describe_algorithm, fingerprint_start, fingerprint_text
from wizard.core.atlas import check_credentials, save_credentials
from wizard.core.errors import InvalidInput, UnknownId, WizardError
from wizard.core.model import KeyRecord
from wizard.core.profile import CertificateKind
from wizard.core.session import ProjectSession
from wizard.core.vault import NO_KEYCHAIN, KeychainUnavailable, Vault, VaultError, VaultProvider


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser],
                folder_arg: Callable[[str], Path]) -> argparse.ArgumentParser:
    """Adds the key, csr and atlas commands; returns the shared vault options for other commands."""
    vault_opts = parser_class(add_help=False)
    vault_opts.add_argument("--file-vault", action="store_true", help="keep the key in a passphrase-protected "
                            "file instead of the OS keychain (only for machines without one)")
    vault_opts.add_argument("--passphrase-file", type=Path, metavar="F", help="read the file vault's passphrase "
                            "from the first line of F (otherwise it is asked for on the terminal)")

    key = sub.add_parser("key", help="make private keys (kept in the OS keychain)").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    gen = key.add_parser("generate", parents=[common, vault_opts], help="make a key pair for a certificate kind")
    gen.add_argument("dir", type=folder_arg, metavar="DIR")
    gen.add_argument("--cert", required=True, metavar="KIND", help="certificate kind id from the profile")
    gen.add_argument("--algorithm", metavar="ALG", help="rsa-2048 (default), rsa-3072, rsa-4096, or ec-p256 / "
                     "ec-p384 where the profile accepts EC")
    gen.add_argument("--replace", action="store_true", help="make a replacement for an existing key (the current "
                     "key is kept until the new certificate is imported; a new key whose CSR was exported is never "
                     "replaced: abandon it first)")
    abandon = key.add_parser("abandon", parents=[common, vault_opts], help="destroy a new key that is waiting for "
                             "its certificate (asks first, naming its fingerprint)")
    abandon.add_argument("dir", type=folder_arg, metavar="DIR")
    abandon.add_argument("--cert", required=True, metavar="KIND")
    abandon.add_argument("--yes", action="store_true", help="do not ask")
    bring = key.add_parser("import", parents=[common, vault_opts], help="bring your own key (and certificate) "
                           "from a PFX or a password-protected key file into the keychain")
    bring.add_argument("dir", type=folder_arg, metavar="DIR")
    bring.add_argument("file", type=Path, metavar="FILE", help="a .pfx/.p12, or an encrypted PEM key")
    bring.add_argument("--cert", required=True, metavar="KIND")
    bring.add_argument("--cert-file", type=Path, metavar="F", help="the certificate, when FILE is only a key")
    bring.add_argument("--password-file", type=Path, required=True, metavar="F", help="the file's password")

    keys = sub.add_parser("keys", help="the project's keys as a whole").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    check = keys.add_parser("check", parents=[common, vault_opts], help="list the keys with their state, read each "
                            "back from its vault, and repair what an interruption left; exits 1 only when something "
                            "could not be repaired")
    check.add_argument("dir", type=folder_arg, metavar="DIR")
    destroy = keys.add_parser("destroy-retired", parents=[common, vault_opts], help="destroy keys that are no "
                              "longer in use (asks first; expired ones are destroyed at the next open anyway)")
    destroy.add_argument("dir", type=folder_arg, metavar="DIR")
    destroy.add_argument("--cert", metavar="KIND", help="only this certificate kind's retired key")
    destroy.add_argument("--yes", action="store_true", help="do not ask")

    csr = sub.add_parser("csr", help="certificate signing requests").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    export = csr.add_parser("export", parents=[common, vault_opts], help="write the CSR for a kind's newest key, "
                            "with the OpenSSL config and commands that reproduce it")
    export.add_argument("dir", type=folder_arg, metavar="DIR")
    export.add_argument("--cert", required=True, metavar="KIND")
    export.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write the CSR (PEM)")
    export.add_argument("--force", action="store_true", help="replace files that already exist")

    atlas = sub.add_parser("atlas", help="the GlobalSign Atlas API key and secret").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    save = atlas.add_parser("save", parents=[common, vault_opts], help="store the Atlas API key and secret in the "
                            "keychain (Atlas shows the secret only once)")
    save.add_argument("dir", type=folder_arg, metavar="DIR")
    save.add_argument("--key-file", type=Path, metavar="F", help="read the API key from F")
    save.add_argument("--secret-file", type=Path, metavar="F", help="read the API secret from F")
    return vault_opts


def _read_first_line(path: Path, what: str, field: str) -> str:
    try:
        with path.open(encoding="utf-8") as handle:
            line = handle.readline(4096)
    except OSError as exc:
        raise InvalidInput(field, f"Could not read the {what} from {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise InvalidInput(field, f"{path} is not a text file; put the {what} on its first line.") from None
    value = line.rstrip("\r\n")
    if not value:
        raise InvalidInput(field, f"{path} is empty; put the {what} on its first line.")
    return value


def _terminal_at_stdin() -> bool:
    """True when a person can type at this program's standard input.

    On Windows `isatty` is also true for the NUL device (`< NUL`, a scheduled task, a CI runner), and getpass
    reads the console, not stdin: the prompt would wait for ever on a console nobody sees. There the handle must
    also be a console (GetConsoleMode answers only for one).
    """
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        return False
    if sys.platform == "win32":
        import ctypes
        import msvcrt
        from ctypes import wintypes

        mode = wintypes.DWORD()
        handle = msvcrt.get_osfhandle(stdin.fileno())
        return bool(ctypes.windll.kernel32.GetConsoleMode(wintypes.HANDLE(handle), ctypes.byref(mode)))
    return True


def _ask(prompt: str, field: str) -> str:
    if not _terminal_at_stdin():
        raise InvalidInput(field, f"No terminal to ask for the {prompt.lower().rstrip(': ')}; give it in a file "
                                  "with the matching --...-file option.")
    try:
        return getpass.getpass(prompt)
    except EOFError:  # Ctrl-D at the prompt: nothing typed
        raise InvalidInput("typed", "Nothing was typed, so nothing was changed.") from None


def _passphrase(args: argparse.Namespace, vaults: VaultProvider) -> str:
    if getattr(args, "passphrase_file", None) is not None:
        return _read_first_line(args.passphrase_file, "file vault passphrase", "passphrase")
    first = _ask("File vault passphrase: ", "passphrase")
    if not vaults.file_vault_exists() and _ask("Type it again: ", "typed") != first:
        raise InvalidInput("typed", "The two passphrases differ; nothing was changed.")
    return first


def _vault(args: argparse.Namespace, s: Services, kind: str | None = None) -> Vault:
    """The vault the user chose (keychain by default), or the one an existing key lives in."""
    use_file = getattr(args, "file_vault", False) if kind is None else kind == "file"
    if use_file:
        if kind == "file" and not s.vaults.file_vault_exists():
            # The key was in the file vault; making a new, empty one would only hide that the file has gone.
            raise VaultError(f"The file vault {s.vaults.file_path} that holds this key is missing. Put it back "
                             "(from a backup) and try again.")
        return s.vaults.file(_passphrase(args, s.vaults))
    try:
        return s.vaults.keychain()
    except KeychainUnavailable:
        raise KeychainUnavailable(NO_KEYCHAIN + " From the command line: add --file-vault "
                                  "--passphrase-file F.") from None


def _kind(s: Services, typed: str) -> CertificateKind:
    try:
        return s.profile.certificate_kind(typed.strip().lower())
    except UnknownId as exc:
        raise InvalidInput("cert", str(exc)) from None


def vault_for(args: argparse.Namespace, s: Services) -> VaultFor:
    return lambda kind: _vault(args, s, kind)


def open_session(args: argparse.Namespace, s: Services) -> ProjectSession:
    """Open the project for a command, finishing what the key lifecycle finishes at every open (a copied folder
    made independent, an interrupted key write rolled back, a waiting certificate switched to); each thing done
    is said on stderr, so --json output stays clean."""
    from wizard.actions.opening import has_work, housekeep

    session = ProjectSession.open(args.dir, s.profile, s.clock)
    if has_work(session):
        for line in housekeep(session, vault_for(args, s)).news(asked_first=False):
            print(with_folder(f"{PROG}: {line}", args.dir), file=sys.stderr)
    return session


def key_generate(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.keys import generate_key

    session = open_session(args, s)
    kind = _kind(s, args.cert)
    algorithm = choose_algorithm(kind, args.algorithm)
    from wizard.core.lifecycle import plan_new_key

    plan_new_key(session.project, kind.id, kind.name, replace_key=args.replace, folder=str(args.dir))  # before asking
    vault = _vault(args, s)
    vault.check_access()  # a locked keychain is reported now, not after seconds of key generation
    if not args.json:
        print(f"Making an {describe_algorithm(algorithm)} key for the {kind.name}"
              f"{' (this can take a few seconds)' if algorithm in ('rsa-3072', 'rsa-4096') else ''}...",
              file=sys.stderr, flush=True)
    made = generate_key(session, kind, algorithm, vault, replace_key=args.replace,
                        folder_label=str(args.dir))
    record = made.record
    text = (f"Made an {describe_algorithm(algorithm)} key for the {kind.name} and stored it in {vault.name}.\n"
            f"Fingerprint: {fingerprint_text(record.fingerprint)}")
    if made.superseded is not None:
        text += "\nIt takes the place of the earlier new key, whose CSR had never been exported."
    if record.replaces:
        text += "\nIt will replace the current key once its certificate is imported."
    emit(args, text, {"key": key_json(record)})
    return 0


def key_abandon(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.keys import abandon_key, abandon_question, pending_key

    session = open_session(args, s)
    kind = _kind(s, args.cert)
    key = pending_key(session, kind)
    _confirm(args, abandon_question(kind, key) + " Type yes to destroy it: ")
    abandon_key(session, kind, vault_for(args, s))
    emit(args, f"Destroyed the new {kind.name} key ({fingerprint_start(key.fingerprint)}). The key "
               "in use, if any, is unchanged.", {"destroyed": key_json(key)})
    return 0


def keys_destroy_retired(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.keys import destroy_retired
    from wizard.core.lifecycle import retired_keys

    session = open_session(args, s)
    kind_id = _kind(s, args.cert).id if args.cert else None
    found = retired_keys(session.project, kind_id)
    if not found:
        emit(args, "There is no retired key to destroy.", {"destroyed": []})
        return 0
    names = {k.id: k.name for k in s.profile.certificate_kinds}
    listed = "; ".join(f"the {names.get(k.kind, k.kind)} key {fingerprint_text(k.fingerprint)}"
                       for k in found)
    _confirm(args, f"Destroy {len(found)} retired key{'s' if len(found) != 1 else ''} ({listed})? Anything still "
                   "using their certificates would stop working. Type yes to destroy: ")
    gone = destroy_retired(session, kind_id, vault_for(args, s))
    emit(args, f"Destroyed {len(gone)} retired key{'s' if len(gone) != 1 else ''}.",
         {"destroyed": [key_json(k) for k in gone]})
    return 0


def keys_check(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.keys import check_keys

    session = ProjectSession.open(args.dir, s.profile, s.clock)
    report = check_keys(session, vault_for(args, s))
    lines = [f"  {r.kind_name}: {r.status} ({r.state}), in the {r.vault}, "
             f"{fingerprint_start(r.fingerprint)} — "
             f"{'found and checked' if r.problem is None else r.problem}" for r in report.rows] or ["  No keys yet."]
    lines = ["Keys:", *lines]
    lines += [f"Repaired: {x}" for x in report.repaired]
    lines += [f"Could not repair: {x}" for x in report.unrepaired]
    if not report.repaired and not report.unrepaired:
        lines.append("All is well: nothing needed repair.")
    emit(args, "\n".join(lines), {"keys": [{"kind": r.kind, "state": r.state, "status": r.status,
                                            "fingerprint": r.fingerprint, "vault": r.vault, "problem": r.problem}
                                           for r in report.rows],
                                  "repaired": list(report.repaired), "unrepaired": list(report.unrepaired)})
    return 1 if report.unrepaired else 0


def _confirm(args: argparse.Namespace, question: str) -> None:
    if args.yes:
        return
    if not _terminal_at_stdin():
        raise InvalidInput("yes", "No terminal to ask for confirmation; add --yes to go ahead without asking.")
    try:
        answer = input(question)
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise WizardError("Nothing was destroyed.")


def csr_export(args: argparse.Namespace, s: Services) -> int:
    from wizard.actions.keys import record_csr_exported
    from wizard.core.csr import export_csr  # cryptography: loaded only by the commands that need it
    from wizard.core.csr_subject import describe_csr

    session = open_session(args, s)
    kind = _kind(s, args.cert)
    record = session.project.key_in_state(kind.id, "pending") or session.project.newest_key(kind.id)
    if record is None:
        raise WizardError(f"The {kind.name} has no key yet. Make one first: dip-onboarding key generate "
                          f"{args.dir} --cert {kind.id}")
    vault = _vault(args, s, record.vault)
    organisation = session.project.organisation
    exported = export_csr(kind, organisation, record, vault, args.out, overwrite=args.force)
    pem, out, config_path, commands_path = exported.pem, exported.csr, exported.config, exported.commands
    record_csr_exported(session, record, pem)
    text = "\n".join([*describe_csr(kind, organisation, record), "", f"Wrote the CSR to {out}",
                      f"OpenSSL config: {config_path}", f"OpenSSL commands: {commands_path}"])
    emit(args, text, {"csr": str(out), "config": str(config_path), "commands": str(commands_path),
                      "kind": kind.id, "fingerprint": record.fingerprint, "pem": pem})
    return 0


def atlas_save(args: argparse.Namespace, s: Services) -> int:
    session = open_session(args, s)
    api_key = (_read_first_line(args.key_file, "API key", "api_key") if args.key_file
               else _ask("Atlas API key: ", "api_key"))
    api_secret = (_read_first_line(args.secret_file, "API secret", "api_secret") if args.secret_file
                  else _ask("Atlas API secret: ", "api_secret"))
    credentials = check_credentials(api_key, api_secret)
    vault = _vault(args, s)
    save_credentials(session, vault, credentials)
    from_files = " Delete the files you read them from once you no longer need them." \
        if args.key_file or args.secret_file else ""
    emit(args, f"Stored the Atlas API key and secret in {vault.name}. They are not written to the project, logs "
               f"or handoff bundles.{from_files}",
         {"stored_in": vault.kind})
    return 0


def key_json(k: KeyRecord) -> dict[str, Any]:
    return {"id": k.id, "kind": k.kind, "algorithm": k.algorithm, "fingerprint": k.fingerprint,
            "created_at": k.created_at.isoformat(), "vault": k.vault, "replaces": k.replaces, "state": k.state,
            "csr_exported_at": k.csr_exported_at.isoformat() if k.csr_exported_at else None,
            "brought_in": k.brought_in}
