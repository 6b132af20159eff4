"""`python -m bench [--json] [--runs N] [--only NAME]`: run the registered benchmarks and print ratios.

Exit code 0 when every benchmark measured (goals are reported, not enforced), 1 when one could not be measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from typing import Any

from bench.common import ROOT, Context
from bench.suite import BENCHMARKS


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description="Benchmarks as ratios against a floor.")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--runs", type=_positive, metavar="N", help="measured runs per side (default: 7 launch pairs "
                   "for the start-up ratios, 5 keys for ui_max_stall_ms; keygen_ratio makes max(N, 20) keys, "
                   "pfx_ratio max(N, 20) exports)")
    p.add_argument("--only", action="append", choices=sorted(BENCHMARKS), metavar="NAME",
                   help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}")
    p.add_argument("--timeout", type=float, default=60.0, metavar="S", help="kill a launch after S seconds")
    return p.parse_args(argv)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def machine_info() -> dict[str, Any]:
    return {
        "os": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "pyside6": _version("PySide6-Essentials") or _version("PySide6"),
        "qt_platform": "offscreen",
        "commit": _git_commit(),
        "time_utc": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None


def format_table(results: dict[str, dict[str, Any]]) -> str:
    rows = [("benchmark", "median", "min-max", "floor", "app", "goal", "n")]
    notes = []
    for name, r in results.items():
        goal = "-" if r["goal_max"] is None else f"<= {r['goal_max']}"
        if r["goal_met"] is not None:
            goal += " met" if r["goal_met"] else " NOT met"
        spread = f"{_num(r['min'], 2)}-{_num(r['max'], 2)}" if r["min"] is not None else "-"
        if "unit" in r:
            # An absolute measure (MeasuredResult): "floor" shows the same measure with nothing happening.
            unit = r["unit"]
            idle = r[f"idle_median_{unit.lower()}"]
            rows.append((name, _with_unit(r["median"], unit, 2), spread, "idle " + _with_unit(idle, unit),
                         _with_unit(r["median"], unit), goal, str(r["n"])))
            if "keychain" in r:
                notes.append(f"{name}: keys stored in the {r['keychain']}")
        else:
            unit = next(k.removeprefix("floor_median_") for k in r if k.startswith("floor_median_"))
            shown_unit = "MiB" if unit == "mib" else unit
            rows.append((name, _num(r["median"], 2), spread, _with_unit(r[f"floor_median_{unit}"], shown_unit),
                         _with_unit(r[f"app_median_{unit}"], shown_unit), goal, str(r["n"])))
        if r["status"] != "ok":
            notes.append(f"{name}: {r['status']}: {r['detail']}")
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines + notes)


def _num(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _with_unit(value: float | None, unit: str, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f} {unit}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ctx = Context(runs=args.runs or 7, runs_given=args.runs is not None, timeout_s=args.timeout,
                  progress=lambda line: print(line, file=sys.stderr, flush=True))
    names = args.only or list(BENCHMARKS)
    results = {name: BENCHMARKS[name].run(ctx).to_json(BENCHMARKS[name].goal_max) for name in names}
    if args.json:
        print(json.dumps({"benchmarks": results, "machine": machine_info()}, indent=2))
    else:
        print(format_table(results))
        m = machine_info()
        print(f"\nmachine: {m['os']}, {m['cpus']} CPUs, load {m['load_avg_1m']}, Python {m['python']}, "
              f"PySide6 {m['pyside6']}, commit {m['commit']}")
        print("ratios are app / floor per interleaved pair; the floor is a bare PySide6 window; *_ms results are "
              "absolute (bench/README.md)")
    return 1 if any(r["status"] == "error" for r in results.values()) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("bench: interrupted.", file=sys.stderr)
        sys.exit(130)
