# Replaces PyInstaller's own hook for PySide6.QtGui (hooks in `hookspath` take precedence): the same plugins,
# minus those the wizard never uses (build.py, is_unwanted_qt_file). Dropping them here, before PyInstaller
# resolves shared-library dependencies, also leaves out what only they need: the GTK3 stack behind the gtk3
# platform theme, QtNetwork behind the VNC platform, the EGLFS device libraries.
import importlib.util
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

_build_py = Path(__file__).resolve().parent.parent / "build.py"
_spec = importlib.util.spec_from_file_location("dip_installer_build", _build_py)
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dest) for src, dest in binaries if not _helpers.is_unwanted_qt_file(f"{dest}/{Path(src).name}")]
