"""The registered benchmarks. To add one, write `def my_ratio(ctx: Context) -> RatioResult` and list it here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.common import Context, RatioResult
from bench.startup import rss_ratio, startup_ratio


@dataclass(frozen=True, slots=True)
class Benchmark:
    run: Callable[[Context], RatioResult]
    goal_max: float | None  # the project's goal for the median ratio; reported beside it, never enforced


BENCHMARKS: dict[str, Benchmark] = {
    "startup_ratio": Benchmark(startup_ratio, goal_max=1.3),
    "rss_ratio": Benchmark(rss_ratio, goal_max=1.3),
}
