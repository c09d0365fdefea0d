"""Deals: a new one, an edit, and closing one as won or lost; the forms and
their flows (the board moves open deals without a form)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from workbench.domain.display import printable
from workbench.domain.models import Customer, Deal, Stage
from workbench.domain.money import amount_text, parse_amount
from workbench.domain.stages import LOST_REASONS, StageKind
from workbench.domain.when import WhenError
from workbench.i18n import tr
from workbench.store import actions, pipeline
from workbench.store.database import Store
from workbench.tui.fields import Choice, KeyPicker, WhenField
from workbench.tui.form import CUSTOMER_HINT, FormScreen, NameSuggester, name_finder

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


@dataclass(frozen=True)
class DealRequest:
    customer: str  # an id, or the name typed (a new deal, or one that had none: maybe "")
    title: str
    amount: int
    stage: str | None  # new deals only: moves go through < and >
    expected_close: date | None
    probability: int | None
    next_step: str | None


@dataclass(frozen=True)
class DealDraft:
    """What the form starts with."""

    customer_id: str | None = None
    customer_name: str = ""
    title: str = ""
    amount: int = 0
    stage: str | None = None
    expected_close: date | None = None
    probability: int | None = None
    next_step: str | None = None


class DealFormScreen(FormScreen[DealRequest]):
    """A new deal (customer, title, amount, stage, expected close) or an edit."""

    def __init__(
        self,
        now: datetime,
        currency: str,
        stages: list[Choice],
        draft: DealDraft,
        lookup: Callable[[str], list[str]],
        *,
        editing: bool = False,
    ) -> None:
        super().__init__()
        self.now = now
        self.currency = currency
        self.stages = stages
        self.draft = draft
        self.lookup = lookup
        self.editing = editing
        self.stage = draft.stage

    def compose(self) -> ComposeResult:
        draft = self.draft
        amount = amount_text(draft.amount, self.currency) if draft.amount else ""
        close = f"{draft.expected_close}" if draft.expected_close else ""
        with Vertical(classes="form"):
            title = tr("Edit deal") if self.editing else tr("New deal")
            if draft.customer_id:
                title += f" — {printable(draft.customer_name)}"
            yield Label(Text(title), classes="form-title")
            if not draft.customer_id:
                yield Input(
                    compact=True,
                    id="customer",
                    suggester=NameSuggester(self.lookup),
                    placeholder=CUSTOMER_HINT,
                )
            yield Input(draft.title, compact=True, id="title", placeholder=tr("What is being sold"))
            yield Input(
                amount,
                compact=True,
                id="amount",
                placeholder=tr("Amount ({currency})", currency=self.currency),
            )
            if not self.editing:
                yield Label(tr("Stage"), classes="field-label")
                picker = KeyPicker(self.stages, id="stage")
                picker.chosen = self.stage
                yield picker
            yield Label(tr("Expected close"), classes="field-label")
            yield WhenField(
                self.now,
                value=close,
                id="close",
                allow_past=True,
                empty=tr("no expected close"),
                placeholder=tr("e.g. end of month, dec 15, 2027-02-01"),
            )
            if self.editing:
                yield Input(
                    "" if draft.probability is None else str(draft.probability),
                    compact=True,
                    id="probability",
                    placeholder=tr("Probability % (empty: the stage's)"),
                )
                yield Input(
                    draft.next_step or "", compact=True, id="next_step", placeholder=tr("Next step")
                )
            yield Static("", id="deal-error", classes="error")
            yield Static(tr("enter next field · ctrl+s save · esc cancel"), classes="form-hint")

    def picked(self, picker: KeyPicker, value: str) -> None:
        self.stage = value
        super().picked(picker, value)

    def _fail(self, message: str) -> None:
        self.query_one("#deal-error", Static).update(Text(message))

    def action_save(self) -> None:
        value = {widget.id: widget.value.strip() for widget in self.query(Input) if widget.id}
        customer = self.draft.customer_id or value.get("customer", "")
        if not customer and not self.editing:  # (an edit may leave a deal without one so)
            return self._fail(tr("Name the customer."))
        if not value.get("title"):
            return self._fail(tr("Say what is being sold (the title)."))
        if not self.editing and self.stage is None:
            return self._fail(tr("Pick the stage (a digit)."))
        try:
            amount = parse_amount(value["amount"], self.currency) if value["amount"] else 0
            when = self.query_one("#close", WhenField).when()
            probability = int(value["probability"]) if value.get("probability") else None
        except (ValueError, WhenError) as error:
            return self._fail(str(error))
        if probability is not None and not 0 <= probability <= 100:
            return self._fail(tr("Probability is 0 to 100."))
        self.submit(
            DealRequest(
                customer,
                value["title"],
                amount,
                None if self.editing else self.stage,
                when.day if when else None,
                probability,
                value.get("next_step") or None,
            )
        )


@dataclass(frozen=True)
class CloseRequest:
    closed_on: date
    reason: str | None


class CloseDealScreen(FormScreen[CloseRequest]):
    """Moving a deal to Won or Lost: when it closed, and why (lost: a pick
    list, 1-6, or free text)."""

    def __init__(self, now: datetime, deal: str, won: bool) -> None:
        super().__init__()
        self.now = now
        self.deal = deal
        self.won = won

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            verb = tr("Won") if self.won else tr("Lost")
            yield Label(Text(f"{verb}: {printable(self.deal)}"), classes="form-title")
            yield Label(tr("Closed on"), classes="field-label")
            yield WhenField(
                self.now, value=tr("today"), optional=False, allow_past=True, id="closed"
            )
            yield Label(tr("Why"), classes="field-label")
            if not self.won:
                reasons = [tr(reason) for reason in LOST_REASONS]
                yield KeyPicker(
                    [Choice(str(n), reason, reason) for n, reason in enumerate(reasons, 1)],
                    id="reasons",
                )
            yield Input(compact=True, placeholder=tr("Reason (free text)"), id="reason")
            yield Static(tr("ctrl+s save · esc cancel · enter next field"), classes="form-hint")

    def picked(self, picker: KeyPicker, value: str) -> None:
        self.query_one("#reason", Input).value = value  # the reason picked, to add to
        self.go_to("reason")

    def action_save(self) -> None:
        field = self.query_one("#closed", WhenField)
        try:
            when = field.when()
        except WhenError as error:
            field.show_error(str(error))
            return
        assert when is not None
        if when.day > self.now.date():
            field.show_error(tr("a deal closes today or earlier"))
            return
        reason = self.query_one("#reason", Input).value.strip() or None
        self.submit(CloseRequest(when.day, reason))


def new_deal(app: WorkbenchApp, stage: str | None = None) -> None:
    """A new deal, in `stage` when the board's column was chosen."""
    _ask_new(app, DealDraft(stage=stage))


def new_deal_for(app: WorkbenchApp, customer_id: str) -> None:
    customer = app.store.require(Customer, customer_id)
    _ask_new(app, DealDraft(customer_id=customer.id, customer_name=customer.name))


def _ask_new(app: WorkbenchApp, draft: DealDraft) -> None:
    store = app.store
    open_stages = [st for st in store.stages() if st.kind == StageKind.OPEN]
    choices = [Choice(str(n), st.key, tr(st.label)) for n, st in enumerate(open_stages, 1)]
    currency = store.settings().currency
    screen = DealFormScreen(store.clock.now(), currency, choices, draft, name_finder(store))
    app.ask(screen, partial(_add, store))


def _add(store: Store, request: DealRequest) -> str:
    actions.new_deal(
        store,
        request.customer,
        request.title,
        amount=request.amount,
        stage=request.stage or "lead",
        expected_close=request.expected_close,
    )
    return tr("New deal: {title}", title=request.title)


def edit_deal(app: WorkbenchApp, deal_id: str) -> None:
    store = app.store
    deal = store.require(Deal, deal_id)
    customer = store.get(Customer, deal.customer_id) if deal.customer_id else None
    draft = DealDraft(
        deal.customer_id,
        customer.name if customer else "?",
        deal.title,
        deal.amount,
        deal.stage,
        deal.expected_close,
        deal.probability,
        deal.next_step,
    )
    screen = DealFormScreen(
        store.clock.now(), deal.currency, [], draft, name_finder(store), editing=True
    )
    app.ask(screen, partial(_edit, store, deal_id))


def _edit(store: Store, deal_id: str, request: DealRequest) -> str:
    actions.edit_deal(
        store,
        deal_id,
        request.customer,
        title=request.title,
        amount=request.amount,
        expected_close=request.expected_close,
        probability=request.probability,
        next_step=request.next_step,
    )
    return tr("Saved {name}", name=request.title)


def move_deal(app: WorkbenchApp, deal_id: str, title: str, stage: Stage) -> None:
    """To an open stage at once; to Won or Lost through the close form."""
    moved = tr("{deal} → {stage}", deal=title, stage=tr(stage.label))
    if stage.kind == StageKind.OPEN:
        app.write(partial(pipeline.move_deal, app.store, deal_id, stage.key), moved)
        return
    screen = CloseDealScreen(app.store.clock.now(), title, stage.kind == StageKind.WON)
    app.ask(screen, partial(_close, app.store, deal_id, stage.key, moved))


def close_deal(app: WorkbenchApp, deal_id: str, kind: StageKind) -> None:
    """W and L: Won or Lost from whatever stage the deal is in."""
    deal = app.store.require(Deal, deal_id)
    stage = next(stage for stage in app.store.stages() if stage.kind == kind)
    if deal.stage == stage.key:
        app.notify(tr("“{deal}” is {stage} already", deal=deal.title, stage=tr(stage.label)))
    else:
        move_deal(app, deal.id, deal.title, stage)


def _close(store: Store, deal_id: str, stage: str, moved: str, request: CloseRequest) -> str:
    pipeline.move_deal(store, deal_id, stage, closed_on=request.closed_on, reason=request.reason)
    return moved
