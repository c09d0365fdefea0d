"""KPI formulas against small fixtures worked out by hand."""

from datetime import date

import pytest

from workbench.domain.kpis import (
    ClosedDeal,
    Gauge,
    History,
    Move,
    needed,
    results,
    stage_conversion,
)


def test_results_of_a_period() -> None:
    figures = results(
        [
            ClosedDeal(100_000, True, date(2026, 10, 1), date(2026, 11, 3), "CNY"),  # 33 days
            ClosedDeal(300_000, True, date(2026, 11, 1), date(2026, 11, 11), "CNY"),  # 10 days
            ClosedDeal(50_000, True, date(2026, 9, 1), date(2026, 11, 20), "CNY"),  # 80 days
            ClosedDeal(900_000, False, date(2026, 8, 1), date(2026, 11, 5), "CNY"),
        ],
        "CNY",
    )
    assert (figures.won_revenue, figures.won_count, figures.lost_count) == (450_000, 3, 1)
    assert figures.win_rate == 0.75
    assert figures.average_won == 150_000
    assert figures.cycle_days == 33
    assert figures.won_elsewhere == ()


def test_deals_in_other_currencies_count_but_their_money_is_kept_apart() -> None:
    """They vanished from the counts and the win rate, not only from revenue."""
    figures = results(
        [
            ClosedDeal(100_000, True, date(2026, 10, 1), date(2026, 11, 3), "CNY"),
            ClosedDeal(2_500_000, True, date(2026, 10, 1), date(2026, 11, 3), "USD"),
            ClosedDeal(700, True, date(2026, 10, 1), date(2026, 11, 4), "USD"),
            ClosedDeal(1_000, True, date(2026, 10, 1), date(2026, 11, 3), "EUR"),
            ClosedDeal(900_000, False, date(2026, 8, 1), date(2026, 11, 5), "USD"),
        ],
        "CNY",
    )
    assert (figures.won_count, figures.lost_count, figures.win_rate) == (4, 1, 0.8)
    assert figures.won_revenue == 100_000 and figures.average_won == 100_000  # CNY's alone
    assert figures.won_elsewhere == (("EUR", 1_000), ("USD", 2_500_700))


def test_nothing_closed_is_no_rate_not_zero() -> None:
    figures = results([], "CNY")
    assert figures.win_rate is None and figures.average_won is None
    assert figures.cycle_days is None and figures.won_revenue == 0
    only_lost = results([ClosedDeal(1, False, date(2026, 1, 1), date(2026, 11, 2), "CNY")], "CNY")
    assert only_lost.win_rate == 0.0  # one closed, none won: 0%, a real figure


def test_stage_conversion_from_stage_history() -> None:
    order = ["lead", "qualified", "proposal", "won"]
    nov, dec = date(2026, 11, 1), date(2026, 12, 1)
    moves = [
        Move("a", "lead", date(2026, 11, 2)),
        Move("a", "qualified", date(2026, 11, 9)),
        Move("a", "won", date(2026, 12, 15)),  # advanced from qualified, after the period
        Move("b", "lead", date(2026, 11, 3)),
        Move("b", "lost", date(2026, 11, 20)),
        Move("c", "lead", date(2026, 10, 1)),  # entered before the period: not counted
        Move("c", "proposal", date(2026, 11, 5)),
        Move("d", "proposal", date(2026, 11, 6)),
        Move("d", "qualified", date(2026, 11, 7)),
    ]
    assert stage_conversion(moves, order, nov, dec) == {
        "lead": (2, 1),  # a went on, b was lost
        "qualified": (2, 1),  # a went on to won; d came back to it and stayed
        "proposal": (2, 0),  # c stayed; d went back
        "won": (0, 0),
    }


def test_gauge_forecast_gap_and_coverage() -> None:
    gauge = Gauge(target=1_000_000, achieved=400_000, weighted_open=300_000)
    assert gauge.forecast == 700_000
    assert gauge.gap == 600_000
    assert gauge.progress == 0.4
    assert gauge.coverage == 0.5
    beaten = Gauge(target=100, achieved=150, weighted_open=10)
    assert beaten.gap == 0 and beaten.coverage is None
    no_target = Gauge(target=None, achieved=5, weighted_open=0)
    assert no_target.gap is None and no_target.progress is None


def test_activity_needed_from_the_reps_history() -> None:
    # 10 won deals for 2,000,000 took 180 calls and 40 visits: 18 calls and 4 visits each
    history = History(calls=180, visits=40, won_count=10, won_revenue=2_000_000)
    plan = needed(gap=500_000, history=history, days_left=5)
    assert plan is not None
    assert plan.deals == 3  # 500,000 / 200,000 = 2.5, rounded up
    assert plan.calls_per_day == pytest.approx(3 * 18 / 5)
    assert plan.visits_per_day == pytest.approx(3 * 4 / 5)
    assert needed(0, history, 5) is None  # no gap
    assert needed(100, History(5, 1, 0, 0), 5) is None  # no wins to learn from
