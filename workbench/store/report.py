"""Reads for the Targets pane and `workbench report`: one rep's (or the
team's) targets, results and activity for a period, beside the period before.

Revenue counts deals in the home currency (other currencies' revenue is
shown apart, never converted); counts and rates count every deal. Moments
are stored in UTC; a period is the rep's local calendar days, so its bounds
are converted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import groupby
from typing import Any

from workbench.domain import kpis
from workbench.domain.clock import utc_text
from workbench.domain.models import ActivityKind, Metric
from workbench.domain.periods import Period, PeriodKind
from workbench.domain.stages import StageKind
from workbench.domain.targets import (
    Breakdown,
    Calendar,
    Pace,
    Split,
    combined,
    month_weights,
    pace,
    remaining_working_days,
)
from workbench.i18n import Worded, later
from workbench.store.database import Store, fetch_all
from workbench.store.lookup import SHORT_ID
from workbench.store.queries import rep_names

KINDS = ", ".join(f"'{kind.value}'" for kind in ActivityKind)
HISTORY_DAYS = 365  # the stretch the rep's own rates are learnt from
ACTIVITY_KINDS = {Metric.CALLS: "call", Metric.VISITS: "visit"}


def _utc_text(day: date, tz: tzinfo | None) -> str:
    """Local midnight of `day` as stored moments are written (UTC, ISO, 'Z')."""
    return utc_text(datetime.combine(day, time(), tz))


def _local_day(moment: str, tz: tzinfo | None) -> date:
    return datetime.fromisoformat(moment).astimezone(tz).date()


class Scope:
    """One rep (or the team: rep_id None) over [start, end), as query parameters."""

    def __init__(
        self, store: Store, rep_id: str | None, start: date, end: date, currency: str
    ) -> None:
        self.store = store
        self.rep_id = rep_id
        self.start, self.end = start, end
        self.tz = store.clock.now().tzinfo
        self.currency = currency
        self.params: dict[str, Any] = {
            "rep": rep_id,
            "currency": self.currency,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "start_at": _utc_text(start, self.tz),
            "end_at": _utc_text(end, self.tz),
        }

    def mine(self, column: str) -> str:
        """`AND column = :rep`, or nothing for the team (see queries._only)."""
        return f"AND {column} = :rep" if self.rep_id else ""

    def value(self, sql: str) -> Any:
        return self.store.db.execute(sql, self.params).fetchone()[0]

    def rows(self, sql: str) -> list[dict[str, Any]]:
        return fetch_all(self.store.db, sql, self.params)


_WON_IN_PERIOD = """
    FROM deals d JOIN stages s ON s.id = d.stage
    WHERE s.kind = 'won' AND d.deleted = 0 AND d.closed_on >= :start AND d.closed_on < :end
"""


def closed_deals(scope: Scope) -> list[kpis.ClosedDeal]:
    """Deals won or lost in the period, in every currency."""
    rows = scope.rows(f"""
        SELECT d.amount, s.kind = 'won' AS won, d.created_at, d.closed_on, d.currency
        FROM deals d JOIN stages s ON s.id = d.stage
        WHERE s.kind IN ('won', 'lost') AND d.deleted = 0
          AND d.closed_on >= :start AND d.closed_on < :end {scope.mine("d.owner")}
    """)
    return [
        kpis.ClosedDeal(
            row["amount"],
            bool(row["won"]),
            _local_day(row["created_at"], scope.tz)
            if row["created_at"]
            else date.fromisoformat(row["closed_on"]),
            date.fromisoformat(row["closed_on"]),
            row["currency"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Done:
    """What a rep (or the team) did in a period: read once, used by every figure."""

    results: kpis.Results
    activities: Counter[str]
    new_customers: int

    def towards(self, metric: Metric) -> int:
        """What counts towards a target for `metric`."""
        if metric == Metric.REVENUE:
            return self.results.won_revenue
        if metric == Metric.WON_DEALS:
            return self.results.won_count
        if metric == Metric.NEW_CUSTOMERS:
            return self.new_customers
        return self.activities.get(ACTIVITY_KINDS[metric], 0)


def done(scope: Scope) -> Done:
    return Done(
        kpis.results(closed_deals(scope), scope.currency),
        activity_counts(scope),
        new_customers(scope),
    )


def new_customers(scope: Scope) -> int:
    return scope.value(f"""
        SELECT count(*) FROM customers WHERE deleted = 0 AND merged_into IS NULL
        AND created_at >= :start_at AND created_at < :end_at {scope.mine("owner")}
    """)


def activity_counts(scope: Scope, kinds: str = KINDS) -> Counter[str]:
    """How many activities of each of `kinds` (SQL list of quoted names) the period had."""
    rows = scope.rows(f"""
        SELECT kind, count(*) AS n FROM activities
        WHERE kind IN ({kinds}) -- each kind's (kind, at) range, not the whole index
          AND deleted = 0 AND at >= :start_at AND at < :end_at {scope.mine("owner")}
        GROUP BY kind
    """)
    return Counter({row["kind"]: row["n"] for row in rows})


def weighted_open(scope: Scope) -> int:
    """Open deals expected to close in the period, each times its probability."""
    return scope.value(f"""
        SELECT coalesce(sum(d.amount * coalesce(d.probability, s.probability, 0) / 100), 0)
        FROM deals d JOIN stages s ON s.id = d.stage
        WHERE d.stage IN (SELECT id FROM stages WHERE kind = 'open')  -- lets deals_stage serve
          AND d.deleted = 0 AND d.currency = :currency
          AND d.expected_close >= :start AND d.expected_close < :end {scope.mine("d.owner")}
    """)


def stage_moves(scope: Scope) -> list[kpis.Move]:
    """Every move of the deals that entered some stage in the period."""
    rows = scope.rows(f"""
        SELECT h.deal_id, h.from_stage, h.to_stage, h.at FROM stage_history h
        WHERE h.deleted = 0 AND h.deal_id IN (
            SELECT e.deal_id FROM stage_history e JOIN deals d ON d.id = e.deal_id
            WHERE e.deleted = 0 AND d.deleted = 0 AND e.at >= :start_at AND e.at < :end_at
            {scope.mine("d.owner")})
        ORDER BY h.at, h.id
    """)
    return [
        kpis.Move(row["deal_id"], row["to_stage"], _local_day(row["at"], scope.tz))
        for row in _as_made(rows)
    ]


def _as_made(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Moves in time order, and those written within one tick of the clock (a
    deal made and moved on at once, by a script or a CSV file) in the order
    they were made: each from where the deal's move before it left it. By id
    alone, "Lead → Won" could come before the deal's creation in Lead, and
    Lead would count as a stage it never left."""
    made: list[dict[str, Any]] = []
    stage_of: dict[str, str | None] = {}  # deal -> where its last move so far left it
    for _, moment in groupby(rows, key=lambda row: row["at"]):
        tied = list(moment)
        while tied:
            row = next((r for r in tied if r["from_stage"] == stage_of.get(r["deal_id"])), tied[0])
            tied.remove(row)
            stage_of[row["deal_id"]] = row["to_stage"]
            made.append(row)
    return made


def history(store: Store, rep_id: str | None, today: date) -> kpis.History:
    """The last HISTORY_DAYS of the rep's calls, visits and wins."""
    scope = Scope(
        store,
        rep_id,
        today - timedelta(days=HISTORY_DAYS),
        today + timedelta(days=1),
        store.settings().currency,
    )
    counts = activity_counts(scope, "'call', 'visit'")  # a year of the team's: 100+ ms a kind
    won, revenue = store.db.execute(
        f"SELECT count(*), coalesce(sum(d.amount), 0) {_WON_IN_PERIOD} "
        f"AND d.currency = :currency {scope.mine('d.owner')}",
        scope.params,
    ).fetchone()  # added up here: the team's year is some 100k deals
    return kpis.History(counts.get("call", 0), counts.get("visit", 0), won, revenue)


@dataclass(frozen=True)
class MetricGauge:
    metric: Metric
    gauge: kpis.Gauge


@dataclass(frozen=True)
class Standing:
    rep: str
    won_revenue: int
    target: float | None
    team: str | None = None
    manager: str | None = None  # the manager's name
    manages: bool = False  # someone reports to this rep
    rep_id: str = ""
    manager_id: str | None = None  # (two managers may share a name)

    @property
    def attainment(self) -> float | None:
        return self.won_revenue / self.target if self.target else None


class GroupBy(Worded):
    TEAM = later("team")
    MANAGER = later("manager")


@dataclass(frozen=True)
class Group:
    """Reps of one team, or one manager and those who report to them."""

    name: str | None  # None: reps with no team (no manager)
    standings: list[Standing]

    @property
    def won_revenue(self) -> int:
        return sum(standing.won_revenue for standing in self.standings)

    @property
    def target(self) -> float | None:
        known = [s.target for s in self.standings if s.target is not None]
        return sum(known) if known else None

    @property
    def attainment(self) -> float | None:
        return self.won_revenue / self.target if self.target else None


def grouped(standings: list[Standing], by: GroupBy) -> list[Group]:
    """The leaderboard by team, or by manager (a manager heads their own
    group); groups by won revenue, the unnamed one last."""
    groups: dict[str | None, list[Standing]] = {}
    names: dict[str | None, str | None] = {}
    for standing in standings:
        if by == GroupBy.TEAM:
            key = name = standing.team
        elif standing.manager_id:
            key, name = standing.manager_id, standing.manager
        else:
            key, name = (standing.rep_id, standing.rep) if standing.manages else (None, None)
        groups.setdefault(key, []).append(standing)
        names[key] = name
    alike = Counter(names.values())
    found = [
        Group(
            f"{names[key]} #{key[:SHORT_ID]}" if key and alike[names[key]] > 1 else names[key],
            members,
        )
        for key, members in groups.items()
    ]
    return sorted(found, key=lambda g: (g.name is None, -g.won_revenue, g.name or ""))


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    who: str  # a rep's name, or "everyone"
    currency: str
    pace: Pace
    days_left: int
    gauges: list[MetricGauge]
    results: kpis.Results
    previous_results: kpis.Results
    activities: Counter[str]
    previous_activities: Counter[str]
    new_customers: int
    previous_new_customers: int
    conversion: dict[str, tuple[int, int]]  # stage label -> (entered, went further)
    needed: kpis.Needed | None
    trend: list[tuple[str, int, float | None]]  # month key, won revenue, revenue target
    leaderboard: list[Standing]


def previous_period(period: Period) -> Period:
    return Period.containing(period.kind, period.start - timedelta(days=1))


class Targets:
    """Reps' breakdowns, each read once per report: the settings once, and
    each metric's targets for every rep in one query (a team is 200 reps)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = store.settings()
        self.calendar = Calendar(frozenset(self.settings.holidays))
        self.amounts: dict[Metric, dict[str, dict[str, int]]] = {}  # read on first use
        self.known: dict[tuple[str, Metric, int], Breakdown] = {}
        self.teams: dict[tuple[tuple[str, ...], Metric, int], list[Breakdown]] = {}

    def of(self, rep: str, metric: Metric, year: int) -> Breakdown:
        """The rep's targets for `metric`, and how they spread over `year`'s days."""
        key = (rep, metric, year)
        if key not in self.known:
            weights = None
            if self.settings.target_split == Split.LAST_YEAR:
                weights = self._last_year_weights(rep, year)
            amounts = self._amounts(metric).get(rep, {})
            self.known[key] = Breakdown(amounts, self.calendar, self.settings.target_split, weights)
        return self.known[key]

    def _amounts(self, metric: Metric) -> dict[str, dict[str, int]]:
        """Every rep's targets for `metric`: rep -> period key -> amount."""
        if not self.amounts:  # all metrics in one pass: the table is small, read whole
            for rep, metric_key, period, amount in self.store.db.execute(
                "SELECT rep_id, metric, period, amount FROM targets WHERE deleted = 0 "
                "AND coalesce(currency, ?1) = ?1",  # money in the home currency, and counts
                [self.settings.currency],
            ):
                by_rep = self.amounts.setdefault(Metric(metric_key), {})
                by_rep.setdefault(rep, {})[period] = amount
        return self.amounts.get(metric, {})

    def _last_year_weights(self, rep: str, year: int) -> dict[int, int]:
        last_year = Scope(
            self.store, rep, date(year - 1, 1, 1), date(year, 1, 1), self.settings.currency
        )
        won = [
            (deal.closed, deal.amount)
            for deal in closed_deals(last_year)
            if deal.won and deal.currency == last_year.currency
        ]
        return month_weights(won, year - 1)

    def target(self, reps: list[str], metric: Metric, period: Period) -> float | None:
        """A rep's target, or the team's: the sum of theirs (None when nobody has one)."""
        year = period.start.year
        key = (tuple(reps), metric, year)
        if key not in self.teams:
            self.teams[key] = combined(self.of(rep, metric, year) for rep in reps)
        found = [item.target(period) for item in self.teams[key]]
        known = [amount for amount in found if amount is not None]
        return sum(known) if known else None


def build_report(store: Store, rep_id: str | None, period: Period) -> Report:
    """Everything the pane and `workbench report` show, for a rep or (None) the team."""
    today = store.clock.today()
    names = rep_names(store)  # the team: every rep this database has heard of
    reps = [rep_id] if rep_id else list(names)
    settings = store.settings()
    scope = Scope(store, rep_id, period.start, period.end, settings.currency)
    before = previous_period(period)
    now, then = done(scope), done(Scope(store, rep_id, before.start, before.end, settings.currency))
    targets = Targets(store)
    gauges = []
    for metric in Metric:
        weighted = weighted_open(scope) if metric == Metric.REVENUE else 0
        gauge = kpis.Gauge(targets.target(reps, metric, period), now.towards(metric), weighted)
        gauges.append(MetricGauge(metric, gauge))
    calendar = Calendar(frozenset(settings.holidays))
    days_left = remaining_working_days(calendar, period, today)
    revenue = gauges[0].gauge
    return Report(
        period=period,
        previous=before,
        who=names.get(rep_id, "?") if rep_id else "everyone",
        currency=scope.currency,
        pace=pace(_pace_breakdown(calendar, targets, reps, period), period, today),
        days_left=days_left,
        gauges=gauges,
        results=now.results,
        previous_results=then.results,
        activities=now.activities,
        previous_activities=then.activities,
        new_customers=now.new_customers,
        previous_new_customers=then.new_customers,
        conversion=_conversion(store, scope),
        needed=kpis.needed(revenue.gap or 0, history(store, rep_id, today), days_left),
        trend=_trend(store, targets, scope, reps),
        leaderboard=_leaderboard(targets, names, scope, period),
    )


def _pace_breakdown(
    calendar: Calendar, targets: Targets, reps: list[str], period: Period
) -> Breakdown:
    """What sets the pace: the rep's revenue targets; for the team, working days elapsed."""
    if len(reps) == 1:
        return targets.of(reps[0], Metric.REVENUE, period.start.year)
    return Breakdown({}, calendar)


def _conversion(store: Store, scope: Scope) -> dict[str, tuple[int, int]]:
    stages = [stage for stage in store.stages() if stage.kind != StageKind.LOST]
    found = kpis.stage_conversion(
        stage_moves(scope), [s.key for s in stages], scope.start, scope.end
    )
    # Won is the last stage: nothing is further, so it has no conversion of its own.
    return {stage.label: found[stage.key] for stage in stages if stage.kind == StageKind.OPEN}


def _trend(
    store: Store, targets: Targets, scope: Scope, reps: list[str]
) -> list[tuple[str, int, float | None]]:
    """Each month of the period's year: won revenue and the revenue target."""
    year = scope.start.year
    whole = Scope(store, scope.rep_id, date(year, 1, 1), date(year + 1, 1, 1), scope.currency)
    won = {
        row["month"]: row["won"]
        for row in whole.rows(
            f"SELECT substr(d.closed_on, 1, 7) AS month, sum(d.amount) AS won {_WON_IN_PERIOD} "
            f"AND d.currency = :currency {whole.mine('d.owner')} GROUP BY month"
        )
    }
    months = [Period.containing(PeriodKind.MONTH, date(year, month, 1)) for month in range(1, 13)]
    return [(m.key, won.get(m.key, 0), targets.target(reps, Metric.REVENUE, m)) for m in months]


def _leaderboard(
    targets: Targets, names: dict[str, str], scope: Scope, period: Period
) -> list[Standing]:
    """Every rep's won revenue in the period, whoever the report is for."""
    team = Scope(scope.store, None, scope.start, scope.end, scope.currency)
    won = {
        row["owner"]: row["won"]
        for row in team.rows(
            f"SELECT d.owner, sum(d.amount) AS won {_WON_IN_PERIOD} AND d.currency = :currency "
            "GROUP BY d.owner"
        )
    }
    teams = {
        rep: (team, manager)
        for rep, team, manager in scope.store.db.execute(
            "SELECT id, team, manager_id FROM reps WHERE deleted = 0"
        )
    }
    managers = {manager for _, manager in teams.values()}
    standings = []
    for rep, name in names.items():
        team_of, manager = teams.get(rep, (None, None))
        standings.append(
            Standing(
                name,
                won.get(rep, 0),
                targets.target([rep], Metric.REVENUE, period),
                team_of,
                names.get(manager or ""),
                rep in managers,
                rep,
                manager if manager in names else None,
            )
        )
    return sorted(standings, key=lambda s: (-s.won_revenue, s.rep))
