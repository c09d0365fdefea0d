"""Hybrid logical clock stamps, as sortable text.

A stamp is `WALLMS-COUNTER-DEVICE`: 15 decimal digits of wall-clock
milliseconds since the epoch, 4 hex digits of counter, then the device id.
Sorting the text sorts by (time, counter, device), which is the order sync
uses to pick a winner among concurrent edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from workbench.i18n import tr

MAX_COUNTER = 0xFFFF
MAX_DRIFT_MS = 24 * 60 * 60 * 1000  # refuse stamps more than a day ahead of us

_STAMP = re.compile(r"^(\d{15})-([0-9a-f]{4})-([A-Za-z0-9_]{1,64})$")


class HLCError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    device: str

    def __str__(self) -> str:
        return f"{self.wall_ms:015d}-{self.counter:04x}-{self.device}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        match = _STAMP.match(text)
        if not match:
            raise HLCError(f"not a clock stamp: {text!r}")
        return cls(int(match[1]), int(match[2], 16), match[3])

    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.wall_ms / 1000, tz=UTC)


class HLC:
    """The local device's clock. `tick` stamps a local event; `receive`
    folds in a stamp seen from another device so our next stamp sorts after it."""

    def __init__(self, device: str, last: Stamp | None = None) -> None:
        self.device = device
        self.last = last or Stamp(0, 0, device)

    def tick(self, wall_ms: int) -> Stamp:
        last = self.last
        if wall_ms > last.wall_ms:
            stamp = Stamp(wall_ms, 0, self.device)
        elif last.counter < MAX_COUNTER:
            stamp = Stamp(last.wall_ms, last.counter + 1, self.device)
        else:  # (a stamp received at the counter's end: the next millisecond still sorts after it)
            stamp = Stamp(last.wall_ms + 1, 0, self.device)
        self.last = stamp
        return stamp

    def receive(self, remote: Stamp, wall_ms: int) -> None:
        if remote.wall_ms - wall_ms > MAX_DRIFT_MS:
            raise HLCError(
                tr(
                    "device {device} has a clock more than 24 hours ahead ({moment} UTC)",
                    device=remote.device,
                    moment=f"{remote.moment():%Y-%m-%d %H:%M}",
                )
            )
        if (remote.wall_ms, remote.counter) > (self.last.wall_ms, self.last.counter):
            self.last = Stamp(remote.wall_ms, remote.counter, self.device)
