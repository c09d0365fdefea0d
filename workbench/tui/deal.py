"""One deal: its fields, how it moved through the stages, what happened on
it, and what is planned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from workbench.domain.display import deal_customer, printable
from workbench.domain.models import Customer, Deal
from workbench.domain.money import format_money
from workbench.domain.stages import StageKind
from workbench.i18n import later, tr
from workbench.store import queries
from workbench.store.database import Store
from workbench.tui import deal_form, log_form
from workbench.tui import trash as trash_view
from workbench.tui.activity import ActivityList
from workbench.tui.footer import Footer
from workbench.tui.pane import Pane


@dataclass(frozen=True)
class DealView:
    deal: Deal
    customer: Customer | None
    stage_labels: dict[str, str]
    history: list[queries.StageStep]
    activities: list[queries.TimelineEntry]
    follow_ups: list[tuple[date, str]]
    kind: StageKind  # its stage's: open, won or lost


def load_deal(store: Store, deal_id: str) -> DealView:
    with store.lock:
        deal = store.require(Deal, deal_id)
        stages = {stage.key: stage for stage in store.stages()}
        return DealView(
            deal,
            store.get(Customer, deal.customer_id) if deal.customer_id else None,
            {key: stage.label for key, stage in stages.items()},
            queries.deal_history(store, deal_id),
            queries.deal_activities(store, deal_id),
            queries.deal_follow_ups(store, deal_id),
            stages[deal.stage].kind if deal.stage in stages else StageKind.OPEN,
        )


def render_deal(view: DealView, store: Store) -> Text:
    deal, labels = view.deal, view.stage_labels
    local = store.clock.now().tzinfo
    text = Text(printable(deal.title), style="bold")
    customer = deal_customer(view.customer.name if view.customer else None, deal.customer_id)
    text.append(
        f"\n{printable(customer)} · {tr(labels.get(deal.stage, deal.stage))} · "
        f"{format_money(deal.amount, deal.currency, cents=True)}",
        style="",
    )
    if deal.customer_id is None:
        text.append(
            tr("\nPress e to name its customer: calls and follow-ups are a customer's."),
            style="italic",
        )
    chance = {StageKind.WON: "100%", StageKind.LOST: "0%"}.get(
        view.kind,
        f"{deal.probability}%" if deal.probability is not None else tr("stage default"),
    )
    facts = [
        (tr("Probability"), chance),
        (tr("Expected close"), str(deal.expected_close or "—")),
        (tr("Next step"), printable(deal.next_step or "—")),
    ]
    if deal.closed_on:
        why = printable(deal.reason or "—")
        facts += [(tr("Closed"), str(deal.closed_on)), (tr("Why"), why)]
    for name, value in facts:
        text.append(f"\n{name}: ", style="dim")
        text.append(value)
    text.append(tr("\n\nStage history"), style="bold")
    for step in view.history:
        came = tr(labels.get(step.from_stage or "", step.from_stage or later("created")))
        went = tr(labels.get(step.to_stage, step.to_stage))
        text.append(
            f"\n  {step.at.astimezone(local):%Y-%m-%d %H:%M}  {printable(came)} → "
            f"{printable(went)}"
            f"  ({printable(step.rep or '?')})"
        )
    text.append(tr("\n\nFollow-ups"), style="bold")
    for due, what in view.follow_ups:
        text.append(f"\n  {due}  {printable(what)}")
    if not view.follow_ups:
        text.append(tr("\n  none planned"))
    text.append(tr("\n\nActivity"), style="bold")
    return text


class DealScreen(Pane):
    BINDINGS = [
        Binding("escape", "app.pop_screen", tr("Back"), id="deal.back"),
        Binding("l", "log", tr("Log"), id="deal.log"),
        Binding("e", "edit", tr("Edit"), id="deal.edit"),
        Binding("W", "close('won')", tr("Won"), id="deal.won"),
        Binding("L", "close('lost')", tr("Lost"), id="deal.lost"),
        Binding("x", "delete", tr("Delete"), id="deal.delete"),
    ]

    def __init__(self, store: Store, deal_id: str) -> None:
        super().__init__()
        self.store = store
        self.deal_id = deal_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(tr("Loading…"), id="deal-card")
            yield ActivityList(id="deal-activities")
        yield Footer()

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        view = load_deal(self.store, self.deal_id)
        self.app.call_from_thread(self.show, view)

    def on_mount(self) -> None:
        self.query_one(ActivityList).focus()  # enter opens an activity

    def show(self, view: DealView) -> None:
        if view.deal.deleted:  # (here, or by a teammate whose delete came in)
            if self.is_current:
                self.app.pop_screen()
            return
        self.query_one("#deal-card", Static).update(render_deal(view, self.store))
        empty = tr("nothing logged on this deal yet")
        local = self.store.clock.now().tzinfo
        self.query_one(ActivityList).show(view.activities, local, empty=empty, deal=False)

    def action_log(self) -> None:
        log_form.log_on_deal(self.workbench, self.deal_id)

    def action_edit(self) -> None:
        deal_form.edit_deal(self.workbench, self.deal_id)

    def action_delete(self) -> None:
        trash_view.delete_deal(self.workbench, self.deal_id)

    def action_close(self, kind: str) -> None:
        deal_form.close_deal(self.workbench, self.deal_id, StageKind(kind))
