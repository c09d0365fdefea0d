"""Pane 4, Targets: am I on track, and what does it take to close the gap?

A gauge per metric (revenue large, the others small) with the pace mark;
the forecast, gap and coverage; KPIs against the previous period; stage
conversion; won revenue by month against target; the team's leaderboard.
`[` `]` step through periods, `p` changes their length, `w` switches between
your figures and the team's. The report is built in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Header, Static

from workbench.domain.display import printable
from workbench.domain.kpis import Gauge
from workbench.domain.models import Metric
from workbench.domain.money import format_money
from workbench.domain.periods import Period, PeriodKind
from workbench.i18n import later, tr
from workbench.report_output import (
    amount,
    conversion_lines,
    heading,
    kpi_lines,
    leaderboard_lines,
    outlook_lines,
    percent,
    who,
)
from workbench.store import actions
from workbench.store.database import NotFound, Store
from workbench.store.report import GroupBy, Report, build_report
from workbench.tui.footer import Footer
from workbench.tui.pane import Pane
from workbench.tui.target_form import TargetFormScreen, TargetRequest

KINDS = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
THIS = {
    PeriodKind.WEEK: later("this week"),
    PeriodKind.MONTH: later("this month"),
    PeriodKind.QUARTER: later("this quarter"),
    PeriodKind.YEAR: later("this year"),
}


def bar(share: float | None, pace: float | None, width: int) -> Text:
    """A gauge bar `width` cells wide, filled to `share`, with '│' at the pace."""
    width = max(4, width)
    filled = round(min(1.0, share or 0.0) * width)
    mark = None if pace is None else min(width - 1, round(pace * width))
    text = Text()
    for cell in range(width):
        if cell == mark:
            text.append("│", style="bold yellow")
        else:
            text.append(
                "█" if cell < filled else "░",
                style="green" if (share or 0) >= (pace or 0) else "red",
            )
    return text


class GaugeView(Static):
    """One metric: what is done of the target, as a bar with the pace mark."""

    def __init__(self, *, large: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, classes="gauge large" if large else "gauge")
        self.shown: tuple[Report, Metric, Gauge] | None = None

    def show(self, report: Report, metric: Metric, gauge: Gauge) -> None:
        self.shown = report, metric, gauge
        self.update(self._drawn())

    def on_resize(self) -> None:
        if self.shown is not None:
            self.update(self._drawn())  # the bar spans the width

    def _drawn(self) -> Text:
        assert self.shown is not None
        report, metric, gauge = self.shown
        text = Text(f"{heading(metric)}  ", style="bold")
        text.append(
            f"{amount(report, metric, gauge.achieved)} / {amount(report, metric, gauge.target)}"
        )
        shown = f"  {percent(gauge.progress)}\n" if gauge.target else tr("  no target\n")
        text.append(shown, style="bold" if gauge.target else "dim")
        text.append_text(
            bar(
                gauge.progress,
                report.pace.expected if gauge.target else None,
                self.content_size.width or 20,
            )
        )
        return text


@dataclass(frozen=True)
class View:
    kind: PeriodKind = PeriodKind.MONTH
    offset: int = 0  # periods back (negative) or forward from the current one
    team: bool = False
    group: GroupBy | None = None  # the leaderboard's grouping

    def period(self, today: date) -> Period:
        period = Period.containing(self.kind, today)
        for _ in range(abs(self.offset)):
            day = period.end if self.offset > 0 else period.start - timedelta(days=1)
            period = Period.containing(self.kind, day)
        return period


def trend_lines(report: Report, width: int) -> Text:
    """Won revenue by month against each month's target, as bars."""
    text = Text(tr("Won revenue by month (│ target)"), style="bold")
    peak = max(
        [won for _, won, _ in report.trend] + [round(t or 0) for _, _, t in report.trend] + [1]
    )
    size = max(8, width - 28)
    for month, won, target in report.trend:
        text.append(f"\n  {month[5:]}  ")
        text.append_text(bar(won / peak, (target or 0) / peak if target else None, size))
        text.append(f" {format_money(won, report.currency):>12}", style="dim")
    return text


class TargetsScreen(Pane):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("left_square_bracket", "step(-1)", tr("Earlier"), id="targets.earlier"),
        Binding("right_square_bracket", "step(1)", tr("Later"), id="targets.later"),
        Binding("p", "kind", tr("Week/month/quarter/year"), id="targets.kind"),
        Binding("full_stop", "now", tr("This period"), id="targets.now"),
        Binding("w", "whose", tr("Me/team"), id="targets.whose"),
        Binding("t", "set_target", tr("Set target"), id="targets.set"),
        Binding(
            "g", "group", tr("Leaderboard by team/manager"), id="targets.group", show=False
        ),  # (the status line says it: the footer is full at 120 columns)
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = View()
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="targets"):
            yield Static(tr("Loading…"), id="targets-status")
            yield GaugeView(large=True, id="gauge-revenue")
            with Grid(id="small-gauges"):
                for metric in list(Metric)[1:]:
                    yield GaugeView(id=f"gauge-{metric.value}")
            yield Static(id="targets-outlook")
            with Horizontal(id="targets-columns"):
                yield Static(id="targets-kpis")
                yield Static(id="targets-conversion")
            with Horizontal(id="targets-columns-2"):
                yield Static(id="targets-trend")
                yield Static(id="targets-leaderboard")
        yield Footer()

    @work(thread=True, group="targets", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        store = self.workbench.store
        view = self.view
        with store.lock:
            period = view.period(store.clock.today())
            report = build_report(store, None if view.team else store.me, period)
        self.app.call_from_thread(self.show, view, report)

    def show(self, view: View, report: Report) -> None:
        if view != self.view:
            return  # stepped on meanwhile: a newer report is coming
        self.report = report
        kind = "" if view.offset else tr(THIS[view.kind]) + " · "
        status = Text(
            printable(
                tr(
                    "{who} · {period} · {pace} · {days} days left",
                    who=who(report),
                    period=f"{kind}{report.period.key}",
                    pace=report.pace.describe(),
                    days=report.days_left,
                )
            ),
            style="bold",
        )
        status.append(
            tr(
                "\n[ ] earlier/later · p week/month/quarter/year · w me/team · "
                "g leaderboard by team/manager"
            ),
            style="dim",
        )
        self.query_one("#targets-status", Static).update(status)
        for item in report.gauges:
            self.query_one(f"#gauge-{item.metric.value}", GaugeView).show(
                report, item.metric, item.gauge
            )
        self.query_one("#targets-outlook", Static).update(Text("\n".join(outlook_lines(report))))
        sections = {
            "#targets-kpis": kpi_lines(report),
            "#targets-conversion": conversion_lines(report),
            "#targets-leaderboard": leaderboard_lines(report, view.group),
        }
        for selector, lines in sections.items():
            text = Text(printable(lines[0]), style="bold")
            text.append("".join("\n" + printable(line) for line in lines[1:]))
            self.query_one(selector, Static).update(text)
        trend = self.query_one("#targets-trend", Static)
        trend.update(trend_lines(report, trend.content_size.width or 60))

    def _change(self, **changes: object) -> None:
        self.view = replace(self.view, **changes)  # type: ignore[arg-type]
        self.reload()

    def action_step(self, step: int) -> None:
        self._change(offset=self.view.offset + step)

    def action_kind(self) -> None:
        self._change(kind=KINDS[(KINDS.index(self.view.kind) + 1) % len(KINDS)], offset=0)

    def action_now(self) -> None:
        self._change(offset=0)

    def action_whose(self) -> None:
        self._change(team=not self.view.team)

    def action_group(self) -> None:
        """The leaderboard as it is, by team, by manager, and back."""
        order = [None, GroupBy.TEAM, GroupBy.MANAGER]
        self.view = replace(self.view, group=order[(order.index(self.view.group) + 1) % 3])
        if self.report is not None:
            self.show(self.view, self.report)  # the same figures, grouped: nothing to read

    def action_set_target(self) -> None:
        if self.report is not None:
            store = self.workbench.store
            form = TargetFormScreen(
                store.clock.today(), self.report.period.key, store.settings().currency
            )
            self.workbench.ask(form, partial(_set_target, store))

    def on_resize(self) -> None:
        if self.report is not None:
            self.show(self.view, self.report)


def _set_target(store: Store, request: TargetRequest) -> str:
    if store.me is None:
        raise NotFound(tr('no rep set yet: run `workbench me "Your Name"`'))
    actions.set_target(store, store.me, request.metric, request.period, request.amount)
    return tr(
        "Target set: {metric} for {period}", metric=request.metric.label, period=request.period
    )
