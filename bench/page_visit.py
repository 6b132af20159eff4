"""`page_first_visit_ms`: the slowest first visit of any page (build + first paint), in ms.

Each run is a fresh process (bench/page_visit_child.py: the demo project, Next clicked from the welcome page to the
last page, each page timed from the click until it is painted and settled), so every page is visited for the first
time, its module imported then, as a user's first visit in a session is. One warm-up process (not counted: byte-code
and font caches), then `runs` processes. A run's result is its slowest page; reported are the median over runs, and
each page's median with the part spent inside the Next click (`next_ms`: import, build, `initializePage`).
Absolute, not a ratio: what the user feels is the pause itself, and there is no floor page.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.common import Context, MeasuredResult
from bench.launch import child_env

STDERR_TAIL = 400


def page_first_visit_ms(ctx: Context) -> MeasuredResult:
    per_page: dict[str, list[float]] = {}
    per_page_next: dict[str, list[float]] = {}
    slowest: list[float] = []
    for i in range(ctx.runs + 1):
        label = "warm-up" if i == 0 else f"run {i}/{ctx.runs}"
        report = _run_child(ctx)
        if isinstance(report, str):
            return MeasuredResult("ms", slowest, status="error", detail=f"{label}: {report}")
        pages: dict[str, dict[str, float]] = report["pages"]
        worst = max(pages, key=lambda p: pages[p]["ms"])
        ctx.progress(f"bench: page_first_visit_ms {label}: slowest {worst} {pages[worst]['ms']:.1f} ms")
        if i == 0:
            continue
        slowest.append(pages[worst]["ms"])
        for page, visit in pages.items():
            per_page.setdefault(page, []).append(visit["ms"])
            per_page_next.setdefault(page, []).append(visit["next_ms"])
    medians = {p: statistics.median(v) for p, v in per_page.items()}
    extra: dict[str, Any] = {
        "page": max(medians, key=lambda p: medians[p]),
        "what": "Next clicked from the previous page until the page is built (module imported on first use), "
                "initialised, painted and settled; one fresh process per run, the demo project; a run's result is "
                "its slowest page",
        "pages": {p: {"median_ms": round(medians[p], 2),
                      "next_median_ms": round(statistics.median(per_page_next[p]), 2), "runs_ms": per_page[p]}
                  for p in per_page},
    }
    return MeasuredResult("ms", slowest, extra=extra)


def _run_child(ctx: Context) -> dict[str, Any] | str:
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    try:
        done = subprocess.run([ctx.python, "-m", "bench.page_visit_child"], cwd=ctx.root, env=child_env(home),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=ctx.timeout_s,
                              check=False)
    except subprocess.TimeoutExpired:
        return f"the child did not finish within {ctx.timeout_s:.0f} s (killed)"
    finally:
        shutil.rmtree(home, ignore_errors=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    try:
        report: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except ValueError:
        report = {}
    if "error" in report:
        return str(report["error"])
    if done.returncode != 0 or "pages" not in report:
        return f"exit code {done.returncode}, no report; stderr: {done.stderr.strip()[-STDERR_TAIL:]!r}"
    return report
