"""A report as `workbench report` prints it: JSON with stable keys, or text.

Figures the app shows as gauges are written out here; the formulas are in
workbench.domain.kpis and the README.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from workbench.domain.kpis import Gauge, Results
from workbench.domain.models import Metric
from workbench.domain.money import format_money
from workbench.store.report import Report

LABELS = {
    Metric.REVENUE: "Revenue",
    Metric.WON_DEALS: "Won deals",
    Metric.NEW_CUSTOMERS: "New customers",
    Metric.CALLS: "Calls",
    Metric.VISITS: "Visits",
}


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
                "won_revenue": s.won_revenue,
                "target": _whole(s.target),
                "attainment": _share(s.attainment),
            }
            for s in report.leaderboard
        ],
    }


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
        return f"{(now - before) * 100:+.0f} pts"
    return f"{(now - before) / before:+.0%}"


def gauge_line(report: Report, metric: Metric, gauge: Gauge) -> str:
    text = f"{amount(report, metric, gauge.achieved)} of {amount(report, metric, gauge.target)}"
    if gauge.target:
        text += f" ({percent(gauge.progress)})"
    return text


def headline(report: Report) -> str:
    return (f"{report.who} · {report.period.key} · {report.pace.describe()} "
            f"· {report.days_left} working days left")  # fmt: skip


def outlook_lines(report: Report) -> list[str]:
    """Forecast, gap and coverage of the revenue target, and what closing it takes."""
    revenue = report.gauges[0].gauge
    money = partial(amount, report, Metric.REVENUE)
    lines = [
        f"Forecast  {money(revenue.forecast)} (won + {money(revenue.weighted_open)} weighted open)",
        f"Gap       {money(revenue.gap)} · coverage {percent(revenue.coverage)}",
    ]
    if report.needed:
        need = report.needed
        calls = f"{need.calls_per_day:.0f}" if need.calls_per_day is not None else "?"
        visits = f"{need.visits_per_day:.0f}" if need.visits_per_day is not None else "?"
        lines.append(f"Needed    ≈ {need.deals} more won deals: ≈ {calls} calls and "
                     f"{visits} visits per remaining working day")  # fmt: skip
    return lines


def kpi_lines(report: Report) -> list[str]:
    results, before = report.results, report.previous_results
    lines = [f"KPIs {report.period.key} (vs {report.previous.key})"]
    for label, now, then, shown in (
        ("Won revenue", results.won_revenue, before.won_revenue,
         format_money(results.won_revenue, report.currency)),
        ("Won deals", results.won_count, before.won_count, f"{results.won_count}"),
        ("Win rate", results.win_rate, before.win_rate, percent(results.win_rate)),
        ("Avg won deal", results.average_won, before.average_won,
         amount(report, Metric.REVENUE, results.average_won)),
        ("Median cycle", results.cycle_days, before.cycle_days,
         f"{results.cycle_days:.0f} days" if results.cycle_days is not None else "—"),
        ("New customers", report.new_customers, report.previous_new_customers,
         f"{report.new_customers}"),
    ):  # fmt: skip
        lines.append(f"  {label:<13} {shown:>12}  {change(now, then, rate=label == 'Win rate')}")
    for kind, count in sorted(report.activities.items()):
        lines.append(f"  {kind.capitalize() + 's':<13} {count:>12}  "
                     f"{change(count, report.previous_activities.get(kind))}")  # fmt: skip
    return lines


def conversion_lines(report: Report) -> list[str]:
    lines = ["Stage conversion (entered → went further)"]
    for stage, (entered, advanced) in report.conversion.items():
        rate = percent(advanced / entered if entered else None)
        lines.append(f"  {stage:<13} {advanced:>4} of {entered:<4} {rate:>5}")
    return lines


def leaderboard_lines(report: Report) -> list[str]:
    lines = ["Leaderboard (won revenue, of target)"]
    for rank, standing in enumerate(report.leaderboard, 1):
        lines.append(f"  {rank}. {standing.rep:<18} "
                     f"{format_money(standing.won_revenue, report.currency):>13}  "
                     f"{percent(standing.attainment):>5}")  # fmt: skip
    return lines


def text_lines(report: Report) -> list[str]:
    """The report as plain lines for a terminal."""
    lines = [headline(report), ""]
    for item in report.gauges:
        lines.append(f"{LABELS[item.metric]:<14} {gauge_line(report, item.metric, item.gauge)}")
    lines += ["", *outlook_lines(report), "", *kpi_lines(report), "", *conversion_lines(report)]
    if len(report.leaderboard) > 1:
        lines += ["", *leaderboard_lines(report)]
    return lines
