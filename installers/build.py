#!/usr/bin/env python3
"""Build the frozen app for the platform this runs on, smoke-test it, and package it.

    python installers/build.py --dist DIR [--python PY] [--no-keychain-check] [--no-installer]

Steps: choose the build interpreter, draw the icons, run PyInstaller on installers/dip-onboarding.spec (one folder),
measure the folder (and fail on Linux above the size budget), run the frozen `--version` and `--self-test`, check
that the frozen self-test names the OS keychain inside a session that has one, then package:
Linux a .tar.gz, macOS a .dmg (hdiutil), Windows a per-user MSI (installers/windows/msi.py, wixl).

The build interpreter is --python if given; else this interpreter when it already has PyInstaller (CI installs
`pip install -e .[build]`); else a private venv in build/venv with the `build` extra installed, made on first use.
Standard library only at the top, so a plain `python3` runs it; the spec imports the helpers below.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installers" / "dip-onboarding.spec"
ICON_SVG = ROOT / "resources" / "icons" / "dip-onboarding.svg"
VERSION_FILE = ROOT / "wizard" / "__init__.py"
WORK = ROOT / "build"

APP_ID = "org.diponboarding.wizard"  # macOS bundle id; keychain items are tied to it. Also the keychain service name.
APP_NAME = "DIP Onboarding Wizard"
CLI_NAME = "dip-onboarding"  # the folder, the command-line executable and the archive prefix
GUI_NAME_WINDOWS = "dip-onboarding-gui"  # Windows only: a windowed twin of the CLI, which the Start menu opens
SIZE_BUDGET_BYTES = 200_000_000  # Linux one-folder build; MB here means 1,000,000 bytes
MIN_SCREENS = 16  # what `gui --demo --screenshots` renders (wizard/ui/screenshots.py)
KEYCHAIN_NAMES = {  # what `--self-test` prints for each platform's OS keychain (wizard/core/keychain.py)
    "linux": "Secret Service",
    "darwin": "macOS Keychain",
    "win32": "Windows Credential Manager",
}


# Left out of the frozen app (docs/installing.md says why). The app imports only QtCore, QtGui and QtWidgets
# (tests/test_installers.py checks that none of these is imported by wizard/). QtSvg stays: the SVG icon engine
# needs it. QtDBus stays: Linux accessibility (AT-SPI) and the portal theme use it.
QT_EXCLUDED_MODULES = tuple("PySide6." + name for name in (
    "QtNetwork", "QtQml", "QtQuick", "QtQuickWidgets", "QtQuickControls2", "QtQuick3D", "QtWebEngineCore",
    "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel", "QtWebSockets", "QtWebView", "Qt3DCore",
    "Qt3DRender", "Qt3DInput", "Qt3DLogic", "Qt3DAnimation", "Qt3DExtras", "QtMultimedia", "QtMultimediaWidgets",
    "QtSpatialAudio", "QtPdf", "QtPdfWidgets", "QtCharts", "QtDataVisualization", "QtGraphs", "QtSql", "QtTest",
    "QtOpenGL", "QtOpenGLWidgets", "QtPrintSupport", "QtDesigner", "QtUiTools", "QtHelp", "QtXml", "QtConcurrent",
    "QtBluetooth", "QtNfc", "QtPositioning", "QtLocation", "QtSerialPort", "QtSerialBus", "QtSensors",
    "QtRemoteObjects", "QtScxml", "QtStateMachine", "QtTextToSpeech", "QtHttpServer", "QtSvgWidgets",
    "QtAxContainer",
))
# tkinter is unused; the rest are build tools and test-only packages that may sit in the build interpreter.
# keyrings.alt above all: once present it silently becomes the keyring on a machine without an OS keychain.
PY_EXCLUDED_MODULES = ("tkinter", "_tkinter", "PyInstaller", "PIL", "pytest", "_pytest", "pytestqt", "hypothesis",
                       "cryptography_vectors", "keyrings", "keyrings.alt", "mypy", "ruff", "setuptools", "pip")
EXCLUDED_MODULES = QT_EXCLUDED_MODULES + PY_EXCLUDED_MODULES


# ---- pure helpers (tested in tests/test_installers.py; the spec uses them too) ----

def read_version(init_text: str) -> str:
    """The package version from the text of wizard/__init__.py, without importing the package."""
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', init_text, re.MULTILINE)
    if not match:
        raise ValueError("no __version__ = \"...\" line in wizard/__init__.py")
    return match.group(1)


def windows_version_tuple(version: str) -> tuple[int, int, int, int]:
    """A Windows file version (four 16-bit numbers) from a version such as 0.1.0, 1.2 or 1.2.3rc1."""
    release = re.match(r"\d+(?:\.\d+)*", version)  # 1.2.3rc1 -> 1.2.3: pre-release tags do not fit
    numbers = [int(n) for n in release.group(0).split(".")[:4]] if release else []
    if not numbers or any(n > 0xFFFF for n in numbers):
        raise ValueError(f"version {version!r} cannot be a Windows file version")
    a, b, c, d = [*numbers, 0, 0, 0, 0][:4]
    return a, b, c, d


def windows_version_info(version: str, exe_name: str = CLI_NAME) -> str:
    """The Windows version resource in PyInstaller's text form (read by `load_version_info_from_text_file`)."""
    four = windows_version_tuple(version)
    strings = {
        "CompanyName": "DIP Onboarding",
        "FileDescription": APP_NAME,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": "Proprietary",
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    table = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={four}, prodvers={four}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080904B0', [
          {table}])]),
    VarFileInfo([VarStruct('Translation', [2057, 1200])])
  ]
)
"""


def platform_tag(system: str, machine: str) -> str:
    """`linux-x86_64`, `macos-arm64`, `windows-x64`: the platform part of artefact names."""
    machine = machine.lower()
    arch = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    if system == "win32":
        return "windows-x64" if arch == "x86_64" else f"windows-{arch}"
    return {"darwin": "macos", "linux": "linux"}.get(system, system) + f"-{arch}"


def artefact_stem(version: str, system: str, machine: str) -> str:
    return f"{CLI_NAME}-{version}-{platform_tag(system, machine)}"


def archive_name(version: str, system: str, machine: str) -> str:
    return artefact_stem(version, system, machine) + ".tar.gz"


def system_name(platform_name: str = sys.platform) -> str:
    return "linux" if platform_name.startswith("linux") else platform_name


def folder_size(path: Path) -> int:
    """Bytes in the files under `path`: symlinks are not followed, and a file with several hard links counts once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            info = os.lstat(os.path.join(folder, name))
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            total += info.st_size
    return total


def format_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def size_problem(size: int, budget: int) -> str | None:
    if size <= budget:
        return None
    return f"the frozen folder is {format_size(size)}, over the {format_size(budget)} budget"


def self_test_problems(output: str, keychain: str | None) -> list[str]:
    """What is wrong with a frozen `--self-test` output; `keychain` is the OS keychain it must have used."""
    problems = [line for line in output.splitlines() if line.startswith("FAIL")]
    if "The app can run here." not in output:
        problems.append("the self-test did not say the app can run here")
    if keychain is not None and not re.search(rf"^ok    keychain: {re.escape(keychain)}", output, re.MULTILINE):
        problems.append(f"the self-test did not use the {keychain} keychain")
    return problems


# Qt plugins the wizard never uses, by plugin folder; a folder set to None goes entirely. Kept: the desktop
# platforms (xcb, wayland, windows, cocoa) and offscreen (the self-test and screenshots), the SVG icon engine and
# image formats for the app icon, styles, the XDG portal theme and input methods (typing in other scripts).
UNUSED_QT_PLUGINS: dict[str, frozenset[str] | None] = {
    # Embedded-device and remote platforms; qvnc alone pulls in QtNetwork.
    "platforms": frozenset({"qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc", "qdirect2d"}),
    "egldeviceintegrations": None,  # EGLFS only
    "generic": None,  # evdev / TUIO input for framebuffer devices, not desktops
    # GTK3 theme: 19 MB of GTK, cairo and pango copied from the build machine, which can clash with the user's own
    # GTK; without it Qt draws its own file dialogs.
    "platformthemes": frozenset({"qgtk3"}),
    "imageformats": frozenset({"qgif", "qjpeg", "qtga", "qtiff", "qwbmp", "qwebp", "qpdf", "qmacheif", "qmacjp2"}),
    "networkinformation": None,
    "tls": None,
}


def _plugin_stem(name: str) -> str:
    stem = name.split(".")[0]
    return stem[3:] if stem.startswith("lib") else stem


def is_unwanted_qt_file(dest: str) -> bool:
    """True for a collected Qt file the app never uses (`dest` is its path inside the frozen folder).

    Qt translations other than English (the wizard is English only and installs no translator), and the plugins
    in UNUSED_QT_PLUGINS.
    """
    parts = dest.replace("\\", "/").split("/")
    if "PySide6" not in parts:
        return False
    name = parts[-1]
    if "translations" in parts:
        return name.endswith(".qm") and not name.endswith("_en.qm")
    if "plugins" in parts and len(parts) >= 3 and parts[-3] == "plugins":
        folder = parts[-2]
        if folder not in UNUSED_QT_PLUGINS:
            return False
        unused = UNUSED_QT_PLUGINS[folder]
        return unused is None or _plugin_stem(name) in unused
    return False


def executable(folder: Path, name: str, system: str) -> Path:
    return folder / (name + ".exe" if system == "win32" else name)


def make_tarball(folder: Path, out: Path) -> None:
    """A .tar.gz of `folder` (top entry: the folder's name), owner root, written to a temp name then moved."""

    def owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    partial = out.with_name(out.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(folder, arcname=folder.name, filter=owner)
    os.replace(partial, out)


# ---- the build ----

class BuildFailed(Exception):
    pass


def _run(cmd: Sequence[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    result: subprocess.CompletedProcess[str] = subprocess.run([str(c) for c in cmd], text=True, check=False,
                                                              **kwargs)
    return result


def _check(cmd: Sequence[str | Path], what: str, **kwargs: Any) -> None:
    if _run(cmd, **kwargs).returncode != 0:
        raise BuildFailed(f"{what} failed")


def build_python(requested: str | None) -> Path:
    """The interpreter that runs PyInstaller: --python, this one if it has PyInstaller, or build/venv."""
    if requested:
        return Path(requested)
    if importlib.util.find_spec("PyInstaller") is not None:
        return Path(sys.executable)
    venv = WORK / "venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        _check([sys.executable, "-m", "venv", venv], "creating build/venv")
    # Re-run every time: quick when nothing changed, and it picks up a changed pyproject.toml.
    _check([python, "-m", "pip", "install", "-q", "-e", f"{ROOT}[build]"], "installing the build extra")
    return python


def _smoke_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON_KEYRING")}
    env["DIP_ONBOARDING_HOME"] = str(home)  # never touch the builder's own projects or settings
    env.pop("DIP_ONBOARDING_RESOURCES", None)  # the frozen app must find its own resources
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def smoke_test(exe: Path, extra_exes: Sequence[Path], version: str, keychain_check: bool) -> None:
    system = system_name()
    with tempfile.TemporaryDirectory(prefix="dip-build-smoke-") as tmp:
        env = _smoke_env(Path(tmp))
        for candidate in (exe, *extra_exes):
            result = _run([candidate, "--version"], capture_output=True, env=env, timeout=120)
            if result.returncode != 0 or result.stdout.strip() != f"{CLI_NAME} {version}":
                raise BuildFailed(f"{candidate.name} --version printed {result.stdout.strip()!r} "
                                  f"(exit {result.returncode}); {result.stderr.strip()[-400:]}")
            print(f"ok    {candidate.name} --version: {result.stdout.strip()}")
        _screens_smoke_test(exe, Path(tmp), env)
        if system == "linux":
            # Outside any keychain session first: the app must run (and say there is no keychain) ...
            result = _run([exe, "--self-test"], capture_output=True, env=env, timeout=300)
            print(result.stdout, result.stderr[-2000:], sep="\n")
            problems = self_test_problems(result.stdout, None)
            if result.returncode != 0 or problems:
                raise BuildFailed("frozen --self-test: " + "; ".join(problems or [f"exit {result.returncode}"]))
            if keychain_check:
                _linux_keychain_self_test(exe, env)
        else:
            # ... the macOS and Windows runners have the user's keychain in the session already.
            result = _run([exe, "--self-test"], capture_output=True, env=env, timeout=300)
            print(result.stdout, result.stderr[-2000:], sep="\n")
            problems = self_test_problems(result.stdout, KEYCHAIN_NAMES.get(system) if keychain_check else None)
            if result.returncode != 0 or problems:
                raise BuildFailed("frozen --self-test: " + "; ".join(problems or [f"exit {result.returncode}"]))


def _screens_smoke_test(exe: Path, tmp: Path, env: dict[str, str]) -> None:
    """Every page of the frozen app, rendered offscreen from the demo project: the pages are imported on first use,
    some by name, so a module the freezer left out shows here and not in the self-test."""
    shots = tmp / "screens"
    result = _run([exe, "gui", "--demo", "--screenshots", str(shots)], capture_output=True,
                  env={**env, "QT_QPA_PLATFORM": "offscreen"}, timeout=300)
    rendered = sorted(shots.glob("*.png")) if shots.is_dir() else []
    if result.returncode != 0 or len(rendered) < MIN_SCREENS:
        raise BuildFailed(f"frozen gui --demo --screenshots: exit {result.returncode}, {len(rendered)} screens; "
                          f"{(result.stderr.strip() or result.stdout.strip())[-400:]}")
    print(f"ok    every page renders: {len(rendered)} screens")


def _linux_keychain_self_test(exe: Path, env: dict[str, str]) -> None:
    """The frozen self-test in a private D-Bus session with a fresh, unlocked gnome-keyring (ci-recipes.md, 4)."""
    missing = [tool for tool in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(tool) is None]
    if missing:
        raise BuildFailed(f"cannot check the keychain: {', '.join(missing)} not installed (apt-get install dbus "
                          "gnome-keyring), or pass --no-keychain-check")
    with tempfile.TemporaryDirectory(prefix="dip-build-keyring-") as kr:
        run = Path(kr) / "run"
        run.mkdir(mode=0o700)
        session_env = {**env, "XDG_RUNTIME_DIR": str(run), "XDG_DATA_HOME": str(Path(kr) / "data"),
                       "DIP_EXE": str(exe)}
        script = ('printf %s build-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 97\n'
                  'exec "$DIP_EXE" --self-test')
        result = _run(["dbus-run-session", "--", "sh", "-c", script], capture_output=True, env=session_env,
                      stdin=subprocess.DEVNULL, timeout=300)
    print(result.stdout)
    problems = self_test_problems(result.stdout, KEYCHAIN_NAMES["linux"])
    if result.returncode != 0 or problems:
        raise BuildFailed("frozen --self-test with gnome-keyring: "
                          + "; ".join(problems or [f"exit {result.returncode}: {result.stderr.strip()[-400:]}"]))
    print(f"ok    the frozen self-test used the {KEYCHAIN_NAMES['linux']} keychain")


def package(dist: Path, folder: Path, version: str, installer: bool) -> list[Path]:
    system = system_name()
    stem = artefact_stem(version, system, platform.machine())
    if system == "linux":
        out = dist / archive_name(version, system, platform.machine())
        make_tarball(folder, out)
        return [out]
    if system == "darwin":
        app = dist / f"{APP_NAME}.app"
        out = dist / f"{stem}.dmg"
        with tempfile.TemporaryDirectory(prefix="dip-dmg-") as staging:
            # The .app beside a link to /Applications: the usual drag-to-install window.
            _check(["ditto", app, Path(staging) / app.name], "copying the .app for the .dmg")
            os.symlink("/Applications", Path(staging) / "Applications")
            _check(["hdiutil", "create", "-volname", APP_NAME, "-srcfolder", staging, "-fs", "HFS+",
                    "-format", "UDZO", "-ov", out], "hdiutil create")
        return [out]
    if system == "win32" and installer:
        sys.path.insert(0, str(ROOT / "installers" / "windows"))
        from msi import MsiFailed, build_msi  # installers/windows/msi.py: the per-user MSI, compiled by wixl

        try:
            out = build_msi(folder, dist / f"{stem}.msi", version)
        except MsiFailed as exc:
            raise BuildFailed(str(exc)) from None
        sign_windows([out])
        return [out]
    return []


def sign_windows(files: Sequence[Path]) -> None:
    """Sign with the command in DIP_SIGNTOOL (CI secrets; e.g. `signtool sign /sha1 THUMBPRINT /fd sha256 ...`),
    each file's path appended; nothing without it (the artefacts are then unsigned: docs/installing.md)."""
    command = os.environ.get("DIP_SIGNTOOL")
    if not command:
        return
    for path in files:
        # shell=True: the command comes whole from the CI secret, with its own quoting.
        if subprocess.run(f'{command} "{path}"', shell=True, check=False).returncode != 0:
            raise BuildFailed(f"signing {path.name} failed")
        print(f"ok    signed {path.name}")


def build(dist: Path, python: Path, keychain_check: bool, installer: bool, budget: int) -> None:
    system = system_name()
    version = read_version(VERSION_FILE.read_text(encoding="utf-8"))
    dist = dist.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    _check([python, ROOT / "installers" / "icons.py", ICON_SVG, WORK / "icons"], "drawing the icons", env=env)
    _check([python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN", "--distpath", dist,
            "--workpath", WORK / "pyinstaller", SPEC], "PyInstaller",
           env={**os.environ, "DIP_ICONS": str(WORK / "icons")})
    built = time.monotonic() - started
    folder = dist / CLI_NAME
    measured = dist / f"{APP_NAME}.app" if system == "darwin" else folder
    size = folder_size(measured)
    print(f"built {measured} in {built:.0f} s: {format_size(size)} ({size:,} bytes)")
    if system == "linux":
        problem = size_problem(size, budget)
        if problem:
            raise BuildFailed(problem)
        print(f"ok    size: within the {format_size(budget)} budget")
    exe_folder = measured / "Contents" / "MacOS" if system == "darwin" else folder
    extra = [executable(folder, GUI_NAME_WINDOWS, system)] if system == "win32" else []
    if system == "win32":
        sign_windows([executable(folder, CLI_NAME, system), *extra])  # before the smoke tests, which run them
    smoke_test(executable(exe_folder, CLI_NAME, system), extra, version, keychain_check)
    artefacts = package(dist, folder, version, installer)
    for artefact in artefacts:
        print(f"artefact {artefact}: {format_size(artefact.stat().st_size)}")
    print(f"done in {time.monotonic() - started:.0f} s (PyInstaller {built:.0f} s)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the build and artefacts go")
    parser.add_argument("--python", help="the interpreter to build with (needs the `build` extra)")
    parser.add_argument("--no-keychain-check", dest="keychain", action="store_false",
                        help="do not require the frozen self-test to use the OS keychain")
    parser.add_argument("--no-installer", dest="installer", action="store_false",
                        help="Windows: stop after the frozen folder (no MSI)")
    parser.add_argument("--size-budget-mb", type=float, default=SIZE_BUDGET_BYTES / 1_000_000,
                        help="Linux: fail when the frozen folder is larger (default 200)")
    args = parser.parse_args(argv)
    try:
        build(args.dist, build_python(args.python), args.keychain, args.installer,
              int(args.size_budget_mb * 1_000_000))
    except BuildFailed as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as exc:
        print(f"build.py: {exc.cmd[0]} did not finish in {exc.timeout:.0f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
