"""The start-up floor: the least a PySide6 app must do to show a window. Run as a script, never imported.

Imports PySide6.QtWidgets, shows a plain titled QWidget, and right after its first paint event has been processed
prints `first_paint_ns <time.monotonic_ns()>` on stderr and quits (exit 0). The wizard's hidden
`gui --exit-after-paint` flag follows the same contract, so both sides of the ratio stop the clock at the same point.
It is started by path, not with `-m bench...`, so that importing the bench package does not count towards the floor.
"""

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class _QuitAfterFirstPaint(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._seen and event.type() == QEvent.Type.Paint:
            self._seen = True
            QTimer.singleShot(0, self._report)  # runs once this paint event has been processed and flushed
        return False

    def _report(self) -> None:
        print(f"first_paint_ns {time.monotonic_ns()}", file=sys.stderr, flush=True)
        self._app.quit()


def main() -> int:
    app = QApplication(sys.argv)
    window = QWidget()
    window.setWindowTitle("Benchmark floor")
    watcher = _QuitAfterFirstPaint(app)
    window.installEventFilter(watcher)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
