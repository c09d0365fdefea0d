"""Follow-ups: a new one, and moving one (snooze, reschedule) to a day said
in plain words; the forms and their flows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from workbench.domain.agenda import Item
from workbench.domain.display import printable
from workbench.domain.models import Customer
from workbench.domain.when import When, WhenError
from workbench.i18n import tr
from workbench.store import actions
from workbench.store.database import Store
from workbench.tui.fields import WhenField
from workbench.tui.form import FormScreen
from workbench.tui.log_form import needs_customer

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class WhenScreen(FormScreen[When]):
    """Ask for one date in plain words (snooze, reschedule)."""

    def __init__(self, now: datetime, title: str, value: str = "") -> None:
        super().__init__()
        self.now = now
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(self.title_text), classes="form-title")
            yield WhenField(
                self.now,
                value=self.value,
                optional=False,
                id="when",
                placeholder=tr("e.g. tomorrow, next tue, in 3 days"),
            )
            yield Static(tr("enter or ctrl+s save · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        if when := _required(self.query_one("#when", WhenField)):
            self.submit(when)


@dataclass(frozen=True)
class FollowUpRequest:
    title: str
    when: When


class NewFollowUpScreen(FormScreen[FollowUpRequest]):
    def __init__(self, now: datetime, customer_name: str) -> None:
        super().__init__()
        self.now = now
        self.customer_name = customer_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            heading = tr("New follow-up — {name}", name=printable(self.customer_name))
            yield Label(Text(heading), classes="form-title")
            yield Input(
                compact=True, placeholder=tr("What to do (e.g. Send the revised quote)"), id="title"
            )
            yield Label(tr("When"), classes="field-label")
            yield WhenField(
                self.now,
                optional=False,
                id="when",
                placeholder=tr("e.g. tomorrow 10am, next tue, every month on the 1st"),
            )
            yield Static(tr("ctrl+s save · esc cancel · enter next field"), classes="form-hint")

    def action_save(self) -> None:
        title = self.query_one("#title", Input).value.strip() or tr("Follow up")
        if when := _required(self.query_one("#when", WhenField)):
            self.submit(FollowUpRequest(title, when))


def _required(field: WhenField) -> When | None:
    """The day a required field holds, or None once it has said why it
    cannot be read."""
    try:
        when = field.when()
    except WhenError as error:
        field.show_error(str(error))
        return None
    assert when is not None  # (the field is not optional)
    return when


def snooze(app: WorkbenchApp, item: Item) -> None:
    asked = tr("Snooze “{what}” until", what=item.what)
    screen = WhenScreen(app.store.clock.now(), asked, tr("tomorrow"))
    app.ask(screen, partial(_snooze, app.store, item))


def _snooze(store: Store, item: Item, when: When) -> str:
    assert item.follow_up_id  # (Today offers it on follow-ups only)
    actions.snooze(store, item.follow_up_id, when.day)
    return tr("Snoozed until {day}", day=when.describe(store.clock.today()))


def reschedule(app: WorkbenchApp, item: Item) -> None:
    screen = WhenScreen(app.store.clock.now(), tr("Move “{what}” to", what=item.what))
    app.ask(screen, partial(_reschedule, app.store, item))


def _reschedule(store: Store, item: Item, when: When) -> str:
    assert item.follow_up_id
    actions.reschedule(store, item.follow_up_id, when)
    return tr("Moved to {day}", day=when.describe(store.clock.today()))


def new_follow_up(app: WorkbenchApp, item: Item) -> None:
    """`n` on a Today row: one more for its customer (and deal)."""
    if item.customer_id is None:
        needs_customer(app, item.deal)
    else:
        _ask(app, item.customer_id, item.customer, item.deal_id)


def new_follow_up_for(app: WorkbenchApp, customer_id: str) -> None:
    customer = app.store.require(Customer, customer_id)
    _ask(app, customer.id, customer.name, None)


def _ask(app: WorkbenchApp, customer_id: str, name: str, deal_id: str | None) -> None:
    screen = NewFollowUpScreen(app.store.clock.now(), name)
    app.ask(screen, partial(_add, app.store, customer_id, deal_id))


def _add(store: Store, customer_id: str, deal_id: str | None, request: FollowUpRequest) -> str:
    actions.add_follow_up(store, customer_id, request.title, request.when, deal_id)
    return tr("Follow-up on {day}", day=request.when.describe(store.clock.today()))
