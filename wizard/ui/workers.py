"""The one way the GUI runs slow work (key generation, keychain calls) off the UI thread.

`run_in_background(fn, on_success=..., on_error=...)` runs `fn()` on the global `QThreadPool`. The result (or the
exception `fn` raised) comes back through the signals of a small `QObject` made on the GUI thread, so both
callbacks run on the GUI thread. The worker never touches a widget: it only calls `fn` and emits a signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

# Carriers waiting for their worker: held here so Python does not collect one before its signal has fired.
_pending: set[_Carrier] = set()


class _Carrier(QObject):
    """Lives on the GUI thread; its signals cross from the worker thread as queued calls."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, on_success: Callable[[Any], object], on_error: Callable[[BaseException], object],
                 owner: QObject | None) -> None:
        super().__init__()
        self._on_success = on_success
        self._on_error = on_error
        self._owner = owner
        # Queued explicitly: the slots run on this object's (the GUI) thread whichever thread emits.
        self.succeeded.connect(self._deliver_success, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._deliver_error, Qt.ConnectionType.QueuedConnection)

    def _owner_gone(self) -> bool:
        # A page closed while its work ran: there is nobody left to tell.
        return self._owner is not None and not shiboken6.isValid(self._owner)

    @Slot(object)
    def _deliver_success(self, result: object) -> None:
        _pending.discard(self)
        if not self._owner_gone():
            self._on_success(result)

    @Slot(object)
    def _deliver_error(self, error: object) -> None:
        _pending.discard(self)
        if not self._owner_gone():
            assert isinstance(error, BaseException)
            self._on_error(error)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], object], carrier: _Carrier) -> None:
        super().__init__()
        self._fn = fn
        self._carrier = carrier

    def run(self) -> None:
        # Runs on a pool thread: call fn and report, nothing else.
        try:
            result = self._fn()
        except BaseException as exc:  # every outcome must reach the GUI thread, or the carrier is never freed
            self._carrier.failed.emit(exc)
        else:
            self._carrier.succeeded.emit(result)


def run_in_background(fn: Callable[[], object], *, on_success: Callable[[Any], object],
                      on_error: Callable[[BaseException], object], owner: QObject | None = None,
                      after_paint: bool = False) -> None:
    """Run `fn()` on a pool thread; call `on_success(result)` or `on_error(exception)` on the GUI thread.

    Call from the GUI thread. When `owner` (usually the page that asked) has been deleted by the time the work
    ends, neither callback is called. `after_paint`: the job counts as pending at once but starts on the next
    event-loop turn, after what is being drawn now is painted (for work that holds the GIL, such as an import).
    """
    carrier = _Carrier(on_success, on_error, owner)
    _pending.add(carrier)
    task = _Task(fn, carrier)
    if after_paint:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, carrier, lambda: QThreadPool.globalInstance().start(task))
    else:
        QThreadPool.globalInstance().start(task)


def pending_count() -> int:
    """How many background jobs have not reported yet (for tests and benchmarks)."""
    return len(_pending)
