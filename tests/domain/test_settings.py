from datetime import date

import pytest

from workbench.domain.settings import Settings, SettingsError
from workbench.domain.targets import Split


def test_defaults() -> None:
    settings = Settings()
    assert settings.touch_days == {"A": 30, "B": 60, "C": 120}
    assert (settings.theme, settings.currency, settings.me) == ("textual-dark", "CNY", None)
    assert settings.target_split == Split.EVEN


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"theme": "x" * 81}, "theme: must be text of 1 to 80"),
        ({"theme": ""}, "theme: must be text"),
        ({"theme": "dark\x1b[2J"}, "theme: must not contain control characters"),
        ({"currency": "XYZ"}, "currency: 'XYZ' is not an ISO 4217"),
        ({"touch_days": {"D": 10}}, "touch_days: tiers are A, B, C"),
        ({"touch_days": {"A": -1}}, "touch_days: days must be whole numbers"),
        ({"touch_days": {"A": "30"}}, "touch_days: days must be whole numbers"),
        ({"holidays": [date(2026, 1, 1)] * 401}, "holidays: at most 400"),
        ({"target_split": "odd"}, "target_split: one of even, last year"),
        ({"sync_folder": "/" + "x" * 4096}, "sync_folder: must be text of 1 to 4096"),
        ({"me": 42}, "me: must be text"),
    ],
)
def test_bad_values_are_refused_by_name(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(**values)  # type: ignore[arg-type]


def test_stored_values_round_trip_as_json() -> None:
    settings = Settings(me="rep-1", holidays=[date(2026, 10, 1)], target_split=Split.LAST_YEAR)
    stored = settings.stored()
    assert stored["holidays"] == ["2026-10-01"] and stored["target_split"] == "last year"
    assert Settings.from_stored(stored) == settings


def test_from_stored_ignores_unknown_keys_and_names_damage() -> None:
    assert Settings.from_stored({"theme": "nord", "from_a_newer_version": 1}).theme == "nord"
    with pytest.raises(SettingsError, match="stored settings are damaged"):
        Settings.from_stored({"holidays": ["not a date"]})
