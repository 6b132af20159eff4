"""`python -m bench --json` reports a returning user's start (`resume_ratio`), the slowest first page visit
(`page_first_visit_ms`) and the tightened `ui_max_stall_ms`, each with its goal (issue 17, item 8).

The figures themselves are never asserted (no timed assertions): only that they are measured and reported. The
benchmark runs with one measured run and, for `resume_ratio`, one page, to stay fast.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import bench.__main__ as bench_main
import bench.resume
import bench.ui_stall
from bench.suite import BENCHMARKS


def test_goals_are_registered() -> None:
    assert BENCHMARKS["resume_ratio"].goal_max == 1.6
    assert BENCHMARKS["page_first_visit_ms"].goal_max == 50
    assert BENCHMARKS["ui_max_stall_ms"].goal_max == 16


def test_resume_and_first_visit_appear_in_the_json(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bench.resume, "PAGES", ("PEOPLE",))
    code = bench_main.main(["--json", "--runs", "1", "--only", "resume_ratio", "--only", "page_first_visit_ms"])
    results = json.loads(capsys.readouterr().out)["benchmarks"]
    assert code == 0, results
    resume = results["resume_ratio"]
    assert resume["status"] == "ok", resume["detail"]
    assert resume["goal_max"] == 1.6
    assert resume["n"] == 1
    assert resume["median"] > 0
    assert resume["page"] == "PEOPLE"
    assert set(resume["pages"]["PEOPLE"]) == {"median", "floor_median_ms", "app_median_ms"}
    visit = results["page_first_visit_ms"]
    assert visit["status"] == "ok", visit["detail"]
    assert visit["goal_max"] == 50
    assert visit["n"] == 1
    assert visit["median"] > 0
    assert {"ORGANISATION", "JOURNEY", "KEYS", "PACKAGES", "AUDIT"} <= set(visit["pages"])
    assert visit["median"] == max(p["median_ms"] for p in visit["pages"].values())


def test_stall_reports_certificate_import_and_page_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's report (its real run is too slow for a unit test: RSA-4096 keys) carried into the result."""
    run: dict[str, Any] = {"max_gap_ms": 30.0, "idle_max_gap_ms": 5.5, "switch_slowest_page": "JOURNEY",
                           "click_to_done_ms": 200.0, "switch_first_max_gap_ms": 21.0,
                           "switch_first_click_to_done_ms": 25.0, "switch_first_slowest_page": "KEYS"}
    for i, action in enumerate(bench.ui_stall.ACTIONS):
        run[f"{action}_max_gap_ms"] = 10.0 + i
        if action != "key":
            run[f"{action}_click_to_done_ms"] = 50.0
    report = {"keychain": "in-memory store", "kind": "dip-mtls", "algorithm": "rsa-4096", "tick_ms": 5,
              "pfx_profile": "modern", "audience": "technical-lead", "warmup": run, "runs": [run]}
    monkeypatch.setattr(bench.ui_stall, "_run_child", lambda ctx, runs, home: report)
    result = bench.ui_stall.ui_max_stall_ms(bench_main.Context(runs=1, runs_given=True)).to_json(16)
    assert {"import", "switch"} <= set(bench.ui_stall.ACTIONS)
    assert result["goal_max"] == 16
    assert result["goal_met"] is False
    assert result["import_runs_ms"] == [11.0]
    assert result["switch_runs_ms"] == [14.0]
    assert result["switch_slowest_pages"] == ["JOURNEY"]
    assert result["switch_first_visit_runs_ms"] == [21.0], "first visits are reported beside, not in the result"
    assert result["switch_first_visit_slowest_pages"] == ["KEYS"]
    assert result["median"] == 30.0
    assert "certificate imported" in result["what"]
    assert "page switch" in result["what"]


def test_work_queued_before_a_timed_click_is_not_timed_as_the_clicks(qtbot: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A user clicks long after the paints and layouts earlier steps queued; the child times only the click's own
    work (the idle baseline, too, starts with nothing queued)."""
    from PySide6.QtCore import QObject, QTimer, Signal
    from PySide6.QtWidgets import QApplication, QLabel, QPushButton

    import bench.ui_stall_child as child

    class Page(QObject):
        busy_changed = Signal(bool)

        def __init__(self) -> None:
            super().__init__()
            self.page_error = QLabel()

        def is_busy(self) -> bool:
            return False

    queued: list[str] = []
    seen_at_click: list[list[str]] = []
    button = QPushButton("Go")
    button.clicked.connect(lambda: seen_at_click.append(list(queued)))
    QTimer.singleShot(0, lambda: queued.append("paint"))
    child.measure(QApplication.instance(), Page(), button)  # type: ignore[arg-type]
    assert seen_at_click == [["paint"]]

    seen_at_start: list[list[str]] = []

    class Ticker(child.Ticker):
        def __init__(self) -> None:
            seen_at_start.append(list(queued))
            super().__init__()

    monkeypatch.setattr(child, "Ticker", Ticker)
    QTimer.singleShot(0, lambda: queued.append("layout"))
    assert child.idle_gap(QApplication.instance()) > 0  # type: ignore[arg-type]
    assert seen_at_start == [["paint", "layout"]]
