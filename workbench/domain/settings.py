"""This install's preferences: who I am, the theme, money, Today's limits.

A dataclass, not a pydantic model like the records: they are local (never
synced, written only by Workbench itself), and the app reads them before it
shows anything, where importing pydantic would cost the start ~70 ms. They
are checked when made (`Settings(...)`, `replace`, `from_stored`) and again
when saved, so a value assigned later cannot reach the database unchecked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from workbench.domain.money import check_currency
from workbench.domain.targets import Split
from workbench.i18n import tr

TIERS = ("A", "B", "C")  # key-account levels, as the Tier enum of the records spells them
MAX_HOLIDAYS = 400


class SettingsError(ValueError):
    """A setting that cannot be kept; the message names it."""


@dataclass
class Settings:
    me: str | None = None  # the id of the rep using this database
    theme: str = "textual-dark"  # a Textual theme name; the app falls back if unknown
    currency: str = "CNY"
    # Days a key account may go untouched before Today suggests a visit.
    touch_days: dict[str, int] = field(default_factory=lambda: {"A": 30, "B": 60, "C": 120})
    # Days that are not working days besides weekends, and how a target spreads over them.
    holidays: list[date] = field(default_factory=list)
    target_split: Split = Split.EVEN
    # The drop folder `workbench sync` and the app's sync key use (absolute path).
    sync_folder: str | None = None

    def __post_init__(self) -> None:
        self.check()

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Settings:
        """Settings from their JSON values as saved (unknown keys are ignored:
        a newer Workbench may keep more)."""
        known = {f.name for f in fields(cls)} & stored.keys()
        values = {name: stored[name] for name in known}
        try:
            if "holidays" in values:
                values["holidays"] = [date.fromisoformat(day) for day in values["holidays"]]
            if "target_split" in values:
                values["target_split"] = Split(values["target_split"])
        except (TypeError, ValueError) as error:
            raise SettingsError(tr("stored settings are damaged: {error}", error=error)) from None
        return cls(**values)

    def stored(self) -> dict[str, Any]:
        """Each setting as its JSON value, to save."""
        values = asdict(self)
        values["holidays"] = [day.isoformat() for day in self.holidays]
        values["target_split"] = self.target_split.value
        return values

    def check(self) -> None:
        _text("me", self.me, 64, optional=True)
        _text("theme", self.theme, 80)
        _text("sync_folder", self.sync_folder, 4096, optional=True)
        try:
            self.currency = check_currency(self.currency)
        except (AttributeError, ValueError) as error:
            raise SettingsError(tr("currency: {error}", error=error)) from None
        if not isinstance(self.touch_days, dict) or not self.touch_days.keys() <= set(TIERS):
            raise SettingsError(tr("touch_days: tiers are {tiers}", tiers=", ".join(TIERS)))
        if not all(type(days) is int and days >= 0 for days in self.touch_days.values()):
            raise SettingsError(tr("touch_days: days must be whole numbers, 0 or more"))
        if len(self.holidays) > MAX_HOLIDAYS:
            raise SettingsError(tr("holidays: at most {count} days", count=MAX_HOLIDAYS))
        if not isinstance(self.target_split, Split):
            raise SettingsError(tr("target_split: one of {choices}", choices=", ".join(Split)))


def _text(name: str, value: object, longest: int, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value or len(value) > longest:
        raise SettingsError(
            tr("{name}: must be text of 1 to {longest} characters", name=name, longest=longest)
        )
    if not value.isprintable():
        raise SettingsError(tr("{name}: must not contain control characters", name=name))
