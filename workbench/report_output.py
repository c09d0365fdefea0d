"""A report as `workbench report` prints it: JSON with stable keys, or text.

Figures the app shows as gauges are written out here; the formulas are in
workbench.domain.kpis and docs/command-line.md.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from workbench.domain.kpis import Gauge, Results
from workbench.domain.models import ActivityKind, Metric
from workbench.domain.money import format_money
from workbench.i18n import pad, tr
from workbench.store.report import Group, GroupBy, Report, Standing, grouped


def heading(metric: Metric) -> str:
    """A metric's name as a line starts with it ('Won deals', '赢单数')."""
    label = metric.label
    return label[:1].upper() + label[1:]


def who(report: Report) -> str:
    """The report's rep by name, or the team's ('everyone')."""
    return tr(report.who) if report.who == "everyone" else report.who


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _gauge_json(metric: Metric, gauge: Gauge) -> dict[str, Any]:
    target = gauge.target
    return {
        # revenue in minor units; counts split over a short period may be fractional
        "target": _whole(target)
        if metric == Metric.REVENUE or target is None
        else round(target, 2),
        "achieved": _whole(gauge.achieved),
        "weighted_open": _whole(gauge.weighted_open),
        "forecast": _whole(gauge.forecast),
        "gap": _whole(gauge.gap),
        "progress": _share(gauge.progress),
        "coverage": _share(gauge.coverage),
    }


def _kpis_json(results: Results, activities: dict[str, int], new: int) -> dict[str, Any]:
    return {
        "won_revenue": results.won_revenue,
        "won_revenue_other_currencies": dict(results.won_elsewhere),
        "won_count": results.won_count,
        "lost_count": results.lost_count,
        "win_rate": _share(results.win_rate),
        "average_won": _whole(results.average_won),
        "median_cycle_days": results.cycle_days,
        "new_customers": new,
        "activities": dict(sorted(activities.items())),
    }


def as_json(report: Report) -> dict[str, Any]:
    needed = report.needed
    return {
        "period": report.period.key,
        "previous_period": report.previous.key,
        "rep": report.who,
        "currency": report.currency,
        "pace": {
            "working_day": report.pace.working_day,
            "working_days": report.pace.working_days,
            "expected": _share(report.pace.expected),
            "days_left": report.days_left,
        },
        "targets": {g.metric.value: _gauge_json(g.metric, g.gauge) for g in report.gauges},
        "kpis": _kpis_json(report.results, report.activities, report.new_customers),
        "previous": _kpis_json(
            report.previous_results, report.previous_activities, report.previous_new_customers
        ),
        "stage_conversion": [
            {
                "stage": stage,
                "entered": entered,
                "advanced": advanced,
                "rate": _share(advanced / entered) if entered else None,
            }
            for stage, (entered, advanced) in report.conversion.items()
        ],
        "needed": None
        if needed is None
        else {
            "deals": needed.deals,
            "calls_per_day": _share(needed.calls_per_day),
            "visits_per_day": _share(needed.visits_per_day),
        },
        "trend": [
            {"month": month, "won_revenue": won, "target": _whole(target)}
            for month, won, target in report.trend
        ],
        "leaderboard": [
            {
                "rep": s.rep,
                "team": s.team,
                "manager": s.manager,
                "won_revenue": s.won_revenue,
                "target": _whole(s.target),
                "attainment": _share(s.attainment),
            }
            for s in report.leaderboard
        ],
        "leaderboard_by_team": _groups_json(report, GroupBy.TEAM),
        "leaderboard_by_manager": _groups_json(report, GroupBy.MANAGER),
    }


def _groups_json(report: Report, by: GroupBy) -> list[dict[str, Any]]:
    return [
        {
            "group": group.name,
            "won_revenue": group.won_revenue,
            "target": _whole(group.target),
            "attainment": _share(group.attainment),
            "reps": [s.rep for s in group.standings],
        }
        for group in grouped(report.leaderboard, by)
    ]


def percent(value: float | None) -> str:
    """A share as '67%', or '—' when there is nothing to divide by."""
    return "—" if value is None else f"{value:.0%}"


def amount(report: Report, metric: Metric, value: float | None) -> str:
    """Money in the report's currency, or a count (a target split into a
    short period may be fractional: 3.2 won deals a week)."""
    if value is None:
        return "—"
    if metric == Metric.REVENUE:
        return format_money(round(value), report.currency)
    return f"{value:.1f}" if value < 20 and value != round(value) else f"{round(value):,}"


def change(now: float | None, before: float | None, *, rate: bool = False) -> str:
    """'+12%' against the previous period ('+5 pts' for a rate), or '' when
    there is nothing to compare."""
    if now is None or before is None or (not before and not rate):
        return ""
    if rate:
        return tr("{change} pts", change=f"{(now - before) * 100:+.0f}")
    return f"{(now - before) / before:+.0%}"


def gauge_line(report: Report, metric: Metric, gauge: Gauge) -> str:
    text = tr(
        "{done} of {target}",
        done=amount(report, metric, gauge.achieved),
        target=amount(report, metric, gauge.target),
    )
    if gauge.target:
        text += f" ({percent(gauge.progress)})"
    return text


def headline(report: Report) -> str:
    return tr(
        "{who} · {period} · {pace} · {days} working days left",
        who=who(report),
        period=report.period.key,
        pace=report.pace.describe(),
        days=report.days_left,
    )


def outlook_lines(report: Report) -> list[str]:
    """Forecast, gap and coverage of the revenue target, and what closing it takes."""
    revenue = report.gauges[0].gauge
    money = partial(amount, report, Metric.REVENUE)
    lines = [
        tr(
            "Forecast  {forecast} (won + {weighted} weighted open)",
            forecast=money(revenue.forecast),
            weighted=money(revenue.weighted_open),
        ),
        tr(
            "Gap       {gap} · coverage {coverage}",
            gap=money(revenue.gap),
            coverage=percent(revenue.coverage),
        ),
    ]
    if report.needed:
        need = report.needed
        calls = f"{need.calls_per_day:.0f}" if need.calls_per_day is not None else "?"
        visits = f"{need.visits_per_day:.0f}" if need.visits_per_day is not None else "?"
        lines.append(
            tr(
                "Needed    ≈ {deals} more won deals: ≈ {calls} calls and {visits} "
                "visits per remaining working day",
                deals=need.deals,
                calls=calls,
                visits=visits,
            )
        )
    return lines


def kpi_lines(report: Report) -> list[str]:
    results, before = report.results, report.previous_results
    lines = [
        tr("KPIs {period} (vs {previous})", period=report.period.key, previous=report.previous.key)
    ]
    cycle = results.cycle_days
    for label, now, then, shown, rate in (
        (
            tr("Won revenue"),
            results.won_revenue,
            before.won_revenue,
            format_money(results.won_revenue, report.currency),
            False,
        ),
        (tr("Won deals"), results.won_count, before.won_count, f"{results.won_count}", False),
        (tr("Win rate"), results.win_rate, before.win_rate, percent(results.win_rate), True),
        (
            tr("Avg won deal"),
            results.average_won,
            before.average_won,
            amount(report, Metric.REVENUE, results.average_won),
            False,
        ),
        (
            tr("Median cycle"),
            cycle,
            before.cycle_days,
            tr("{days} days", days=f"{cycle:.0f}") if cycle is not None else "—",
            False,
        ),
        (
            tr("New customers"),
            report.new_customers,
            report.previous_new_customers,
            f"{report.new_customers}",
            False,
        ),
    ):
        lines.append(f"  {pad(label, 13)} {shown:>12}  {change(now, then, rate=rate)}")
    if results.won_elsewhere:  # never converted: shown as won, each in its own currency
        won = ", ".join(format_money(minor, code) for code, minor in results.won_elsewhere)
        lines.insert(2, "  " + tr("also won, in other currencies: {amounts}", amounts=won))
    for kind, count in sorted(report.activities.items()):
        label = tr("{kind}s", kind=ActivityKind(kind).label).capitalize()
        lines.append(
            f"  {pad(label, 13)} {count:>12}  {change(count, report.previous_activities.get(kind))}"
        )
    return lines


def conversion_lines(report: Report) -> list[str]:
    lines = [tr("Stage conversion (entered → went further)")]
    for stage, (entered, advanced) in report.conversion.items():
        rate = percent(advanced / entered if entered else None)
        went = tr("{advanced} of {entered}", advanced=f"{advanced:>4}", entered=f"{entered:<4}")
        lines.append(f"  {pad(tr(stage), 13)} {went} {rate:>5}")
    return lines


def leaderboard_lines(report: Report, by: GroupBy | None = None) -> list[str]:
    """Every rep's won revenue and its share of their target; `by` a team or
    a manager, each group's total first and its reps under it."""
    if by is None:
        lines = [tr("Leaderboard (won revenue, of target)")]
        return lines + [
            _standing_line(report, f"{rank}. ", standing.rep, standing)
            for rank, standing in enumerate(report.leaderboard, 1)
        ]
    lines = [tr("Leaderboard by {by} (won revenue, of target)", by=by.label)]
    for group in grouped(report.leaderboard, by):
        name = group.name or (tr("(no team)") if by == GroupBy.TEAM else tr("(no manager)"))
        lines.append(_standing_line(report, "", name, group))
        lines += [_standing_line(report, "  · ", s.rep, s) for s in group.standings]
    return lines


def _standing_line(report: Report, mark: str, name: str, standing: Standing | Group) -> str:
    return (
        f"  {mark}{pad(name, 21 - len(mark))} "
        f"{format_money(standing.won_revenue, report.currency):>13}  "
        f"{percent(standing.attainment):>5}"
    )


def text_lines(report: Report, by: GroupBy | None = None) -> list[str]:
    """The report as plain lines for a terminal; the leaderboard grouped `by`."""
    lines = [headline(report), ""]
    for item in report.gauges:
        lines.append(
            f"{pad(heading(item.metric), 14)} {gauge_line(report, item.metric, item.gauge)}"
        )
    lines += ["", *outlook_lines(report), "", *kpi_lines(report), "", *conversion_lines(report)]
    if len(report.leaderboard) > 1:
        lines += ["", *leaderboard_lines(report, by)]
    return lines
