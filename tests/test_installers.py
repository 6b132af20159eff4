"""The installer files agree with each other and with the app, and build.py's helpers do what they say. No build.

The real build (`python installers/build.py --dist DIR`) takes about a minute and is run by hand and by the
Installers workflow, not by this suite.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import plistlib
import re
import shutil
import sys
import tarfile
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import wizard
from wizard.app import APP_AUTHOR, APP_DIR_NAME
from wizard.core.keychain import SERVICE

ROOT = Path(__file__).resolve().parent.parent
INSTALLERS = ROOT / "installers"
SPEC_TEXT = (INSTALLERS / "dip-onboarding.spec").read_text(encoding="utf-8")
WORKFLOW_TEXT = (ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8")
INSTALLING_TEXT = (ROOT / "docs" / "installing.md").read_text(encoding="utf-8")


def _load(name: str, path: Path) -> ModuleType:
    """An installer script as a module (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load("dip_installer_build", INSTALLERS / "build.py")


# ---- build.py's pure helpers ----

def test_version_comes_from_the_package() -> None:
    assert build.read_version((ROOT / "wizard" / "__init__.py").read_text(encoding="utf-8")) == wizard.__version__
    with pytest.raises(ValueError, match="__version__"):
        build.read_version("VERSION = '1.0'\n")


@pytest.mark.parametrize(("version", "four"), [
    ("0.1.0", (0, 1, 0, 0)), ("2", (2, 0, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)), ("1.2.3.4.5", (1, 2, 3, 4)),
    ("3.0.1+local", (3, 0, 1, 0)),
])
def test_windows_file_version(version: str, four: tuple[int, int, int, int]) -> None:
    assert build.windows_version_tuple(version) == four


@pytest.mark.parametrize("version", ["dev", "70000.1"])
def test_windows_file_version_refuses_what_cannot_fit(version: str) -> None:
    with pytest.raises(ValueError, match="Windows file version"):
        build.windows_version_tuple(version)


def test_windows_version_resource_names_the_app_and_its_version() -> None:
    # PyInstaller eval()s this text with its own classes; record what each constructor receives instead.
    def record(kind: str) -> Any:
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo",
             "VarStruct"]
    text = build.windows_version_info("0.1.0", "dip-onboarding-gui")
    info = eval(text, {"__builtins__": {}}, {n: record(n) for n in names})
    assert info[0] == "VSVersionInfo"
    fixed = info[2]["ffi"]
    assert fixed[2]["filevers"] == fixed[2]["prodvers"] == (0, 1, 0, 0)
    string_table = info[2]["kids"][0][1][0][0]
    strings = {s[1][0]: s[1][1] for s in string_table[1][1]}
    assert strings["ProductVersion"] == strings["FileVersion"] == "0.1.0"
    assert strings["ProductName"] == strings["FileDescription"] == "DIP Onboarding Wizard"
    assert strings["OriginalFilename"] == "dip-onboarding-gui.exe"


@pytest.mark.parametrize(("system", "machine", "name"), [
    ("linux", "x86_64", "dip-onboarding-0.1.0-linux-x86_64.tar.gz"),
    ("linux", "aarch64", "dip-onboarding-0.1.0-linux-arm64.tar.gz"),
    ("darwin", "arm64", "dip-onboarding-0.1.0-macos-arm64.tar.gz"),
    ("win32", "AMD64", "dip-onboarding-0.1.0-windows-x64.tar.gz"),
])
def test_artefact_names(system: str, machine: str, name: str) -> None:
    assert build.archive_name("0.1.0", system, machine) == name


def test_folder_size_counts_files_once_and_follows_no_links(tmp_path: Path) -> None:
    folder = tmp_path / "app"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.bin").write_bytes(b"x" * 1000)
    (folder / "sub" / "b.bin").write_bytes(b"y" * 234)
    os.link(folder / "a.bin", folder / "sub" / "a-again.bin")  # a hard link: the same bytes on disk
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"z" * 50_000)
    (folder / "link.bin").symlink_to(outside)  # counted as the link itself, not the 50 kB it points at
    link_size = os.lstat(folder / "link.bin").st_size
    assert build.folder_size(folder) == 1000 + 234 + link_size


def test_size_budget() -> None:
    assert build.SIZE_BUDGET_BYTES == 200_000_000
    assert build.size_problem(200_000_000, build.SIZE_BUDGET_BYTES) is None
    problem = build.size_problem(200_000_001, build.SIZE_BUDGET_BYTES)
    assert problem == "the frozen folder is 200.0 MB, over the 200.0 MB budget"
    assert build.format_size(160_694_755) == "160.7 MB"


SELF_TEST_OK = """dip-onboarding 0.1.0 self-test
ok    imports: PySide6 6.11.3
ok    window: main window shown (offscreen)
ok    keychain: Secret Service (GNOME Keyring or KWallet) (keyring.backends.SecretService.Keyring): store, read ...
The app can run here.
"""


def test_self_test_output_is_judged() -> None:
    assert build.self_test_problems(SELF_TEST_OK, "Secret Service") == []
    assert build.self_test_problems(SELF_TEST_OK, None) == []
    no_keychain = SELF_TEST_OK.replace("ok    keychain: Secret Service (GNOME Keyring or KWallet)",
                                       "warn  keychain: none.")
    assert build.self_test_problems(no_keychain, None) == []
    assert build.self_test_problems(no_keychain, "Secret Service") == [
        "the self-test did not use the Secret Service keychain"]
    failed = SELF_TEST_OK.replace("ok    window: main window shown (offscreen)", "FAIL  window: RuntimeError: x")
    failed = failed.replace("The app can run here.", "The app cannot run here; see FAIL above.")
    assert build.self_test_problems(failed, None) == [
        "FAIL  window: RuntimeError: x", "the self-test did not say the app can run here"]


def test_expected_keychains_are_the_ones_the_app_names() -> None:
    from wizard.core import keychain

    names = set(keychain._OS_BACKENDS.values())
    for expected in build.KEYCHAIN_NAMES.values():
        assert any(name.startswith(expected) for name in names), expected


def test_tarball_holds_the_folder_owned_by_root(tmp_path: Path) -> None:
    folder = tmp_path / "dip-onboarding"
    (folder / "_internal").mkdir(parents=True)
    (folder / "dip-onboarding").write_bytes(b"\x7fELF")
    (folder / "_internal" / "lib.so").write_bytes(b"lib")
    out = tmp_path / "dip-onboarding-0.1.0-linux-x86_64.tar.gz"
    build.make_tarball(folder, out)
    with tarfile.open(out) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert set(members) == {"dip-onboarding", "dip-onboarding/dip-onboarding", "dip-onboarding/_internal",
                            "dip-onboarding/_internal/lib.so"}
    assert all(m.uid == 0 and m.uname == "root" for m in members.values())
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


@pytest.mark.parametrize(("dest", "unwanted"), [
    ("PySide6/Qt/translations/qtbase_de.qm", True),
    ("PySide6/Qt/translations/qtbase_en.qm", False),
    ("PySide6\\translations\\qt_fr.qm", True),  # Windows wheels keep Qt directly under PySide6
    ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
    ("PySide6\\plugins\\platforms\\qwindows.dll", False),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
    ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
    ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
    ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", False),
    ("certifi/translations/x_de.qm", False),  # only Qt's own files are pruned
])
def test_unused_qt_files(dest: str, unwanted: bool) -> None:
    assert build.is_unwanted_qt_file(dest) is unwanted


def test_build_script_runs_with_a_plain_python() -> None:
    # Only the standard library at the top level: `python3 installers/build.py` needs no venv to start.
    tree = ast.parse((INSTALLERS / "build.py").read_text(encoding="utf-8"))
    imported = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported, "no imports found"
    assert imported - set(sys.stdlib_module_names) - {"__future__"} == set()


# ---- the spec ----

def _wizard_imports() -> set[str]:
    found = set()
    for path in (ROOT / "wizard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_excluded_modules_are_not_used_by_the_app() -> None:
    imports = _wizard_imports()
    assert {"PySide6.QtWidgets", "PySide6.QtGui", "PySide6.QtCore"} <= imports
    used = {m for m in imports if m.startswith("PySide6.Qt")}
    assert used & set(build.EXCLUDED_MODULES) == set()
    for needed in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg", "PySide6.QtDBus",
                   "keyring", "secretstorage", "jeepney", "certifi", "cryptography", "platformdirs"):
        assert needed not in build.EXCLUDED_MODULES
    for unused in ("PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtMultimedia", "PySide6.QtQml",
                   "PySide6.QtQuick", "PySide6.QtNetwork", "tkinter", "keyrings.alt", "pytest", "PyInstaller"):
        assert unused in build.EXCLUDED_MODULES


def test_spec_is_one_folder_windowed_with_resources_and_keyring_backends() -> None:
    assert "excludes=list(helpers.EXCLUDED_MODULES)" in SPEC_TEXT
    assert "exclude_binaries=True" in SPEC_TEXT
    assert "COLLECT(" in SPEC_TEXT
    assert "console=False" in SPEC_TEXT
    assert re.search(r"console=sys.platform == \"win32\"", SPEC_TEXT)  # the Windows CLI twin only
    assert '"resources" / "profiles"' in SPEC_TEXT
    assert '"resources" / "icons"' in SPEC_TEXT
    assert '"resources" / "help"' in SPEC_TEXT, "the offline help ships with the app"
    assert 'collect_submodules("wizard")' in SPEC_TEXT, "pages imported by name on first use ship too"
    assert 'collect_submodules("keyring.backends")' in SPEC_TEXT
    assert 'copy_metadata("keyring")' in SPEC_TEXT  # the entry points keyring finds its backends by
    for package in ("secretstorage", "jeepney", "win32ctypes", "holidays.countries", "dns.rdtypes"):
        assert f'collect_submodules("{package}"' in SPEC_TEXT
    assert 'hookspath=[str(HERE / "hooks")]' in SPEC_TEXT
    assert (INSTALLERS / "hooks" / "hook-PySide6.QtGui.py").is_file()
    assert "helpers.read_version(" in SPEC_TEXT
    assert "version=VERSION" in SPEC_TEXT
    assert "helpers.windows_version_info(VERSION" in SPEC_TEXT
    assert "bundle_identifier=helpers.APP_ID" in SPEC_TEXT
    assert "entitlements_file=" in SPEC_TEXT
    assert 'os.environ.get("DIP_CODESIGN_IDENTITY")' in SPEC_TEXT


def test_app_id_is_the_keychain_service() -> None:
    # macOS keychain items belong to the signed bundle; the bundle id and the keyring service are one name.
    assert build.APP_ID == SERVICE == "org.diponboarding.wizard"


def test_entry_script_runs_the_same_main() -> None:
    assert "from wizard.__main__ import main" in (INSTALLERS / "entry.py").read_text(encoding="utf-8")
    assert 'Path(SPECPATH)' in SPEC_TEXT
    assert '"entry.py"' in SPEC_TEXT


def test_macos_entitlements_are_the_hardened_runtime_minimum() -> None:
    with (INSTALLERS / "macos" / "entitlements.plist").open("rb") as handle:
        entitlements = plistlib.load(handle)
    assert entitlements == {"com.apple.security.cs.allow-unsigned-executable-memory": True,
                            "com.apple.security.cs.disable-library-validation": True}


def test_icon_svg_is_valid() -> None:
    import xml.etree.ElementTree as ET

    root = ET.parse(ROOT / "resources" / "icons" / "dip-onboarding.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"


def test_build_extra_pins_pyinstaller_exactly() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        extras = tomllib.load(handle)["project"]["optional-dependencies"]
    pins = dict(re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][^,;\s]*)", req).groups() for req in extras["build"])
    assert set(pins) >= {"pyinstaller", "pyinstaller-hooks-contrib", "pillow"}


# ---- the Windows installer (a per-user MSI: installers/windows/msi.py) ----

msi = _load("dip_installer_msi", INSTALLERS / "windows" / "msi.py")


@pytest.fixture
def frozen_folder(tmp_path: Path) -> Path:
    """A stand-in for the frozen Windows folder: the two executables and nested files with long names."""
    folder = tmp_path / "dist" / build.CLI_NAME
    (folder / "_internal" / "PySide6" / "plugins" / "platforms").mkdir(parents=True)
    for name in (f"{build.CLI_NAME}.exe", f"{build.GUI_NAME_WINDOWS}.exe", "_internal/python311.dll",
                 "_internal/PySide6/plugins/platforms/qoffscreen.dll", "_internal/a file with spaces.txt"):
        (folder / name).write_bytes(b"MZ" + name.encode())
    return folder


def _wxs(folder: Path) -> Any:
    from xml.etree import ElementTree

    return ElementTree.fromstring(msi.wix_source(folder, "0.1.0"))


def _all(root: Any, tag: str) -> list[Any]:
    return list(root.iter(f"{{{msi.WIX_NS}}}{tag}"))


@pytest.mark.parametrize(("version", "product"), [("0.1.0", "0.1.0"), ("1.2", "1.2.0"), ("1.2.3rc1", "1.2.3"),
                                                   ("2.0.1+local", "2.0.1")])
def test_msi_product_version(version: str, product: str) -> None:
    assert msi.msi_version(version) == product
    with pytest.raises(ValueError, match="cannot be an MSI"):
        msi.msi_version("256.0.0")


def test_windows_installer_is_per_user_without_admin(frozen_folder: Path) -> None:
    root = _wxs(frozen_folder)
    (package,) = _all(root, "Package")
    assert (package.get("InstallScope"), package.get("InstallPrivileges")) == ("perUser", "limited")
    assert not [p for p in _all(root, "Property") if p.get("Id") in ("ALLUSERS", "MSIINSTALLPERUSER")]
    directories = {d.get("Id"): d for d in _all(root, "Directory")}
    assert directories["ProgramsDir"].get("Name") == "Programs"
    assert directories["INSTALLDIR"].get("Name") == msi.APP_NAME
    assert directories["INSTALLDIR"] in list(directories["ProgramsDir"])
    assert directories["ProgramsDir"] in list(directories["LocalAppDataFolder"])  # %LOCALAPPDATA%\Programs\...
    (shortcut,) = _all(root, "Shortcut")
    assert (shortcut.get("Directory"), shortcut.get("Target")) == ("ProgramMenuFolder",
                                                                   f"[INSTALLDIR]{build.GUI_NAME_WINDOWS}.exe")
    assert f"{build.GUI_NAME_WINDOWS}.exe" == msi.GUI_EXE
    assert f"{build.CLI_NAME}.exe" == msi.CLI_EXE
    (product,) = _all(root, "Product")
    assert product.get("UpgradeCode") == msi.UPGRADE_CODE
    assert _all(root, "MajorUpgrade"), "a newer version replaces the older one"


def test_windows_installer_lists_every_file_with_stable_component_ids(frozen_folder: Path) -> None:
    root = _wxs(frozen_folder)
    sources = sorted(f.get("Source") for f in _all(root, "File"))
    expected = sorted(f"{build.CLI_NAME}/{p.relative_to(frozen_folder).as_posix()}"
                      for p in frozen_folder.rglob("*") if p.is_file())
    assert sources == expected
    guids = [c.get("Guid") for c in _all(root, "Component")]
    assert len(set(guids)) == len(guids)
    assert guids == [c.get("Guid") for c in _all(_wxs(frozen_folder), "Component")]  # the same every build
    referenced = {r.get("Id") for r in _all(root, "ComponentRef")}
    assert referenced == {c.get("Id") for c in _all(root, "Component")}
    assert all(len(e.get("Id")) <= 72 for tag in ("Component", "File", "Directory") for e in _all(root, tag))


def test_windows_uninstall_keeps_projects_and_keys(frozen_folder: Path) -> None:
    root = _wxs(frozen_folder)
    assert not _all(root, "RemoveFile")
    removed = [r.get("Directory") for r in _all(root, "RemoveFolder")]
    assert removed == ["INSTALLDIR", "ProgramsDir"]  # only the folders the install made, and only when empty
    for value in _all(root, "RegistryValue"):
        assert value.get("Root") == "HKCU"
    text = msi.wix_source(frozen_folder, "0.1.0")
    assert APP_AUTHOR not in text.replace(msi.MANUFACTURER, "")
    assert SERVICE not in text
    assert "CustomAction" not in text


def test_windows_signing_only_when_ci_passes_a_sign_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [tmp_path / "dip-onboarding.exe", tmp_path / "dip onboarding.msi"]
    for path in files:
        path.write_bytes(b"MZ")
    monkeypatch.delenv("DIP_SIGNTOOL", raising=False)
    build.sign_windows(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files)
    # The command from the CI secret gets each file's path appended, quoted (a name may have a space).
    monkeypatch.setenv("DIP_SIGNTOOL", f'"{sys.executable}" -c "import sys; open(sys.argv[1] + \'.signed\', \'w\')"')
    build.sign_windows(files)
    assert all(path.with_name(path.name + ".signed").exists() for path in files)
    monkeypatch.setenv("DIP_SIGNTOOL", f'"{sys.executable}" -c "raise SystemExit(3)"')
    with pytest.raises(build.BuildFailed, match=r"signing dip-onboarding\.exe failed"):
        build.sign_windows(files)


wixl_missing = shutil.which("wixl") is None or shutil.which("msiinfo") is None


@pytest.mark.skipif(wixl_missing and not os.environ.get("CI"),
                    reason="wixl and msiinfo not installed (apt-get install wixl msitools); CI has them")
def test_the_msi_wixl_builds_asks_for_no_elevation_and_installs_per_user(frozen_folder: Path,
                                                                         tmp_path: Path) -> None:
    import subprocess

    out = msi.build_msi(frozen_folder, tmp_path / "app.msi", "0.1.0")
    summary = subprocess.run(["msiinfo", "suminfo", str(out)], capture_output=True, text=True, check=True).stdout
    # Word Count 10 = compressed (2) + no elevation needed (8): a standard user installs it with no UAC prompt.
    assert re.search(r"^Source: 10 ", summary, re.MULTILINE), summary
    assert re.search(r"^Template: x64;", summary, re.MULTILINE), summary
    properties = subprocess.run(["msiinfo", "export", str(out), "Property"], capture_output=True, text=True,
                                check=True).stdout
    assert "ALLUSERS" not in properties
    assert "ProductVersion\t0.1.0" in properties
    files = subprocess.run(["msiinfo", "export", str(out), "File"], capture_output=True, text=True,
                           check=True).stdout
    assert files.count(".exe") >= 2
    assert not list(tmp_path.glob("*.partial"))


# ---- CI ----

def test_workflow_builds_on_all_three_runners_and_uploads() -> None:
    for runner in ("windows-latest", "macos-latest", "ubuntu-"):
        assert f"os: {runner}" in WORKFLOW_TEXT
    assert 'python -m pip install -e ".[build]"' in WORKFLOW_TEXT
    assert "python installers/build.py --dist dist" in WORKFLOW_TEXT
    assert "actions/upload-artifact@v4" in WORKFLOW_TEXT
    assert "if-no-files-found: error" in WORKFLOW_TEXT
    for artefact in ("dist/*.tar.gz", "dist/*.msi", "dist/*.dmg"):
        assert artefact in WORKFLOW_TEXT


def test_workflow_signs_only_with_secrets() -> None:
    steps = re.split(r"\n      - ", WORKFLOW_TEXT.split("\n    steps:\n", 1)[1])
    signing = [s for s in steps if any(word in s for word in ("notarytool", "Import-PfxCertificate",
                                                                "security import", "signtool verify"))]
    assert len(signing) == 4
    for step in signing:
        condition = re.search(r"if: (.+)", step)
        assert condition, step
        assert re.search(r"env\.HAS_(WINDOWS|MACOS)_SIGNING == 'true'", condition.group(1)), step
    assert "HAS_WINDOWS_SIGNING: ${{ secrets.WINDOWS_CERTIFICATE != '' }}" in WORKFLOW_TEXT
    assert "stapler staple" in WORKFLOW_TEXT


# ---- docs ----

def test_installing_doc_says_where_data_and_keys_live() -> None:
    assert SERVICE in INSTALLING_TEXT
    assert APP_DIR_NAME in INSTALLING_TEXT
    assert APP_AUTHOR in INSTALLING_TEXT
    for topic in ("SmartScreen", "Gatekeeper", "offline", "Credential Manager", "Keychain Access", "secret-tool"):
        assert topic in INSTALLING_TEXT, topic
    assert "docs/installing.md" in (ROOT / "README.md").read_text(encoding="utf-8")


# ---- the Windows stage under Wine (installers/windows/under_wine.py; .ci/run runs the whole stage) ----

under_wine = _load("dip_installer_under_wine", INSTALLERS / "windows" / "under_wine.py")


def test_stage_keeps_its_wine_prefix_and_cache_out_of_the_checkout(tmp_path: Path) -> None:
    # A Wine prefix links to / (dosdevices/z:); inside the checkout, tools that walk the tree never finish.
    assert under_wine.main([str(tmp_path / "out"), "--cache", str(ROOT / "build" / "wine-cache")]) == 2
    assert not (tmp_path / "out").exists()
    assert not (ROOT / "build" / "wine-cache").exists()
    tracked_links = [p for p in ROOT.rglob("*") if p.is_symlink() and ".venv" not in p.parts]
    assert tracked_links == []


def test_stage_pins_microsoft_roots_by_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    anchors = under_wine.trust_anchors(tmp_path).read_text(encoding="ascii")
    assert anchors.count("BEGIN CERTIFICATE") > len(under_wine.PINNED_ROOTS)
    fake = tmp_path / "trust"
    fake.mkdir()
    for name in under_wine.PINNED_ROOTS:
        (fake / name).write_text((INSTALLERS / "windows" / "trust" / name).read_text(encoding="ascii"),
                                 encoding="ascii")
    first = next(iter(under_wine.PINNED_ROOTS))
    other = list(under_wine.PINNED_ROOTS)[1]
    (fake / first).write_text((fake / other).read_text(encoding="ascii"), encoding="ascii")  # the wrong root
    monkeypatch.setattr(under_wine, "HERE", tmp_path)
    with pytest.raises(under_wine.StageFailed, match="not the certificate it should be"):
        under_wine.trust_anchors(tmp_path)


def test_stage_reads_the_signer_from_osslsigncode() -> None:
    report = ("Signer's certificate:\n\t------------------\n\tSigner #0:\n\t\tSubject: /C=US/ST=Oregon/L=Beaverton/"
              "O=Python Software Foundation/CN=Python Software Foundation\n\t\tIssuer : /C=US/O=DigiCert, Inc./CN=X\n"
              "Timestamp verified using:\n\t\tSubject: /C=US/O=DigiCert Inc/CN=DigiCert Trusted Root G4\n")
    assert "O=Python Software Foundation" in under_wine.signer_subject(report)
    assert under_wine.signer_subject("Signature verification: failed\n") == ""
    assert under_wine.SIGNERS["vcruntime140.dll"] == "O=Microsoft Corporation"


def test_stage_installs_the_windows_only_wheels_and_not_the_linters() -> None:
    wanted = under_wine.wheel_requirements()
    names = {re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].lower() for r in wanted}
    assert {"pywin32-ctypes", "pefile", "pyinstaller", "pytest", "cryptography", "keyring"} <= names
    assert not names & {"ruff", "mypy"}
    assert under_wine.windows_path(Path("/tmp/a b/c")) == r"Z:\tmp\a b\c"
