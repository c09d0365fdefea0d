"""An injectable clock: everything that asks "what time is it?" asks one of these.

Tests and reproducible demos pin the time with `FixedClock`; the app uses
`SystemClock`. Datetimes are always timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, aware, in the rep's local time zone."""
        ...

    def today(self) -> date:
        """The rep's local calendar date."""
        ...


def local_timezone() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


class SystemClock:
    def now(self) -> datetime:
        return datetime.now().astimezone()

    def today(self) -> date:
        return self.now().date()


@dataclass
class FixedClock:
    """A clock that only moves when told to (`advance`)."""

    moment: datetime
    _step: timedelta = field(default=timedelta(0))

    def __post_init__(self) -> None:
        if self.moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")

    @classmethod
    def at(cls, text: str, tz: tzinfo | None = None) -> FixedClock:
        """`FixedClock.at("2026-11-23")` or `"2026-11-23T09:30"`, in `tz` (default local)."""
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz or local_timezone())
        return cls(moment)

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


def utc_text(moment: datetime) -> str:
    """A moment as records keep it ('2026-11-23T01:30:00Z', a UtcDatetime
    field): for SQL that compares stored moments as text."""
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
