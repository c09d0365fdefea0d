"""Logging a call, visit, meeting, email, note or complaint, from anywhere,
and completing a follow-up with what happened: the quick-log form and its flows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from workbench.domain.agenda import Item
from workbench.domain.display import printable
from workbench.domain.models import (
    OUTCOMES_BY_KIND,
    ActivityKind,
    Customer,
    Deal,
    FollowUp,
    Outcome,
)
from workbench.domain.when import When, WhenError, describe_rrule, series_goes_on
from workbench.i18n import day_text, tr
from workbench.store import actions
from workbench.store.database import Store
from workbench.store.lookup import NoSuchCustomer
from workbench.tui.fields import Choice, KeyPicker, WhenField
from workbench.tui.form import CUSTOMER_HINT, FormScreen, NameSuggester, name_finder

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

KINDS = tuple(
    Choice(key, kind, kind.label)
    for key, kind in (
        ("c", ActivityKind.CALL),
        ("v", ActivityKind.VISIT),
        ("m", ActivityKind.MEETING),
        ("e", ActivityKind.EMAIL),
        ("n", ActivityKind.NOTE),
        ("!", ActivityKind.COMPLAINT),
    )
)
RATED = (ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.MEETING)  # may carry a score
SCORES = [Choice(str(n), str(n), "★" * n) for n in range(1, 6)]


def outcome_choices(kind: ActivityKind) -> list[Choice]:
    return [
        Choice(str(number), outcome.value, outcome.label)
        for number, outcome in enumerate(OUTCOMES_BY_KIND[kind], start=1)
    ]


@dataclass(frozen=True)
class LogRequest:
    customer: str  # the customer's id, or the name typed when none was given
    kind: ActivityKind
    outcome: Outcome | None
    note: str | None
    next_when: When | None
    repeat: bool  # completing a recurring follow-up: continue its rhythm
    satisfaction: int | None = None  # 1-5, what the customer said of us
    new_customer: bool = False  # no one goes by the name typed: add them
    done: bool = False  # the Today row's follow-up is done with it (ctrl+o)


class QuickLogScreen(FormScreen[LogRequest]):
    """Log a call or visit: one key for the kind, one for the outcome, a note,
    and the next follow-up in plain words. `l c 1 <note> ctrl+s` logs a call.
    Opened on a Today row's follow-up (`offer`: its title), ctrl+o marks that
    done with it too, so no second follow-up is left open beside the next."""

    BINDINGS = [Binding("ctrl+o", "toggle_done", tr("Done too"), id="log.done")]

    def __init__(
        self,
        now: datetime,
        *,
        customer_id: str | None = None,
        customer_name: str | None = None,
        heading: str | None = None,
        next_text: str = "",
        next_means: When | None = None,
        lookup: Callable[[str], list[str]] = lambda _: [],
        offer: str | None = None,
    ) -> None:
        super().__init__()
        self.now = now
        self.next_means = next_means  # the series' next, which next_text left as is keeps
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.heading = heading
        self.next_text = next_text  # a recurring follow-up's rhythm, prefilled
        self.lookup = lookup
        self.kind: ActivityKind | None = None
        self.outcome: Outcome | None = None
        self.unknown: str | None = None  # a name no customer has, which ctrl+s again adds
        self.offer = offer
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            title = self.heading or tr("Log")
            if self.customer_name:
                title += f" — {printable(self.customer_name)}"
            yield Label(Text(title), classes="form-title")
            if self.customer_id is None:
                yield Input(
                    compact=True,
                    placeholder=CUSTOMER_HINT,
                    suggester=NameSuggester(self.lookup),
                    id="customer",
                )
            yield Label(tr("Kind"), classes="field-label")
            yield KeyPicker(KINDS, id="kind")
            yield Label(tr("Outcome"), classes="field-label")
            yield KeyPicker([], id="outcome")
            yield Input(compact=True, placeholder=tr("Note: what happened"), id="note")
            yield Label(
                tr("Satisfaction (tab here, 1-5; optional)"),
                classes="field-label",
                id="satisfaction-label",
            )
            yield KeyPicker(SCORES, id="satisfaction")
            yield Label(tr("Next follow-up"), classes="field-label")
            yield WhenField(
                self.now,
                value=self.next_text,
                means=self.next_means,
                id="next",
                placeholder=tr("e.g. next tue, 3d, every 2 weeks, 明天 (empty: none)"),
            )
            if self.offer is not None:
                yield Static(self._offer_text(), id="done-offer")
            yield Static(tr("ctrl+s save · esc cancel · enter next field"), classes="form-hint")

    def _offer_text(self) -> Text:
        what = printable(self.offer or "")
        if self.done:
            return Text(tr("✓ “{what}” is done with this (ctrl+o: leave it open)", what=what))
        return Text(tr("ctrl+o: “{what}” is done with this too", what=what), style="dim")

    def action_toggle_done(self) -> None:
        if self.offer is not None:
            self.done = not self.done
            self.query_one("#done-offer", Static).update(self._offer_text())

    # Satisfaction is optional and off this path: tab from the note reaches it.
    ENTER_ORDER = ("customer", "kind", "outcome", "note", "next")

    def on_mount(self) -> None:
        self._show_satisfaction(False)

    def _show_satisfaction(self, shown: bool) -> None:
        for widget in self.query("#satisfaction, #satisfaction-label"):
            widget.display = shown

    def picked(self, picker: KeyPicker, value: str) -> None:
        if picker.id == "kind":
            self.kind = ActivityKind(value)
            self.outcome = None
            outcome = self.query_one("#outcome", KeyPicker)
            outcome.set_choices(outcome_choices(self.kind))
            self._show_satisfaction(self.kind in RATED)
            self.go_to(outcome if outcome.choices else "note")
        elif picker.id == "outcome":
            self.outcome = Outcome(value)
            self.go_to("note")
        else:  # a score: on to the next follow-up
            self.go_to("next")

    def enter(self, field: Widget) -> None:
        if field.id == "satisfaction":
            self.go_to("next")
        else:
            super().enter(field)

    def action_save(self) -> None:
        if self.kind is None:
            self.notify(
                tr("Pick the kind first: c call, v visit, m meeting, e email, n note, ! complaint"),
                severity="warning",
            )
            self.query_one("#kind").focus()
            return
        customer = self.customer_id or self.query_one("#customer", Input).value.strip()
        if not customer:
            self.notify(tr("Name the customer"), severity="warning")
            self.query_one("#customer").focus()
            return
        field = self.query_one("#next", WhenField)
        repeat = bool(self.next_text) and field.input.value.strip() == self.next_text
        try:
            when = None if repeat else field.when()
        except WhenError as error:
            field.show_error(str(error))
            field.input.focus()
            return
        note = self.query_one("#note", Input).value.strip() or None
        score = self.query_one("#satisfaction", KeyPicker).chosen if self.kind in RATED else None
        self.submit(
            LogRequest(
                customer,
                self.kind,
                self.outcome,
                note,
                when,
                repeat,
                int(score) if score else None,
                new_customer=customer == self.unknown,
                done=self.done,
            )
        )

    def failed(self, error: Exception) -> None:
        if isinstance(error, NoSuchCustomer) and self.customer_id is None:
            self.unknown = error.name
            self.problem(
                tr(
                    "No customer is called “{name}”: ctrl+s again adds them as a "
                    "new customer and logs this; or fix the name.",
                    name=error.name,
                )
            )
            self.query_one("#customer").focus()
            return
        super().failed(error)


def log(app: WorkbenchApp, item: Item | None = None) -> None:
    """`l`: on a Today row, for its customer and deal, offering to mark its
    follow-up done (not a recurring one: `d` keeps its rhythm); else for a
    customer typed."""
    if item is None:
        _ask(app, None, None, None)
    elif item.customer_id is None:
        needs_customer(app, item.deal)
    else:
        offered = item if item.follow_up_id and not item.recurrence else None
        _ask(app, item.customer_id, item.customer, item.deal_id, offered)


def log_for(app: WorkbenchApp, customer_id: str, deal_id: str | None = None) -> None:
    customer = app.store.require(Customer, customer_id)
    _ask(app, customer.id, customer.name, deal_id)


def log_on_deal(app: WorkbenchApp, deal_id: str, *, open_it: bool = False) -> None:
    """Log on a deal. One with no customer yet cannot take a call: it says
    so, and `open_it` (the palette) opens the deal, one key from naming it."""
    deal = app.store.require(Deal, deal_id)
    if deal.customer_id is not None:
        return log_for(app, deal.customer_id, deal.id)
    if open_it:
        app.open_deal(deal_id)
    needs_customer(app, deal.title)


def needs_customer(app: WorkbenchApp, deal: str | None) -> None:
    """Calls and follow-ups are a customer's: a deal without one names it first."""
    app.notify(
        tr(
            "“{deal}” has no customer yet: press e on it (pipeline or deal view) to name one",
            deal=deal or "?",
        ),
        severity="warning",
    )


def complete(app: WorkbenchApp, item: Item) -> None:
    """`d` on a follow-up: what happened, and the next one (a rhythm continues)."""
    assert item.follow_up_id  # (Today offers d on follow-ups only)
    done = app.store.require(FollowUp, item.follow_up_id)
    goes_on = None
    if done.recurrence:
        today = app.store.clock.today()
        goes_on = series_goes_on(done.recurrence, done.due_date, done.due_time, today)
    screen = QuickLogScreen(
        app.store.clock.now(),
        customer_id=item.customer_id,
        customer_name=item.customer,
        heading=tr("Done: {what}", what=item.what),
        # The rhythm, when the series goes on (its last one: nothing after it).
        next_text=describe_rrule(done.recurrence) if done.recurrence and goes_on else "",
        next_means=goes_on,
    )
    app.ask(screen, partial(_save_done, app.store, item.follow_up_id))


def _ask(
    app: WorkbenchApp,
    customer_id: str | None,
    name: str | None,
    deal_id: str | None,
    offered: Item | None = None,  # a follow-up ctrl+o marks done with the log
) -> None:
    screen = QuickLogScreen(
        app.store.clock.now(),
        customer_id=customer_id,
        customer_name=name,
        lookup=name_finder(app.store),
        offer=offered.what if offered else None,
    )
    done_with = offered.follow_up_id if offered else None
    app.ask(screen, partial(_save, app.store, deal_id=deal_id, done_with=done_with))


def _save(store: Store, request: LogRequest, deal_id: str | None, done_with: str | None) -> str:
    if request.done and done_with is not None:
        return _save_done(store, done_with, request)
    with store.transaction():
        customer = actions.customer_named(store, request.customer, add=request.new_customer)
        actions.log_activity(
            store,
            request.kind,
            customer,
            note=request.note,
            outcome=request.outcome,
            deal_id=deal_id,
            next_when=request.next_when,
            satisfaction=request.satisfaction,
        )
    return _logged(request)


def _save_done(store: Store, follow_up_id: str, request: LogRequest) -> str:
    actions.log_done(
        store,
        follow_up_id,
        request.kind,
        note=request.note,
        outcome=request.outcome,
        next_when=request.next_when,
        repeat=request.repeat,
        satisfaction=request.satisfaction,
    )
    return _logged(request)


def _logged(request: LogRequest) -> str:
    if request.next_when:
        return tr(
            "Logged {kind}; next {day}",
            kind=request.kind.label,
            day=day_text(request.next_when.day),
        )
    return tr("Logged {kind}", kind=request.kind.label)
