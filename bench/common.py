"""What every benchmark shares: the run context and the ratio result it returns."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

T = TypeVar("T")
Status = Literal["ok", "error", "unavailable"]
ROOT = Path(__file__).resolve().parent.parent


@dataclass(slots=True)
class Context:
    """Settings for one `python -m bench` invocation, plus measurements that several benchmarks share."""

    runs: int = 7
    runs_given: bool = False        # --runs was given; benchmarks with another default use theirs otherwise
    timeout_s: float = 60.0
    python: str = sys.executable
    root: Path = ROOT
    progress: Callable[[str], None] = lambda _line: None
    _memo: dict[str, object] = field(default_factory=dict)

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """make() once per invocation; e.g. start-up time and peak RSS come from the same launches."""
        if key not in self._memo:
            self._memo[key] = make()
        return cast(T, self._memo[key])


@dataclass(frozen=True, slots=True)
class RatioResult:
    """App value / floor value, measured in pairs. `app[i]` and `floor[i]` are from the same pair."""

    unit: str
    floor: list[float]
    app: list[float]
    status: Status = "ok"
    detail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # copied into the JSON as it is (e.g. per-page figures)

    @classmethod
    def unavailable(cls, unit: str, reason: str) -> RatioResult:
        return cls(unit, [], [], "unavailable", reason)

    @property
    def ratios(self) -> list[float]:
        return [a / f for f, a in zip(self.floor, self.app, strict=False) if f > 0]

    def to_json(self, goal_max: float | None) -> dict[str, Any]:
        ratios = self.ratios
        median = statistics.median(ratios) if ratios else None
        suffix = self.unit.lower()
        return {
            "status": self.status,
            "detail": self.detail,
            "median": _round(median, 3),
            "min": _round(min(ratios), 3) if ratios else None,
            "max": _round(max(ratios), 3) if ratios else None,
            "n": len(ratios),
            "goal_max": goal_max,
            "goal_met": None if median is None or goal_max is None else median <= goal_max,
            f"floor_median_{suffix}": _round(statistics.median(self.floor), 1) if self.floor else None,
            f"app_median_{suffix}": _round(statistics.median(self.app), 1) if self.app else None,
            f"floor_runs_{suffix}": [round(v, 1) for v in self.floor],
            f"app_runs_{suffix}": [round(v, 1) for v in self.app],
            **self.extra,
        }


@dataclass(frozen=True, slots=True)
class MeasuredResult:
    """An absolute measurement where no floor makes a meaningful ratio (e.g. the longest UI stall, in ms).

    `values` are the measured runs; `idle` the same measurement with nothing happening, for context (the least
    this machine shows); `extra` is copied into the JSON as it is (what was measured, and how).
    """

    unit: str
    values: list[float]
    idle: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    status: Status = "ok"
    detail: str | None = None

    def to_json(self, goal_max: float | None) -> dict[str, Any]:
        median = statistics.median(self.values) if self.values else None
        suffix = self.unit.lower()
        return {
            "status": self.status,
            "detail": self.detail,
            "unit": self.unit,
            "median": _round(median, 2),
            "min": _round(min(self.values), 2) if self.values else None,
            "max": _round(max(self.values), 2) if self.values else None,
            "n": len(self.values),
            "goal_max": goal_max,
            "goal_met": None if median is None or goal_max is None else median <= goal_max,
            f"idle_median_{suffix}": _round(statistics.median(self.idle), 2) if self.idle else None,
            f"runs_{suffix}": [round(v, 2) for v in self.values],
            f"idle_runs_{suffix}": [round(v, 2) for v in self.idle],
            **self.extra,
        }


BenchResult = RatioResult | MeasuredResult


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def interleaved_pairs(ctx: Context, name: str, runs: int, floor: Callable[[int], float],
                      app: Callable[[int], float], *, floor_word: str = "floor") -> RatioResult:
    """Time `floor(i)` and `app(i)` (seconds) in interleaved pairs, alternating which goes first, after one
    warm-up pair that is not counted (imports, the first file in a folder). A `WizardError` from either side ends
    the run with an error result naming the pair."""
    from wizard.core.errors import WizardError

    floor_ms: list[float] = []
    app_ms: list[float] = []
    for i in range(runs + 1):
        label = "warm-up" if i == 0 else f"run {i}/{runs}"
        try:
            if i % 2:
                f, a = floor(i), app(i)
            else:
                a, f = app(i), floor(i)
        except WizardError as exc:
            return RatioResult("ms", floor_ms, app_ms, "error", f"{label}: {exc}")
        ctx.progress(f"bench: {name} {label}: {floor_word} {f * 1000:.2f} ms, app {a * 1000:.2f} ms, "
                     f"ratio {a / f:.3f}")
        if i > 0:
            floor_ms.append(f * 1000)
            app_ms.append(a * 1000)
    return RatioResult("ms", floor_ms, app_ms)
