"""Start-up benchmarks: the wizard's main window vs the floor (a bare PySide6 window), launched in pairs.

One warm-up launch of each side, then `runs` pairs interleaved (floor, app, floor, app, ...), so that a slow patch
on a shared machine hits both sides of a pair alike. `startup_ratio` and `rss_ratio` share the same launches.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench.common import Context, RatioResult
from bench.launch import Launch, launch

FLOOR_SCRIPT = Path(__file__).with_name("floor_window.py")
APP_ARGS = ["-m", "wizard", "gui", "--exit-after-paint"]


@dataclass(frozen=True, slots=True)
class PairedLaunches:
    floor: list[Launch]          # the measured (not warm-up) launches that succeeded
    app: list[Launch]
    problem: str | None          # the first failure, which stopped the failing side from being launched again


def paired_launches(ctx: Context) -> PairedLaunches:
    floor_cmd = [ctx.python, str(FLOOR_SCRIPT)]
    app_cmd = [ctx.python, *APP_ARGS]
    floor: list[Launch] = []
    app: list[Launch] = []
    problem: str | None = None
    app_ok = True
    for i in range(ctx.runs + 1):  # pair 0 is the warm-up (byte-code, font and page caches)
        label = "warm-up" if i == 0 else f"pair {i}/{ctx.runs}"
        f = launch(floor_cmd, ctx.root, ctx.timeout_s)
        if f.problem:
            return PairedLaunches(floor, app, f"floor ({label}): {f.problem}")
        a = launch(app_cmd, ctx.root, ctx.timeout_s) if app_ok else None
        if a is not None and a.problem:
            problem, app_ok = f"app ({label}): {a.problem}", False
            ctx.progress(f"bench: {problem}; measuring the floor side only")
        ctx.progress(f"bench: {label}: floor {_ms(f)} / {_mib(f)}, app {_ms(a)} / {_mib(a)}")
        if i > 0:
            floor.append(f)
            if app_ok and a is not None:
                app.append(a)
    return PairedLaunches(floor, app, problem)


def startup_ratio(ctx: Context) -> RatioResult:
    """Process start → first paint of the main window, app / floor."""
    runs = ctx.memo("startup.paired_launches", lambda: paired_launches(ctx))
    return _ratio("ms", runs, [r.first_paint_ms for r in runs.floor], [r.first_paint_ms for r in runs.app])


def rss_ratio(ctx: Context) -> RatioResult:
    """Peak resident memory of the whole process (wait4 ru_maxrss), app / floor."""
    if not hasattr(os, "wait4"):
        return RatioResult.unavailable("MiB", "peak RSS comes from os.wait4(), which this OS (Windows) lacks")
    runs = ctx.memo("startup.paired_launches", lambda: paired_launches(ctx))
    return _ratio("MiB", runs, [r.peak_rss_mib for r in runs.floor], [r.peak_rss_mib for r in runs.app])


def _ratio(unit: str, runs: PairedLaunches, floor: list[float | None], app: list[float | None]) -> RatioResult:
    floor_values = [v for v in floor if v is not None]
    app_values = [v for v in app if v is not None]
    if runs.problem:
        return RatioResult(unit, floor_values, app_values, "error", runs.problem)
    return RatioResult(unit, floor_values, app_values)


def _ms(run: Launch | None) -> str:
    return "-" if run is None or run.first_paint_ms is None else f"{run.first_paint_ms:.0f} ms"


def _mib(run: Launch | None) -> str:
    return "-" if run is None or run.peak_rss_mib is None else f"{run.peak_rss_mib:.0f} MiB"
