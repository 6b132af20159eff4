#!/usr/bin/env python3
"""The Windows installer: a per-user MSI of the frozen `dip-onboarding` folder.

    python installers/windows/msi.py --folder DIST/dip-onboarding --out DIST/dip-onboarding-VERSION-windows-x64.msi

Why an MSI (installers/README.md says more): it is what organisations deploy with — Intune's line-of-business
apps, Group Policy software installation and every software-distribution tool take an MSI as it is, and
`msiexec /i FILE /qn` installs it silently. It is per user (`InstallScope="perUser"`): no administrator rights,
into `%LOCALAPPDATA%\\Programs\\DIP Onboarding Wizard`, with a Start-menu shortcut.

The WiX source is written here, not kept as a file, because it lists every file of the frozen folder. It is
compiled by `wixl` (msitools: Debian's `wixl` package, MSYS2's `msitools` on a Windows runner), which builds the
MSI natively, with its cabinet compressed and embedded. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

APP_NAME = "DIP Onboarding Wizard"
MANUFACTURER = "DIP Onboarding"
GUI_EXE = "dip-onboarding-gui.exe"
CLI_EXE = "dip-onboarding.exe"
# Never changes: Windows Installer finds an installed older version by it and replaces it (MajorUpgrade).
UPGRADE_CODE = "9DA09706-86F5-49D8-BA8A-1A559CF362BF"
# Component GUIDs are derived from the installed path under this namespace, so the same file keeps the same
# component across versions, as Windows Installer's component rules ask.
COMPONENT_NAMESPACE = uuid.UUID("5d0a3f5e-2b43-4f44-9c0f-6d3f1b2a7c11")
REGISTRY_KEY = r"Software\DIP Onboarding\DIP Onboarding Wizard"
WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"
LANGUAGE_EN_GB = "2057"


class MsiFailed(Exception):
    pass


def msi_version(version: str) -> str:
    """An MSI ProductVersion (major.minor.build; major and minor < 256, build < 65536) from the app version:
    0.1.0rc1 -> 0.1.0, 1.2 -> 1.2.0."""
    match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    numbers = [int(n or 0) for n in match.groups()] if match else []
    if not numbers or numbers[0] > 255 or numbers[1] > 255 or numbers[2] > 65535:
        raise ValueError(f"version {version!r} cannot be an MSI product version")
    return ".".join(map(str, numbers))


def msi_id(prefix: str, relative: str) -> str:
    """A valid MSI identifier (letters, digits, underscore; at most 72 characters) for a path in the folder."""
    return prefix + hashlib.sha256(relative.encode("utf-8")).hexdigest()[:40]


def component_guid(relative: str) -> str:
    return str(uuid.uuid5(COMPONENT_NAMESPACE, relative.lower())).upper()


def q(tag: str) -> str:
    """A WiX element name in ElementTree's namespaced form."""
    return f"{{{WIX_NS}}}{tag}"


def wix_source(folder: Path, version: str) -> str:
    """The WiX (v3 schema) source for `folder`: every file as a component of its own, the Start-menu shortcut,
    and an HKCU value as the key path of the per-user parts (what Windows Installer expects of per-user files)."""
    ET.register_namespace("", WIX_NS)
    wix = ET.Element(q("Wix"))
    product = ET.SubElement(wix, q("Product"), Id="*", Name=APP_NAME, Language=LANGUAGE_EN_GB,
                            Version=msi_version(version), Manufacturer=MANUFACTURER, UpgradeCode=UPGRADE_CODE)
    ET.SubElement(product, q("Package"), InstallerVersion="500", Compressed="yes", InstallScope="perUser",
                  InstallPrivileges="limited", Platform="x64", Manufacturer=MANUFACTURER,
                  Description=f"{APP_NAME} {version}", Comments="Per-user install; no administrator rights needed.")
    ET.SubElement(product, q("MajorUpgrade"),
                  DowngradeErrorMessage=f"A newer version of {APP_NAME} is already installed.")
    ET.SubElement(product, q("Media"), Id="1", Cabinet="app.cab", EmbedCab="yes", CompressionLevel="high")
    ET.SubElement(product, q("Property"), Id="ARPPRODUCTICON", Value="AppIcon")
    ET.SubElement(product, q("Property"), Id="ARPNOMODIFY", Value="1")
    ET.SubElement(product, q("Icon"), Id="AppIcon", SourceFile=f"{folder.name}/{GUI_EXE}")

    target = ET.SubElement(product, q("Directory"), Id="TARGETDIR", Name="SourceDir")
    local = ET.SubElement(target, q("Directory"), Id="LocalAppDataFolder")
    programs = ET.SubElement(local, q("Directory"), Id="ProgramsDir", Name="Programs")
    install = ET.SubElement(programs, q("Directory"), Id="INSTALLDIR", Name=APP_NAME)
    ET.SubElement(target, q("Directory"), Id="ProgramMenuFolder")  # the Start menu, for the shortcut

    feature = ET.SubElement(product, q("Feature"), Id="App", Title=APP_NAME, Level="1")

    # The shortcut, the registry key path and the removal of the folders this package made.
    shell = ET.SubElement(install, q("Component"), Id="AppShell", Guid=component_guid("<app shell>"))
    ET.SubElement(shell, q("Shortcut"), Id="StartMenuShortcut", Directory="ProgramMenuFolder", Name=APP_NAME,
                  Description="Onboard your organisation to Elexon's DIP", Target=f"[INSTALLDIR]{GUI_EXE}",
                  WorkingDirectory="INSTALLDIR", Icon="AppIcon")
    ET.SubElement(shell, q("RegistryValue"), Root="HKCU", Key=REGISTRY_KEY, Name="InstallDir", Type="string",
                  Value="[INSTALLDIR]", KeyPath="yes")
    ET.SubElement(shell, q("RemoveFolder"), Id="RemoveInstallDir", Directory="INSTALLDIR", On="uninstall")
    ET.SubElement(shell, q("RemoveFolder"), Id="RemoveProgramsDir", Directory="ProgramsDir", On="uninstall")
    ET.SubElement(feature, q("ComponentRef"), Id="AppShell")

    directories: dict[str, ET.Element] = {"": install}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        parent_rel = path.parent.relative_to(folder).as_posix()
        parent_rel = "" if parent_rel == "." else parent_rel
        parent = _directory(directories, parent_rel)
        component_id = msi_id("c", relative)
        component = ET.SubElement(parent, q("Component"), Id=component_id, Guid=component_guid(relative),
                                  Win64="yes")
        ET.SubElement(component, q("File"), Id=msi_id("f", relative), Name=path.name,
                      Source=f"{folder.name}/{relative}", KeyPath="yes")
        ET.SubElement(feature, q("ComponentRef"), Id=component_id)
    ET.indent(wix)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(wix, encoding="unicode") + "\n"


def _directory(directories: dict[str, ET.Element], relative: str) -> ET.Element:
    if relative in directories:
        return directories[relative]
    parent_rel, _, name = relative.rpartition("/")
    parent = _directory(directories, parent_rel)
    element = ET.SubElement(parent, q("Directory"), Id=msi_id("d", relative), Name=name)
    directories[relative] = element
    return element


def find_wixl() -> str | None:
    found = shutil.which("wixl")
    if found is None and os.name == "nt":  # MSYS2's msitools on a Windows runner
        for candidate in (r"C:\msys64\ucrt64\bin\wixl.exe", r"C:\msys64\mingw64\bin\wixl.exe"):
            if Path(candidate).exists():
                return candidate
    return found


def build_msi(folder: Path, out: Path, version: str, wixl: str | None = None) -> Path:
    """Compile the MSI for `folder` into `out` (written under a temporary name, then moved into place)."""
    wixl = wixl or find_wixl()
    if wixl is None:
        raise MsiFailed("wixl was not found: install it (Debian: apt-get install wixl; Windows: MSYS2's "
                        "msitools), or build without the installer")
    folder = folder.resolve()
    if not (folder / GUI_EXE).is_file() or not (folder / CLI_EXE).is_file():
        raise MsiFailed(f"{folder} does not hold {GUI_EXE} and {CLI_EXE}: build the program first")
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="dip-msi-") as tmp:
        source = Path(tmp) / "dip-onboarding.wxs"
        source.write_text(wix_source(folder, version), encoding="utf-8")
        partial = out.with_name(out.name + ".partial")
        # wixl takes file sources relative to where it runs (it refuses absolute ones): run it beside the folder.
        result = subprocess.run([wixl, "-a", "x64", "-o", str(partial), str(source)], cwd=folder.parent,
                                capture_output=True, text=True, check=False)
        if result.returncode != 0 or not partial.is_file():
            partial.unlink(missing_ok=True)
            raise MsiFailed(f"wixl failed (exit {result.returncode}): {(result.stderr or result.stdout)[-2000:]}")
        os.replace(partial, out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from build import VERSION_FILE, read_version  # installers/build.py: the one place the version is read

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, required=True, help="the frozen dip-onboarding folder")
    parser.add_argument("--out", type=Path, required=True, help="the .msi to write")
    parser.add_argument("--version", help="the app version (default: from wizard/__init__.py)")
    args = parser.parse_args(argv)
    version = args.version or read_version(VERSION_FILE.read_text(encoding="utf-8"))
    try:
        out = build_msi(args.folder, args.out, version)
    except MsiFailed as exc:
        print(f"msi.py: {exc}", file=sys.stderr)
        return 1
    print(f"{out}: {out.stat().st_size / 1_000_000:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
