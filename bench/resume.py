"""`resume_ratio`: a returning user's start, over the start-up floor, for every page a project can be reopened on.

The app side is bench/resume_window.py: the GUI started as `gui --exit-after-paint` is, with a settings file naming
the last project (the demo project, made once before anything is timed) and its last page; the clock stops when that
page is painted with the project's data and settled (the script's docstring says exactly when). The floor is the
start-up floor (bench/floor_window.py). One warm-up round, then `runs` rounds; in each round every page is measured
as one interleaved pair (floor, app), so a slow patch of the machine hits both sides of a pair. Reported: the page
with the highest median ratio, with every page's median ratio and medians beside it.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.common import Context, RatioResult
from bench.launch import child_env, launch, launch_in

FLOOR_SCRIPT = Path(__file__).with_name("floor_window.py")
APP_SCRIPT = Path(__file__).with_name("resume_window.py")
# Every page a project reopens on (wizard.core.flow.resume_page: never the welcome page), in the wizard's order.
PAGES = ("ORGANISATION", "PEOPLE", "JOURNEY", "KEYS", "CERTIFICATES", "PACKAGES", "DOMAIN", "DIP_IDS", "RENEWAL",
         "PROMOTION", "AUDIT")


def resume_ratio(ctx: Context) -> RatioResult:
    """Process start → the last page painted with the project's data, app / floor, for the slowest page."""
    home = Path(tempfile.mkdtemp(prefix="bench-resume-"))
    try:
        return _measure(ctx, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _measure(ctx: Context, home: Path) -> RatioResult:
    made = subprocess.run([ctx.python, str(APP_SCRIPT), "--setup"], cwd=ctx.root, env=child_env(home),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=ctx.timeout_s,
                          check=False)
    if made.returncode != 0:
        return RatioResult("ms", [], [], "error", f"making the demo project failed: {made.stderr.strip()[-400:]!r}")
    folder = made.stdout.strip().splitlines()[-1]
    floor: dict[str, list[float]] = {p: [] for p in PAGES}
    app: dict[str, list[float]] = {p: [] for p in PAGES}
    for i in range(ctx.runs + 1):  # round 0 is the warm-up (byte-code, font and page caches)
        label = "warm-up" if i == 0 else f"round {i}/{ctx.runs}"
        shown = []
        for page in PAGES:
            f = launch([ctx.python, str(FLOOR_SCRIPT)], ctx.root, ctx.timeout_s)
            if f.problem or f.first_paint_ms is None:
                return RatioResult("ms", [], [], "error", f"floor ({label}, {page}): {f.problem}")
            _write_settings(home, folder, page)
            a = launch_in(home, [ctx.python, str(APP_SCRIPT)], ctx.root, ctx.timeout_s, {"BENCH_RESUME_PAGE": page})
            if a.problem or a.first_paint_ms is None:
                return RatioResult("ms", [], [], "error", f"app ({label}, reopening on {page}): {a.problem}")
            shown.append(f"{page} {a.first_paint_ms / f.first_paint_ms:.2f}")
            if i > 0:
                floor[page].append(f.first_paint_ms)
                app[page].append(a.first_paint_ms)
        ctx.progress(f"bench: resume_ratio {label}: " + ", ".join(shown))
    per_page = {p: statistics.median(a / f for f, a in zip(floor[p], app[p], strict=True)) for p in PAGES}
    slowest = max(PAGES, key=lambda p: per_page[p])
    extra: dict[str, Any] = {
        "page": slowest,
        "what": "process start -> the page of the last project (from the settings file) painted with the "
                "project's data and settled (bench/resume_window.py), over a bare PySide6 window's first paint; "
                "the page with the highest median ratio",
        "pages": {p: {"median": round(per_page[p], 3), "floor_median_ms": round(statistics.median(floor[p]), 1),
                      "app_median_ms": round(statistics.median(app[p]), 1)} for p in PAGES},
    }
    return RatioResult("ms", floor[slowest], app[slowest], extra=extra)


def _write_settings(home: Path, folder: str, page: str) -> None:
    """The settings a returning user has: the project last open and the page they were on (no window geometry:
    every launch starts from the same file; the app rewrites it when it opens the project)."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"recent_projects": [folder], "last_project": folder,
                                                      "last_page": {folder: page}}), encoding="utf-8")
