"""Full garbage collections between keystrokes, never in the middle of one.

Textual makes a lot of short-lived cyclic garbage (each focus change drops
~10k objects: widgets, strips and their caches), and Python's automatic
full (generation 2) pass over everything alive then costs 80-170 ms: a
visible hitch on whatever key set it off. So the app freezes what lives as
long as it does (modules, classes, styles), leaves the cheap young-generation
passes automatic, and runs the full pass itself once input has paused.
"""

from __future__ import annotations

import gc
from time import monotonic

QUIET = 0.8  # seconds without input before a full pass
BUSY_LIMIT = 30.0  # under unbroken input, a full pass at least this often
NEVER = 1_000_000  # a generation-2 threshold the app never reaches


class IdleCollector:
    def __init__(self) -> None:
        self.last_input = self.last_pass = monotonic()
        self.dirty = False
        self.thresholds = gc.get_threshold()

    def start(self) -> None:
        gc.freeze()
        young, middle, _ = self.thresholds
        gc.set_threshold(young, middle, NEVER)

    def keep(self) -> None:
        """Freeze what was loaded since `start` too (modules, classes): it
        lives as long as the app, so full passes need not walk it."""
        gc.freeze()

    def stop(self) -> None:
        """Back to Python's defaults (tests run many apps in one process)."""
        gc.set_threshold(*self.thresholds)
        gc.unfreeze()

    def touched(self) -> None:
        self.last_input = monotonic()
        self.dirty = True

    def tick(self) -> None:
        now = monotonic()
        quiet = now - self.last_input >= QUIET
        if self.dirty and (quiet or now - self.last_pass >= BUSY_LIMIT):
            gc.collect()
            self.last_pass, self.dirty = now, not quiet
