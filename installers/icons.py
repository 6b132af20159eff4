"""Draw the app icon from its SVG: PNGs (Qt renders the SVG), a multi-size .ico and an .icns (Pillow writes them).

    python installers/icons.py resources/icons/dip-onboarding.svg OUT_DIR

Run by installers/build.py with the build interpreter (PySide6 from the app, Pillow from the `build` extra) and
QT_QPA_PLATFORM=offscreen. Writes OUT_DIR/dip-onboarding.png (256 px), dip-onboarding-1024.png, .ico and .icns.
"""

from __future__ import annotations

import sys
from pathlib import Path

ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def render_png(svg: Path, size: int, out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"icons.py: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out)):
        raise SystemExit(f"icons.py: could not write {out}")


def main(argv: list[str]) -> int:
    svg, out_dir = Path(argv[0]), Path(argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = svg.stem
    big = out_dir / f"{stem}-1024.png"
    render_png(svg, 1024, big)
    render_png(svg, 256, out_dir / f"{stem}.png")

    from PIL import Image  # type: ignore[import-not-found, unused-ignore]  # build extra only

    with Image.open(big) as image:
        image.save(out_dir / f"{stem}.ico", sizes=ICO_SIZES)
        image.save(out_dir / f"{stem}.icns")
    print(f"icons: {', '.join(sorted(p.name for p in out_dir.iterdir()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
