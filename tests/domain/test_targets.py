"""Breaking targets down by working day, against figures worked out by hand.

November 2026 has 21 working days (2-6, 9-13, 16-20, 23-27, 30), October 22,
December 23, so Q4 has 66; the whole of 2026 has 261 (52 weeks and Thu 1 Jan).
"""

from datetime import date

import pytest

from workbench.domain.periods import Period
from workbench.domain.targets import (
    Breakdown,
    Calendar,
    Split,
    month_weights,
    pace,
    remaining_working_days,
)

P = Period.parse
NATIONAL_DAY = Calendar(frozenset({date(2026, 10, 1), date(2026, 10, 2)}))


def test_working_days() -> None:
    calendar = Calendar()
    assert len(calendar.working_days(P("2026-11").start, P("2026-11").end)) == 21
    assert len(calendar.working_days(P("2026").start, P("2026").end)) == 261
    assert len(NATIONAL_DAY.working_days(P("2026-10").start, P("2026-10").end)) == 20


def test_a_year_splits_evenly_by_working_day() -> None:
    year = Breakdown({"2026": 261_000})
    assert year.target(P("2026")) == 261_000
    assert year.target(P("2026-11")) == pytest.approx(21_000)
    assert year.target(P("2026-Q4")) == pytest.approx(66_000)
    assert year.target(P("2026-W48")) == pytest.approx(5_000)
    assert year.target(P("2027-01")) is None  # no target covers it


def test_holidays_are_not_working_days() -> None:
    year = Breakdown({"2026": 259_000}, NATIONAL_DAY)
    assert year.target(P("2026-10")) == pytest.approx(20_000)
    assert year.daily(date(2026, 10, 1)) == 0


def test_a_month_set_by_hand_overrides_its_share() -> None:
    both = Breakdown({"2026": 261_000, "2026-11": 30_000})
    assert both.target(P("2026")) == 261_000  # the year stays as set
    assert both.target(P("2026-Q4")) == pytest.approx(22_000 + 30_000 + 23_000)
    assert both.target(P("2026-W48")) == pytest.approx(5 * 30_000 / 21)
    # week 49 (Mon 30 Nov - Sun 6 Dec) takes one day from November, four from December
    assert both.target(P("2026-W49")) == pytest.approx(30_000 / 21 + 4 * 1_000)


def test_split_by_last_years_won_revenue() -> None:
    weights = month_weights(
        [(date(2025, 11, 3), 100), (date(2025, 12, 1), 300), (date(2024, 1, 1), 999)], 2025
    )
    assert weights == {11: 100, 12: 300}
    year = Breakdown({"2026": 400_000}, split=Split.LAST_YEAR, month_weights=weights)
    assert year.target(P("2026-11")) == pytest.approx(100_000)
    assert year.target(P("2026-12")) == pytest.approx(300_000)
    assert year.target(P("2026-06")) == pytest.approx(0)
    assert year.target(P("2026-W48")) == pytest.approx(5 * 100_000 / 21)
    nothing_last_year = Breakdown({"2026": 261_000}, split=Split.LAST_YEAR, month_weights={})
    assert nothing_last_year.target(P("2026-11")) == pytest.approx(21_000)  # even instead


def test_pace() -> None:
    year = Breakdown({"2026": 261_000})
    monday = date(2026, 11, 23)  # the 16th working day of November
    november = pace(year, P("2026-11"), monday)
    assert (november.working_day, november.working_days) == (16, 21)
    assert november.expected == pytest.approx(16 / 21)
    assert november.describe() == "working day 16 of 21: on pace at 76%"
    assert pace(year, P("2026"), monday).expected == pytest.approx(233 / 261)
    assert pace(year, P("2026-12"), monday).working_day == 0
    assert remaining_working_days(Calendar(), P("2026-11"), monday) == 5
    # with November set by hand the year's days add up to 240 * 1,000 + 30,000, not the
    # 261,000 set for the year: the share due by today is of that sum (217 days before
    # November, 16 in it)
    hand = Breakdown({"2026": 261_000, "2026-11": 30_000})
    assert pace(hand, P("2026"), monday).expected == pytest.approx(
        (217 * 1_000 + 16 * 30_000 / 21) / 270_000
    )


def test_pace_without_a_target_is_time_elapsed() -> None:
    november = pace(Breakdown({}), P("2026-11"), date(2026, 11, 23))
    assert november.expected == pytest.approx(16 / 21)
