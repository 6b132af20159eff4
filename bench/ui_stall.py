"""`ui_max_stall_ms`: the longest time the GUI's event loop stalls while an RSA-4096 key is made from the keys page,
its certificate is imported on the Certificates page, a PFX of it is saved from the Packages page, a handoff bundle
holding that PFX is exported from the bundle section, and the user clicks Next through every page.

An absolute number, not a ratio: what the user feels is the stall itself (the goal is one frame at 60 Hz, 16 ms: a
window that misses frames feels sluggish, one that does not repaint for ~50 ms feels stuck), and no floor app makes
keys. For context the result also holds the same timer's
longest gap with nothing happening (`idle_...`), which is what this machine's event loop shows at best.
The measuring happens in a child process (bench/ui_stall_child.py).
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

DEFAULT_RUNS = 5
PER_RUN_TIMEOUT_S = 30.0  # an RSA-4096 key, a PFX, a bundle and the pages take a few seconds; a whole run, this at most
ACTIONS = ("key", "import", "pfx", "bundle", "switch")
STDERR_TAIL = 400


def ui_max_stall_ms(ctx: Context) -> MeasuredResult:
    """Median (and spread) over runs of the longest gap between 5 ms timer ticks over the five actions of a run
    (each from its click until its page is settled); each action's own runs are reported beside it."""
    runs = ctx.runs if ctx.runs_given else DEFAULT_RUNS
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    try:
        outcome = _run_child(ctx, runs, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if isinstance(outcome, str):
        return MeasuredResult("ms", [], status="error", detail=outcome)
    measured = outcome["runs"]
    for i, run in enumerate(measured, start=1):
        each = ", ".join(f"{action} {run[f'{action}_max_gap_ms']:.1f}" for action in ACTIONS)
        ctx.progress(f"bench: ui_max_stall_ms run {i}/{runs}: longest stall {run['max_gap_ms']:.1f} ms "
                     f"({each}; idle {run['idle_max_gap_ms']:.1f} ms; first visits "
                     f"{run['switch_first_max_gap_ms']:.1f} ms)")
    extra: dict[str, Any] = {
        "keychain": outcome["keychain"],
        "what": f"the longest gap between {outcome['tick_ms']} ms timer ticks, from a button's click until its page "
                f"is no longer busy, over five actions: an {outcome['algorithm']} key for {outcome['kind']} (keys "
                f"page, Make key), its certificate imported (Certificates page, Choose file), a "
                f"{outcome['pfx_profile']} PFX of it (Packages page, Save the package), a handoff bundle for "
                f"{outcome['audience']} with that PFX (Packages page, Export a handoff bundle), and every page "
                "switch by Next from the welcome page to the last page between pages already built (a page's first "
                "visit, which builds it, is reported as switch_first_visit_...: its goal is page_first_visit_ms)",
        "warmup_max_gap_ms": outcome["warmup"]["max_gap_ms"],
    }
    for action in ACTIONS:
        gaps = [r[f"{action}_max_gap_ms"] for r in measured]
        extra[f"{action}_median_ms"] = round(statistics.median(gaps), 2)
        extra[f"{action}_runs_ms"] = gaps
        done = "click_to_done_ms" if action == "key" else f"{action}_click_to_done_ms"
        extra[f"{action}_click_to_done_runs_ms"] = [r[done] for r in measured]
    extra["switch_slowest_pages"] = [r["switch_slowest_page"] for r in measured]
    # A page's first visit in a window (built, polished, first laid out): reported, not in the result (its goal is
    # page_first_visit_ms's).
    first = [r["switch_first_max_gap_ms"] for r in measured]
    extra["switch_first_visit_median_ms"] = round(statistics.median(first), 2)
    extra["switch_first_visit_runs_ms"] = first
    extra["switch_first_visit_slowest_pages"] = [r["switch_first_slowest_page"] for r in measured]
    return MeasuredResult("ms", [r["max_gap_ms"] for r in measured], [r["idle_max_gap_ms"] for r in measured],
                          extra)


def _run_child(ctx: Context, runs: int, home: Path) -> dict[str, Any] | str:
    """The child's JSON report, or a sentence saying why there is none."""
    timeout = ctx.timeout_s + PER_RUN_TIMEOUT_S * (runs + 1)
    ctx.progress(f"bench: ui_max_stall_ms: one warm-up and {runs} runs of an RSA-4096 key, a certificate import, "
                 "a PFX, a bundle and the page switches...")
    try:
        done = subprocess.run([ctx.python, "-m", "bench.ui_stall_child", str(runs)], cwd=ctx.root,
                              env=child_env(home), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"the child did not finish within {timeout:.0f} s (killed)"
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    report: dict[str, Any] | None = None
    if lines:
        try:
            report = json.loads(lines[-1])
        except ValueError:
            report = None
    tail = done.stderr.strip()[-STDERR_TAIL:]
    if report is None:
        return f"exit code {done.returncode}, no report; stderr: {tail!r}"
    if "error" in report:
        return f"{report['error']} (keychain: {report.get('keychain')})"
    if done.returncode != 0:
        return f"exit code {done.returncode}; stderr: {tail!r}"
    return report
