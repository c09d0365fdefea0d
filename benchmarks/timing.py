"""Timing a piece of work several times: the median and the spread."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Sample:
        return cls(statistics.median(values), min(values), max(values))


def timed(work: Callable[[], object], runs: int, warmup: int = 1) -> Sample:
    """Seconds per call of `work`, over `runs` calls after `warmup` unmeasured ones
    (the first call pays for SQLite's page cache and Python's imports)."""
    for _ in range(warmup):
        work()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return Sample.of(seconds)
