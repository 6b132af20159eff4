"""`pem_scan_ratio`: finding the PEM blocks in a hostile file over one regex pass that only finds its markers.

The input is a megabyte of `-----BEGIN Xn-----` lines, each with its own label and none with an END: the file that
made an earlier scanner search the rest of the input once per line (quadratic: 14–20 s). The app side is
`wizard.core.certfiles._pem_blocks`; the floor is `re.finditer` over the same bytes with a pattern that matches
every BEGIN and END line, the least any scanner must do. A linear scanner stays within a small factor of the floor;
a quadratic one is thousands of times slower on this input.
"""

from __future__ import annotations

import re
import time

from bench.common import Context, RatioResult, interleaved_pairs

MIN_RUNS = 10
HOSTILE_BYTES = 1_000_000
_FLOOR = re.compile(rb"-----(?:BEGIN|END) [A-Z0-9 ]{1,64}-----")


def hostile_pem(size: int = HOSTILE_BYTES) -> bytes:
    lines = (b"-----BEGIN X%d-----\n" % i for i in range(size // 12))
    return b"".join(lines)[:size]


def pem_scan_ratio(ctx: Context) -> RatioResult:
    from wizard.core.certfiles import _pem_blocks

    data = hostile_pem()

    def floor(_i: int) -> float:
        started = time.perf_counter()
        sum(1 for _ in _FLOOR.finditer(data))
        return time.perf_counter() - started

    def app(_i: int) -> float:
        started = time.perf_counter()
        _pem_blocks(data)
        return time.perf_counter() - started

    runs = ctx.runs if ctx.runs_given else max(ctx.runs, MIN_RUNS)
    return interleaved_pairs(ctx, "pem_scan_ratio", runs, floor, app, floor_word="regex pass")
