"""The report's figures for a rep and the team, against a hand-built November.

Today is Mon 23 Nov 2026, the 16th of November's 21 working days. Li Wei's
year target is 261,000.00 (1,000.00 a working day, so 21,000.00 for November).
"""

from datetime import UTC, date, datetime

import pytest

from workbench.domain.models import (
    Activity,
    ActivityKind,
    Customer,
    Deal,
    Metric,
    Rep,
    StageMove,
    Target,
)
from workbench.domain.periods import Period
from workbench.report_output import kpi_lines, leaderboard_lines
from workbench.store.actions import place_rep
from workbench.store.database import Store
from workbench.store.report import GroupBy, build_report, grouped, previous_period

YUAN = 100  # minor units


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def target(store: Store, rep: Rep, metric: Metric, period: str, amount: int) -> None:
    currency = "CNY" if metric == Metric.REVENUE else None
    store.add(
        Target(
            id=Target.id_for(rep.id, metric, period),
            rep_id=rep.id,
            period=period,
            metric=metric,
            amount=amount,
            currency=currency,
        )
    )


def deal(
    store: Store,
    customer: Customer,
    title: str,
    stage: str,
    amount: int,
    created: str,
    **extra: object,
) -> Deal:
    made = store.add(
        Deal(
            customer_id=customer.id,
            title=title,
            stage=stage,
            currency="CNY",
            amount=amount * YUAN,
            created_at=at(created),
            **extra,
        )
    )
    return made


@pytest.fixture
def november(store: Store, me: Rep, acme: Customer) -> Rep:
    sam = store.add(Rep(name="Sam"))
    target(store, me, Metric.REVENUE, "2026", 261_000 * YUAN)
    target(store, me, Metric.CALLS, "2026-11", 42)
    target(store, sam, Metric.REVENUE, "2026-11", 10_000 * YUAN)
    won = {"closed_on": date(2026, 11, 10)}
    deal(store, acme, "Won A", "won", 8_000, "2026-10-11T00:00", **won)  # 30-day cycle
    deal(store, acme, "Won B", "won", 4_000, "2026-11-05T00:00", **won)  # 5 days
    deal(store, acme, "Lost C", "lost", 9_000, "2026-09-01T00:00", **won)
    deal(
        store,
        acme,
        "Won in October",
        "won",
        50_000,
        "2026-09-01T00:00",
        closed_on=date(2026, 10, 20),
    )
    deal(
        store,
        acme,
        "Open, closing in Nov",
        "proposal",
        10_000,
        "2026-11-01T00:00",
        expected_close=date(2026, 11, 27),
    )  # 60%: 6,000
    deal(
        store,
        acme,
        "Open, closing in Dec",
        "proposal",
        10_000,
        "2026-11-01T00:00",
        expected_close=date(2026, 12, 15),
    )
    other = store.add(Customer(name="Sam's customer", owner=sam.id))
    store.add(
        Deal(
            customer_id=other.id,
            title="Sam's win",
            stage="won",
            currency="CNY",
            amount=3_000 * YUAN,
            closed_on=date(2026, 11, 2),
            owner=sam.id,
        )
    )
    for day in (2, 3, 4):
        store.add(
            Activity(kind=ActivityKind.CALL, customer_id=acme.id, at=at(f"2026-11-0{day}T02:00"))
        )
    store.add(Activity(kind=ActivityKind.VISIT, customer_id=acme.id, at=at("2026-11-05T02:00")))
    store.add(Activity(kind=ActivityKind.CALL, customer_id=acme.id, at=at("2026-10-30T02:00")))
    # 2026-11-01T00:00 in Shanghai is still 31 October in UTC: it counts for November
    store.add(Activity(kind=ActivityKind.CALL, customer_id=acme.id, at=at("2026-10-31T17:00")))
    return sam


def test_a_reps_month(store: Store, me: Rep, november: Rep) -> None:
    report = build_report(store, me.id, Period.parse("2026-11"))
    gauges = {g.metric: g.gauge for g in report.gauges}
    revenue = gauges[Metric.REVENUE]
    assert revenue.target == pytest.approx(21_000 * YUAN)
    assert revenue.achieved == 12_000 * YUAN
    assert revenue.weighted_open == 6_000 * YUAN
    assert revenue.forecast == 18_000 * YUAN
    assert revenue.gap == pytest.approx(9_000 * YUAN)
    assert revenue.coverage == pytest.approx(6_000 / 9_000)
    assert (gauges[Metric.CALLS].target, gauges[Metric.CALLS].achieved) == (42, 4)
    assert gauges[Metric.VISITS].target is None  # no visit target: no gauge figure
    assert (report.pace.working_day, report.pace.working_days, report.days_left) == (16, 21, 5)
    assert report.results.win_rate == pytest.approx(2 / 3)
    assert report.results.average_won == 6_000 * YUAN
    assert report.results.cycle_days == pytest.approx((30 + 5) / 2)
    assert report.previous == Period.parse("2026-10")
    assert report.previous_results.won_revenue == 50_000 * YUAN
    assert report.activities == {"call": 4, "visit": 1}
    assert report.previous_activities == {"call": 1}
    assert (report.new_customers, report.previous_new_customers) == (1, 0)  # acme, made today
    assert report.who == me.name


def test_the_team_and_the_leaderboard(store: Store, me: Rep, november: Rep) -> None:
    report = build_report(store, None, Period.parse("2026-11"))
    revenue = next(g.gauge for g in report.gauges if g.metric == Metric.REVENUE)
    assert revenue.target == pytest.approx((21_000 + 10_000) * YUAN)
    assert revenue.achieved == (12_000 + 3_000) * YUAN
    assert [(s.rep, s.won_revenue, s.attainment) for s in report.leaderboard] == [
        (me.name, 12_000 * YUAN, pytest.approx(12 / 21)),
        ("Sam", 3_000 * YUAN, pytest.approx(0.3)),
    ]
    assert report.who == "everyone"


def test_a_deal_won_in_another_currency_counts_but_is_not_added_to_revenue(
    store: Store, me: Rep, november: Rep, acme: Customer
) -> None:
    """It vanished from won deals and the win rate, not only from revenue."""
    store.add(
        Deal(
            customer_id=acme.id,
            title="Export",
            stage="won",
            currency="USD",
            amount=2_500 * 100,
            closed_on=date(2026, 11, 12),
        )
    )
    report = build_report(store, me.id, Period.parse("2026-11"))
    gauges = {g.metric: g.gauge for g in report.gauges}
    assert gauges[Metric.REVENUE].achieved == 12_000 * YUAN  # CNY alone, never converted
    assert gauges[Metric.WON_DEALS].achieved == 3
    assert report.results.win_rate == pytest.approx(3 / 4)
    assert report.results.average_won == 6_000 * YUAN
    assert report.results.won_elsewhere == (("USD", 2_500 * 100),)
    lines = kpi_lines(report)
    assert "  also won, in other currencies: $2,500" in lines, lines


def test_the_leaderboard_groups_by_team_and_by_manager(
    store: Store, me: Rep, november: Rep
) -> None:
    lead = store.add(Rep(name="Zhou Min", team="East"))
    place_rep(store, me.id, team="East", manager_id=lead.id)
    place_rep(store, november.id, manager_id=lead.id)  # Sam: no team
    report = build_report(store, None, Period.parse("2026-11"))
    by_team = grouped(report.leaderboard, GroupBy.TEAM)
    assert [(g.name, g.won_revenue, [s.rep for s in g.standings]) for g in by_team] == [
        ("East", 12_000 * YUAN, [me.name, "Zhou Min"]),
        (None, 3_000 * YUAN, ["Sam"]),
    ]
    assert by_team[0].attainment == pytest.approx(12 / 21)  # Zhou has no target
    (team,) = grouped(report.leaderboard, GroupBy.MANAGER)  # the manager heads their group
    assert (team.name, team.won_revenue, len(team.standings)) == ("Zhou Min", 15_000 * YUAN, 3)
    lines = leaderboard_lines(report, GroupBy.TEAM)
    assert lines[0] == "Leaderboard by team (won revenue, of target)"
    assert lines[1].split() == ["East", "¥12,000", "57%"] and lines[-1].split()[:2] == ["·", "Sam"]
    assert "(no team)" in lines[-2]


def test_two_managers_of_one_name_head_groups_of_their_own(
    store: Store, me: Rep, november: Rep
) -> None:
    first, second = store.add(Rep(name="Zhou Min")), store.add(Rep(name="Zhou Min"))
    place_rep(store, me.id, manager_id=first.id)
    place_rep(store, november.id, manager_id=second.id)
    report = build_report(store, None, Period.parse("2026-11"))
    groups = grouped(report.leaderboard, GroupBy.MANAGER)
    assert sorted(len(group.standings) for group in groups) == [2, 2]  # not one group of four
    assert {group.name for group in groups} == {
        f"Zhou Min #{first.id[:8]}",
        f"Zhou Min #{second.id[:8]}",
    }


def test_a_period_with_nothing(store: Store, me: Rep) -> None:
    report = build_report(store, me.id, Period.parse("2026-W48"))
    assert all(g.gauge.target is None and g.gauge.achieved == 0 for g in report.gauges)
    assert report.results.win_rate is None and report.needed is None
    assert report.pace.describe() == "working day 1 of 5: on pace at 20%"


def test_previous_periods() -> None:
    assert previous_period(Period.parse("2026-W01")) == Period.parse("2025-W52")
    assert previous_period(Period.parse("2026-Q1")) == Period.parse("2025-Q4")
    assert previous_period(Period.parse("2026")) == Period.parse("2025")


def test_moves_made_in_one_tick_count_in_the_order_they_were_made(
    store: Store, me: Rep, acme: Customer
) -> None:
    """A deal made and moved on within one tick of the clock (a script, a CSV
    file): its moves share a moment, and their ids say nothing of their order.
    Each is read from where the one before left the deal, so Lead and
    Qualified both count as left, whatever the ids."""
    won = store.add(
        Deal(customer_id=acme.id, title="Fast", stage="won", currency="CNY", amount=YUAN)
    )
    moment = at("2026-11-10T02:00")
    for row_id, was, now in (
        ("f" * 32, None, "lead"),  # made first, sorted last by id
        ("0" * 32, "lead", "qualified"),
        ("8" * 32, "qualified", "won"),
    ):
        store.add(StageMove(id=row_id, deal_id=won.id, from_stage=was, to_stage=now, at=moment))
    conversion = build_report(store, me.id, Period.parse("2026-11")).conversion
    assert (conversion["Lead"], conversion["Qualified"]) == ((1, 1), (1, 1))
