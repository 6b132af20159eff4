"""Benchmarks that report ratios against a floor, not absolute times: `python -m bench [--json] [--runs N]`.

Every benchmark is a function registered in `bench.suite.BENCHMARKS`; see bench/README.md.
"""
