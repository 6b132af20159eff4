"""Exporting a handoff bundle for one audience: only what that person needs, with instructions written for them.

Files come from *contributors*: functions from the bundle's context to files, each file tagged with what it is
(`bundle_format.FileKind`, which says its content in `profile.BUNDLE_CONTENTS` terms and whether it holds a key),
and that kind goes into the manifest. Only contents the audience receives go in, so a contributor cannot put key
material in the DNS admin's bundle. Later work adds contributors (e.g. DIP ID and channel tables, .ics
reminders) to `CONTRIBUTORS`. A PFX goes in only when asked, made from a key the caller read from its vault;
its password never goes in. The zip is built in memory and written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from wizard import __version__
from wizard.core.bundle_format import (
    MANIFEST_NAME,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
    BundleError,
    FileEntry,
    FileKind,
    Manifest,
    Party,
    SenderOrganisation,
    check_name,
    fingerprint,
    manifest_bytes,
    name_key,
    parse_manifest,
    sha256_hex,
)
from wizard.core.csr import openssl_commands, openssl_config
from wizard.core.files import atomic_write, check_output
from wizard.core.instructions import ListedFile, build_instructions
from wizard.core.keys import PrivateKey
from wizard.core.model import Project
from wizard.core.pfx_maker import PfxMaker, make_here
from wizard.core.profile import Audience, Profile


@dataclass(frozen=True, slots=True)
class BundleFile:
    """One file for a bundle: what it is (`kind`) and, for the kinds that belong to one, its certificate kind."""

    name: str
    data: bytes
    description: str
    kind: FileKind
    certificate_kind: str | None = None

    def __repr__(self) -> str:
        return f"BundleFile(name={self.name!r}, size={len(self.data)}, kind={str(self.kind)!r})"

    @property
    def contains_key(self) -> bool:
        return self.kind.holds_key


@dataclass(frozen=True, slots=True)
class BundleContext:
    profile: Profile
    project: Project
    audience: Audience
    now: dt.datetime


Contributor = Callable[[BundleContext], Iterable[BundleFile]]


@dataclass(frozen=True, slots=True)
class PfxRequest:
    """A PFX to include: the kind, its private key (read from the vault by the caller), and the PFX profile."""

    kind_id: str
    key: PrivateKey
    profile_id: str = "modern"
    maker: PfxMaker = make_here  # how the PFX is made and re-opened to check it: the GUI uses a child process

    def __repr__(self) -> str:
        return f"PfxRequest(kind_id={self.kind_id!r}, key=<redacted>, profile_id={self.profile_id!r})"


@dataclass(frozen=True, slots=True)
class ExportedBundle:
    path: Path
    fingerprint: str
    manifest: Manifest


def certificate_files(ctx: BundleContext) -> Iterable[BundleFile]:
    """Each of the audience's kinds that has an imported certificate: the certificate, and it with its chain."""
    for kind_id in ctx.audience.certificate_kinds:
        held = ctx.project.current_certificate(kind_id)
        if held is None:
            continue
        kind = ctx.profile.certificate_kind(kind_id)
        record = held[1]
        yield BundleFile(FileKind.CERTIFICATE.file_name(kind_id), record.pem.encode("ascii"),
                         f"The {kind.name} (PEM), issued to {record.subject}.", FileKind.CERTIFICATE, kind_id)
        full = record.pem.strip() + "\n" + (record.chain_pem.strip() + "\n" if record.chain_pem.strip() else "")
        yield BundleFile(FileKind.FULLCHAIN.file_name(kind_id), full.encode("ascii"), _fullchain_description(
            kind.name, _issuers_in(record.chain_pem)), FileKind.FULLCHAIN, kind_id)


def _issuers_in(chain_pem: str) -> int:
    return chain_pem.count("-----BEGIN CERTIFICATE-----")


def _fullchain_description(kind_name: str, issuers: int) -> str:
    """What a full-chain file holds, exactly: the certificate alone when no issuer certificate was imported."""
    if not issuers:
        return (f"The {kind_name} alone (PEM): it was imported without the certificates that issued it, so this file "
                "holds only the certificate, not its chain. Where a server or client needs the whole chain, import "
                "the issuer certificates into the wizard and export this bundle again.")
    return (f"The {kind_name} followed by the {_issuer_words(issuers)} that issued it, in order up the chain "
            "(PEM): install this where a server or client needs the whole chain.")


def _issuer_words(count: int) -> str:
    return f"{count} issuer certificate{'' if count == 1 else 's'}"


def csr_files(ctx: BundleContext) -> Iterable[BundleFile]:
    """Each of the audience's kinds with an exported CSR: the CSR, and the OpenSSL config and commands that make a
    request of the same shape with a key of the recipient's own."""
    for kind_id in ctx.audience.certificate_kinds:
        record = ctx.project.newest_key(kind_id)
        if record is None or not record.csr_pem:
            continue
        kind = ctx.profile.certificate_kind(kind_id)
        yield BundleFile(FileKind.CSR.file_name(kind_id), record.csr_pem.encode("ascii"),
                         f"The certificate signing request (CSR) for the {kind.name}.", FileKind.CSR, kind_id)
        yield BundleFile(FileKind.OPENSSL_CONFIG.file_name(kind_id),
                         openssl_config(kind, ctx.project.organisation, record.algorithm).encode("utf-8"),
                         f"OpenSSL config that asks for the same names and uses as the {kind.name} request.",
                         FileKind.OPENSSL_CONFIG, kind_id)
        yield BundleFile(FileKind.OPENSSL_COMMANDS.file_name(kind_id),
                         openssl_commands(kind, record.algorithm).encode("utf-8"),
                         f"The OpenSSL commands that make a new key and a {kind.name} request with that config.",
                         FileKind.OPENSSL_COMMANDS, kind_id)


def table_files(ctx: BundleContext) -> Iterable[BundleFile]:
    """The DIP ID and message channel tables (CSV), for whoever configures the systems behind them."""
    from wizard.core.dipids import channels_csv, dip_ids_csv

    if ctx.project.dip_ids:
        yield BundleFile(FileKind.DIP_IDS.file_name(), dip_ids_csv(ctx.project).encode("utf-8"),
                         "Your DIP IDs: each MPID and DIP role with its DIP ID (and DCP ID, if delegated).",
                         FileKind.DIP_IDS)
    if ctx.project.channels:
        yield BundleFile(FileKind.CHANNELS.file_name(), channels_csv(ctx.project).encode("utf-8"),
                         "Each DIP ID's message channels and the webhook address that receives each one.",
                         FileKind.CHANNELS)


def reminder_files(ctx: BundleContext) -> Iterable[BundleFile]:
    """Renewal reminders for every certificate in use, as a calendar file."""
    from wizard.core.reminders import to_ics

    if ctx.project.certificates:
        yield BundleFile(FileKind.REMINDERS.file_name(), to_ics(ctx.profile, ctx.project, ctx.now).encode("utf-8"),
                         "Calendar reminders to renew each certificate before it expires: open it in your calendar.",
                         FileKind.REMINDERS)


CONTRIBUTORS: list[Contributor] = [certificate_files, csr_files, table_files, reminder_files]


def _pfx_file(ctx: BundleContext, request: PfxRequest, password: str) -> BundleFile:
    from wizard.core.packaging import pfx_bytes, pfx_profile

    if "pfx" not in ctx.audience.receives or not ctx.audience.may_receive_key_material:
        raise BundleError(f"A bundle for the {ctx.audience.name} never holds a private key, so no PFX can go in it.")
    if request.kind_id not in ctx.audience.certificate_kinds:
        raise BundleError(f"The {ctx.audience.name} does not receive the {request.kind_id} certificate, so its PFX "
                          "cannot go in their bundle.")
    kind = ctx.profile.certificate_kind(request.kind_id)
    held = ctx.project.current_certificate(kind.id)
    if held is None:
        raise BundleError(f"The {kind.name} has no imported certificate yet, so there is no PFX to include.")
    cert = x509.load_pem_x509_certificate(held[1].pem.encode("ascii"))
    chain = tuple(x509.load_pem_x509_certificates(held[1].chain_pem.encode("ascii"))) if held[1].chain_pem else ()
    profile = pfx_profile(request.profile_id)
    data = pfx_bytes(request.key, cert, chain, profile, password, f"{ctx.project.organisation.name} {kind.name}",
                     maker=request.maker)
    held_chain = f"its {_issuer_words(len(chain))}" if chain else "no issuer certificate (none was imported)"
    return BundleFile(FileKind.PFX.file_name(kind.id), data, f"The {kind.name} with its private key and "
                      f"{held_chain}, as a {profile.name} PFX protected by a password that is not in this bundle.",
                      FileKind.PFX, kind.id)


def build_bundle(profile: Profile, project: Project, audience_id: str, now: dt.datetime, *,
                 pfx: Sequence[PfxRequest] = (), password: str | None = None, txt_value: str | None = None,
                 contributors: Sequence[Contributor] | None = None) -> tuple[bytes, bytes]:
    """The bundle as zip bytes, and its manifest bytes (whose fingerprint the sender reads out)."""
    audience = profile.audience(audience_id)
    ctx = BundleContext(profile, project, audience, now)
    if txt_value is None and project.domain_txt is not None:
        txt_value = project.domain_txt.value  # the value recorded from the DIP portal
    files: list[BundleFile] = []
    for contribute in CONTRIBUTORS if contributors is None else contributors:
        files += [f for f in contribute(ctx) if f.kind.content in audience.receives]
    if pfx:
        if not password:
            raise BundleError("A PFX in a bundle is always protected by a password: give one (it is never put in "
                              "the bundle).")
        files += [_pfx_file(ctx, request, password) for request in pfx]
    if not audience.may_receive_key_material and any(f.contains_key for f in files):
        raise BundleError(f"A bundle for the {audience.name} never holds key material; nothing was written.")
    html_name, text_name = FileKind.INSTRUCTIONS_HTML.file_name(), FileKind.INSTRUCTIONS_TEXT.file_name()
    listed = [ListedFile(html_name, "These instructions, to open in a web browser.", False),
              ListedFile(text_name, "The same instructions as plain text.", False),
              *(ListedFile(f.name, f.description, f.contains_key, f.certificate_kind) for f in files)]
    document = build_instructions(profile, project, audience, listed, now, txt_value=txt_value)
    files = [BundleFile(html_name, document.as_html().encode("utf-8"), listed[0].description,
                        FileKind.INSTRUCTIONS_HTML),
             BundleFile(text_name, document.as_text().encode("utf-8"), listed[1].description,
                        FileKind.INSTRUCTIONS_TEXT), *files]
    _check_files(files, password)
    env = profile.environment(project.environment)
    org = project.organisation
    manifest = Manifest(__version__, now, SenderOrganisation(org.company_number, org.name, org.domain),
                        Party(env.id, env.name), Party(audience.id, audience.name),
                        tuple(FileEntry(f.name, len(f.data), sha256_hex(f.data), f.description, f.kind,
                                        f.certificate_kind) for f in files))
    raw_manifest = manifest_bytes(manifest)
    parse_manifest(raw_manifest)  # a kind that does not fit its file is refused here, as a reader would refuse it
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        stamp = now.astimezone(dt.UTC).timetuple()[:6]
        for name, data in ((MANIFEST_NAME, raw_manifest), *((f.name, f.data) for f in files)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # an ordinary file, whatever the umask
            archive.writestr(info, data)
    return buffer.getvalue(), raw_manifest


def _check_files(files: list[BundleFile], password: str | None) -> None:
    """What a reader would refuse is never written; and no password is ever in any file."""
    if len(files) + 1 > MAX_MEMBERS:
        raise BundleError("The bundle would hold more files than a handoff bundle may; nothing was written.")
    seen: set[str] = set()
    for f in files:
        check_name(f.name)
        if name_key(f.name) in seen or name_key(f.name) == name_key(MANIFEST_NAME):
            raise BundleError(f"Two files in the bundle would be named {f.name}; nothing was written.")
        seen.add(name_key(f.name))
        if len(f.data) > MAX_MEMBER_BYTES:
            raise BundleError(f"{f.name} is larger than a file in a handoff bundle may be; nothing was written.")
        if password and password.encode("utf-8") in f.data:
            raise BundleError("The password would have appeared inside the bundle, so nothing was written.")
    if sum(len(f.data) for f in files) > MAX_TOTAL_BYTES:
        raise BundleError("The bundle would be larger than a handoff bundle may be; nothing was written.")


def export_bundle(profile: Profile, project: Project, audience_id: str, out: Path, now: dt.datetime, *,
                  pfx: Sequence[PfxRequest] = (), password: str | None = None, txt_value: str | None = None,
                  contributors: Sequence[Contributor] | None = None, overwrite: bool = False) -> ExportedBundle:
    """Build the bundle and write it to `out` atomically (temp file, fsync, rename): never a partial bundle."""
    check_output(out, overwrite=overwrite)
    data, raw_manifest = build_bundle(profile, project, audience_id, now, pfx=pfx, password=password,
                                      txt_value=txt_value, contributors=contributors)
    try:
        atomic_write(out, data, public=not pfx)
    except OSError as exc:
        raise BundleError(f"Could not write {out}: {exc.strerror or exc}. No bundle was written.") from None
    return ExportedBundle(out, fingerprint(raw_manifest), parse_manifest(raw_manifest))


def bundle_audit_details(exported: ExportedBundle, audience_id: str) -> dict[str, object]:
    """What the audit trail keeps of an exported bundle: for whom, its fingerprint and files; never a password."""
    return {"audience": audience_id, "file": exported.path.name, "fingerprint": exported.fingerprint,
            "files": [f.name for f in exported.manifest.files],
            "with_key": any(f.contains_key for f in exported.manifest.files)}
